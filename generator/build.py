"""The build, as a list of steps: read, assemble, plan, render, write.

``check`` runs the same pipeline and stops before writing; ``read_site`` stops after assembling
(the moderation CLI uses it to know posts and their authors). The cache (cache.py) lets every
step skip what did not change; a build with the cache gives the same bytes as one without.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator import markdown_fast
from generator.assemble import BuildOptions, assemble
from generator.config import Config, load_config
from generator.content.authors import read_author
from generator.content.comments import load_comments
from generator.content.discover import discover
from generator.content.posts import read_page
from generator.diagnostics import Diagnostics
from generator.i18n import Strings
from generator.incremental.cache import (
    CACHE_DIR,
    UNKNOWN_SITE,
    Entry,
    IndexRecord,
    OutputManifest,
    PostCache,
    SiteKey,
    TextCache,
    code_version,
    files_key,
    output_fingerprinter,
    site_key,
)
from generator.media import media_files
from generator.model import Author, Page, Post, Site
from generator.nofollow import UnsafeFile
from generator.plan import Output, outputs_showing, plan_outputs
from generator.queue_exposure import check_queue_location
from generator.render import search
from generator.themes import Theme, load_theme
from generator.urls import output_file
from generator.workers import can_fork, default_jobs, fork_map
from generator.write import (
    assets,
    commit,
    copy_assets,
    discard,
    refuse_unwritable,
    staging_for,
    swap_in,
)

PARALLEL_READ_THRESHOLD = 64  # below this, starting processes costs more than it saves


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


# Forked workers find the cache here rather than receiving it pickled with every task.
_CACHE: PostCache | None = None


def _read_chunk(chunk: list[tuple[Path, Config]]) -> list[tuple[str, Entry, IndexRecord]]:
    """Read posts and store their bodies in one go; runs in a worker, so in parallel."""
    assert _CACHE is not None
    results = [_CACHE.read(path, config) for path, config in chunk]
    _CACHE.flush()
    return results


def _read_posts(
    config: Config, names: tuple[str, ...], jobs: int, diag: Diagnostics, cache: PostCache
) -> list[Post]:
    results = {name: cache.lookup(name) for name in names}
    missing = [(Path(name), config) for name, result in results.items() if result is None]
    global _CACHE
    _CACHE = cache
    try:
        if jobs > 1 and len(missing) >= PARALLEL_READ_THRESHOLD and can_fork():
            markdown_fast.prepare()
            cache.prepare()
            size = min(32, -(-len(missing) // (jobs * 4)))  # small chunks: a short tail
            chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
            fresh = [result for done in fork_map(_read_chunk, chunks, jobs) for result in done]
        else:
            fresh = _read_chunk(missing)
    finally:
        _CACHE = None
    for (path, _), (key, entry, record) in zip(missing, fresh, strict=True):
        results[str(path)] = entry
        cache.put(path, key, entry, record)
    cache.save()
    posts = []
    for name in names:
        post, problems = results[name]  # type: ignore[misc]
        diag.extend(problems)
        if post is not None:
            posts.append(post)
    return posts


def read_site(
    config: Config,
    diag: Diagnostics,
    *,
    drafts: bool = True,
    future: bool = True,
    options: BuildOptions | None = None,
    jobs: int = 1,
    cache: PostCache | None = None,
) -> Site | None:
    """Read and assemble everything under content/; None if there were errors."""
    options = options or BuildOptions(drafts=drafts, future=future)
    # Without a cache of its own (the moderation CLI), it reads what builds stored, writes nothing.
    cache = cache or PostCache(config, code_version(), use_old=True, persist=False)
    sources = discover(config.content_path)
    for name, message in sources.refused:
        diag.error(name, 0, message)
    if os.path.islink(config.content_path):
        return None
    texts = TextCache(config, cache.code, use_old=cache.use_old, persist=cache.persist)
    authors: list[Author] = []
    for path in sources.authors:
        author, problems = read_author(path, config.root, texts.bio_html)
        diag.extend(problems)
        if author:
            authors.append(author)
    posts = _read_posts(config, sources.posts, jobs, diag, cache)
    pages: list[Page] = []
    for path in sources.pages:
        page, problems = read_page(path, config)
        diag.extend(problems)
        if page:
            pages.append(page)
    comments = load_comments(config.content_path, diag, texts.read)
    site = assemble(config, posts, pages, authors, comments, options, diag, texts.comment_html)
    texts.save()
    return None if diag.errors else site


def _global_key(code: str, site: Site, theme: Theme) -> str:
    """What every page may show: code, settings, theme, authors, menus, the year, and which
    tags and departments have pages (templates link a tag name only when its page exists)."""
    config = site.config
    people = [a.source for a in site.authors.values()]
    people += [a.avatar_source for a in site.authors.values() if a.avatar_source]
    menus = [(p.slug, p.title, p.menu, p.url, p.lang) for p in site.pages]
    taxa = [(t.kind, t.slug, t.name) for t in (*site.tags, *site.departments)]
    parts = (code, repr(config), files_key(theme.files()), files_key(sorted(people)))
    return hashlib.blake2b(
        repr((parts, menus, taxa, site.build_year)).encode(), digest_size=16
    ).hexdigest()


NEW = ("", "")  # the manifest entry of a file the previous build did not write
NOTHING: tuple[dict[str, tuple[str, str]], SiteKey] = ({}, UNKNOWN_SITE)  # no manifest


def _drop_unchanged(
    rendered: list[tuple[str, str]], previous: dict[str, tuple[str, str]], staging: Path
) -> list[tuple[str, str]]:
    """Rendered files whose bytes equal what the output already holds are not written again:
    the output folder changes exactly where the site changed (deploys and rsync see no more)."""
    written = []
    for name, digest in rendered:
        if previous.get(name, NEW)[1] == digest:
            (staging / name).unlink()
        else:
            written.append((name, digest))
    return written


def _plan(
    site: Site,
    global_key: str,
    site_now: SiteKey,
    known_site: SiteKey,
    previous: dict[str, tuple[str, str]],
) -> tuple[list[Output], dict[str, str]]:
    """The outputs that may need rendering, and the key of every output file.

    ``known_site`` is the last build's site key (empty if its output is not all there). The
    same shape and bodies: nothing the outputs are made from changed, so nothing is planned and
    every key stays. The same shape only: the site has the same outputs with the same contexts,
    so only the outputs that show a changed body are planned, and get new keys. Otherwise every
    output is planned and fingerprinted."""
    if site_now.shape == known_site.shape:
        keys = {name: key for name, (key, digest) in previous.items() if digest}  # no assets
        changed = {url for url, key in site_now.bodies.items() if known_site.bodies.get(url) != key}
        if not changed:
            return [], keys
        outputs = outputs_showing(site, changed)
    else:
        outputs = plan_outputs(site)
        keys = {}
    fingerprint = output_fingerprinter(site, global_key)
    keys.update((output_file(output.url), fingerprint(output)) for output in outputs)
    return outputs, keys


def _compiled_templates(root: Path, code: str) -> Path:
    """Where Jinja keeps the theme compiled, one folder per version of the code: Jinja keys
    compiled templates by their source alone, and what a template compiles to depends on the
    filters and globals the code gives it."""
    folder = root / CACHE_DIR / "templates"
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name == code[:16]:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return folder / code[:16]


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
    with _cycle_collector_paused():
        return _build(root, options, base_url, output_dir, jobs, write, clean, refresh_search)


def _build(
    root: Path,
    options: BuildOptions,
    base_url: str | None,
    output_dir: str | None,
    jobs: int | None,
    write: bool,
    clean: bool,
    refresh_search: bool = True,
) -> BuildReport:
    started = time.perf_counter()
    diag = Diagnostics(root)
    report = BuildReport(diag)
    config = load_config(root, diag, base_url=base_url, output_dir=output_dir)
    if config is None:
        return report
    check_queue_location(config, diag)
    if write and refuse_unwritable(config.output_path, config.root / CACHE_DIR, diag):
        return report
    theme = load_theme(root, config.theme, diag)
    jobs = jobs or default_jobs()
    code = code_version()
    cache = PostCache(config, code, use_old=not clean, persist=write)
    site = read_site(config, diag, options=options, jobs=jobs, cache=cache)
    if site is None or theme is None:
        return report

    global_key = _global_key(code, site, theme)
    copied = assets(site, theme)
    files = {
        # The mode too: a file that lost its read permission is copied again, and fails.
        name: f"asset:{src}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_mode:o}"
        for src, name in copied
        for stat in (os.lstat(src),)
    }
    # Resized copies of bundle images and each post's og:image, made once per content.
    made = media_files(site, config.root, make=write, jobs=jobs)
    copied += [(picture.source, picture.name) for picture in made]
    files.update((picture.name, picture.signature) for picture in made)
    manifest = OutputManifest(config)
    out = config.output_path
    # file -> (key of its inputs, hash of its bytes) as the previous build left it
    known, known_site = manifest.load() if write and not clean and out.is_dir() else NOTHING
    folder = f"{out}{os.sep}"  # strings, not Paths: this runs once per file of the site
    # What is really there: a file deleted by hand is made again.
    previous = {name: entry for name, entry in known.items() if os.path.isfile(folder + name)}
    site_now = site_key(site, global_key)
    intact = len(previous) == len(known)
    outputs, keys = _plan(
        site, global_key, site_now, known_site if intact else UNKNOWN_SITE, previous
    )
    todo = [
        output
        for output in outputs
        for name in (output_file(output.url),)
        if previous.get(name, NEW)[0] != keys[name]
    ]
    on_disk = previous
    if todo and len(todo) == len(keys):
        previous = {}  # all new (other code or settings): swap the folder, don't move files
    staging = staging_for(out)
    digests: dict[str, str] = {}
    try:
        if todo:  # Jinja and feedgen load only when there is something to render
            from generator.render.renderer import make_renderer, render_all

            compiled = _compiled_templates(config.root, code) if write else None
            renderer = make_renderer(site, theme, compiled)
            rendered, problems = render_all(renderer, todo, staging, jobs)
            diag.extend(problems)
            report.written = _drop_unchanged(rendered, previous, staging)
            digests = dict(rendered)
            if not write:  # check: every page is rendered; do their links lead somewhere?
                from generator.check.links import link_problems

                diag.extend(link_problems(config, todo, staging, [*keys, *files]))
        if diag.errors:
            return report
        report.site = site
        if write:
            changed_assets = [(s, n) for s, n in copied if previous.get(n, NEW)[0] != files[n]]
            try:
                report.assets_copied = copy_assets(changed_assets, staging)
            except UnsafeFile as exc:  # before the output is touched
                diag.error(exc.path, 0, exc.message)
                return report
            names = search.labels(Strings(theme.i18n_dirs), config.language)
            index, problems = search.update_index(
                site, names, staging, out, on_disk, not previous, refresh=refresh_search
            )
            diag.extend(problems)
            if diag.errors:
                return report
            files.update(index)
            manifest.forget()  # until the new output is complete, trust nothing
            if previous:
                report.removed = commit(staging, out, stale=set(previous) - set(keys) - set(files))
            else:
                swap_in(staging, out)
            manifest.save(
                {name: (key, digests.get(name) or previous[name][1]) for name, key in keys.items()}
                | {name: (signature, "") for name, signature in files.items()},
                site_now,
            )
            report.pages_written = len(report.written)
            report.pages_unchanged = len(keys) - len(report.written)
            report.output = out
    finally:
        discard(staging)
    report.seconds = time.perf_counter() - started
    return report
