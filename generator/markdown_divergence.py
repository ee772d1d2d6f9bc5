"""Where markdown-it-pyrs and markdown-it-py are known to render a post body differently, so
that the fast path (markdown_fast.py) hands the body to the reference instead.

Each test names its reason; tests/test_markdown_fast.py counts them over the CommonMark spec,
the plugins' fixtures, the test sites, the hostile payloads and generated documents, and holds
every body that passes them byte-identical to the reference. The tests err on the side of
falling back: a fallback costs only time.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from urllib.parse import unquote

from generator.markdown import _BAD_LINK, POST_SCHEMES, _link_check

_link_ok = _link_check(POST_SCHEMES, relative=True)
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//([^/?#]*)", re.I)
_TASK = re.compile(r"\[[ xX]\]")  # a task-list box, anywhere (more than the plugin takes)
_DELIMITER_BESIDE_WIDE = re.compile(r"[*_~][^\x00-\x7f]|[^\x00-\x7f][*_~]")
_REFERENCE = re.compile(
    r"^[ \t>*+\-.)0-9]*\[(?!\^)[^\]\n]*\]:", re.M
)  # a link reference definition
_FOOTNOTE_INDENTED = re.compile(
    r"^(?:[ \t>*+\-.)0-9]+\[\^[^\]\n]*\]:|\[\^[^\]\n]*\]:[ \t]*(?:\n[ \t]*)*(?: {4}|\t))", re.M
)  # a definition indented or inside a list or quote, or its text indented by 4 or more
_QUOTED_LINE = re.compile(r"^([ \t]*>[^\n]*)\n(?=([^\n]*))", re.M)  # and the line after it
_QUOTE_MARKERS = re.compile(r"(?:[ \t]*>)*")
_BACKTICKS = re.compile(r"`+")
_BLANK_CODE_SPAN = re.compile(r"(?<!`)(`+)[ \n]{2,}\1(?!`)")
_FOOTNOTE_AFTER_TEXT = re.compile(r"^(?![ \t>]*\[\^)[^\n]*\S[^\n]*\n[ \t>]*\[\^[^\]\n]*\]:", re.M)
_QUOTE_TAB = re.compile(r"^ *(?:> *)+\t", re.M)
MAX_DEPTH = 12  # markdown-it-py stops nesting at 20 (maxNesting); the Rust port does not
# The Rust parser recurses per nested block and overflows the stack (a crash, not an error) near
# 16,000 levels. Every level needs at least half a character of a line's indentation and
# markers (a tab stands for up to 4 columns, "- " is 2), so lines whose leading run is shorter
# than this cannot nest deeper than 2,000.
_DEEP_LINE = re.compile(r"^[ \t>*+\-.)0-9]{1000}", re.M)


def source_reason(body: str) -> str | None:
    """A reason the body cannot take the fast path, from its text alone (cheap tests first)."""
    if _DEEP_LINE.search(body):
        return "deep nesting"  # before the Rust parser sees it
    if "<!" in body or "<?" in body:
        return "raw HTML"  # comments and declarations: the two engines' specs differ
    if "](" in body and _BAD_LINK.search(body):
        return "unsafe link scheme"  # the reference warns about it, even inside code
    if "[" in body and _TASK.search(body):
        return "task list"
    if "`" in body:
        if "[" in body and _unpaired_backticks(body):
            return "unpaired backticks"  # '[' then an unclosed code span: the port panics
        if _BLANK_CODE_SPAN.search(body):
            return "code span of spaces"  # the port trims it
    if not body.isascii():
        for match in _DELIMITER_BESIDE_WIDE.finditer(body):
            wide = match.group(0)[1] if match.group(0)[0] in "*_~" else match.group(0)[0]
            if unicodedata.category(wide)[0] == "S":  # CommonMark 0.31 counts symbols in
                return "emphasis beside a Unicode symbol"  # as punctuation, the port not
    if "]:" in body and _title_across_lines(body):
        return "link reference title across lines"
    if "[^" in body:
        if _FOOTNOTE_INDENTED.search(body):
            return "footnote indented"
        if _FOOTNOTE_AFTER_TEXT.search(body):
            return "footnote definition right after text"
    if ">" in body:
        if _lazy_quote_line(body):
            return "lazy quote line"
        if "\t" in body and _QUOTE_TAB.search(body):
            return "tab after a quote marker"
    return None


def _unpaired_backticks(body: str) -> bool:
    """Whether some length of backtick run occurs an odd number of times (so one is open)."""
    runs = collections.Counter(map(len, _BACKTICKS.findall(body)))
    return any(count % 2 for count in runs.values())


def _title_across_lines(body: str) -> bool:
    """Whether a link reference definition may have a title on another line than its start,
    or spanning lines: its next line opens a title, or one of its first 3 lines (to the next
    blank one) has an unbalanced quote or parenthesis."""
    for match in _REFERENCE.finditer(body):
        lines = body[match.start() :].split("\n", 3)[:3]
        if len(lines) > 1 and lines[1].lstrip(" \t>").startswith(('"', "'", "(")):
            return True
        for line in lines:
            if not line.strip(" \t>"):
                break
            if line.count('"') % 2 or line.count("'") % 2 or line.count("(") != line.count(")"):
                return True
    return False


def _quote_depth(line: str) -> tuple[int, str]:
    markers = _QUOTE_MARKERS.match(line).group(0)  # type: ignore[union-attr]  # matches ""
    return markers.count(">"), line[len(markers) :]


def _lazy_quote_line(body: str) -> bool:
    """Whether a line goes on a quote's paragraph with fewer '>' than the line before it."""
    for match in _QUOTED_LINE.finditer(body):
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
