"""The outputs not made by a template, by the name an Output gives as its renderer.

A producer gets what a template gets: ``Shared`` and the output's context (and the tools of
the renderer: UI strings, the memo of feed entries). So it can show nothing the output's key
does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator import posts_json, redirects
from generator.i18n import Strings
from generator.plan.records import Output, Shared
from generator.render import feeds, opml, sitemap


@dataclass(frozen=True)
class Tools:
    strings: Strings
    entries: feeds.Entries  # one per build: a post is in up to a dozen feeds


Producer = Callable[[Shared, Output, Tools], bytes]


def _posts_feed(shared: Shared, output: Output, tools: Tools) -> bytes:
    page_url = output.url.removesuffix("feed.xml").removesuffix("rss.xml") or "/"
    context = output.context
    return feeds.posts_feed(
        shared, context["feed"], context["posts"], page_url, tools.entries, context["full"]
    )


def _comments_feed(shared: Shared, output: Output, tools: Tools) -> bytes:
    title = tools.strings.get(shared.config.language, "comment_feed_entry")
    return feeds.comments_feed(
        shared.config, output.context["feed"], output.context["comments"], title
    )


def _opml(shared: Shared, output: Output, tools: Tools) -> bytes:
    config = shared.config
    headings = {"site": config.title}
    for group, key in (("authors", "nav_authors"), ("tags", "nav_tags")):
        headings[group] = tools.strings.get(config.language, key)
    headings["departments"] = tools.strings.get(config.language, "nav_departments")
    return opml.opml(config, output.context["feeds"], headings)


PRODUCERS: dict[str, Producer] = {
    "atom": _posts_feed,
    "rss": _posts_feed,
    "comments_atom": _comments_feed,
    "sitemap": lambda shared, output, _: sitemap.sitemap(shared.config, output.context["urls"]),
    "sitemap_index": lambda shared, output, _: sitemap.sitemap_index(
        shared.config, output.context["sitemaps"]
    ),
    "robots": lambda shared, output, _: sitemap.robots(shared.config),
    "opml": _opml,
    "redirect": lambda shared, output, _: redirects.redirect_page(
        shared.config, output.context["target"], output.context["title"], output.context["lang"]
    ),
    "redirect_map": lambda shared, output, _: redirects.redirect_map(output.context["redirects"]),
    "posts_json": lambda shared, output, _: posts_json.dump(
        shared.config, output.context["posts"], output.context["open"]
    ),
}
