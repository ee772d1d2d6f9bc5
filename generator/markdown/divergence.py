"""Where markdown-it-pyrs and markdown-it-py are known to render a post body differently, so
that the fast path (markdown/fast.py) hands the body to the reference instead.

Each test names its reason; tests/test_markdown_fast.py counts them over the CommonMark spec,
the plugins' fixtures, the test sites, the hostile payloads and generated documents, and holds
every body that passes them byte-identical to the reference. The tests err on the side of
falling back: a fallback costs only time.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from generator.markdown.embeds import may_embed
from generator.markdown.markup import link_check
from generator.markdown.reference import BAD_LINK, POST_SCHEMES

_link_ok = link_check(POST_SCHEMES, relative=True)
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//([^/?#]*)", re.I)

# Line patterns run on "\n" + body and start with that literal "\n": Python's re then skips
# ahead to each line start, where a "^" in MULTILINE mode tries every position (10x slower).
_LINE_PREFIX = r"[ \t>*+\-.)0-9]*"  # indentation, quote and list markers
_REFERENCE = re.compile(rf"\n{_LINE_PREFIX}\[(?!\^)[^\]\n]*\]:")  # link reference definition
_FOOTNOTE = re.compile(rf"\n({_LINE_PREFIX})\[\^[^\]\n]*\]:([^\n]*)")  # and what follows
_QUOTED_LINE = re.compile(r"\n([ \t]*>[^\n]*)(?=\n([^\n]*))")  # and the line after it
_QUOTE_MARKERS = re.compile(r"(?:[ \t]*>)*")
_QUOTE_TAB = re.compile(r"\n *(?:> *)+\t")
_BACKTICKS = re.compile(r"``*")  # not "`+": re finds a literal first character much faster
_BLANK_CODE_SPAN = re.compile(r"`[ \n]{2,}`")  # the middle of any code span of 2+ spaces
# The Rust parser recurses per nested block and overflows the stack (a crash, not an error)
# near 16,000 levels. Every level needs at least a quarter of a character of a line's
# indentation and markers (a tab stands for up to 4 columns), so lines whose leading run is
# shorter than this cannot nest deeper than 4,000.
_DEEP_LINE = re.compile(r"\n[ \t>*+\-.)0-9]{1000}")
MAX_DEPTH = 12  # quotes and lists in each other; markdown-it-py stops at 20 (maxNesting)


def source_reason(body: str) -> str | None:
    """A reason the body cannot take the fast path, from its text alone: cheap tests first,
    each pattern only where a substring test says it could match."""
    text = "\n" + body
    if len(body) >= 1000 and _DEEP_LINE.search(text):
        return "deep nesting"  # before the Rust parser sees it
    if may_embed(body):
        return "two-click embed"  # the reference's embeds plugin (markdown/embeds.py)
    if "<!" in body or "<?" in body:
        return "raw HTML"  # comments and declarations: the two engines' specs differ
    if "](" in body and BAD_LINK.search(body):
        return "unsafe link scheme"  # the reference warns about it, even inside code
    if "[ ]" in body or "[x]" in body or "[X]" in body:
        return "task list"
    if body.count("[") >= MAX_DEPTH and _bracket_depth(body) >= MAX_DEPTH:
        return "deep nesting"  # links in links: markdown-it-py's maxNesting
    if "`" in body:
        if _unpaired_backticks(body):  # the engines pair code spans differently then, and
            return "unpaired backticks"  # the port panics on '[' before an unclosed one
        if _BLANK_CODE_SPAN.search(body):
            return "code span of spaces"  # the port trims it
    if not body.isascii() and _delimiter_beside_symbol(body):
        return "emphasis beside a Unicode symbol"  # CommonMark 0.31's punctuation, not the port's
    if "]:" in body:
        if _title_across_lines(text):
            return "link reference title across lines"
        if "[^" in body:
            reason = _footnote_reason(text)
            if reason:
                return reason
    if ">" in body:
        if _lazy_quote_line(text):
            return "lazy quote line"
        if "\t" in body and _QUOTE_TAB.search(text):
            return "tab after a quote marker"
    return None


@lru_cache(maxsize=4096)
def _symbol(char: str) -> bool:
    return char > "\x7f" and unicodedata.category(char)[0] == "S"


def _delimiter_beside_symbol(body: str) -> bool:
    """An emphasis or strikethrough delimiter next to a non-ASCII symbol ('*£*bravo')."""
    for delimiter in "*_~":
        at = body.find(delimiter)
        while at >= 0:
            if (at and _symbol(body[at - 1])) or _symbol(body[at + 1 : at + 2] or "a"):
                return True
            at = body.find(delimiter, at + 1)
    return False


def _bracket_depth(body: str) -> int:
    """How many '[' are open at most at once."""
    depth = deepest = 0
    for between in body.split("]"):
        depth += between.count("[")
        deepest = max(deepest, depth)
        depth = max(depth - 1, 0)
    return deepest


def _unpaired_backticks(body: str) -> bool:
    """Whether some length of backtick run occurs an odd number of times (so one is open)."""
    runs = collections.Counter(map(len, _BACKTICKS.findall(body)))
    return any(count % 2 for count in runs.values())


def _title_across_lines(text: str) -> bool:
    """Whether a link reference definition may have a title on another line than its start,
    or spanning lines: its next line opens a title, or one of its first 3 lines (to the next
    blank one) has an unbalanced quote or parenthesis."""
    for match in _REFERENCE.finditer(text):
        lines = text[match.start() + 1 :].split("\n", 3)[:3]
        if len(lines) > 1 and lines[1].lstrip(" \t>").startswith(('"', "'", "(")):
            return True
        for line in lines:
            if not line.strip(" \t>"):
                break
            if line.count('"') % 2 or line.count("'") % 2 or line.count("(") != line.count(")"):
                return True
    return False


def _footnote_reason(text: str) -> str | None:
    """Footnote definitions the engines read differently: indented or inside a list or quote,
    text indented by 4 or more (or starting on a later line), or right after a line of text."""
    for match in _FOOTNOTE.finditer(text):
        prefix, rest = match.groups()
        if prefix or not rest.strip(" \t") or rest.startswith("    ") or "\t" in rest[:5]:
            return "footnote indented"
        start = match.start()
        before = text[text.rfind("\n", 0, start) + 1 : start]
        if before.strip() and not _FOOTNOTE.match("\n" + before):  # unless after another
            return "footnote definition right after text"
    return None


def _quote_depth(line: str) -> tuple[int, str]:
    markers = _QUOTE_MARKERS.match(line).group(0)  # type: ignore[union-attr]  # matches ""
    return markers.count(">"), line[len(markers) :]


def _lazy_quote_line(text: str) -> bool:
    """Whether a line goes on a quote's paragraph with fewer '>' than the line before it."""
    for match in _QUOTED_LINE.finditer(text):
        depth, _ = _quote_depth(match.group(1))
        following, rest = _quote_depth(match.group(2))
        if following < depth and rest.strip(" \t"):
            return True
    return False


# ---------------------------------------------------------------- checks on the parsed tree

# Blocks a fence in a list item may follow without being glued to the item's text.
BLOCKS = {
    "heading",
    "lheading",
    "fence",
    "code_block",
    "blockquote",
    "bullet_list",
    "ordered_list",
    "hr",
    "table",
    "html_block",
    "definition",
    "footnote_def",
}


def plain_table(body: str, srcmap: tuple[int, int] | None) -> bool:
    """Whether a table is one the two engines are known to agree on: blank lines around it,
    every row starting with '|', no backslash or backtick (escaped pipes, code in cells)."""
    if srcmap is None:
        return False
    raw = body.encode()
    first = raw.rfind(b"\n", 0, srcmap[0]) + 1
    last = raw.find(b"\n", srcmap[1] - 1)
    rows = raw[first : len(raw) if last < 0 else last]
    before = raw[raw.rfind(b"\n", 0, max(first - 1, 0)) + 1 : max(first - 1, 0)]
    after = raw[len(raw) if last < 0 else last + 1 :].split(b"\n", 1)[0]
    return (
        not before.strip(b" \t>")
        and not after.strip(b" \t>")
        and b"\\" not in rows
        and b"`" not in rows
        and all(row.lstrip(b" \t>").startswith(b"|") for row in rows.split(b"\n"))
    )


def url_ok(url: str) -> bool:
    """The reference's link check, on the URL as given and decoded (the Rust port checks and
    encodes in another order: '&#x20;javascript:' must not pass as '%20javascript:')."""
    return _link_ok(url) and ("%" not in url or _link_ok(unquote(url)))


def foreign_host(url: str) -> bool:
    """Whether the URL's host is encoded or punycode (the reference recodes hosts)."""
    host = _HOST.match(url)
    return bool(host and ("%" in host.group(1) or "xn--" in host.group(1).lower())) or (
        url[:7].lower() == "mailto:" and "%" in url
    )
