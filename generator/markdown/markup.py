"""The markup both post engines produce alike (reference.py, fast.py): highlighted code,
heading ids, image sizes and variants, table and footnote attributes; the link check.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.images import image_size
from generator.media.variants import SIZES, is_raster, srcset
from generator.model import Heading
from generator.nofollow import inside
from generator.urls import slugify

if TYPE_CHECKING:
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict


SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")


def link_check(schemes: tuple[str, ...], relative: bool) -> Callable[[str], bool]:
    """A ``validateLink`` that keeps only URLs with these schemes (and relative ones if asked)."""

    def link_ok(url: str) -> bool:
        # Browsers ignore control characters and spaces around and inside a scheme: do the same.
        cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower()
        if cleaned.startswith(schemes):
            return True
        return relative and not SCHEME.match(cleaned)

    return link_ok


def plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def first_paragraph(tokens: Sequence[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            return plain_text(tokens[i + 1])
    return ""


# ---------------------------------------------------------------- posts


@cache
def _lexer(name: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@cache
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def load_pygments() -> None:
    """Load Pygments' formatter and lexer machinery (before workers fork: each would again)."""
    _formatter()
    _lexer("text")


def highlight_code(code: str, lang: str, _attrs: str) -> str:
    """Pygments for fenced code with a known language; plain escaped code otherwise."""
    from pygments import highlight

    name = lang.split()[0] if lang else ""
    label = f' data-lang="{escape(name)}"' if name else ""
    lexer = _lexer(name) if name else None
    body = highlight(code, lexer, _formatter()) if lexer else escape(code)
    # tabindex: a code block that scrolls sideways must be reachable by keyboard.
    return f'<pre class="highlight" tabindex="0"{label}><code>{body}</code></pre>\n'


def anchor_for(text: str, seen: dict[str, int]) -> str:
    """A heading's id: its text transliterated, numbered if ``seen`` has it already."""
    anchor = slugify(text)
    count = seen.get(anchor, 0)
    seen[anchor] = count + 1
    return f"{anchor}-{count + 1}" if count else anchor


def heading_ids(state: StateCore) -> None:
    """Give every heading a unique, transliterated id and collect h2-h3 for the TOC."""
    seen: dict[str, int] = {}
    headings: list[Heading] = []
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = plain_text(tokens[i + 1])
        anchor = anchor_for(text, seen)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if 2 <= level <= 3:
            headings.append(Heading(level, text, anchor))
    state.env["headings"] = headings


def image_lines(state: StateCore) -> None:
    """Images are inline tokens, which carry no line: give each its paragraph's first line,
    so a missing image is reported where it is."""
    for token in state.tokens:
        if token.type == "inline" and token.map and "![" in token.content:
            for child in token.children or ():
                if child.type == "image":
                    child.meta["line"] = token.map[0]


def render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    """Lazy images with their size, so the page doesn't jump while they load."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    folder = env.get("folder")
    # Only a file in the post's own folder is looked at: '../x.png' is the URL of another
    # page's file, and nothing is read through a link or outside the bundle.
    source = inside(Path(folder), src) if folder is not None and ":" not in src else None
    if source is not None and not src.startswith("#"):
        size = image_size(source)
        if size:
            token.attrSet("width", str(size[0]))
            token.attrSet("height", str(size[1]))
            if is_raster(src):  # WebP copies beside it (media/variants.py)
                token.attrSet("srcset", srcset(src, size))
                token.attrSet("sizes", SIZES)
        elif not os.path.lexists(source):
            env.setdefault("missing_images", []).append(([token.meta.get("line", 0)], src))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return self.image(tokens, idx, options, env)


def render_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    tokens[idx].attrSet("tabindex", "0")  # wide tables scroll: keyboard users must reach them
    return self.renderToken(tokens, idx, options, env)


_FOOTNOTES_TITLE = {"de": "Fußnoten", "en": "Footnotes"}


def footnotes_open(lang: str) -> str:
    """The footnotes get a heading, so screen readers can find and name the section."""
    title = _FOOTNOTES_TITLE.get(lang, "Footnotes")
    heading = f'<h2 class="label">{title}</h2>\n'
    return f'<section class="footnotes">\n{heading}<ol class="footnotes-list">\n'


def render_footnotes_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    return '<hr class="footnotes-sep">\n' + footnotes_open(env.get("lang", "en"))
