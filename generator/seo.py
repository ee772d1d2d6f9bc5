"""The machine-readable files: sitemap.xml, robots.txt, feeds.opml and the intake manifest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from generator.model import Site
from generator.plan import Feed, comments_open


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap(site: Site, entries: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for url, modified in entries:
        item = ET.SubElement(urlset, "url")
        ET.SubElement(item, "loc").text = site.config.absolute(url)
        if modified is not None:
            ET.SubElement(item, "lastmod").text = modified.isoformat(timespec="seconds")
    return _xml(urlset)


def robots(site: Site) -> bytes:
    sitemap_url = site.config.absolute("/sitemap.xml")
    return f"User-agent: *\nAllow: /\nDisallow: /_dialogue/\n\nSitemap: {sitemap_url}\n".encode()


def opml(site: Site, feeds: Sequence[Feed]) -> bytes:
    """Every feed the site offers, so a reader subscribes to all of them in one step."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = site.config.title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        ET.SubElement(
            body,
            "outline",
            type="rss",
            text=feed.title,
            title=feed.title,
            xmlUrl=site.config.absolute(feed.url),
        )
    return _xml(root)


def manifest(site: Site) -> bytes:
    """What the comment intake needs to know about posts, without reading content/."""
    posts = [
        {
            "slug": post.slug,
            "url": site.config.absolute(post.url),
            "path": post.url,
            "title": post.title,
            "comments_open": comments_open(site, post),
            "authors": list(post.author_ids),
        }
        for post in site.posts
    ]
    return json.dumps({"posts": posts}, ensure_ascii=False, indent=1).encode() + b"\n"
