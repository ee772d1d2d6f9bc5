"""The build cache in ``.dialogue/cache/``: rendered posts keyed by content, and what each output
was made from, so a rebuild reads and renders only what changed.

Never wrong, by construction: a post's key hashes its bytes, the files beside it, the settings
that shape its reading, and the code and library versions that render it; an output's key
hashes everything its template is given, plus the theme and site.yaml. Anything unknown means a
miss, and a miss only costs time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import generator
from generator.config import Config
from generator.model import Author, Comment, Page, Post, Site, Taxon, Thread

CACHE_DIR = ".dialogue/cache"
_PLAIN = (str, int, float, bool, dt.datetime, dt.date)  # their repr() is their content
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "pyyaml", "jinja2", "feedgen")


def _hash(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def code_version() -> str:
    """Changes whenever the generator's code or a rendering library changes."""
    package = Path(generator.__file__).parent
    sources = sorted(package.rglob("*.py"))
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return _hash(*versions, *(p.read_bytes() for p in sources))


def files_key(paths: list[Path]) -> str:
    return _hash(*(f"{p}:{p.read_bytes().hex()}" for p in paths))


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
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None  # a damaged or outdated entry is just a miss


class PostCache:
    """Posts read through the cache, in two parts under ``.dialogue/cache/``:

    ``posts.pickle`` holds every post as read (without its body HTML) with its problems, by
    key, plus a stat index that skips hashing unchanged files; ``bodies/`` holds each body's
    HTML as a file, written by the worker that rendered it and read only by the outputs that
    show it, so a site of 100,000 posts never holds their HTML in memory.

    ``use_old`` consults what earlier builds stored; ``persist`` writes bodies and the store
    (a build does, ``check`` does not: its bodies stay in memory).
    """

    def __init__(self, config: Config, code: str, *, use_old: bool, persist: bool) -> None:
        self.folder = config.root / CACHE_DIR
        self.persist = persist
        self.settings = _hash(code, str(config.root), config.timezone, config.language)
        stored = _load_pickle(self.folder / "posts.pickle") if use_old or persist else None
        valid = isinstance(stored, dict) and stored.get("settings") == self.settings
        old: dict[str, Any] = stored if valid else {"index": {}, "entries": {}}  # type: ignore[assignment]
        # path -> (mtime_ns, size, bundle signature, key). Settings (code included) are checked
        # for the whole store above, so new code or settings never reuse an old key.
        self.old_index: dict[str, tuple[int, int, str, str]] = old["index"] if use_old else {}
        self.index: dict[str, tuple[int, int, str, str]] = {}  # the files of this build
        self.old_entries: dict[str, tuple[Post | None, list[Any]]] = old["entries"]
        self.entries: dict[str, tuple[Post | None, list[Any]]] = {}
        self.use_old = use_old

    @staticmethod
    def _bundle_signature(path: Path) -> str:
        if path.name != "index.md":
            return ""
        stats = [
            f"{p.name}:{s.st_size}:{s.st_mtime_ns}"
            for p in sorted(path.parent.rglob("*"))
            if p.is_file() and p != path
            for s in (p.stat(),)
        ]
        return _hash(*stats)

    def key(self, path: Path) -> str:
        stat = path.stat()
        bundle = self._bundle_signature(path)
        known = self.old_index.get(str(path))
        if known and known[:3] == (stat.st_mtime_ns, stat.st_size, bundle):
            self.index[str(path)] = known
            return known[3]
        key = _hash(self.settings, str(path), bundle, path.read_bytes())
        self.index[str(path)] = (stat.st_mtime_ns, stat.st_size, bundle, key)
        return key

    def get(self, key: str) -> tuple[Post | None, list[Any]] | None:
        """A post read before, if its body is still there."""
        found = self.old_entries.get(key) if self.use_old else None
        if found is None:
            return None
        post = found[0]
        if post is not None and post.rendered.html_file and not post.rendered.html_file.exists():
            return None
        self.entries[key] = found
        return found

    def _body_file(self, key: str) -> Path:
        return self.folder / "bodies" / key[:2] / f"{key}.html"

    def keep_body(self, key: str, post: Post) -> Post:
        """The post with its key; its HTML moved to a body file when the cache persists."""
        if not self.persist:
            return dataclasses.replace(post, digest=key)
        target = self._body_file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_text(post.rendered.html, encoding="utf-8")
        os.replace(temporary, target)
        body = dataclasses.replace(post.rendered, html="", html_file=target)
        return dataclasses.replace(post, rendered=body, digest=key)

    def put(self, key: str, result: tuple[Post | None, list[Any]]) -> None:
        self.entries[key] = result

    def save(self) -> None:
        """Store this build's posts, and drop the bodies of posts that are gone or changed."""
        if not self.persist:
            return
        if self.index == self.old_index and self.entries.keys() == self.old_entries.keys():
            return  # nothing new: leave the store as it is
        current = {"settings": self.settings, "index": self.index, "entries": self.entries}
        _atomic_pickle(self.folder / "posts.pickle", current)
        for key in self.old_entries.keys() - self.entries.keys():
            self._body_file(key).unlink(missing_ok=True)


def output_fingerprinter(site: Site, global_key: str) -> Callable[[str, str, dict], str]:
    """A function (url, renderer, context) -> key of everything that output shows.

    Records stand in by their content key (a post by its source key and comment count), so
    hashing a listing page costs a few bytes per post, not its HTML.
    """
    comment_keys = {
        slug: _hash(*(repr(dataclasses.astuple(c)[:1] + dataclasses.astuple(c)[3:]) for c in cs))
        for slug, cs in site.comments.items()
    }

    def walk(value: Any, out: list[str]) -> None:
        if isinstance(value, Post):
            out.append(f"P{value.digest}{value.url}{comment_keys.get(value.slug, '')}")
        elif isinstance(value, Page):
            out.append(f"G{value.digest}{value.url}")
        elif isinstance(value, Author):
            out.append(f"A{value.id}")  # authors are part of the global key
        elif isinstance(value, Comment):
            out.append(repr(dataclasses.astuple(value)[:1] + dataclasses.astuple(value)[3:]))
        elif isinstance(value, Thread):
            walk(value.comment, out)
            walk(value.replies, out)
        elif isinstance(value, Taxon):
            out.append(f"T{value.kind}:{value.slug}:{value.name}")
        elif isinstance(value, tuple | list):
            out.append("(")
            for item in value:
                walk(item, out)
            out.append(")")
        elif isinstance(value, dict):
            for name in sorted(value):
                out.append(f"{name}=")
                walk(value[name], out)
        elif value is None or isinstance(value, _PLAIN) or dataclasses.is_dataclass(value):
            out.append(repr(value))
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")

    def fingerprint(url: str, renderer: str, context: dict) -> str:
        parts: list[str] = [global_key, url, renderer]
        walk(context, parts)
        return _hash(*parts)

    return fingerprint


class OutputManifest:
    """What the output folder holds: file -> key it was rendered from (or asset signature)."""

    def __init__(self, config: Config) -> None:
        name = _hash(str(config.output_path))[:12]
        self.path = config.root / CACHE_DIR / f"outputs-{name}.pickle"

    def load(self) -> dict[str, str]:
        value = _load_pickle(self.path)
        return value if isinstance(value, dict) else {}

    def save(self, entries: dict[str, str]) -> None:
        _atomic_pickle(self.path, entries)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
