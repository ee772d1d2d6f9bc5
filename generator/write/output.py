"""Put the new site in place: copy the changed assets, then replace the output in one step."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from generator.incremental import Cache, Plan
from generator.write.assets import copy_assets
from generator.write.tree import OutputTree


def write_output(
    tree: OutputTree,
    plan: Plan,
    rendered: list[tuple[str, str]],
    copied: list[tuple[Path, str]],
    cache: Cache,
) -> tuple[list[tuple[str, str]], int, int]:
    """The files written, the files copied and the files removed. Rendered files whose bytes
    equal what the output holds stay as they are: the output changes exactly where the site
    changed (deploys and rsync see no more)."""
    everything = plan.everything or not tree.output.is_dir()
    if everything:
        written, assets, stale = rendered, copied, set()
    else:
        written = [(name, digest) for name, digest in rendered if not plan.unchanged(name, digest)]
        assets = plan.changed_assets(copied)
        stale = {name for name in plan.stale() if (tree.output / name).is_file()}
    copy_assets(assets, tree.staging)
    lagging: Collection[str] | None = None
    if everything:
        cache.forget_output()  # until the new output is in place and recorded, trust nothing
        lagging = tree.replace_all()
    elif written or assets or stale:
        cache.forget_output()
        changed = [name for name, _ in written] + [name for _, name in assets]
        tree.replace_some(plan.lagging, changed, stale)
        lagging = {*changed, *stale}
    else:
        lagging = plan.lagging
    cache.record_output(plan, dict(rendered), lagging)
    return written, len(assets), len(stale)
