"""Split a Markdown file into YAML front matter and body, with exact lines for every problem.

The checks run in the order a writer would fix them: bytes (NUL, UTF-8, control characters),
then the ``---`` fences, then the YAML itself. Everything is normalised first (BOM dropped, CRLF and CR to LF)
so that a file saved on Windows builds byte-identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.content.characters import first_control
from generator.yamlsafe import load_yaml, type_name

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a post over 2 MiB is a mistake, not an article
FENCE = "---"


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # file line where the body starts
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def decode(raw: bytes) -> tuple[str | None, list[tuple[int, str]]]:
    """Bytes to normalised text, or the line and reason why not."""
    if len(raw) > MAX_SOURCE_BYTES:
        limit = MAX_SOURCE_BYTES // (1024 * 1024)
        return None, [(1, f"post larger than the maximum of {limit} MiB: split it up")]
    if b"\0" in raw:
        return None, [(raw.count(b"\n", 0, raw.index(b"\0")) + 1, "NUL byte in content")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        return None, [
            (line, f"not valid UTF-8 (byte 0x{byte:02X} at column {column}): save as UTF-8")
        ]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    control = first_control(text)
    if control is not None:
        return None, [control]
    return text, []


def parse(raw: bytes) -> FrontMatter:
    """Parse a post or page file. On problems, ``problems`` is filled and ``data`` may be empty."""
    result = FrontMatter()
    text, result.problems = decode(raw)
    if text is None:
        return result
    if not text.strip():
        result.problems.append((1, "empty file: add front matter between '---' lines"))
        return result
    lines = text.split("\n")
    first = lines[0].rstrip()
    if first == "+++":
        result.problems.append((1, "unsupported front matter delimiter '+++' (use ---)"))
        return result
    if first != FENCE:
        later = next((i for i, line in enumerate(lines) if line.rstrip() == FENCE), None)
        if later is not None and not any(line.strip() for line in lines[:later]):
            message = "front matter must start on line 1: remove the blank lines above '---'"
            result.problems.append((later + 1, message))
        else:
            result.problems.append((1, "no front matter: expected '---' on line 1"))
        return result
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if end is None:
        result.problems.append((1, "front matter opened on line 1 is never closed: add '---'"))
        return result
    doc = load_yaml("\n".join(lines[1:end]), line_offset=1)
    result.problems.extend(doc.problems)
    result.key_lines = doc.key_lines
    result.body = "\n".join(lines[end + 1 :])
    result.body_line = end + 2
    if doc.data is None and not doc.problems:
        result.problems.append((2, "front matter is empty: add at least 'title'"))
    elif doc.data is not None and not isinstance(doc.data, dict):
        message = f"front matter must be a mapping, got a {type_name(doc.data)}"
        result.problems.append((2, message))
    elif isinstance(doc.data, dict):
        result.data = {str(k): v for k, v in doc.data.items()}
    return result
