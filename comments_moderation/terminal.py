"""What the moderation CLI prints. Comment data comes from strangers: no control character,
line separator or bidi override of theirs reaches the terminal raw (an ESC sequence could clear
the screen, fake an "Approved" line or hide a link); each is shown as a visible escape."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

# C0 and C1 controls, DEL, line/paragraph separators, bidi controls, BOM and zero-width space;
# lone surrogates too (they can't be printed at all).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
_UNSAFE_KEEP_LINES = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f"))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object, keep_lines: bool = False) -> str:
    """One line of user data, made harmless for a terminal (newlines kept if asked)."""
    pattern = _UNSAFE_KEEP_LINES if keep_lines else _UNSAFE
    return pattern.sub(_escape, str(text))


def dumps(data: Any) -> str:
    """JSON whose strings can't carry raw control or bidi characters either: they are written
    as \\u escapes, which every JSON reader decodes back to the original."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # json.dumps already escapes C0 inside strings; the newlines left are its own indentation.
    return _UNSAFE_KEEP_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def age(since: dt.datetime, now: dt.datetime) -> str:
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400 * 2:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def first_line(body: str, width: int = 50) -> str:
    line = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def table(rows: Sequence[Sequence[str]], stream: TextIO | None = None) -> None:
    """Columns padded to their widest cell; cells must already be safe()."""
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip(), file=stream or sys.stdout)
