"""Posts, pages and bios through markdown-it-py, the reference engine (trusted writers).

CommonMark plus tables, strikethrough, footnotes, task lists, heading anchors and Pygments
highlighting; links only to relative URLs and http(s), mailto and tel; raw HTML is allowed, but a
body that has any passes an allow-list (nh3), and whatever it removes is reported as a warning
with its line. markdown-it, its plugins and nh3 load when the first body is rendered: a warm
build that finds every post in the cache renders none and starts faster without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.markdown.embeds import embeds_plugin
from generator.markdown.markup import (
    SCHEME,
    first_paragraph,
    heading_ids,
    highlight_code,
    image_lines,
    link_check,
    load_pygments,
    render_footnotes_open,
    render_image,
    render_table_open,
)
from generator.model import Rendered

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


POST_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@cache
def _post_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    # xhtmlOut off: void tags as in nh3's output, so posts with and without raw HTML look alike.
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False, "highlight": highlight_code})
    md.validateLink = link_check(POST_SCHEMES, relative=True)  # type: ignore[method-assign,assignment]
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, label=True)  # labelled checkboxes
    md.add_render_rule("table_open", render_table_open)
    md.add_render_rule("footnote_block_open", render_footnotes_open)
    md.core.ruler.push("heading_ids", heading_ids)
    md.core.ruler.push("image_lines", image_lines)
    md.add_render_rule("image", render_image)
    md.use(embeds_plugin)  # two-click embeds of YouTube, Vimeo, SoundCloud (markdown/embeds.py)
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
BAD_LINK = re.compile(
    rf"\]\(\s*<?\s*(?!{'|'.join(POST_SCHEMES)}){SCHEME.pattern}", re.I
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
        if token.type == "inline" and "](" in token.content and BAD_LINK.search(token.content):
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
    load_pygments()


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
        summary=first_paragraph(tokens),
        headings=tuple(env.get("headings", ())),
        words=len(body.split()),
    )
    return rendered, warnings


# ---------------------------------------------------------------- comments
