"""Pictures the build makes beside the posts: WebP copies of bundle images (variants.py) and
each post's og:image (cards.py). Both are cached by content under ``.dialogue/cache/media/``
and copied into the output like the bundle's own files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.media.cards import card_key, make_picture, og_image
from generator.media.variants import VariantCache, is_raster, variant_name
from generator.model import Page, Post, Site
from generator.workers import can_fork, fork_map

MEDIA_CACHE = ".dialogue/cache/media"
PARALLEL_CARDS = 32  # below this, forking costs more than it saves


@dataclass(frozen=True)
class MediaFile:
    source: Path  # the made file, in the cache
    name: str  # where it goes in the output
    signature: str  # what it is made from: equal signatures, equal bytes


# Forked workers find the site here rather than receiving posts pickled.
_SITE: Site | None = None


def _make_cards(batch: list[tuple[int, Path]]) -> None:
    assert _SITE is not None
    for index, target in batch:
        make_picture(_SITE, _SITE.posts[index], target)


def media_files(site: Site, root: Path, *, make: bool, jobs: int = 1) -> list[MediaFile]:
    """Every picture the build makes; with ``make``, those missing from the cache are made
    (``check`` only needs their names)."""
    folder = root / MEDIA_CACHE
    variants = VariantCache(folder / "images")
    files: list[MediaFile] = []
    items: list[Post | Page] = [*site.posts, *site.pages]
    for item in items:
        base = item.url.lstrip("/")
        home = item.source.parent
        for path in item.bundle_files:
            relative = path.relative_to(home).as_posix()
            if not is_raster(relative):
                continue
            for width, made, digest in variants.copies(path, make):
                name = base + variant_name(relative, width)
                files.append(MediaFile(made, name, f"variant:{digest}:{width}"))
    missing: list[tuple[int, Path]] = []
    for index, post in enumerate(site.posts):
        teaser = post.source.parent / post.image if post.image else None
        digest = variants.digest(teaser) if teaser and is_raster(teaser.name) else ""
        key = card_key(site, post, digest)
        name = og_image(post)
        made = folder / "cards" / f"{key}{Path(name).suffix}"
        files.append(MediaFile(made, post.url.lstrip("/") + name, f"card:{key}"))
        if make and not made.is_file():
            missing.append((index, made))
    if missing:
        _make_all(site, missing, jobs)
    if make:
        variants.save()
    return files


def _make_all(site: Site, missing: list[tuple[int, Path]], jobs: int) -> None:
    global _SITE
    _SITE = site
    try:
        if jobs > 1 and len(missing) >= PARALLEL_CARDS and can_fork():
            size = -(-len(missing) // (jobs * 4))
            batches = [missing[i : i + size] for i in range(0, len(missing), size)]
            fork_map(_make_cards, batches, jobs)
        else:
            _make_cards(missing)
    finally:
        _SITE = None
