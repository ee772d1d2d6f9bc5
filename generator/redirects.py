"""Old addresses that keep working: ``aliases:`` in a post's or page's front matter.

As in Hugo, each alias is a path of this site where the page used to be; the build writes a
small page there that sends readers (meta refresh) and search engines (canonical link,
noindex) to the new address. A static host cannot serve a query string as a file, so an alias
with one (``/?p=123``, WordPress's default links) goes into ``/_dialogue/redirects.json``
instead, and a small script on the home page and the 404 page (where such links land)
forwards from it.

This module checks aliases (reading, then across the site) and produces both files; plan.py
decides where they go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import unquote

from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.model import Page, Post, Site

MAP_URL = "/_dialogue/redirects.json"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\#]")
_FIRST_SEGMENT_TAKEN = (
    "page", "authors", "tags", "departments", "archive", "comments", "_dialogue", "static",
)  # fmt: skip
_FILES_TAKEN = {"/404.html", "/index.html"}


def normalise_alias(text: str) -> tuple[str | None, str | None]:
    """(alias as the build uses it, None) or (None, what is wrong and how to fix it).

    Percent-escapes are decoded (the file is named as the host decodes the request); a path
    not ending in '.html' or '.htm' is a folder, so '/2019/05/old' becomes '/2019/05/old/'."""
    shown = text.strip()
    alias = unquote(shown)
    if "://" in alias or alias.startswith("//"):
        return None, f"alias '{shown}' must be a path of this site (like /2019/05/old-slug/)"
    if _UNSAFE.search(alias):
        return None, f"alias '{shown}' holds a control character, '\\' or '#': remove it"
    path, mark, query = alias.partition("?")
    path = "/" + path.lstrip("/")
    segments = path.split("/")[1:-1] if path.endswith("/") else path.split("/")[1:]
    if any(s in ("", ".", "..") for s in segments):
        return None, f"alias '{shown}' has an empty, '.' or '..' part: write the path plainly"
    if mark and not query:
        return None, f"alias '{shown}' ends in '?': write the query (/?p=123) or leave it out"
    if not path.endswith(("/", ".html", ".htm")):
        path += "/"
    if path == "/" and not query:
        return None, "alias '/' is the home page: remove it"
    return path + (f"?{query}" if query else ""), None


def check_aliases(
    config: Config, posts: Sequence[Post], pages: Sequence[Page], diag: Diagnostics
) -> None:
    """No alias where the build writes a page, and none used twice."""

    def where(item: Post | Page) -> str:
        return item.source.relative_to(config.root).as_posix()

    items: list[Post | Page] = [*posts, *pages]
    real = {item.url: item for item in items}
    seen: dict[str, Post | Page] = {}
    for item in items:
        line = item.line_of("aliases")
        for alias in item.aliases:
            path = alias.partition("?")[0]
            first = path.strip("/").split("/")[0]
            owner = real.get(alias)
            if owner is not None:
                message = f"alias '{alias}' is the address of {where(owner)}: remove it"
                diag.error(item.source, line, message)
            elif "?" not in alias and (first in _FIRST_SEGMENT_TAKEN or path in _FILES_TAKEN):
                message = f"alias '{alias}' is where the build writes its own pages: remove it"
                diag.error(item.source, line, message)
            elif alias in seen and seen[alias] is not item:
                other = f"{where(seen[alias])}:{seen[alias].line_of('aliases')}"
                diag.error(item.source, line, f"alias '{alias}' is also given in {other}")
            seen.setdefault(alias, item)


def query_aliases(site: Site) -> tuple[tuple[str, str], ...]:
    """(alias, new URL) of every alias with a query, sorted."""
    items: Iterable[Post | Page] = (*site.posts, *site.pages)
    return tuple(sorted((a, i.url) for i in items for a in i.aliases if "?" in a))


def redirect_page(site: Site, target: str, title: str, lang: str) -> bytes:
    """A page that sends browsers and search engines to ``target``. Readers go to the path on
    the host they asked (a copy served elsewhere, a preview on another port, keeps them there);
    search engines get base_url's absolute address."""
    config = site.config
    canonical = escape(config.absolute(target))
    url = escape(config.base_path.rstrip("/") + "/" + target.lstrip("/"))
    name = escape(title)
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{name}</title>\n"
        f'<meta name="description" content="{name}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'</head>\n<body>\n<p><a href="{url}">{name}</a></p>\n</body>\n</html>\n'
    ).encode()


def redirect_map(redirects: Sequence[tuple[str, str]]) -> bytes:
    return (json.dumps(dict(redirects), ensure_ascii=False, indent=0) + "\n").encode("utf-8")
