"""The build, as a list of steps: read, assemble, plan, render, write.

Each stage has its module or folder: read.py (with the readers in content/), assemble.py,
plan/, render/, write/. The cache (incremental/) wraps them and is entered only here: it says
which outputs need rendering, and a build with it gives the same bytes as one without.
``check`` is the same pipeline without writing.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.assemble import BuildOptions, assemble
from generator.check.links import link_problems
from generator.config import Config, load_config
from generator.diagnostics import Diagnostics
from generator.incremental import Cache
from generator.incremental.lock import site_lock
from generator.media import make_media, media_files
from generator.model import Site
from generator.plan.records import shared_view
from generator.queue_exposure import check_queue_location
from generator.read import read_content
from generator.render import render_outputs
from generator.render.indexing import start_search
from generator.themes import load_theme
from generator.workers import default_jobs
from generator.write.assets import assets
from generator.write.output import writable, write_output
from generator.write.tree import OutputTree


@dataclass
class BuildReport:
    diag: Diagnostics
    site: Site | None = None
    pages_written: int = 0
    pages_unchanged: int = 0
    assets_copied: int = 0
    removed: int = 0
    seconds: float = 0.0
    output: Path | None = None
    written: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.site is not None and not self.diag.errors

    def wrote(self, written: list[tuple[str, str]], copies: int, removed: int, total: int) -> None:
        self.written, self.assets_copied, self.removed = written, copies, removed
        self.pages_written, self.pages_unchanged = len(written), total - len(written)


def build(
    root: Path,
    options: BuildOptions,
    *,
    base_url: str | None = None,
    output_dir: str | None = None,
    jobs: int | None = None,
    write: bool = True,
    clean: bool = False,
    refresh_search: bool = True,
) -> BuildReport:
    """``refresh_search=False`` keeps the search index the output has, if any, even when posts
    changed (``serve`` between saves: Pagefind indexes 10,000 posts in a minute)."""
    started = time.perf_counter()
    report = BuildReport(Diagnostics(root))
    diag = report.diag
    config = load_config(root, diag, base_url=base_url, output_dir=output_dir)
    if config is None:
        return report
    check_queue_location(config, diag)  # a queue of e-mail addresses git would commit
    theme = load_theme(root, config.theme, diag)
    if theme is None:
        return report
    jobs = jobs or default_jobs()
    with site_lock(root, write=write), _cycle_collector_paused():
        if write and not writable(config, diag):  # checked while no other build writes
            return report
        tree = OutputTree(config.output_path)
        if write:
            tree.sweep()  # what killed builds left; first of all, the output back in its place
        cache = Cache(config, theme, use_old=not clean, persist=write)
        records = read_content(config, diag, cache, jobs)
        site = assemble(config, *records, options, diag, cache.texts.comment_html)
        cache.save()
        if diag.errors:
            return report
        shared, copied = shared_view(site), assets(site, theme)
        media = media_files(site, root)  # resized images, og:image cards: names, what to make
        plan = cache.plan(site, shared, copied, media.files)
        try:
            staging = tree.fresh_staging()
            # Pagefind indexes beside the pictures and the render stage (indexing.py).
            with start_search(
                site, theme, tree, plan, cache.bodies, enabled=write, refresh=refresh_search
            ) as search:
                if write:
                    make_media(site, media, jobs)
                rendered, problems = render_outputs(
                    plan.todo, site, shared, theme, cache, staging, jobs
                )
                diag.extend(problems)
                if not write:  # check: every page is rendered; do their links lead somewhere?
                    links = [*plan.keys, *plan.assets]
                    diag.extend(link_problems(config, plan.todo, staging, links))
                indexed = search.finish(diag)
            if diag.errors:
                return report
            if write:
                written = write_output(tree, plan, rendered, indexed, cache, diag)
                report.wrote(*written, len(plan.keys))
                report.output = tree.output
        finally:
            tree.discard_staging()
    report.site = site
    report.seconds = time.perf_counter() - started
    return report


def read_site(config: Config, diag: Diagnostics, *, options: BuildOptions) -> Site | None:
    """The first two steps alone, through the cache without writing to it: the site as a build
    would see it (``schedule`` and ``plan`` look at it); None if there were errors."""
    with site_lock(config.root, write=False), _cycle_collector_paused():
        cache = Cache(config, None, use_old=True, persist=False)
        records = read_content(config, diag, cache, jobs=1)
        site = assemble(config, *records, options, diag, cache.texts.comment_html)
    return None if diag.errors else site


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object again and again while a build
    allocates its records (two thirds of the time loading 10,000 cached posts). Reading and
    planning make no reference cycles, so it rests; render_all runs it for Jinja's garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
