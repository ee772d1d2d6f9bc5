"""The fast path for post bodies: markdown-it-pyrs (the Rust port of markdown-it by
markdown-it-py's maintainer, same token model), patched to Dialogue's exact markup.

markdown-it-py (reference.py) stays the reference. A body takes this path only when
nothing in it is known to render differently; otherwise ``render_body`` hands it to the
reference, and ``fast_render`` says why (tests/test_markdown_fast.py renders every document
both ways and holds them byte-identical). Comments never come here.

What the Rust renderer gives and what is patched in Python, in document order, from its tree:
heading ids (``<hN id>``), Pygments for fenced code, ``tabindex`` on tables, lazy images, the
footnote list's line breaks; the lead (first top-level paragraph) and the h2/h3 headings.
"""

from __future__ import annotations

import itertools
import os
import re
from functools import cache
from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from generator.markdown import reference
from generator.markdown.divergence import (
    BLOCKS,
    MAX_DEPTH,
    foreign_host,
    plain_table,
    source_reason,
    url_ok,
)
from generator.markdown.markup import anchor_for, footnotes_open, highlight_code, load_pygments
from generator.markdown.reference import render_post
from generator.model import Heading, Rendered

if TYPE_CHECKING:
    from markdown_it_pyrs import MarkdownIt, Node

# The port opens the footnotes as markdown-it-py's plugin does; the reference adds a heading.
_FOOTNOTES_OPEN = '<section class="footnotes">\n<ol class="footnotes-list">\n'

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
    return "markdown-it-pyrs" if mode == "auto" and _installed() else "reference"


@cache
def _installed() -> bool:
    return find_spec("markdown_it_pyrs") is not None


@cache
def _fast_parser() -> MarkdownIt:
    from markdown_it_pyrs import MarkdownIt

    md = MarkdownIt("commonmark")  # html on, as for posts in the reference
    md.enable_many(["table", "strikethrough", "footnote"])
    return md


def prepare() -> None:
    """Load the engine and Pygments before workers fork, so that each does not pay for it
    again. markdown-it-py loads only if a body falls back to it."""
    if engine() == "reference":
        reference.prepare()
        return
    _fast_parser()
    load_pygments()


# ---------------------------------------------------------------- reading the tree


class _Tree:
    """What the patches need from the parsed tree, in document order, and ``reason`` if a node
    is one the engines render differently. Nodes come from the Rust side's own walk (a Python
    traversal of ``children`` costs several times more)."""

    def __init__(self, root: Node, body: str, folder: Path | None) -> None:
        self.reason: str | None = _depth_reason(root, 0)
        self.code: list[Node | None] = []  # a fence, or None for an indented code block
        self.glued: set[tuple[int, int] | None] = set()  # fences right after list item text
        self.headings: list[tuple[int, str]] = []
        self.lead = ""
        if self.reason:
            return
        heading_nodes: list[Node] = []
        footnotes: set[int] = set()
        inline_footnotes = False
        for node in root.walk(include_self=False):
            name = node.name
            if name in _PLAIN:
                continue
            if name in ("heading", "lheading"):
                heading_nodes.append(node)
            elif name == "fence":
                self.code.append(node)
            elif name == "code_block":
                self.code.append(None)
            elif name == "list_item":
                for before, after in itertools.pairwise(node.children):
                    if after.name == "fence" and before.name not in BLOCKS:
                        self.glued.add(after.srcmap)  # text, or a paragraph (loose list)
            elif name in ("html_block", "html_inline"):
                self.reason = "raw HTML"  # the reference cleans it with nh3 and warns
            elif name in ("link", "image", "autolink"):
                self.reason = self._link_reason(node, folder)
            elif name == "code_inline" and "`" in plain_text(node):
                self.reason = "backticks in a code span"  # the port pairs the next ones wrong
            elif name == "table" and not plain_table(body, node.srcmap):
                self.reason = "table not plain"  # where rows end and cells split: they differ
            elif name == "footnote_inline":
                inline_footnotes = True
            elif name == "footnote_ref":
                number = node.meta["def_id"]  # the port numbers notes as they are defined,
                if number in footnotes:  # the reference as they are first referred to
                    self.reason = "repeated footnote reference"
                elif number != len(footnotes) + 1:
                    self.reason = "footnotes defined in another order"
                elif node.meta["ref_id"] != len(footnotes) + 1:
                    self.reason = "footnote reference counted twice"  # '[[^1]': a bracket
                footnotes.add(number)
            if self.reason:
                return
        try:
            self._texts(root, heading_nodes, inline_footnotes)
        except RecursionError:  # emphasis nested thousands deep: plain_text recurses
            self.reason = "deep nesting"

    def _texts(self, root: Node, heading_nodes: list[Node], inline_footnotes: bool) -> None:
        for node in heading_nodes:
            text = plain_text(node).strip()
            if node.name == "lheading" and "|" in text:
                self.reason = "underlined heading with a '|'"  # a table to the reference
            self.headings.append((node.meta["level"], text))
        paragraphs = (node for node in root.children if node.name == "paragraph")
        self.lead = next((plain_text(node).strip() for node in paragraphs), "")
        if not self.lead and inline_footnotes:
            self.reason = "lead from an inline footnote"  # the reference takes it from there

    @staticmethod
    def _link_reason(node: Node, folder: Path | None) -> str | None:
        url = node.meta["url"]
        if not url_ok(url):
            return "unsafe link scheme"
        if node.name == "autolink" and "%" in url:
            return "autolink with encoded characters"  # the reference decodes its text
        if foreign_host(url):
            return "international domain name"  # punycode in the reference
        if node.name == "image" and folder is not None:
            return "image in a bundle"  # sized and checked beside the post
        return None


# Nodes the walk passes over: text, paragraphs, emphasis and the parts of tables and footnotes.
_PLAIN = {
    "text", "text_special", "softbreak", "hardbreak", "paragraph", "em", "strong",
    "strikethrough", "thead", "tbody", "trow", "tcell", "bullet_list",
    "ordered_list", "blockquote", "hr", "definition", "footnote_container",
    "footnote_ref_anchor",
}  # fmt: skip
_CONTAINERS = {
    "blockquote", "bullet_list", "ordered_list", "list_item", "footnote_container", "footnote_def"
}  # fmt: skip


def _depth_reason(node: Node, depth: int) -> str | None:
    """'deep nesting' if quotes, lists and items nest MAX_DEPTH deep (the reference stops
    nesting at 20, the port does not). Only containers are visited, not their text."""
    for child in node.children:
        if child.name in _CONTAINERS and (
            depth + 1 >= MAX_DEPTH or _depth_reason(child, depth + 1)
        ):
            return "deep nesting"
    return None


def plain_text(node: Node) -> str:
    """Text as the reference's ``plain_text`` sees it: text and code, breaks as spaces, no
    image descriptions or footnote marks."""
    parts: list[str] = []
    for child in node.children:
        name = child.name
        if name in ("text", "text_special"):
            parts.append(child.meta["content"])
        elif name in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif name not in ("image", "footnote_ref", "footnote_inline"):
            parts.append(plain_text(child))  # emphasis, links, code spans
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


def _patch(html: str, tree: _Tree, anchors: list[str]) -> str | None:
    """Dialogue's markup on the Rust renderer's HTML; None if the two do not line up."""
    if html.count("<pre><code") != len(tree.code) or len(_HEADING.findall(html)) != len(anchors):
        return None
    ids = iter(anchors)
    html = _HEADING.sub(lambda m: f'<h{m.group(1)} id="{escape(next(ids))}">', html)
    if tree.code:
        html = _highlight_fences(html, tree)
    if "<table>" in html:
        html = html.replace("<table>", '<table tabindex="0">')
    if "<img " in html:
        html = _IMAGE.sub(r'\1 loading="lazy" decoding="async">', html)
    if "<blockquote>\n</blockquote>" in html:  # an empty quote is one line in the reference
        html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if "footnote-item" in html:
        html = _FOOTNOTE_ITEM.sub(r"\1", html)
    return html


def _highlight_fences(html: str, tree: _Tree) -> str:
    """Each fence's <pre> replaced by the reference's (Pygments, markup.py), in
    document order; indented code blocks stay as they are."""
    parts: list[str] = []
    done = 0
    for match, fence in zip(_CODE.finditer(html), tree.code, strict=True):
        if fence is None:
            continue
        start = match.start()
        # In a tight list item the reference puts a fence right after the item's text.
        if fence.srcmap in tree.glued and html[start - 5 : start] != "</p>\n":
            start -= html[start - 1 : start] == "\n"
        lang, attrs = _language(fence.meta["info"])
        parts += (html[done:start], highlight_code(fence.meta["content"], lang, attrs), "\n")
        done = match.end()
    parts.append(html[done:])
    return "".join(parts)


# ---------------------------------------------------------------- entry points


def fast_render(body: str, folder: Path | None = None, lang: str = "en") -> Rendered | str:
    """The body through the fast path, or the reason it must take the reference."""
    reason = source_reason(body)
    if reason:
        return reason
    md = _fast_parser()
    try:
        tree = _Tree(md.tree(body), body, folder)
        if tree.reason:
            return tree.reason
        html = md.render(body, xhtml=False)
    except BaseException as error:  # a Rust panic is pyo3's PanicException, a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return "the Rust parser failed"
    seen: dict[str, int] = {}
    anchors = [anchor_for(text, seen) for _, text in tree.headings]
    patched = _patch(html, tree, anchors)
    if patched is None:
        return "markup not lined up"
    patched = patched.replace(_FOOTNOTES_OPEN, footnotes_open(lang), 1)
    headings = tuple(
        Heading(level, text, anchor)
        for (level, text), anchor in zip(tree.headings, anchors, strict=True)
        if 2 <= level <= 3
    )
    return Rendered(html=patched, summary=tree.lead, headings=headings, words=len(body.split()))


def render_body(
    body: str, folder: Path | None = None, first_line: int = 1, lang: str = "en"
) -> tuple[Rendered, list[tuple[int, str]]]:
    """A post, page or bio body: the fast path where it is proven equal, else the reference.
    Returns the result and (line, warning) pairs; the fast path has none to give (every body
    the reference would warn about falls back)."""
    if engine() != "reference":
        result = fast_render(body, folder, lang)
        if isinstance(result, Rendered):
            return result, []
    return render_post(body, folder, first_line, lang)
