"""The build, as a list of steps: read, assemble, plan, render, write.

``check`` runs the same pipeline and stops before writing; ``read_site`` stops after assembling
(the moderation CLI uses it to know posts and their authors).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.assemble import BuildOptions, assemble
from generator.config import Config, load_config
from generator.content.authors import read_author
from generator.content.comments import load_comments
from generator.content.discover import discover
from generator.content.posts import read_page, read_post
from generator.diagnostics import Diagnostics
from generator.model import Author, Page, Post, Site
from generator.plan import plan_outputs
from generator.render import default_jobs, make_renderer, render_all
from generator.themes import load_theme
from generator.write import assets, copy_assets, discard, staging_for, swap_in

PARALLEL_READ_THRESHOLD = 64  # below this, starting processes costs more than it saves


@dataclass
class BuildReport:
    diag: Diagnostics
    site: Site | None = None
    pages_written: int = 0
    assets_copied: int = 0
    seconds: float = 0.0
    output: Path | None = None
    written: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.site is not None and not self.diag.errors


def _read_post(args: tuple[Path, Config]) -> tuple[Post | None, list]:
    return read_post(*args)


def _read_posts(
    config: Config, paths: tuple[Path, ...], jobs: int, diag: Diagnostics
) -> list[Post]:
    work = [(path, config) for path in paths]
    if jobs > 1 and len(work) >= PARALLEL_READ_THRESHOLD:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_read_post, work, chunksize=max(1, len(work) // (jobs * 8)))
    else:
        results = [_read_post(item) for item in work]
    posts = []
    for post, problems in results:
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
) -> Site | None:
    """Read and assemble everything under content/; None if there were errors."""
    options = options or BuildOptions(drafts=drafts, future=future)
    sources = discover(config.content_path)
    authors: list[Author] = []
    for path in sources.authors:
        author, problems = read_author(path, config.root)
        diag.extend(problems)
        if author:
            authors.append(author)
    posts = _read_posts(config, sources.posts, jobs, diag)
    pages: list[Page] = []
    for path in sources.pages:
        page, problems = read_page(path, config)
        diag.extend(problems)
        if page:
            pages.append(page)
    comments = load_comments(config.content_path, diag)
    site = assemble(config, posts, pages, authors, comments, options, diag)
    return None if diag.errors else site


def build(
    root: Path,
    options: BuildOptions,
    *,
    base_url: str | None = None,
    output_dir: str | None = None,
    jobs: int | None = None,
    write: bool = True,
) -> BuildReport:
    started = time.perf_counter()
    diag = Diagnostics(root)
    report = BuildReport(diag)
    config = load_config(root, diag, base_url=base_url, output_dir=output_dir)
    if config is None:
        return report
    theme = load_theme(root, config.theme, diag)
    jobs = jobs or default_jobs()
    site = read_site(config, diag, options=options, jobs=jobs)
    if site is None or theme is None:
        return report
    outputs = plan_outputs(site)
    renderer = make_renderer(site, theme, outputs)
    staging = staging_for(config.output_path)
    try:
        report.written, problems = render_all(renderer, outputs, staging, jobs)
        diag.extend(problems)
        if diag.errors:
            return report
        report.site = site
        if write:
            report.assets_copied = copy_assets(assets(site, theme), staging)
            swap_in(staging, config.output_path)
            report.pages_written = len(report.written)
            report.output = config.output_path
    finally:
        discard(staging)
    report.seconds = time.perf_counter() - started
    return report
