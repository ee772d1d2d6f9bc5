"""The machine-readable files: sitemap.xml, robots.txt, feeds.opml and the intake manifest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from xml.etree import ElementTree as ET

from generator.model import Site
from generator.plan import Feed, comments_open

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _locations(
    site: Site, tag: str, entries: Sequence[tuple[str, dt.datetime | None]]
) -> Iterator[str]:
    # Written as text, not built as a tree: a large site lists 50,000 pages in one file.
    for url, modified in entries:
        yield f"  <{tag}>\n    <loc>{escape(site.config.absolute(url), quote=False)}</loc>\n"
        if modified is not None:
            yield f"    <lastmod>{modified.isoformat(timespec='seconds')}</lastmod>\n"
        yield f"  </{tag}>\n"


def _sitemap_file(root: str, lines: Iterable[str]) -> bytes:
    head = f"<?xml version='1.0' encoding='utf-8'?>\n<{root} xmlns=\"{SITEMAPS}\">\n"
    return (head + "".join(lines) + f"</{root}>\n").encode()


def sitemap(site: Site, entries: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    return _sitemap_file("urlset", _locations(site, "url", entries))


def sitemap_index(site: Site, parts: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    return _sitemap_file("sitemapindex", _locations(site, "sitemap", parts))


def robots(site: Site) -> bytes:
    sitemap_url = site.config.absolute("/sitemap.xml")
    return f"User-agent: *\nAllow: /\nDisallow: /_dialogue/\n\nSitemap: {sitemap_url}\n".encode()


def opml(site: Site, feeds: Sequence[Feed], groups: dict[str, str]) -> bytes:
    """Every feed the site offers, grouped (``groups``: group -> its heading; the site's own
    first, then authors, topics, departments), so a reader picks whole groups rather than
    subscribing to every feed and seeing each post several times."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = site.config.title
    body = ET.SubElement(root, "body")
    for group, heading in groups.items():
        members = [feed for feed in feeds if feed.group == group]
        if not members:
            continue
        folder = ET.SubElement(body, "outline", text=heading, title=heading)
        for feed in members:
            ET.SubElement(
                folder,
                "outline",
                type="rss",
                text=feed.title,
                title=feed.title,
                xmlUrl=site.config.absolute(feed.url),
                htmlUrl=site.config.absolute(feed.page),
            )
    return _xml(root)


def manifest(site: Site) -> bytes:
    """What the comment intake needs to know about posts, without reading content/."""
    # One line per post, made one at a time: a site of 100,000 posts would otherwise hold them
    # all as dictionaries and then the encoder's pieces.
    lines = (
        json.dumps(
            {
                "slug": post.slug,
                "url": site.config.absolute(post.url),
                "path": post.url,
                "title": post.title,
                "comments_open": comments_open(site, post),
                "authors": list(post.author_ids),
                "lang": post.lang,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for post in site.posts
    )
    return ('{"posts":[\n' + ",\n".join(lines) + "\n]}\n").encode()
