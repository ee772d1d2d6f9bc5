"""Responsive images: each raster image in a post's or page's bundle gets WebP copies at a few
widths beside the original (``photo-800w.webp``), offered to browsers with ``srcset``.

What the HTML says needs only the original's size (read from its header): the renderer writes
``srcset`` without decoding anything. The copies are made when the build writes its files,
through a cache keyed by the original's content (``.dialogue/cache/images/``), so an image is
resized once, never again on a warm build, and a renamed or copied image costs nothing.

WebP only, no AVIF: every current browser shows WebP, ``<img srcset>`` can then stay a plain
``<img>`` (AVIF beside it needs ``<picture>``), and encoding AVIF takes ten times as long.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator.images import image_size

RASTER = (".jpg", ".jpeg", ".png", ".webp")  # not GIF: it may move, a WebP copy would not
WIDTHS = (480, 800, 1200, 1600)
LARGEST = 2000  # no copy wider than this; the original stays as it is
QUALITY = 80
# The prose column is 42rem wide at most, less the page's padding on small screens.
SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2.25rem)"
FORMAT_KEY = f"webp:q{QUALITY}:lanczos:1"  # change it when the way copies are made changes


def is_raster(name: str) -> bool:
    return name.lower().endswith(RASTER)


def widths_for(width: int) -> tuple[int, ...]:
    """The widths of the copies of an image ``width`` pixels wide: the usual steps below it,
    and its own width (at most LARGEST)."""
    top = min(width, LARGEST)
    return (*(w for w in WIDTHS if w < top), top)


def variant_name(src: str, width: int) -> str:
    """'img/photo.jpg', 800 -> 'img/photo-800w.webp' (beside the original)."""
    path = PurePosixPath(src)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def srcset(src: str, size: tuple[int, int]) -> str:
    """The ``srcset`` for an image at ``src`` (as written in the page) of this size."""
    return ", ".join(f"{variant_name(src, w)} {w}w" for w in widths_for(size[0]))


def height_at(size: tuple[int, int], width: int) -> int:
    return max(1, round(size[1] * width / size[0]))


class VariantCache:
    """The WebP copies, made once per content: ``.dialogue/cache/images/<digest>-<width>.webp``.

    ``index.pickle`` remembers each original's digest by path, size and time, so a warm build
    hashes nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / "index.pickle"
        try:
            with self.index_path.open("rb") as handle:
                self.index: dict[str, tuple[int, int, str]] = pickle.load(handle)
        except Exception:  # missing or damaged: digests are computed again
            self.index = {}
        self.seen: dict[str, tuple[int, int, str]] = {}

    def digest(self, path: Path) -> str:
        stat = path.stat()
        known = self.index.get(str(path))
        if known and known[:2] == (stat.st_size, stat.st_mtime_ns):
            digest = known[2]
        else:
            content = hashlib.blake2b(path.read_bytes(), digest_size=16)
            content.update(FORMAT_KEY.encode())
            digest = content.hexdigest()
        self.seen[str(path)] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    def copies(self, path: Path) -> list[tuple[int, Path, str]]:
        """(width, cached file, digest) of each copy of ``path`` (``resize`` makes them)."""
        size = image_size(path)
        if size is None:
            return []
        digest = self.digest(path)
        return [(w, self.folder / f"{digest}-{w}.webp", digest) for w in widths_for(size[0])]

    def save(self) -> None:
        if self.seen != self.index:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.index_path.with_name(f".index.{os.getpid()}")
            with temporary.open("wb") as handle:
                pickle.dump(self.seen, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.index_path)


def resize(path: Path, targets: Iterable[tuple[int, Path]]) -> None:
    """Make the copies of ``path`` at (width, file) ``targets``."""
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    for width, target in targets:
        height = max(1, round(image.height * width / image.width))
        copy = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS)
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        copy.save(temporary, "WEBP", quality=QUALITY, method=4)
        os.replace(temporary, target)
