"""No broken internal link or #anchor anywhere in the output: every href, src and srcset that
points into the site (relative, root-relative or under base_url) resolves to a file, a folder's
URL ends in / and has its index.html, and every #fragment names an id (or an <a name>) in the
page it points to. The sitemap and the feeds' links are held to the same rule."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tools.conftest import Built

pytestmark = pytest.mark.tools

URL_ATTRIBUTES = ("href", "src", "poster", "data", "action", "formaction")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str, str]] = []  # line, tag, attribute, value
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            if tag == "base" and name == "href":
                self.base = value
            # The comment form posts to the intake, which is no file: not a link.
            if tag == "form" and name == "action":
                continue
            if name in URL_ATTRIBUTES:
                self.urls.append((line, tag, name, value))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.urls.append((line, tag, name, candidate.split()[0]))

    handle_startendtag = handle_starttag


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def check_url(built: Built, page_url: str, value: str) -> str | None:
    """None when ``value`` (on ``page_url``) is external or resolves; else what is wrong."""
    value = value.strip()
    if not value or value.startswith(("mailto:", "tel:", "data:")):
        return None
    absolute = urljoin(page_url, value)
    if not absolute.startswith(built.base_url):
        if urlsplit(absolute).netloc == urlsplit(built.base_url).netloc:
            return "on the site's host but outside base_url"
        return None  # another site: not ours to check here
    parts = urlsplit(absolute)
    rel = unquote(parts.path[len(urlsplit(built.base_url).path) :])
    target = built.out / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    elif target.is_dir():
        return f"{rel} is a folder: link to {rel}/"
    if not target.is_file():
        return f"{rel or '/'} does not exist"
    fragment = unquote(parts.fragment)
    if fragment:
        if target.suffix != ".html":
            return f"#{fragment} on a file that is no page ({rel})"
        if fragment not in _parse(target).ids:
            return f"no id {fragment!r} in {rel or '/'}"
    return None


def test_every_internal_link_and_anchor_resolves(built: Built) -> None:
    files = built.html_files()
    assert len(files) >= 20
    broken, checked = [], 0
    for file in files:
        page = _parse(file)
        page_url = urljoin(built.url_of(file), page.base) if page.base else built.url_of(file)
        for line, tag, attribute, value in page.urls:
            checked += 1
            problem = check_url(built, page_url, value)
            if problem:
                where = file.relative_to(built.out).as_posix()
                broken.append(f"{where}:{line}: <{tag} {attribute}={value!r}>: {problem}")
    assert checked > 500, f"only {checked} URLs found: is the parser blind?"
    assert not broken, f"{len(broken)} broken:\n" + "\n".join(sorted(set(broken)))


def test_duplicate_ids(built: Built) -> None:
    """An #anchor is only meaningful if its id is unique on the page (vnu checks this too;
    here it is spelled out per page)."""
    dupes = []
    for file in built.html_files():
        ids = re.findall(r'\sid="([^"]*)"', file.read_text(encoding="utf-8"))
        seen = {i for i in ids if ids.count(i) > 1}
        if seen:
            dupes.append(f"{file.relative_to(built.out)}: {sorted(seen)}")
    assert not dupes, "\n".join(dupes)


def test_sitemap_and_feed_links_resolve(built: Built) -> None:
    broken = []
    sitemap = ET.parse(built.out / "sitemap.xml")
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs, "the sitemap lists nothing"
    for loc in locs:
        if not loc.startswith(built.base_url):
            broken.append(f"sitemap.xml: {loc} is not under {built.base_url}")
        elif problem := check_url(built, built.base_url, loc):
            broken.append(f"sitemap.xml: {loc}: {problem}")
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in sorted(built.out.rglob("feed.xml")):
        for link in ET.parse(feed).iter(f"{atom}link"):
            href = link.get("href") or ""
            if problem := check_url(built, built.base_url, href):
                broken.append(f"{feed.relative_to(built.out)}: {href}: {problem}")
    for item in ET.parse(built.out / "rss.xml").iter("link"):
        if problem := check_url(built, built.base_url, item.text or ""):
            broken.append(f"rss.xml: {item.text}: {problem}")
    assert not broken, "\n".join(broken)
