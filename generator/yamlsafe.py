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


def _lines_of_keys(node: yaml.Node | None, prefix: str, out: dict[str, int], offset: int) -> None:
    """Record the line of every mapping key, nested ones as ``outer.inner``."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            name = prefix + str(key_node.value)
            out.setdefault(name, key_node.start_mark.line + 1 + offset)
            _lines_of_keys(value_node, name + ".", out, offset)


def describe_yaml_error(exc: yaml.YAMLError, text: str, line_offset: int = 0) -> tuple[int, str]:
    """Turn a PyYAML exception into (0-based line, short message)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line if mark is not None else 0
    lines = text.splitlines()
    if line < len(lines):
        source_line = lines[line]
        indent = source_line[: len(source_line) - len(source_line.lstrip())]
        if "\t" in indent:
            return line, "tab character used for indentation (indent with spaces)"
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    start = getattr(exc, "context_mark", None)
    if context and start is not None and start.line != line:
        # The mistake is usually where the construct began ("name: [Bob" on the line before).
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
        _lines_of_keys(node, "", doc.key_lines, line_offset)
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
