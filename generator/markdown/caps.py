"""Caps that keep the comment renderer's work linear in its input, with output that still reads.

Two things made a 64 KiB comment cost seconds or lose its text (shared/payloads/
pathological_markdown.txt):

- Nesting of blocks. ``"- " * 32768 + "a"`` opens 32,768 nested lists on one line; markdown-it
  stops at ``maxNesting`` and drops everything deeper, the "a" included. Before markdown-it
  sees the text, a line keeps at most ``MAX_CONTAINERS`` leading list or quote markers: the
  text stays, at that depth.
  Nesting built by indentation instead (each level indented further, so its text grows with
  the square of the depth) is found after parsing: a comment that reached ``maxNesting`` is
  shown as plain paragraphs, every word of it kept.
- Brackets. For every ``[`` markdown-it scans ahead for the label's ``]``, and each ``[`` met
  on the way starts a nested scan, ``maxNesting`` (20) deep: about 21 steps per character of
  ``"[" * 65536``. A ``[`` met more than ``LINK_DEPTH`` scans deep ends the scan the way
  markdown-it ends one at ``maxNesting`` (the label runs to the end of the paragraph, so it is
  no link): 4 steps per character. Only a link whose text holds brackets nested more than
  ``LINK_DEPTH`` deep stays text, as it would at ``maxNesting``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

MAX_CONTAINERS = 8  # list and quote markers at the start of one line
LINK_DEPTH = 3  # brackets nested inside a link's text

# One container marker with the spaces before it. A list marker needs a space (or the line's
# end) after it, but does not take it: the spaces belong to the next marker, so the pattern
# never has two ways to match and scanning a long run stays linear.
_MARKER = re.compile(r"[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")


def _capped_line(line: str) -> str:
    pos, count = 0, 0
    while (found := _MARKER.match(line, pos)) is not None:
        count += 1
        if count == MAX_CONTAINERS:
            kept = found.end()
        pos = found.end()
    if count <= MAX_CONTAINERS:
        return line
    return line[:kept] + line[pos:]


def _fence(line: str) -> str | None:
    """The fence a line opens (its run of backticks or tildes), or None."""
    found = _FENCE.match(line)
    if found is None or (found.group(1)[0] == "`" and "`" in line[found.end() :]):
        return None
    return found.group(1)


def _closes(line: str, fence: str) -> bool:
    found = _FENCE.match(line)
    return (
        found is not None
        and found.group(1)[0] == fence[0]
        and len(found.group(1)) >= len(fence)
        and not line[found.end() :].strip()
    )


def cap_containers(body: str) -> str:
    """``body`` with at most MAX_CONTAINERS leading list or quote markers on each line;
    fenced code stays as it is."""
    lines = body.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            fence = None if _closes(line, fence) else fence
        elif (fence := _fence(line)) is None:
            lines[index] = _capped_line(line)
    return "\n".join(lines)


def cap_link_depth(md: MarkdownIt) -> None:
    """Make ``md``'s link rule end a label scan LINK_DEPTH brackets deep (see above)."""
    from markdown_it.rules_inline.link import link

    def capped_link(state: StateInline, silent: bool) -> bool:
        if silent and state.level > LINK_DEPTH and state.src[state.pos] == "[":
            state.pos = state.posMax  # as markdown-it's skipToken does at maxNesting
            return True
        return link(state, silent)

    md.inline.ruler.at("link", capped_link)


def too_deep(tokens: Sequence[Token], max_nesting: int) -> bool:
    """Whether parsing reached ``max_nesting``, where markdown-it drops the rest of a block."""
    return any(token.level >= max_nesting - 1 for token in tokens)


def plain_paragraphs(body: str) -> str:
    """``body`` as escaped text: a paragraph per blank-line-separated block, line breaks kept."""
    blocks = (block.strip("\n") for block in re.split(r"\n[ \t]*\n", body))
    return "".join(
        f"<p>{escape(block).replace(chr(10), '<br>' + chr(10))}</p>\n" for block in blocks if block
    )
