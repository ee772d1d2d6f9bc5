"""Intrinsic image sizes, so pages can reserve space for images (no layout shift)."""

from __future__ import annotations

import os
import re
import struct
from functools import lru_cache
from pathlib import Path

from generator.nofollow import UnsafeFile, read_bytes

_SVG_SIZE = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'\b(width|height|viewBox)\s*=\s*["\']([^"\']+)["\']')


def _svg_size(head: bytes) -> tuple[int, int] | None:
    tag = _SVG_SIZE.search(head)
    if not tag:
        return None
    attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(tag.group(0))}
    try:
        if "width" in attrs and "height" in attrs:
            width, height = (float(re.sub(r"px$", "", attrs[k])) for k in ("width", "height"))
            return round(width), round(height)
        if "viewBox" in attrs:
            _, _, width, height = (float(v) for v in attrs["viewBox"].replace(",", " ").split())
            return round(width), round(height)
    except ValueError:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG, WebP or SVG file, or None if unknown."""
    try:
        stat = os.lstat(path)
    except OSError:
        return None
    # Keyed by size and time too: ``serve`` builds again and again in one process.
    return _image_size(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _image_size(path: Path, _size: int, _mtime: int) -> tuple[int, int] | None:
    try:
        head = read_bytes(path, 65536)
    except UnsafeFile:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", head[6:10])
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if head[:4] == b"RIFF" and head[8:16] == b"WEBPVP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        return width, int.from_bytes(head[27:30], "little") + 1
    if path.suffix.lower() == ".svg":
        return _svg_size(head)
    return None
