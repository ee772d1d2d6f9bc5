"""What a reader can see of a name: spaces of every kind become one space, and a name of
nothing but invisible characters is no name."""

from __future__ import annotations

import re
import unicodedata

# TAB and Unicode's Zs category (no-break, en, em, thin, narrow no-break, ideographic spaces...).
_SPACE_RUNS = re.compile("[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, unchanged since
# Unicode 9): characters that fonts draw as nothing. Among them zero-width spaces and joiners,
# the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), variation selectors and tag characters.
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Not default-ignorable, yet drawn blank: the braille pattern with no dots.
_BLANK = frozenset("\u2800")


def collapse_spaces(text: str) -> str:
    """Every run of tabs and spaces of any kind as one ordinary space."""
    return _SPACE_RUNS.sub(" ", text)


def is_invisible(char: str) -> bool:
    if char in _BLANK or unicodedata.category(char) in ("Zs", "Cc", "Cf"):
        return True
    code = ord(char)
    return any(first <= code <= last for first, last in _IGNORABLE)


def has_visible(text: str) -> bool:
    return not all(is_invisible(char) for char in text)
