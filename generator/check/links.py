"""``dialogue check`` checks links: every internal href, src, srcset and #anchor of the HTML
pages the build would write must lead to a file the build writes (a page, a copied asset, the
search bundle) and, with a fragment, to an element with that id on the target page.

A broken link is reported at the Markdown source line that holds it (found by searching the
post's or page's source for the link as written); a broken link the theme makes is reported
once, with the number of pages that have it.

The rendered pages are scanned with regular expressions, not an HTML parser: every page is
written by Jinja, markdown-it or nh3, which quote attributes with double quotes, and a regular
expression reads 10,000 post pages in seconds.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from generator.config import Config
from generator.diagnostics import Problem
from generator.plan.records import Output
from generator.urls import output_file

_LINK = re.compile(r'\s(href|src|srcset|poster)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
SEARCH_BUNDLE = "pagefind/"  # written after the check would stop; links into it are trusted


@dataclass(frozen=True)
class Broken:
    page: str  # the output file that has the link
    link: str  # as written in the page
    reason: str


def _targets(attribute: str, value: str) -> Iterable[str]:
    if attribute == "srcset":
        for candidate in value.split(","):
            url = candidate.strip().split(" ")[0]
            if url:
                yield url
    else:
        yield value


class _Site:
    """The files of the site and the ids on each of its pages."""

    def __init__(self, config: Config, staging: Path, files: Collection[str]) -> None:
        self.base = config.absolute("/")
        self.base_path = config.base_path
        self.staging = staging
        self.files = set(files)
        self.ids: dict[str, set[str]] = {}
        self.resolved: dict[str, tuple[str | None, str, str]] = {}

    def resolve(self, page: str, link: str) -> tuple[str | None, str, str]:
        """(output file or None if outside the site, fragment, reason if broken). Most links
        are the same on many pages ('/tags/api/'): each is worked out once."""
        if link[0] == "#":
            return page, unquote(link[1:]), ""  # on this page
        if link[0] == "/" or _SCHEME.match(link):
            key = link
        else:
            key = f"{page.rpartition('/')[0]}/\0{link}"  # relative: the same in one folder
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._resolve(page, link)
        return found

    def _resolve(self, page: str, link: str) -> tuple[str | None, str, str]:
        page_url = self.base + (page.removesuffix("index.html"))
        absolute = urljoin(page_url, link)
        if not absolute.startswith(self.base):
            parts = urlsplit(absolute)
            if (parts.scheme, parts.netloc) == tuple(urlsplit(self.base)[:2]):
                return None, "", "outside the site's base_url"
            return None, "", ""  # another site: not ours to check
        parts = urlsplit(absolute)
        path = unquote(parts.path)[len(self.base_path) :]
        if path.startswith(SEARCH_BUNDLE):
            return None, "", ""
        name = output_file("/" + path)
        if name not in self.files:
            if name + "/index.html" in self.files:
                name += "/index.html"  # a folder without its slash: servers redirect
            else:
                return None, "", "leads to no page or file of the site"
        return name, unquote(parts.fragment), ""

    def ids_of(self, name: str) -> set[str]:
        found = self.ids.get(name)
        if found is None:
            with open(self.staging / name, encoding="utf-8", errors="replace") as handle:
                found = set(_ID.findall(handle.read()))
            self.ids[name] = found
        return found


def broken_links(config: Config, staging: Path, files: Collection[str]) -> list[Broken]:
    """Every broken internal link of the HTML pages in ``staging`` (``files``: every file the
    build writes, pages and copied assets)."""
    site = _Site(config, staging, files)
    broken: list[Broken] = []
    for page in sorted(name for name in files if name.endswith(".html")):
        if not os.path.isfile(staging / page):
            continue  # a copied asset, not a page we render
        with open(staging / page, encoding="utf-8", errors="replace") as handle:
            html = handle.read()
        site.ids[page] = set(_ID.findall(html))
        for attribute, value in _LINK.findall(html):
            for link in _targets(attribute, value.replace("&amp;", "&")):
                if not link or (_SCHEME.match(link) and not link.startswith(("http:", "https:"))):
                    continue  # mailto:, tel:, data: and the like
                target, fragment, reason = site.resolve(page, link)
                # A page that failed to render has its own problem: no anchors to check.
                is_page = target is not None and target.endswith(".html")
                if not reason and target and fragment and is_page and (staging / target).is_file():
                    found = fragment in site.ids_of(target)
                    reason = "" if found else f"no element has the id '{fragment}'"
                if reason:
                    broken.append(Broken(page, link, reason))
    return broken


def _line_in(source: Path, link: str) -> int | None:
    """The first line of ``source`` that holds ``link`` as written (or decoded), if any."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for candidate in dict.fromkeys((link, unquote(link))):
        for number, line in enumerate(lines, start=1):
            if candidate in line:
                return number
    return None


def link_problems(
    config: Config, outputs: Sequence[Output], staging: Path, files: Collection[str]
) -> list[Problem]:
    """Broken links as problems: at the source line of the post or page that has them, or once
    per template and link when the theme makes them."""
    sources: dict[str, Path] = {}
    for output in outputs:
        name = output_file(output.url)
        shown = output.context.get("post") or output.context.get("page")
        if shown is not None:
            sources[name] = Path(shown.source)
    problems = []
    by_theme: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in broken_links(config, staging, files):
        source = sources.get(item.page)
        line = _line_in(source, item.link) if source is not None else None
        if source is not None and line is not None:
            where = source.relative_to(config.root).as_posix()
            problems.append(Problem(where, line, f"broken link '{item.link}': {item.reason}"))
        else:
            by_theme[(item.link, item.reason)].append(item.page)
    for (link, reason), pages in sorted(by_theme.items()):
        more = f" (and {len(pages) - 1} more pages)" if len(pages) > 1 else ""
        message = f"broken link '{link}' on /{pages[0]}{more}: {reason}; it is not in a post"
        problems.append(Problem(f"theme '{config.theme}'", 0, message))
    return problems
