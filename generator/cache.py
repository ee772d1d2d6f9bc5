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
    """Read posts through the cache: (Post, problems) keyed by everything that shapes them."""

    def __init__(self, config: Config, code: str, enabled: bool = True) -> None:
        self.folder = config.root / CACHE_DIR
        self.enabled = enabled
        self.settings = _hash(code, str(config.root), config.timezone, config.language)
        index = _load_pickle(self.folder / "posts-index.pickle") if enabled else None
        # path -> (mtime_ns, size, bundle signature + settings, key): skips hashing unchanged
        # files; the settings are part of it, so new code or settings never reuse an old key.
        self.index: dict[str, tuple[int, int, str, str]] = index if isinstance(index, dict) else {}
        self.changed = False

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
        bundle = self._bundle_signature(path) + self.settings
        known = self.index.get(str(path))
        if known and known[:3] == (stat.st_mtime_ns, stat.st_size, bundle):
            return known[3]
        key = _hash(self.settings, str(path), bundle, path.read_bytes())
        self.index[str(path)] = (stat.st_mtime_ns, stat.st_size, bundle, key)
        self.changed = True
        return key

    def _entry(self, key: str) -> Path:
        return self.folder / "posts" / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any:
        return _load_pickle(self._entry(key)) if self.enabled else None

    def put(self, key: str, value: Any) -> None:
        if self.enabled:
            _atomic_pickle(self._entry(key), value)

    def save(self) -> None:
        if self.enabled and self.changed:
            _atomic_pickle(self.folder / "posts-index.pickle", self.index)


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
