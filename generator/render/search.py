"""The site search: a Pagefind index of every post, built with the site into ``/pagefind/``.

Pagefind (the ``pagefind[bin]`` package ships its binary) splits the index into fragments the
search page loads as a reader types: no server, no third party. It is fed one small document
per post (title, body, authors, department, in the post's ``lang``) rather than the written
pages: the posts' bodies come from the body store, nothing else of the site is parsed, and the
index does not depend on which pages an incremental build re-rendered. Pagefind keeps one index
per language (stemming differs); the search page searches both (static/search.js).

The index is rebuilt only when what it holds changed (``search_key``): a warm build, or one
that re-renders listings only, keeps the files it has.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.diagnostics import Diagnostics, Problem
from generator.i18n import Strings, format_day
from generator.model import Post, Site

if TYPE_CHECKING:
    from generator.incremental import Plan
    from generator.incremental.bodies import BodyStore
    from generator.themes import Theme
    from generator.write.tree import OutputTree

FOLDER = "pagefind"  # the bundles' place in the output: /pagefind/<lang>/
# What the search page uses of the bundle; Pagefind also writes its other UIs, a highlighter
# and a language-neutral WebAssembly module, which no page of ours loads.
_UNUSED = (
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


def _write_documents(
    site: Site, folder: Path, names: Labels, bodies: BodyStore | None
) -> list[str]:
    """One document per post under ``folder/<lang>/``; returns the languages. Bodies kept in
    the body store are loaded one at a time (``bodies``; None: the posts hold theirs)."""
    languages = set()
    for post in site.posts:
        target = folder / post.lang / post.url.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        stored = post.rendered.stored
        html = bodies.load(stored)[0] if stored is not None and bodies else post.html
        target.write_text(document(site, post, names, html), encoding="utf-8")
        languages.add(post.lang)
    return sorted(languages)


def _run_pagefind(binary: Path, source: Path, bundle: Path) -> str | None:
    """Index ``source`` into ``bundle``; the error output if Pagefind failed."""
    command = [str(binary), "--site", str(source), "--output-path", str(bundle), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except OSError as exc:
        return str(exc)
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
    return None


def _files(bundle: Path, out_prefix: str) -> list[str]:
    return sorted(
        f"{out_prefix}/{path.relative_to(bundle).as_posix()}"
        for path in bundle.rglob("*")
        if path.is_file()
    )


def update_index(
    site: Site,
    names: Labels,
    staging: Path,
    out: Path,
    known: dict[str, tuple[str, str]],
    swapping: bool,
    bodies: BodyStore | None,
    *,
    refresh: bool = True,
) -> tuple[dict[str, str], list[Problem]]:
    """Make ``/pagefind/`` current; returns its files (name -> manifest signature) and problems.

    ``known`` is what the output holds (the manifest's entries of files still there). When the
    key is unchanged, or ``refresh`` is off and there is an index, the files stay where they
    are (or, when the build swaps in a whole new folder, are linked into it); otherwise
    Pagefind writes a new bundle into ``staging`` and the build's commit removes the old files.
    """
    binary = pagefind_binary()
    if binary is None or not binary.is_file():
        message = "search index not built: Pagefind is missing (pip install 'pagefind[bin]')"
        return {}, [Problem("site.yaml", 0, message, "warning")]
    signature = SIGNATURE + search_key(site, binary, names)
    old = [name for name, (sign, _) in known.items() if sign.startswith(SIGNATURE)]
    unchanged = all(known[name][0] == signature for name in old)
    if old and (unchanged or not refresh):
        if swapping:  # the new output folder replaces the old one: take the files along
            for name in old:
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(out / name, target)
        return {name: known[name][0] for name in old}, []
    bundle = staging / FOLDER
    with tempfile.TemporaryDirectory(prefix="dialogue-search-") as temporary:
        documents = Path(temporary)
        for lang in _write_documents(site, documents, names, bodies):
            # A bundle per language: the search page loads its own language's and merges the
            # others (Pagefind merges bundles, not the languages of one bundle).
            failure = _run_pagefind(binary, documents / lang, bundle / lang)
            if failure:
                message = f"search index not built: Pagefind: {failure}"
                return {}, [Problem("site.yaml", 0, message)]
            for name in _UNUSED:
                (bundle / lang / name).unlink(missing_ok=True)
    return dict.fromkeys(_files(bundle, FOLDER), signature), []


def index_search(
    site: Site,
    theme: Theme,
    tree: OutputTree,
    plan: Plan,
    bodies: BodyStore | None,
    diag: Diagnostics,
    *,
    refresh: bool = True,
) -> list[str]:
    """The search index as a step of the build: its files join ``plan.assets`` (so the write
    keeps them, and removes an old index's); returns those made anew in the staging folder.
    ``refresh=False`` keeps an index the output has even when posts changed (see update_index)."""
    names = labels(Strings(theme.i18n_dirs), site.config.language)
    swapping = plan.everything or not tree.output.is_dir()
    index, problems = update_index(
        site, names, tree.staging, tree.output, plan.previous, swapping, bodies, refresh=refresh
    )
    diag.extend(problems)
    plan.assets.update(index)
    return [name for name in index if (tree.staging / name).is_file()]
