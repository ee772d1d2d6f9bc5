"""sitemap.xml (an index of sitemaps past 50,000 pages) and robots.txt, which points to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from html import escape

from generator.config import Config

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _locations(
    config: Config, tag: str, entries: Sequence[tuple[str, dt.datetime | None]]
) -> Iterator[str]:
    # Written as text, not built as a tree: a large site lists 50,000 pages in one file.
    for url, modified in entries:
        yield f"  <{tag}>\n    <loc>{escape(config.absolute(url), quote=False)}</loc>\n"
        if modified is not None:
            yield f"    <lastmod>{modified.isoformat(timespec='seconds')}</lastmod>\n"
        yield f"  </{tag}>\n"


def _sitemap_file(root: str, lines: Iterable[str]) -> bytes:
    head = f"<?xml version='1.0' encoding='utf-8'?>\n<{root} xmlns=\"{SITEMAPS}\">\n"
    return (head + "".join(lines) + f"</{root}>\n").encode()


def sitemap(config: Config, entries: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    return _sitemap_file("urlset", _locations(config, "url", entries))


def sitemap_index(config: Config, parts: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    return _sitemap_file("sitemapindex", _locations(config, "sitemap", parts))


def robots(config: Config) -> bytes:
    sitemap_url = config.absolute("/sitemap.xml")
    return f"User-agent: *\nAllow: /\nDisallow: /_dialogue/\n\nSitemap: {sitemap_url}\n".encode()
