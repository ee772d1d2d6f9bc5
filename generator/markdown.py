"""Two Markdown renderers: a rich one for posts (trusted writers) and a strict one for comments.

Posts: CommonMark plus tables, strikethrough, footnotes, task lists, heading anchors and
Pygments highlighting; links only to relative URLs and http(s), mailto and tel; raw HTML is
allowed, but a post that has any passes an allow-list (nh3), and whatever it removes is reported
as a warning with its line. Comments: no raw HTML, no images, no headings, only http(s) and
mailto links and paths on this site ("/2026/02/post/"), each with rel="nofollow ugc noopener",
and nh3 as a second wall.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from generator.images import image_size
from generator.markdown_caps import cap_containers, cap_link_depth, plain_paragraphs, too_deep
from generator.markdown_embeds import embeds_plugin
from generator.media.variants import SIZES, is_raster, srcset
from generator.model import Heading, Rendered
from generator.nofollow import inside
from generator.urls import slugify

# markdown-it, its plugins and nh3 load when the first text is rendered: a warm build that
# finds every post in the cache renders none and starts faster without them.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

# ---------------------------------------------------------------- shared pieces


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")


def _link_check(schemes: tuple[str, ...], relative: bool) -> Callable[[str], bool]:
    """A ``validateLink`` that keeps only URLs with these schemes (and relative ones if asked)."""

    def link_ok(url: str) -> bool:
        # Browsers ignore control characters and spaces around and inside a scheme: do the same.
        cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower()
        if cleaned.startswith(schemes):
            return True
        return relative and not _SCHEME.match(cleaned)

    return link_ok


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _first_paragraph(tokens: Sequence[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            return _plain_text(tokens[i + 1])
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


def _highlight(code: str, lang: str, _attrs: str) -> str:
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


def _heading_ids(state: StateCore) -> None:
    """Give every heading a unique, transliterated id and collect h2-h3 for the TOC."""
    seen: dict[str, int] = {}
    headings: list[Heading] = []
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = _plain_text(tokens[i + 1])
        anchor = anchor_for(text, seen)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if 2 <= level <= 3:
            headings.append(Heading(level, text, anchor))
    state.env["headings"] = headings


def _image_lines(state: StateCore) -> None:
    """Images are inline tokens, which carry no line: give each its paragraph's first line,
    so a missing image is reported where it is."""
    for token in state.tokens:
        if token.type == "inline" and token.map and "![" in token.content:
            for child in token.children or ():
                if child.type == "image":
                    child.meta["line"] = token.map[0]


def _render_image(
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


def _render_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    tokens[idx].attrSet("tabindex", "0")  # wide tables scroll: keyboard users must reach them
    return self.renderToken(tokens, idx, options, env)


_FOOTNOTES_TITLE = {"de": "Fußnoten", "en": "Footnotes"}


def footnotes_open(lang: str) -> str:
    """The footnotes get a heading, so screen readers can find and name the section."""
    title = _FOOTNOTES_TITLE.get(lang, "Footnotes")
    return (
        f'<section class="footnotes">\n<h2 class="label">{title}</h2>\n'
        '<ol class="footnotes-list">\n'
    )


def _render_footnotes_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    return '<hr class="footnotes-sep">\n' + footnotes_open(env.get("lang", "en"))


POST_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@cache
def _post_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    # xhtmlOut off: void tags as in nh3's output, so posts with and without raw HTML look alike.
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False, "highlight": _highlight})
    md.validateLink = _link_check(POST_SCHEMES, relative=True)  # type: ignore[method-assign,assignment]
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, label=True)  # labelled checkboxes
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("footnote_block_open", _render_footnotes_open)
    md.core.ruler.push("heading_ids", _heading_ids)
    md.core.ruler.push("image_lines", _image_lines)
    md.add_render_rule("image", _render_image)
    md.use(embeds_plugin)  # two-click embeds of YouTube, Vimeo, SoundCloud (markdown_embeds.py)
    return md


_POST_TAGS = {"input", "label", "section", "figure", "figcaption", "video", "source"}  # + nh3's
_POST_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "video": {"src", "controls", "width", "height", "poster", "preload", "muted", "loop"},
    "source": {"src", "type", "srcset", "media"},
    "input": {"type", "checked", "disabled"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
    "pre": {"data-lang", "tabindex"},
    "table": {"tabindex"},
    "label": {"for"},
    "details": {"open"},
    "figure": {"data-embed", "data-src"},  # a two-click embed (embeds.js checks the URL)
}
_DANGER = re.compile(
    r"<\s*(script|iframe|object|embed|style|form|svg|math)\b|\son\w+\s*=|javascript:|vbscript:",
    re.I,
)
_BAD_LINK = re.compile(
    rf"\]\(\s*<?\s*(?!{'|'.join(POST_SCHEMES)}){_SCHEME.pattern}", re.I
)  # a Markdown link whose scheme _post_parser's link check refuses
_UNSAFE_LINK = "link with an unsafe scheme removed (use http, https or mailto)"


def _raw_html(tokens: Sequence[Token], first_line: int) -> tuple[bool, list[tuple[int, str]]]:
    """Whether the post has raw HTML (then nh3 cleans it), and the lines where raw HTML or a
    link will be removed: the writer should know. One pass; the substring tests skip the
    regular expressions and the inline children of the many lines that cannot match."""
    raw = False
    found = []
    for token in tokens:
        if token.type == "html_block":
            sources = [token]
        elif token.type == "inline":
            sources = (
                [c for c in token.children or () if c.type == "html_inline"]
                if "<" in token.content
                else []
            )
        else:
            continue
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "inline" and "](" in token.content and _BAD_LINK.search(token.content):
            found.append((line, _UNSAFE_LINK))
        raw = raw or bool(sources)
        for source in sources:
            match = _DANGER.search(source.content)
            if match:
                found.append((line, f"raw HTML '{match.group(0).strip()}' removed (not allowed)"))
    return raw, found


def prepare() -> None:
    """Build the parser and load Pygments before worker processes fork, so each worker does
    not pay for it again."""
    import nh3  # noqa: F401  (imported here, each worker has it)

    _post_parser()
    _formatter()
    _lexer("text")


def _clean_post_html(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=nh3.ALLOWED_TAGS | _POST_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_POST_ATTRIBUTES,
        link_rel=None,
        url_schemes={scheme.rstrip(":") for scheme in POST_SCHEMES},
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def render_post(
    body: str, folder: Path | None = None, first_line: int = 1, lang: str = "en"
) -> tuple[Rendered, list[tuple[int, str]]]:
    """Render a post or page body (``lang``: its language, for the words of embeds). Returns
    the result and (line, warning) pairs."""
    env: dict[str, Any] = {"folder": folder, "lang": lang}
    md = _post_parser()
    tokens = md.parse(body, env)
    html = md.renderer.render(tokens, md.options, env)
    raw, warnings = _raw_html(tokens, first_line)
    if raw:  # else markdown-it escaped everything and checked every link
        html = _clean_post_html(html)
    for lines, src in env.get("missing_images", []):
        line = first_line + (lines[0] if lines else 0)
        warnings.append((line, f"image '{src}' not found beside the post"))
    rendered = Rendered(
        html=html,
        summary=_first_paragraph(tokens),
        headings=tuple(env.get("headings", ())),
        words=len(body.split()),
    )
    return rendered, warnings


# ---------------------------------------------------------------- comments

COMMENT_SCHEMES = ("http:", "https:", "mailto:")
_COMMENT_REL = "nofollow ugc noopener"
# Browsers read "//host" and "/\\host" (a backslash is a slash to them, and they drop tabs and
# newlines first) as another site: a site path is "/" then anything but those, decoded or not.
_OFF_SITE = re.compile(r"^/[/\\]|[\\\x00-\x1f\x7f-\x9f]")


def _site_path(url: str) -> bool:
    """Whether a comment link is a path on this site, such as "/2026/02/post/"."""
    return url.startswith("/") and not _OFF_SITE.search(url) and not _OFF_SITE.search(unquote(url))


_comment_scheme_ok = _link_check(COMMENT_SCHEMES, relative=False)


def _comment_link_ok(url: str) -> bool:
    return _site_path(url) or _comment_scheme_ok(url)


def _comment_href(element: str, attribute: str, value: str) -> str | None:
    """nh3's second wall: it passes every relative URL, a comment may only keep site paths."""
    if attribute == "href" and value.startswith("/") and not _site_path(value):
        return None
    return value


@cache
def _comment_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 20})
    md.enable("strikethrough")
    md.disable(["image", "heading", "lheading", "html_block", "html_inline", "reference"])
    md.validateLink = _comment_link_ok  # type: ignore[method-assign]
    cap_link_depth(md)  # work linear in the input, with a small factor: see markdown_caps
    return md


def render_comment(body: str) -> str:
    """Comment Markdown to safe HTML: the renderer refuses, nh3 enforces."""
    import nh3

    md = _comment_parser()
    env: dict[str, Any] = {}
    tokens = md.parse(cap_containers(body), env)
    if too_deep(tokens, md.options["maxNesting"]):
        html = plain_paragraphs(body)  # nested by indentation past any reader's patience
    else:
        html = md.renderer.render(tokens, md.options, env)
    return nh3.clean(
        html,
        tags={"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
        | {"del", "s", "hr"},
        attributes={"a": {"href"}, "ol": {"start"}},
        attribute_filter=_comment_href,
        url_schemes={"http", "https", "mailto"},
        link_rel=_COMMENT_REL,
        strip_comments=True,
    )
