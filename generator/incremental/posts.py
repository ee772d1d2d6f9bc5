"""Posts read through the cache, so a rebuild reads only the posts that changed.

``.dialogue/cache/posts/`` holds every post as read (without its body HTML) with its problems,
by key, in 256 shards by the key's first two digits, so one edit rewrites two small files;
beside them ``index.pickle``, a stat index that skips hashing unchanged files. A post's key
hashes its bytes, the files beside it, the settings that shape its reading, and the code and
library versions that render it. Bodies go to the body store (bodies.py).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.content.discover import bundle_files
from generator.content.posts import read_post
from generator.diagnostics import Problem
from generator.incremental import pickles
from generator.incremental.bodies import Body, BodyStore
from generator.incremental.keys import digest, metadata_key
from generator.model import Post, Rendered
from generator.nofollow import UnsafeFile, read_bytes

_SHARDS = [f"{i:02x}" for i in range(256)]
RACY_NS = 2_000_000_000  # the coarsest file time resolution in use (FAT: 2 s)

Entry = tuple[Post | None, list[Any]]  # a post as read, with its problems
IndexRecord = tuple[int, int, str, str]  # mtime_ns, size, bundle signature, key


class PostStore:
    """Posts read through the cache, under ``.dialogue/cache/``:

    ``use_old`` consults what earlier builds stored; ``persist`` writes bodies and the store
    (a build does, ``check`` does not: its bodies stay in memory).
    """

    def __init__(
        self, config: Config, folder: Path, code: str, *, use_old: bool, persist: bool
    ) -> None:
        self.store = folder / "posts"
        self.persist = persist
        self.use_old = use_old
        self.code = code
        self.settings = digest(code, str(config.root), config.timezone, config.language)
        # path -> (mtime_ns, size, bundle signature, key). Settings (code included) are checked
        # for the whole store, so new code or settings never reuse an old key.
        self.old_index: dict[str, IndexRecord] = {}
        self.old_entries: dict[str, Entry] = {}
        self.bodies = BodyStore(folder / "bodies.sqlite")
        self.stored = self.bodies.keys() if persist or use_old else set()
        self.pending: list[tuple[str, Body]] = []  # bodies read but not yet stored
        self.loaded = False  # whether the shards on disk are this code's and settings'
        self.racy_after = 0
        if use_old:
            self._load()
        self.index: dict[str, IndexRecord] = {}  # the files of this build
        self.entries: dict[str, Entry] = {}

    def _load(self) -> None:
        stored = pickles.load(self.store / "index.pickle")
        if not (isinstance(stored, dict) and stored.get("settings") == self.settings):
            return
        for shard in self.store.glob("[0-9a-f][0-9a-f].pickle"):
            entries = pickles.load(shard)
            if not isinstance(entries, dict):
                return  # a damaged shard: start afresh rather than guess
            self.old_entries.update(entries)
        self.old_index = stored["index"]
        self.loaded = True
        # A file written within a clock tick of the index may have changed again since without
        # a new time (as git's "racy" index entries): such files are hashed, never trusted.
        self.racy_after = os.stat(self.store / "index.pickle").st_mtime_ns - RACY_NS

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
        return digest(*stats)

    def _signature(self, name: str) -> tuple[int, int, str]:
        stat = os.stat(name)
        return stat.st_mtime_ns, stat.st_size, self._bundle_signature(name)

    def _reusable(self, key: str) -> Entry | None:
        """A post read before under this key, if its body is still there."""
        found = self.old_entries.get(key)
        if found is None or (found[0] is not None and key not in self.stored):
            return None
        return found

    def lookup(self, name: str) -> Entry | None:
        """The post as read before, when the file's size and time say it is unchanged."""
        known = self.old_index.get(name)
        if known is None or known[0] >= self.racy_after or known[:3] != self._signature(name):
            return None
        if not os.access(name, os.R_OK):  # read it again: the build reports it, not the cache
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
        key = digest(self.settings, str(path), signature[2], raw)
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
        stored = Rendered("", "", (), full.words, stored=key)
        return dataclasses.replace(post, rendered=stored, digest=key, meta_digest=meta)

    def prepare(self) -> None:
        """Before reading workers fork: the body store exists, so they do not race to make it."""
        if self.persist:
            self.bodies.create()

    def flush(self) -> None:
        if self.pending:
            self.bodies.store(self.pending)
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
        pickles.save(self.store / "index.pickle", {"settings": "", "index": {}})
        for shard, entries in grouped.items():
            path = self.store / f"{shard}.pickle"
            if entries:
                pickles.save(path, entries)
            else:
                path.unlink(missing_ok=True)
        # The index goes last: until it names these settings, no build trusts the shards.
        index = {"settings": self.settings, "index": self.index}
        pickles.save(self.store / "index.pickle", index)
        self.bodies.delete(self.stored - self.entries.keys())
