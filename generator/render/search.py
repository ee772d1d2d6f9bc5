"""The site search: a Pagefind index of every post, built with the site into ``/pagefind/``.

Pagefind (the ``pagefind[bin]`` package ships its binary) splits the index into fragments the
search page loads as a reader types: no server, no third party. It is fed one small document
per post (title, body, authors, department, in the post's ``lang``) rather than the written
pages: the posts' bodies come from the body store, nothing else of the site is parsed, and the
index does not depend on which pages an incremental build re-rendered. Pagefind keeps one index
per language (stemming differs); the search page searches both (static/search.js).

The index is rebuilt only when what it holds changed (``search_key``): a warm build, or one
that re-renders listings only, keeps the files it has. How a build runs Pagefind, beside its
render stage: indexing.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.i18n import Strings, format_day
from generator.model import Post, Site

if TYPE_CHECKING:
    from generator.incremental.bodies import BodyStore

FOLDER = "pagefind"  # the bundles' place in the output: /pagefind/<lang>/
# What the search page uses of the bundle; Pagefind also writes its other UIs, a highlighter
# and a language-neutral WebAssembly module, which no page of ours loads.
UNUSED = (
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)
SIGNATURE = "search:"  # how the output manifest marks the bundle's files


def pagefind_binary() -> Path | None:
    """The Pagefind executable: PAGEFIND_BINARY_PATH, else the ``pagefind_bin`` package's."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return Path(configured)
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    return Path(get_executable())


def _version(binary: Path) -> str:
    """The binary's version for the key: the package's name of it, or the file's size."""
    return f"{binary}:{binary.stat().st_size}"


class Labels(NamedTuple):
    """How the search page names a result's metadata and its filters (the site's language)."""

    lang: str
    by: str
    date: str


def labels(strings: Strings, lang: str) -> Labels:
    return Labels(lang, strings.get(lang, "search_by"), strings.get(lang, "search_date"))


def search_key(site: Site, binary: Path, names: Labels) -> str:
    """Everything the index is made from: each post's source (its key covers the body) and
    what the document shows besides, the authors' names, the labels, the code."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_version(binary)}\0{names!r}\0".encode())
    digest.update(Path(__file__).read_bytes())
    for author in site.authors.values():
        digest.update(f"{author.id}\0{author.name}\0".encode())
    for post in site.posts:
        digest.update(f"{post.url}\0{post.digest}\0{post.meta_digest}\0".encode())
    return digest.hexdigest()


def document(site: Site, post: Post, names: Labels, html: str) -> str:
    """What Pagefind indexes of a post: its title and body (``data-pagefind-body``); outside
    it, so shown with a result but not searched, its authors and date. No filters: Pagefind
    writes them in a different order each run, and an unchanged site must give the same bytes."""
    authors = ", ".join(site.authors[a].name for a in post.author_ids)
    date = format_day(post.date.astimezone(site.config.tz), names.lang)
    head = "".join(
        f'<p data-pagefind-meta="{escape(key)}">{escape(value)}</p>'
        for key, value in ((names.by, authors), (names.date, date))
    )
    return (
        f'<!doctype html><html lang="{post.lang}"><head><meta charset="utf-8">'
        f"<title>{escape(post.title)}</title></head><body>{head}"
        f"<main data-pagefind-body><h1>{escape(post.title)}</h1>\n{html}</main>"
        "</body></html>"
    )


def write_documents(
    site: Site, folder: Path, names: Labels, bodies: BodyStore | None, lang: str
) -> int:
    """One document per post in ``lang`` under ``folder``; returns how many. Bodies kept in
    the body store are loaded one at a time (``bodies``; None: the posts hold theirs)."""
    count = 0
    for post in site.posts:
        if post.lang != lang:
            continue
        target = folder / post.url.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        stored = post.rendered.stored
        html = bodies.load(stored)[0] if stored is not None and bodies else post.html
        target.write_text(document(site, post, names, html), encoding="utf-8")
        count += 1
    return count


def pagefind_command(binary: Path, source: Path, bundle: Path) -> list[str]:
    return [str(binary), "--site", str(source), "--output-path", str(bundle), "--silent"]


def bundle_files(bundle: Path, out_prefix: str) -> list[str]:
    return sorted(
        f"{out_prefix}/{path.relative_to(bundle).as_posix()}"
        for path in bundle.rglob("*")
        if path.is_file()
    )
