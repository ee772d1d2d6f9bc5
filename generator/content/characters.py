"""Characters that text from content/ must not (control characters) or should rarely (bidi
controls) hold, found with their line and column so the writer can delete them.

Control characters (C0 but tab and line breaks, DEL, C1) cannot be written into XML: one in a
title passed every check and then broke every feed with an error naming no post. Word writes
U+000B for Shift+Enter, so they do arrive by copy and paste. Bidi controls (U+202E and kin) are
legitimate in right-to-left text, but unbalanced they reverse whatever follows them on the
page; the templates isolate the fields that may hold them, and the build warns.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def control_message(char: str, column: int | None = None) -> str:
    where = f" at column {column}" if column is not None else ""
    hint = " (Word writes it for Shift+Enter)" if char == "\x0b" else ""
    return (
        f"control character U+{ord(char):04X}{where}{hint}: delete it, feeds and pages "
        "cannot hold it"
    )


def first_control(text: str) -> tuple[int, str] | None:
    """(line, message) of the first control character in ``text``, if any."""
    found = CONTROL.search(text)
    if found is None:
        return None
    line, column = _position(text, found.start())
    return line, control_message(found.group(), column)


def bidi_message(field: str, text: str) -> str | None:
    """The warning for a field holding bidi controls, or None."""
    found = sorted({f"U+{ord(c):04X}" for c in BIDI.findall(text)})
    if not found:
        return None
    return (
        f"'{field}' holds invisible bidi control characters ({', '.join(found)}): they can "
        "reverse the text around them; pages isolate them, but delete them unless the "
        "right-to-left text needs them"
    )
