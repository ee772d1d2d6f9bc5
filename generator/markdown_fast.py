"""The fast path for post bodies: markdown-it-pyrs (the Rust port of markdown-it by
markdown-it-py's maintainer, same token model), patched to Dialogue's exact markup.

markdown-it-py (generator/markdown.py) stays the reference. A body takes this path only when
nothing in it is known to render differently; otherwise ``render_body`` hands it to the
reference, and ``fast_render`` says why (tests/test_markdown_fast.py renders every document
both ways and holds them byte-identical). Comments never come here.

What the Rust renderer gives and what is patched in Python, in document order, from its tree:
heading ids (``<hN id>``), Pygments for fenced code, ``tabindex`` on tables, lazy images, the
footnote list's line breaks; the lead (first top-level paragraph) and the h2/h3 headings.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from generator.markdown import (
    _BAD_LINK,
    POST_SCHEMES,
    _highlight,
    _link_check,
    anchor_for,
    render_post,
)
from generator.model import Heading, Rendered

if TYPE_CHECKING:
    from markdown_it_pyrs import MarkdownIt, Node

ENGINE_VARIABLE = "DIALOGUE_MARKDOWN"
_MODES = ("auto", "reference")


def engine() -> str:
    """Which renderer post bodies try first: 'markdown-it-pyrs' (installed by default where it
    has wheels) or 'reference' (markdown-it-py only: the Rust port is missing, or
    DIALOGUE_MARKDOWN=reference asks for it). Part of the build cache's key."""
    mode = os.environ.get(ENGINE_VARIABLE, "") or "auto"
    if mode not in _MODES:
        raise ValueError(
            f"{ENGINE_VARIABLE}={mode!r}: use 'reference' (markdown-it-py only) or 'auto' "
            "(markdown-it-pyrs where it renders identically, the default)"
        )
    if mode == "reference" or find_spec("markdown_it_pyrs") is None:
        return "reference"
    return "markdown-it-pyrs"


@cache
def _fast_parser() -> MarkdownIt:
    from markdown_it_pyrs import MarkdownIt

    md = MarkdownIt("commonmark")  # html on, as for posts in the reference
    md.enable_many(["table", "strikethrough", "footnote"])
    return md


def prepare() -> None:
    """Load the parser and Pygments before workers fork (see markdown.prepare)."""
    from generator.markdown import _formatter, _lexer

    _fast_parser()
    _formatter()
    _lexer("text")


# ---------------------------------------------------------------- when to fall back

_link_ok = _link_check(POST_SCHEMES, relative=True)
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//([^/?#]*)", re.I)
_TASK = re.compile(r"\[[ xX]\]")  # a task-list box, anywhere (more than the plugin takes)
_DELIMITER_BESIDE_WIDE = re.compile(r"[*_~][^\x00-\x7f]|[^\x00-\x7f][*_~]")
_REFERENCE = re.compile(r"^[ \t>*+\-.)0-9]*\[(?!\^)[^\]\n]*\]:", re.M)  # a link reference definition
_FOOTNOTE_INDENTED = re.compile(
    r"^(?:[ \t>*+\-.)0-9]+\[\^[^\]\n]*\]:|\[\^[^\]\n]*\]:[ \t]*(?:\n[ \t]*)*(?: {4}|\t))", re.M
)  # a definition indented or inside a list or quote, or its text indented by 4 or more
_LAZY_QUOTE = re.compile(r"^[ \t]*>[^\n]*\n(?![ \t]*>|[ \t]*(?:\n|$))", re.M)
_QUOTE_TAB = re.compile(r"^ *(?:> *)+\t", re.M)
_MAX_DEPTH = 12  # markdown-it-py stops nesting at 20 (maxNesting); the Rust port does not
# The Rust parser recurses per nested block and overflows the stack (a crash, not an error) near
# 16,000 levels. Every level needs at least half a character of a line's indentation and
# markers (a tab stands for up to 4 columns, "- " is 2), so lines whose leading run is shorter
# than this cannot nest deeper than 2,000.
_DEEP_LINE = re.compile(r"^[ \t>*+\-.)0-9]{1000}", re.M)


def _source_reason(body: str, folder: Path | None) -> str | None:
    """A reason the body cannot take the fast path, from its text alone (cheap tests first)."""
    if _DEEP_LINE.search(body):
        return "deep nesting"  # before the Rust parser sees it
    if "<!" in body or "<?" in body:
        return "raw HTML"  # comments and declarations: the two engines' specs differ
    if "](" in body and _BAD_LINK.search(body):
        return "unsafe link scheme"  # the reference warns about it, even inside code
    if "[" in body and _TASK.search(body):
        return "task list"
    if not body.isascii():
        for match in _DELIMITER_BESIDE_WIDE.finditer(body):
            wide = match.group(0)[1] if match.group(0)[0] in "*_~" else match.group(0)[0]
            if unicodedata.category(wide)[0] == "S":  # CommonMark 0.31 counts symbols in
                return "emphasis beside a Unicode symbol"  # as punctuation, the port not
    if "\\\n" in body and "]:" in body and _REFERENCE.search(body):
        return "link reference title across lines"  # a backslash ending one of its lines
    if "[^" in body and _FOOTNOTE_INDENTED.search(body):
        return "footnote indented"
    if ">" in body:
        if _LAZY_QUOTE.search(body):
            return "lazy quote line"  # a line going on a quote without its '>'
        if "\t" in body and _QUOTE_TAB.search(body):
            return "tab after a quote marker"
    return None


class _Walk:
    """What the patches need from the tree, in document order; ``reason`` if it must fall back."""

    def __init__(self, root: Node, body: str, folder: Path | None) -> None:
        self.reason: str | None = None
        self.code: list[Node | None] = []  # a fence, or None for an indented code block
        headings: list[Node] = []
        footnotes: set[int] = set()
        inline_footnotes = False
        for node, depth in _nodes(root):
            name = node.name
            if depth > _MAX_DEPTH:
                self.reason = "deep nesting"
            elif name in ("heading", "lheading"):
                headings.append(node)
            elif name == "fence":
                self.code.append(node)
            elif name == "code_block":
                self.code.append(None)
            elif name in ("html_block", "html_inline"):
                self.reason = "raw HTML"  # the reference cleans it with nh3 and warns
            elif name in ("link", "image", "autolink") and not _url_ok(node.meta["url"]):
                self.reason = "unsafe link scheme"
            elif name == "autolink" and "%" in node.meta["url"]:
                self.reason = "autolink with encoded characters"  # its text is decoded
            elif name in ("link", "image", "autolink") and _foreign_host(node.meta["url"]):
                self.reason = "international domain name"  # punycode in the reference
            elif name == "image" and folder is not None:
                self.reason = "image in a bundle"  # sized and checked beside the post
            elif name == "table" and not _plain_table(body, node.srcmap):
                self.reason = "table not plain"  # where rows end and cells split: they differ
            elif name == "footnote_inline":
                inline_footnotes = True
            elif name == "footnote_ref":
                if node.meta["def_id"] in footnotes:
                    self.reason = "repeated footnote reference"
                footnotes.add(node.meta["def_id"])
            if self.reason:
                return
        # Texts once the depth is known to be small: _plain_text recurses.
        self.headings = [(node.meta["level"], _plain_text(node).strip()) for node in headings]
        paragraphs = (node for node in root.children if node.name == "paragraph")
        self.lead = next((_plain_text(node).strip() for node in paragraphs), "")
        if not self.lead and inline_footnotes:
            self.reason = "lead from an inline footnote"  # the reference takes it from there


def _plain_table(body: str, srcmap: tuple[int, int] | None) -> bool:
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


def _url_ok(url: str) -> bool:
    """The reference's link check, on the URL as given and decoded (the Rust port checks and
    encodes in another order: '&#x20;javascript:' must not pass as '%20javascript:')."""
    return _link_ok(url) and ("%" not in url or _link_ok(unquote(url)))


def _foreign_host(url: str) -> bool:
    host = _HOST.match(url)
    return bool(host and ("%" in host.group(1) or "xn--" in host.group(1).lower())) or (
        url[:7].lower() == "mailto:" and "%" in url
    )


def _nodes(root: Node) -> Iterator[tuple[Node, int]]:
    """Every node below ``root`` with its depth, in document order."""
    stack = [(child, 1) for child in reversed(root.children)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        children = node.children
        if children:
            stack.extend((child, depth + 1) for child in reversed(children))


def _plain_text(node: Node) -> str:
    """Text as the reference's ``_plain_text`` sees it: text and code, breaks as spaces, no
    image descriptions or footnote marks."""
    parts: list[str] = []
    for child in node.children:
        name = child.name
        if name in ("text", "text_special"):
            parts.append(child.meta["content"])
        elif name in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif name not in ("image", "footnote_ref", "footnote_inline"):
            parts.append(_plain_text(child))  # emphasis, links, code spans
    return "".join(parts)


# ---------------------------------------------------------------- patching the HTML

_HEADING = re.compile(r"<h([1-6])>")
_CODE = re.compile(r"<pre><code(?: class=\"[^\"]*\")?>.*?</code></pre>\n", re.S)
_IMAGE = re.compile(r"(<img [^>]*)>")
_FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')
_ASCII_SPACE = re.compile(r"[\t\n\v\f\r ]+")


def _language(info: str) -> tuple[str, str]:
    """A fence's language and the rest of its info string, as the reference's renderer takes
    them; unusual info strings go through markdown-it-py's own helpers."""
    if not info:
        return "", ""
    if info.isascii() and "\\" not in info and "&" not in info:
        parts = _ASCII_SPACE.split(info.strip("\t\n\v\f\r "), maxsplit=1)
    else:
        from markdown_it.common.utils import MD_TRIM_RE, mdTrim, unescapeAll

        trimmed = mdTrim(unescapeAll(info))
        parts = MD_TRIM_RE.split(trimmed, maxsplit=1) if trimmed else [""]
    return parts[0], parts[1] if len(parts) == 2 else ""


def _patch(html: str, walk: _Walk, anchors: list[str]) -> str | None:
    """Dialogue's markup on the Rust renderer's HTML; None if the two do not line up."""
    if len(_HEADING.findall(html)) != len(anchors) or len(_CODE.findall(html)) != len(walk.code):
        return None
    ids = iter(anchors)
    html = _HEADING.sub(lambda m: f'<h{m.group(1)} id="{escape(next(ids))}">', html)
    code = iter(walk.code)

    def highlighted(match: re.Match[str]) -> str:
        fence = next(code)
        if fence is None:
            return match.group(0)
        lang, attrs = _language(fence.meta["info"])
        return _highlight(fence.meta["content"], lang, attrs) + "\n"

    html = _CODE.sub(highlighted, html)
    if "<table>" in html:
        html = html.replace("<table>", '<table tabindex="0">')
    if "<img " in html:
        html = _IMAGE.sub(r'\1 loading="lazy" decoding="async">', html)
    if "<blockquote>\n</blockquote>" in html:  # an empty quote is one line in the reference
        html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if "footnote-item" in html:
        html = _FOOTNOTE_ITEM.sub(r"\1", html)
    return html


# ---------------------------------------------------------------- entry points


def fast_render(body: str, folder: Path | None = None) -> Rendered | str:
    """The body through the fast path, or the reason it must take the reference."""
    reason = _source_reason(body, folder)
    if reason:
        return reason
    md = _fast_parser()
    walk = _Walk(md.tree(body), body, folder)
    if walk.reason:
        return walk.reason
    seen: dict[str, int] = {}
    anchors = [anchor_for(text, seen) for _, text in walk.headings]
    html = _patch(md.render(body, xhtml=False), walk, anchors)
    if html is None:
        return "markup not lined up"
    headings = tuple(
        Heading(level, text, anchor)
        for (level, text), anchor in zip(walk.headings, anchors, strict=True)
        if 2 <= level <= 3
    )
    return Rendered(html=html, summary=walk.lead, headings=headings, words=len(body.split()))


def render_body(
    body: str, folder: Path | None = None, first_line: int = 1
) -> tuple[Rendered, list[tuple[int, str]]]:
    """A post, page or bio body: the fast path where it is proven equal, else the reference.
    Returns the result and (line, warning) pairs; the fast path has none to give (every body
    the reference would warn about falls back)."""
    if _engine() != "reference":
        result = fast_render(body, folder)
        if isinstance(result, Rendered):
            return result, []
    return render_post(body, folder, first_line)


_engine: Any = cache(engine)
