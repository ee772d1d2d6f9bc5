"""Readers' comments: no raw HTML, no images, no headings, only http(s) and mailto links and
paths on this site ("/2026/02/post/"), each with rel="nofollow ugc noopener", and nh3 as a
second wall. caps.py keeps the work linear in a hostile body.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from generator.markdown.caps import cap_containers, cap_link_depth, plain_paragraphs, too_deep
from generator.markdown.markup import link_check

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


COMMENT_SCHEMES = ("http:", "https:", "mailto:")
_COMMENT_REL = "nofollow ugc noopener"
# Browsers read "//host" and "/\\host" (a backslash is a slash to them, and they drop tabs and
# newlines first) as another site: a site path is "/" then anything but those, decoded or not.
_OFF_SITE = re.compile(r"^/[/\\]|[\\\x00-\x1f\x7f-\x9f]")


def _site_path(url: str) -> bool:
    """Whether a comment link is a path on this site, such as "/2026/02/post/"."""
    return url.startswith("/") and not _OFF_SITE.search(url) and not _OFF_SITE.search(unquote(url))


_comment_scheme_ok = link_check(COMMENT_SCHEMES, relative=False)


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
    cap_link_depth(md)  # work linear in the input, with a small factor: see markdown/caps.py
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
