"""Stage 4, render: Outputs to files. Templates and producers (renderer.py, producers.py, with
templating.py, feeds.py, sitemap.py, opml.py) and the parallel workers (parallel.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Problem

if TYPE_CHECKING:
    from generator.incremental import Cache
    from generator.model import Site
    from generator.plan.records import Output, Shared
    from generator.themes import Theme


def render_outputs(
    todo: list[Output],
    site: Site,
    shared: Shared,
    theme: Theme,
    cache: Cache,
    staging: Path,
    jobs: int,
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Render ``todo`` into ``staging``: (file, hash of its bytes) pairs, and the problems."""
    if not todo:
        return [], []
    # Jinja and feedgen load only when there is something to render: most rebuilds render little.
    from generator.render.parallel import render_all
    from generator.render.renderer import make_renderer

    counts = {slug: len(comments) for slug, comments in site.comments.items()}
    renderer = make_renderer(shared, theme, counts, cache.bodies, cache.templates)
    return render_all(renderer, todo, staging, jobs)
