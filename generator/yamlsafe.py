"""Safe YAML loading that keeps line numbers and reports every problem with its line.

PyYAML's safe loader either raises on the first problem or, for dates, raises a bare
ValueError without a position. Here every problem becomes ``(line, message)`` and loading goes
on, so a file with two bad tags gets two messages. Only the standard YAML tags are constructed:
anything like ``!!python/object`` is reported, never built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.content.characters import CONTROL, control_message

try:  # the C parser is about five times faster; construction stays in (safe) Python
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class Invalid:
    """Stands in for a value whose construction failed (already reported)."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = Invalid()


class _Loader(_BaseLoader):
    problems: list[tuple[int, str]]


def _construct_undefined(loader: Any, suffix: str, node: yaml.Node) -> Invalid:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    loader.problems.append((node.start_mark.line + 1, f"unsupported YAML tag {tag}"))
    return INVALID


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        loader.problems.append((node.start_mark.line + 1, f"invalid date {node.value}: {exc}"))
        return INVALID


_Loader.add_multi_constructor("", _construct_undefined)
_Loader.add_constructor(None, lambda loader, node: _construct_undefined(loader, "", node))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class YamlDocument:
    """A loaded YAML document: its data, the line of each top-level key, problems found."""

    data: Any = None
    key_lines: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, key: str, default: int = 1) -> int:
        return self.key_lines.get(key, default)


def _lines_of_keys(
    node: yaml.Node | None,
    prefix: str,
    out: dict[str, int],
    offset: int,
    problems: list[tuple[int, str]],
) -> None:
    """Record the line of every mapping key, nested ones as ``outer.inner``; a key given twice
    in one mapping is a problem (YAML would keep the last value without a word)."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            line = key_node.start_mark.line + 1 + offset
            key = str(key_node.value)
            if key in seen and key != "<<":
                message = f"'{key}' given twice (first on line {seen[key]}): remove one of them"
                problems.append((line, message))
            seen.setdefault(key, line)
            out.setdefault(prefix + key, line)
            _lines_of_keys(value_node, prefix + key + ".", out, offset, problems)


def _control_characters(node: yaml.Node | None, offset: int, out: list[tuple[int, str]]) -> None:
    """Control characters written as escapes ("\\v" in a quoted string) end up in values too;
    raw ones the reader refuses. Each scalar holding one is a problem on its line."""
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            found = CONTROL.search(current.value)
            if found:
                out.append((current.start_mark.line + 1 + offset, control_message(found.group())))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            pending.extend(part for pair in current.value for part in pair)


# Constructs whose start is where the writer must look: an unclosed quote or bracket makes the
# parser give up lines later (at the end of the front matter), far from the mistake.
_OPENED = {
    "while scanning a quoted scalar": "the quote {char} opened here is never closed: "
    "add the closing {char}",
    "while parsing a flow sequence": "the list opened with '[' here is not closed: add ']'",
    "while parsing a flow mapping": "the mapping opened with '{{' here is not closed: add '}}'",
    "while scanning a simple key": "this line has no ':' after its key: write 'key: value'",
}


def describe_yaml_error(exc: yaml.YAMLError, text: str, line_offset: int = 0) -> tuple[int, str]:
    """Turn a PyYAML exception into (0-based line, short message)."""
    lines = text.splitlines()
    if isinstance(exc, yaml.reader.ReaderError):  # a raw control character
        line = text.count("\n", 0, exc.position)
        return line, control_message(chr(exc.character))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line if mark is not None else 0
    if line < len(lines):
        source_line = lines[line]
        indent = source_line[: len(source_line) - len(source_line.lstrip())]
        if "\t" in indent:
            return line, "tab character used for indentation (indent with spaces)"
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    start = getattr(exc, "context_mark", None)
    if context in _OPENED and start is not None and start.line != line:
        source = lines[start.line] if start.line < len(lines) else ""
        opened = _OPENED[context].format(char=source[start.column : start.column + 1])
        stopped = f"the parser stopped on line {line + 1 + line_offset}: {problem}"
        return start.line, f"invalid YAML: {opened} ({stopped})"
    if context and start is not None and start.line != line:
        began = start.line + 1 + line_offset
        return line, f"invalid YAML: {problem} ({context} that starts on line {began})"
    return line, f"invalid YAML: {context}, {problem}" if context else f"invalid YAML: {problem}"


def load_yaml(text: str, line_offset: int = 0) -> YamlDocument:
    """Load one YAML document; ``line_offset`` is added to every reported line.

    Lines are 1-based lines of the surrounding file (front matter starts on line 2).
    """
    doc = YamlDocument()
    loader = _Loader(text)
    loader.problems = []
    try:
        node = loader.get_single_node()
        _lines_of_keys(node, "", doc.key_lines, line_offset, doc.problems)
        _control_characters(node, line_offset, doc.problems)
        doc.data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        line, message = describe_yaml_error(exc, text, line_offset)
        doc.problems.append((line + 1 + line_offset, message))
    finally:
        loader.dispose()
    doc.problems.extend((line + line_offset, message) for line, message in loader.problems)
    return doc


def type_name(value: Any) -> str:
    """A reader's name for a YAML value's type, for messages like 'got list'."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dt.datetime | dt.date):
        return "date"
    return {dict: "mapping", list: "list", int: "int", float: "number", str: "string"}.get(
        type(value), type(value).__name__ if value is not None else "nothing"
    )
