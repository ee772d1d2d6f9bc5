"""Keys: what the code, a post, the whole site and each output are made from, as short hashes.

Complete by construction: an output's key hashes its context (records by the keys of their
content), the bodies it shows, and the global key; the global key hashes the code, the theme
and ``Shared``, which is everything outputs see beside their context (render/ hands templates
and producers that object and nothing else of the site). A post stands in by ``Post.meta_digest``
(all it shows outside its own page), its URL and department (set by assemble) and its
comments (``comment_count`` shows them on listings).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import operator
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import generator
from generator.markdown import fast as markdown_fast
from generator.model import Author, Comment, Page, Post, Rendered, Site, Taxon, Thread
from generator.nofollow import read_bytes
from generator.plan.records import Output, Shared, comments_open

_PLAIN = (str, int, float, bool, dt.datetime, dt.date)  # their repr() is their content
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "pyyaml", "jinja2", "feedgen")


def digest(*parts: bytes | str) -> str:
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
    return hashed.hexdigest()


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()  # as wheels spell a project's name


def _versions(names: tuple[str, ...]) -> list[str]:
    """``name=version`` of installed projects, read from the names of their ``.dist-info``
    folders on sys.path (first found wins, as for imports). importlib.metadata says the same,
    but importing it takes longer than the rest of a warm build's start; it answers for a
    project installed another way."""
    wanted = {_normalised(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                project, _, version = entry.removesuffix(".dist-info").partition("-")
                name = wanted.get(_normalised(project))
                if name is not None:
                    found.setdefault(name, version)
    for name in names:
        if name not in found:
            from importlib import metadata

            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = "?"
    return [f"{name}={found[name]}" for name in names]


def code_version() -> str:
    """Changes whenever the generator's code, a rendering library or the Markdown engine
    that post bodies try first (markdown_fast.engine) changes."""
    package = Path(generator.__file__).parent
    sources = sorted(package.rglob("*.py"))
    engine = markdown_fast.engine()
    libraries = _LIBRARIES + (("markdown-it-pyrs",) if engine != "reference" else ())
    return digest(*_versions(libraries), f"engine={engine}", *(p.read_bytes() for p in sources))


def files_key(paths: list[Path]) -> str:
    return digest(*(f"{p}:{read_bytes(p).hex()}" for p in paths))


def global_key(code: str, theme_files: list[Path], shared: Shared) -> str:
    """What every output may show: the code, the theme, and ``Shared``."""
    return digest(code, files_key(theme_files), repr(shared))


_COMMENT_SHOWS = operator.attrgetter(
    "id", "name", "created", "approved", "approved_by", "body", "parent", "website", "staff"
)


def _comment_token(comment: Comment) -> str:
    """Everything a page can show of a comment (its HTML follows from its body)."""
    return repr(_COMMENT_SHOWS(comment))


def metadata_key(post: Post) -> str:
    """The key of everything a post shows outside its own page: all but its body (HTML, first
    paragraph, headings). Of the body's length, pages elsewhere see the reading time
    (``post.reading_minutes``), so a sentence added to a post does not re-render every listing
    it is on."""
    rendered = Rendered("", "", (), post.reading_minutes)
    return digest(repr(dataclasses.replace(post, rendered=rendered, digest="", meta_digest="")))


class SiteKey(NamedTuple):
    """Everything the outputs are made from, in two parts. plan/ is a pure function of the
    site, and the clock reaches it only through the year (in the global key) and whether each
    post still takes comments; outputs see post bodies only through ``Output.bodies``."""

    shape: str  # all but the post bodies: equal, and every output's context is as it was
    bodies: dict[str, str]  # post URL -> the post's key (its file's content and more)


UNKNOWN_SITE = SiteKey("", {})  # no build is known to have made the output as it is


def site_key(site: Site, global_key: str) -> SiteKey:
    posts = [f"{p.meta_digest}{p.url}{p.department}{comments_open(site, p)}" for p in site.posts]
    pages = [f"{p.digest}{p.source}" for p in site.pages]
    comments = [slug + _comment_token(c) for slug, cs in site.comments.items() for c in cs]
    shape = digest(global_key, "posts", *posts, "pages", *pages, "comments", *comments)
    return SiteKey(shape, {post.url: post.digest for post in site.posts})


def output_fingerprinter(site: Site, global_key: str) -> Callable[[Output], str]:
    """A function Output -> key of everything that output shows.

    Records stand in by their content keys: a post by the key of its metadata (and its
    comments), plus its body's key only where the output shows the body (``Output.bodies``).
    So hashing a listing page costs a few bytes per post, and a body edit touches only the
    post's page and the feeds that carry it.
    """
    comment_keys = {slug: digest(*map(_comment_token, cs)) for slug, cs in site.comments.items()}
    tokens: dict[int, str] = {}  # id(record) -> its token: records recur on many pages

    def token(record: Any) -> str:
        kind = type(record)
        if kind is Post:
            comments = comment_keys.get(record.slug, "")
            return f"P{record.meta_digest}{record.url}{record.department}{comments}"
        if kind is Author:
            return f"A{record.id}"  # authors are part of Shared, so of the global key
        if kind is Page:
            return f"G{record.digest}{record.url}"
        if kind is Comment:
            return _comment_token(record)
        if kind is Thread:
            parts: list[str] = []
            walk((record.comment, record.replies), parts)
            return "\0".join(parts)
        if kind is Taxon:  # with its posts: an overview may show counts or the newest
            members: list[str] = []
            walk(record.posts, members)
            return f"T{record.kind}:{record.slug}:{record.name}:{digest(*members)}"
        if dataclasses.is_dataclass(record) or isinstance(record, _PLAIN):
            return repr(record)  # Feed, Pagination; subclasses of str (Markup) and the like
        raise TypeError(f"cannot fingerprint {kind.__name__}")

    def walk(value: Any, out: list[str]) -> None:
        kind = type(value)
        if kind is str:
            out.append("s" + value)
        elif kind is tuple or kind is list:
            out.append("(")
            for item in value:
                walk(item, out)
            out.append(")")
        elif kind is dict:  # in insertion order: plan/ makes it, and code is in the key
            for name, item in value.items():
                out.append(name)
                walk(item, out)
        elif value is None or kind in _PLAIN:
            out.append(repr(value))
        else:
            known = tokens.get(id(value))
            if known is None:
                known = tokens[id(value)] = token(value)
            out.append(known)

    def fingerprint(output: Output) -> str:
        parts: list[str] = [global_key, output.url, output.renderer]
        walk(output.context, parts)
        parts.extend(post.digest for post in output.bodies)
        text = "\0".join(parts).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    return fingerprint
