"""Pictures the build makes beside the posts: WebP copies of bundle images (variants.py) and
each post's og:image (cards.py). Both are cached by content under ``.dialogue/cache/media/``
and copied into the output like the bundle's own files.

Naming them is cheap and comes first (``media_files``: the plan needs the names, ``check``
nothing more); making what the cache lacks (``make_media``) runs in the build's worker
processes while Pagefind indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.media.cards import card_key, make_picture, og_image
from generator.media.variants import VariantCache, is_raster, resize, variant_name
from generator.model import Page, Post, Site
from generator.workers import can_fork, fork_map

MEDIA_CACHE = ".dialogue/cache/media"
PARALLEL = 32  # pictures to make: below this, forking costs more than it saves


@dataclass(frozen=True)
class MediaFile:
    source: Path  # the made file, in the cache
    name: str  # where it goes in the output
    signature: str  # what it is made from: equal signatures, equal bytes


# One picture to make: a post's og:image (its index in site.posts), or an image's copies.
Work = tuple[int, Path] | tuple[Path, list[tuple[int, Path]]]


@dataclass
class Media:
    files: list[MediaFile]
    variants: VariantCache
    missing: list[Work] = field(default_factory=list)  # not in the cache yet


def media_files(site: Site, root: Path) -> Media:
    """Every picture the build makes, and which of them the cache does not have."""
    folder = root / MEDIA_CACHE
    media = Media([], VariantCache(folder / "images"))
    items: list[Post | Page] = [*site.posts, *site.pages]
    for item in items:
        base = item.url.lstrip("/")
        home = item.source.parent
        for path in item.bundle_files:
            relative = path.relative_to(home).as_posix()
            if not is_raster(relative):
                continue
            copies = media.variants.copies(path)
            for width, made, digest in copies:
                name = base + variant_name(relative, width)
                media.files.append(MediaFile(made, name, f"variant:{digest}:{width}"))
            missing = [(width, made) for width, made, _ in copies if not made.is_file()]
            if missing:
                media.missing.append((path, missing))
    for index, post in enumerate(site.posts):
        teaser = post.source.parent / post.image if post.image else None
        digest = media.variants.digest(teaser) if teaser and is_raster(teaser.name) else ""
        key = card_key(site, post, digest)
        name = og_image(post)  # the teaser cropped (no card is drawn then), or a card
        made = folder / "cards" / f"{key}{Path(name).suffix}"
        media.files.append(MediaFile(made, post.url.lstrip("/") + name, f"card:{key}"))
        if not made.is_file():
            media.missing.append((index, made))
    return media


# Forked workers find the site here rather than receiving posts pickled.
_SITE: Site | None = None


def _make(batch: list[Work]) -> None:
    assert _SITE is not None
    for what, target in batch:
        if isinstance(what, int):
            assert isinstance(target, Path)
            make_picture(_SITE, _SITE.posts[what], target)
        else:
            assert isinstance(target, list)
            resize(what, target)


def make_media(site: Site, media: Media, jobs: int) -> None:
    """Make the pictures the cache lacks, in ``jobs`` processes when there are many."""
    global _SITE
    _SITE = site
    try:
        missing = media.missing
        if jobs > 1 and len(missing) >= PARALLEL and can_fork():
            size = -(-len(missing) // (jobs * 4))
            fork_map(_make, [missing[i : i + size] for i in range(0, len(missing), size)], jobs)
        elif missing:
            _make(missing)
    finally:
        _SITE = None
    media.variants.save()
