"""Put the new site in place: copy the changed assets, then replace the output in one step;
and, before any of it, whether the build may write where it must."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.incremental import CACHE_DIR, Cache, Plan
from generator.nofollow import UnsafeFile
from generator.write.assets import copy_assets
from generator.write.tree import OutputTree


def write_output(
    tree: OutputTree,
    plan: Plan,
    rendered: list[tuple[str, str]],
    indexed: list[str],
    cache: Cache,
    diag: Diagnostics,
) -> tuple[list[tuple[str, str]], int, int]:
    """The files written, the files copied and the files removed. Rendered files whose bytes
    equal what the output holds stay as they are: the output changes exactly where the site
    changed (deploys and rsync see no more). ``indexed``: the search index's files made anew
    in the staging folder. A file that may not be copied (a link) is an error in ``diag``, and
    the output stays as it was."""
    everything = plan.everything or not tree.output.is_dir()
    if everything:
        written, assets, stale = rendered, plan.copies, set()
    else:
        written = [(name, digest) for name, digest in rendered if not plan.unchanged(name, digest)]
        assets = plan.changed_assets()
        stale = {name for name in plan.stale() if (tree.output / name).is_file()}
    try:
        copy_assets(assets, tree.staging)
    except UnsafeFile as exc:  # before the output is touched
        diag.error(exc.path, 0, exc.message)
        return [], 0, 0
    lagging: Collection[str] | None = None
    if everything:
        cache.forget_output()  # until the new output is in place and recorded, trust nothing
        lagging = tree.replace_all()
    elif written or assets or stale or indexed:
        cache.forget_output()
        changed = [name for name, _ in written] + [name for _, name in assets] + indexed
        tree.replace_some(plan.lagging, changed, stale)
        lagging = {*changed, *stale}
    else:
        lagging = plan.lagging
    cache.record_output(plan, dict(rendered), lagging)
    return written, len(assets), len(stale)


def _nearest(path: Path) -> Path:
    """``path``, or the nearest of its parents that exists (the one a build would write in)."""
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def unwritable(folder: Path, *, whole: bool = False) -> list[Path]:
    """The places a build must write to fill ``folder`` but may not: the folder (or the
    nearest parent that exists) and, beside it, its parent (the spare and staging folders and
    the exchange live there); with ``whole``, every folder inside too. Checked before anything
    is written, so a build that could not finish changes nothing."""
    wanted = [_nearest(folder)]
    if wanted[0] == folder:
        wanted.append(_nearest(folder.parent))
        for parent, folders, files in os.walk(folder) if whole else ():
            wanted += [Path(parent, name) for name in (*folders, *files)]
    return [
        p
        for p in wanted
        if not os.access(p, os.W_OK | (os.X_OK if p.is_dir() else 0)) and os.path.lexists(p)
    ]


def writable(config: Config, diag: Diagnostics) -> bool:
    """Whether the build may write its output and its cache; if not, say where and how."""
    blocked = [
        (path, f"the build cannot write here (permission denied or read-only): {fix}")
        for folder, whole, fix in (
            (config.output_path, False, "make it writable, or build elsewhere with --out DIR"),
            (config.root / CACHE_DIR, True, "make it writable, or remove .dialogue/cache"),
        )
        for path in unwritable(folder, whole=whole)
    ]
    for path, message in blocked:
        diag.error(path, 0, message)
    return not blocked
