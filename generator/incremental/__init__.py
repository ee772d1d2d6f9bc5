"""The incremental layer around the pure stages: ``build()`` enters it here, and only here.

In ``.dialogue/cache/``: ``posts/`` and ``bodies.sqlite`` (every post as read, its body apart:
posts.py, bodies.py), ``texts.pickle`` (comments as read, comment and bio HTML: texts.py),
``outputs-*.pickle`` (what the output folder holds and the site key it was built from:
manifest.py), ``templates/`` (the theme compiled by Jinja). Keys (keys.py) are complete by
construction; anything unknown is a miss, and a miss only costs time. A build with the cache
gives the same bytes as one without.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.config import Config
from generator.incremental.keys import (
    UNKNOWN_SITE,
    SiteKey,
    code_version,
    global_key,
    output_fingerprinter,
    site_key,
)
from generator.incremental.manifest import OutputManifest
from generator.incremental.posts import PostStore
from generator.incremental.texts import TextMemo
from generator.media import MediaFile
from generator.model import Site
from generator.plan.outputs import outputs_showing, plan_outputs
from generator.plan.records import Output, Shared
from generator.themes import Theme
from generator.urls import output_file

CACHE_DIR = ".dialogue/cache"
NEW = ("", "")  # the manifest entry of a file the previous build did not write


@dataclass
class Plan:
    """What this build renders and writes, against what the output holds."""

    todo: list[Output]  # the outputs to render
    keys: dict[str, str]  # every output file of the site -> the key of what it shows
    assets: dict[str, str]  # every copied file -> its source's signature
    previous: dict[str, tuple[str, str]]  # file -> (key, hash of its bytes) in the output now
    site: SiteKey
    lagging: frozenset[str] | None  # where the spare output differs from the output
    copies: list[tuple[Path, str]]  # (source, output path) of every file copied as it is

    @property
    def everything(self) -> bool:
        """Every output is rendered anew: a fresh folder replaces the output."""
        return bool(self.todo) and len(self.todo) == len(self.keys)

    def unchanged(self, name: str, digest: str) -> bool:
        return self.previous.get(name, NEW)[1] == digest

    def stale(self) -> set[str]:
        return set(self.previous) - set(self.keys) - set(self.assets)

    def changed_assets(self) -> list[tuple[Path, str]]:
        return [(s, n) for s, n in self.copies if self.previous.get(n, NEW)[0] != self.assets[n]]


class Cache:
    def __init__(
        self, config: Config, theme: Theme | None, *, use_old: bool, persist: bool
    ) -> None:
        """``theme``: None when the build stops before planning."""
        folder = config.root / CACHE_DIR
        self.config, self.theme, self.use_old, self.persist = config, theme, use_old, persist
        self.code = code_version()
        self.posts = PostStore(config, folder, self.code, use_old=use_old, persist=persist)
        self.texts = TextMemo(config, folder, self.code, use_old=use_old, persist=persist)
        # Posts read before keep their bodies here; posts read now without ``persist`` keep
        # theirs in the records (``check``).
        self.bodies = self.posts.bodies
        self.manifest = OutputManifest(config, folder)
        self.templates = _compiled_templates(folder, self.code) if persist else None

    def plan(
        self,
        site: Site,
        shared: Shared,
        copied: list[tuple[Path, str]],
        made: Sequence[MediaFile],
    ) -> Plan:
        """The outputs that need rendering: those whose key differs from the one their file
        was made from. While the site key is unchanged, nothing is planned; while only post
        bodies changed, only the outputs that show them are. ``copied`` files are known by
        their source's signature, ``made`` ones (media/) by what they are made from."""
        assets = {
            # The mode too: a file that lost its read permission is copied again, and fails.
            name: f"asset:{src}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_mode:o}"
            for src, name in copied
            for stat in (os.lstat(src),)
        }
        assets.update((picture.name, picture.signature) for picture in made)
        copies = copied + [(picture.source, picture.name) for picture in made]
        out = self.config.output_path
        load = self.persist and self.use_old and out.is_dir()
        known, known_site, lagging = self.manifest.load() if load else ({}, UNKNOWN_SITE, None)
        folder = f"{out}{os.sep}"  # strings, not Paths: this runs once per file of the site
        # What is really there: a file deleted by hand is made again.
        previous = {name: entry for name, entry in known.items() if os.path.isfile(folder + name)}
        assert self.theme is not None
        key = global_key(self.code, self.theme.files(), shared)
        now = site_key(site, key)
        if len(previous) != len(known):
            known_site = UNKNOWN_SITE
        if now.shape == known_site.shape:
            keys = {name: key for name, (key, digest) in previous.items() if digest}  # no assets
            changed = {url for url, k in now.bodies.items() if known_site.bodies.get(url) != k}
            outputs = outputs_showing(site, changed) if changed else []
        else:
            outputs, keys = plan_outputs(site), {}
        fingerprint = output_fingerprinter(site, key)
        keys.update((output_file(output.url), fingerprint(output)) for output in outputs)
        todo = [
            o
            for o in outputs
            if previous.get(output_file(o.url), NEW)[0] != keys[output_file(o.url)]
        ]
        return Plan(todo, keys, assets, previous, now, lagging, copies)

    def forget_output(self) -> None:
        """Until the output is replaced and recorded, nothing about it is trusted."""
        self.manifest.forget()

    def record_output(
        self, plan: Plan, digests: dict[str, str], lagging: Collection[str] | None
    ) -> None:
        files = {n: (k, digests.get(n) or plan.previous[n][1]) for n, k in plan.keys.items()}
        files |= {name: (signature, "") for name, signature in plan.assets.items()}
        self.manifest.save(files, plan.site, lagging)

    def save(self) -> None:
        """Store what reading learnt (posts, bodies, texts) for the next build."""
        self.posts.save()
        self.texts.save()


def _compiled_templates(cache: Path, code: str) -> Path:
    """Where Jinja keeps the theme compiled, one folder per version of the code: Jinja keys
    compiled templates by their source alone, and what a template compiles to depends on the
    filters and globals the code gives it. Other versions' folders are removed."""
    folder = cache / "templates"
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name == code[:16]:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return folder / code[:16]
