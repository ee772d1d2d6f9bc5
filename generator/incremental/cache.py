"""The build cache in ``.dialogue/cache/``, so a rebuild reads and renders only what changed:

- ``posts/``: every post as read (PostCache), its body HTML in ``bodies.sqlite`` (bodies.py);
- ``texts.pickle``: approved comments as read, comment bodies and author bios as rendered
  (TextCache);
- ``outputs-*.pickle``: for each output file, the key of what it shows and the hash of its bytes
  (OutputManifest, keys from ``output_fingerprinter``), and the key of the whole site
  (``site_key``): while that is unchanged, a build plans and renders nothing, and while only
  post bodies changed, only the outputs that show them get new keys;
- ``templates/``: the theme compiled by Jinja.

Never wrong, by construction: a post's key hashes its bytes, the files beside it, the settings
that shape its reading, and the code and library versions that render it; an output's key
hashes everything its template is given, plus the theme and site.yaml. Anything unknown means a
miss, and a miss only costs time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import operator
import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import generator
from generator import markdown_fast
from generator.config import Config
from generator.content.authors import render_bio
from generator.content.comments import CommentFile, read_comment
from generator.content.discover import bundle_files
from generator.content.posts import read_post
from generator.diagnostics import Diagnostics, Problem
from generator.incremental import bodies
from generator.markdown import render_comment
from generator.model import Author, Comment, Page, Post, Rendered, Site, Taxon, Thread
from generator.nofollow import UnsafeFile, read_bytes
from generator.plan import Output, comments_open

CACHE_DIR = ".dialogue/cache"
_PLAIN = (str, int, float, bool, dt.datetime, dt.date)  # their repr() is their content
_SHARDS = [f"{i:02x}" for i in range(256)]
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "pyyaml", "jinja2", "feedgen")


def _hash(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


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
    return _hash(*_versions(libraries), f"engine={engine}", *(p.read_bytes() for p in sources))


def files_key(paths: list[Path]) -> str:
    return _hash(*(f"{p}:{read_bytes(p).hex()}" for p in paths))


def _atomic_pickle(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def _load_pickle(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # unpickling damaged bytes can raise almost anything
        return None  # a damaged or outdated entry is just a miss


Entry = tuple[Post | None, list[Any]]  # a post as read, with its problems
IndexRecord = tuple[int, int, str, str]  # mtime_ns, size, bundle signature, key


class PostCache:
    """Posts read through the cache, under ``.dialogue/cache/``:

    ``posts/`` holds every post as read (without its body HTML) with its problems, by key, in
    256 shards by the key's first two digits, so one edit rewrites two small files; beside
    them ``index.pickle``, a stat index that skips hashing unchanged files.
    ``bodies.sqlite`` holds each body's HTML (see bodies.py).

    ``use_old`` consults what earlier builds stored; ``persist`` writes bodies and the store
    (a build does, ``check`` does not: its bodies stay in memory).
    """

    def __init__(self, config: Config, code: str, *, use_old: bool, persist: bool) -> None:
        self.folder = config.root / CACHE_DIR
        self.store = self.folder / "posts"
        self.persist = persist
        self.use_old = use_old
        self.code = code
        self.settings = _hash(code, str(config.root), config.timezone, config.language)
        # path -> (mtime_ns, size, bundle signature, key). Settings (code included) are checked
        # for the whole store, so new code or settings never reuse an old key.
        self.old_index: dict[str, IndexRecord] = {}
        self.old_entries: dict[str, Entry] = {}
        self.database = str(self.folder / "bodies.sqlite")
        self.bodies = bodies.keys(self.database) if persist or use_old else set()
        self.pending: list[tuple[str, bodies.Body]] = []  # bodies read but not yet stored
        self.loaded = False  # whether the shards on disk are this code's and settings'
        if use_old:
            self._load()
        self.index: dict[str, IndexRecord] = {}  # the files of this build
        self.entries: dict[str, Entry] = {}

    def _load(self) -> None:
        stored = _load_pickle(self.store / "index.pickle")
        if not (isinstance(stored, dict) and stored.get("settings") == self.settings):
            return
        for shard in self.store.glob("[0-9a-f][0-9a-f].pickle"):
            entries = _load_pickle(shard)
            if not isinstance(entries, dict):
                return  # a damaged shard: start afresh rather than guess
            self.old_entries.update(entries)
        self.old_index = stored["index"]
        self.loaded = True

    @staticmethod
    def _bundle_signature(name: str) -> str:
        if os.path.basename(name) != "index.md":
            return ""
        stats = [
            f"{file}:{s.st_size}:{s.st_mtime_ns}"
            for file in bundle_files(Path(os.path.dirname(name)))
            if file != name
            for s in (os.lstat(file),)
        ]
        return _hash(*stats)

    def _signature(self, name: str) -> tuple[int, int, str]:
        stat = os.stat(name)
        return stat.st_mtime_ns, stat.st_size, self._bundle_signature(name)

    def _reusable(self, key: str) -> Entry | None:
        """A post read before under this key, if its body is still there."""
        found = self.old_entries.get(key)
        if found is None or (found[0] is not None and key not in self.bodies):
            return None
        return found

    def lookup(self, name: str) -> Entry | None:
        """The post as read before, when the file's size and time say it is unchanged."""
        known = self.old_index.get(name)
        # Unreadable now: read it again, so the build reports it rather than the cache hiding it.
        if known is None or known[:3] != self._signature(name) or not os.access(name, os.R_OK):
            return None
        found = self._reusable(known[3])
        if found is not None:
            self.index[name] = known
            self.entries[known[3]] = found
        return found

    def read(self, path: Path, config: Config) -> tuple[str, Entry, IndexRecord]:
        """Key the file by its content; reuse what was read under that key, else read it.
        Runs in the reading workers: hashing happens in parallel too."""
        signature = self._signature(str(path))
        try:
            raw = read_bytes(path)
        except UnsafeFile as exc:
            problem = Problem(path.relative_to(config.root).as_posix(), 0, exc.message)
            return "", (None, [problem]), (*signature, "")
        key = _hash(self.settings, str(path), signature[2], raw)
        found = self._reusable(key)
        if found is None:
            post, problems = read_post(path, config)
            found = ((self.keep_body(key, post) if post else None), problems)
        return key, found, (*signature, key)

    def put(self, path: Path, key: str, entry: Entry, record: IndexRecord) -> None:
        if not key:
            return  # not read (a link, no permission): nothing to remember
        self.index[str(path)] = record
        self.entries[key] = entry

    def keep_body(self, key: str, post: Post) -> Post:
        """The post with its keys; when the cache persists, its body goes to the body store
        (with the next ``flush``) and the post keeps only a reference."""
        meta = metadata_key(post)
        if not self.persist:
            return dataclasses.replace(post, digest=key, meta_digest=meta)
        full = post.rendered
        self.pending.append((key, (full.html, full.summary, full.headings)))
        stored = Rendered("", "", (), full.words, stored=(self.database, key))
        return dataclasses.replace(post, rendered=stored, digest=key, meta_digest=meta)

    def prepare(self) -> None:
        """Before reading workers fork: the body store exists, so they do not race to make it."""
        if self.persist:
            bodies.create(self.database)

    def flush(self) -> None:
        if self.pending:
            bodies.store(self.database, self.pending)
            self.pending = []

    def save(self) -> None:
        """Store this build's posts, drop the bodies of posts that are gone or changed, and let
        go of the records (the site keeps its own copies)."""
        try:
            self._store()
        finally:
            self.old_entries, self.entries = {}, {}

    def _store(self) -> None:
        if not self.persist:
            return
        if self.loaded and self.index == self.old_index:
            return  # nothing new: leave the store as it is
        changed = self.entries.keys() ^ self.old_entries.keys()
        shards = {key[:2] for key in changed} if self.loaded else set(_SHARDS)
        grouped: dict[str, dict[str, Any]] = {shard: {} for shard in shards}
        for key, entry in self.entries.items():
            if key[:2] in grouped:
                grouped[key[:2]][key] = entry
        _atomic_pickle(self.store / "index.pickle", {"settings": "", "index": {}})
        for shard, entries in grouped.items():
            path = self.store / f"{shard}.pickle"
            if entries:
                _atomic_pickle(path, entries)
            else:
                path.unlink(missing_ok=True)
        # The index goes last: until it names these settings, no build trusts the shards.
        index = {"settings": self.settings, "index": self.index}
        _atomic_pickle(self.store / "index.pickle", index)
        bodies.delete(self.database, self.bodies - self.entries.keys())


class TextCache:
    """Approved comments as read, and the HTML of comment bodies and author bios, in
    ``texts.pickle``: a busy site has tens of thousands of comments and hundreds of authors, and
    parsing their YAML and Markdown on every build would cost seconds.

    A comment file is read again when its size or time changed (the moderation CLI writes
    comments atomically, so each write gives a new time); a text is rendered once.
    """

    def __init__(self, config: Config, code: str, *, use_old: bool, persist: bool) -> None:
        self.path = config.root / CACHE_DIR / "texts.pickle"
        self.root = config.root
        self.persist = persist
        self.settings = _hash(code, str(config.root))
        stored = _load_pickle(self.path) if use_old else None
        valid = isinstance(stored, dict) and stored.get("settings") == self.settings
        self.old: dict[str, Any] = stored if valid else {"files": {}, "html": {}}  # type: ignore[assignment]
        self.files: dict[str, tuple[int, int, CommentFile | None, list[Problem]]] = {}
        self.html: dict[tuple[str, str], str] = {}  # (kind, Markdown) -> HTML

    def read(self, path: Path, diag: Diagnostics) -> CommentFile | None:
        name = str(path)
        stat = os.lstat(name)
        record = self.old["files"].get(name)
        changed = record is None or record[:2] != (stat.st_mtime_ns, stat.st_size)
        if changed or not os.access(name, os.R_OK):  # unreadable now: report it, not the cache
            found = Diagnostics(diag.root)
            record = (stat.st_mtime_ns, stat.st_size, read_comment(path, found), found.problems)
        self.files[name] = record
        diag.extend(record[3])
        return record[2]

    def _remembered(self, kind: str, text: str, render: Callable[[str], str]) -> str:
        key = (kind, text)
        html = self.html.get(key) or self.old["html"].get(key)
        if html is None:
            html = render(text)
        self.html[key] = html
        return html

    def comment_html(self, body: str) -> str:
        return self._remembered("comment", body, render_comment)

    def bio_html(self, bio: str) -> str:
        return self._remembered("bio", bio, render_bio)

    def save(self) -> None:
        unchanged = self.files == self.old["files"] and self.html.keys() == self.old["html"].keys()
        if self.persist and not unchanged:
            _atomic_pickle(
                self.path, {"settings": self.settings, "files": self.files, "html": self.html}
            )


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
    return _hash(repr(dataclasses.replace(post, rendered=rendered, digest="", meta_digest="")))


class SiteKey(NamedTuple):
    """Everything the outputs are made from, in two parts. plan.py is a pure function of the
    site, and the clock reaches it only through the year (in the global key) and whether each
    post still takes comments; outputs see post bodies only through ``Output.bodies``."""

    shape: str  # all but the post bodies: equal, and every output's context is as it was
    bodies: dict[str, str]  # post URL -> the post's key (its file's content and more)


UNKNOWN_SITE = SiteKey("", {})  # no build is known to have made the output as it is


def site_key(site: Site, global_key: str) -> SiteKey:
    posts = [f"{p.meta_digest}{comments_open(site, p)}" for p in site.posts]
    pages = [f"{p.digest}{p.source}" for p in site.pages]
    comments = [slug + _comment_token(c) for slug, cs in site.comments.items() for c in cs]
    shape = _hash(global_key, "posts", *posts, "pages", *pages, "comments", *comments)
    return SiteKey(shape, {post.url: post.digest for post in site.posts})


def output_fingerprinter(site: Site, global_key: str) -> Callable[[Output], str]:
    """A function Output -> key of everything that output shows.

    Records stand in by their content keys: a post by the key of its metadata (and its comment
    count), plus its body's key only where the output shows the body (``Output.bodies``). So
    hashing a listing page costs a few bytes per post, and a body edit touches only the post's
    page and the feeds that carry it.
    """
    comment_keys = {slug: _hash(*map(_comment_token, cs)) for slug, cs in site.comments.items()}
    tokens: dict[int, str] = {}  # id(record) -> its token: records recur on many pages

    def token(record: Any) -> str:
        kind = type(record)
        if kind is Post:
            comments = comment_keys.get(record.slug, "")
            return f"P{record.meta_digest}{record.url}{record.department}{comments}"
        if kind is Author:
            return f"A{record.id}"  # authors are part of the global key
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
            return f"T{record.kind}:{record.slug}:{record.name}:{_hash(*members)}"
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
        elif kind is dict:  # in insertion order: plan.py makes it, and code is in the key
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


class OutputManifest:
    """What the output folder holds: file -> (key it was rendered from, hash of its bytes), or
    (the asset's signature, "") for a copied file; and the ``SiteKey`` it was built from."""

    def __init__(self, config: Config) -> None:
        name = _hash(str(config.output_path))[:12]
        self.path = config.root / CACHE_DIR / f"outputs-{name}.pickle"

    def load(self) -> tuple[dict[str, tuple[str, str]], SiteKey]:
        value = _load_pickle(self.path)
        try:
            files, shape, bodies = value
            if all(type(v) is tuple for v in files.values()):
                return files, SiteKey(str(shape), dict(bodies))
        except (TypeError, ValueError, AttributeError):
            pass  # another format or a damaged file: nothing is known
        return {}, UNKNOWN_SITE

    def save(self, files: dict[str, tuple[str, str]], site: SiteKey) -> None:
        _atomic_pickle(self.path, (files, site.shape, site.bodies))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
