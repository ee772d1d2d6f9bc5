"""Find the site's source files under content/.

Nothing reached through a symbolic link is content: a linked file or folder, a special file
(a FIFO, a device) and a folder that cannot be read are listed in ``refused`` with the reason,
and the build reports each as an error naming it (nofollow.py). Hidden files and folders are
not content: they are neither read nor published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.nofollow import link_message, walk


@dataclass(frozen=True)
class Sources:
    posts: tuple[str, ...]  # file names: a site may have 100,000, and a Path each costs time
    pages: tuple[Path, ...]
    authors: tuple[Path, ...]
    refused: tuple[tuple[str, str], ...] = ()  # (path, why it is never read)


def _files(folder: Path, refused: list[tuple[str, str]]) -> list[str]:
    """Every regular file below ``folder`` in path order (bundles' images too)."""
    if not os.path.lexists(folder):
        return []
    if os.path.islink(folder):
        refused.append((os.fspath(folder), link_message(folder)))
        return []
    found = walk(folder, skip_hidden=True)
    refused.extend(found.refused)
    return found.files


def _markdown(files: list[str]) -> tuple[str, ...]:
    # Editor backups ("x.md~") do not end in .md; hidden ones (".#x.md") were skipped.
    return tuple(name for name in files if name.endswith(".md"))


def discover(content: Path) -> Sources:
    refused: list[tuple[str, str]] = []
    if os.path.islink(content):
        return Sources((), (), (), ((os.fspath(content), link_message(content)),))
    posts = _markdown(_files(content / "posts", refused))
    pages = tuple(map(Path, _markdown(_files(content / "pages", refused))))
    top = os.fspath(content / "authors")
    authors = tuple(
        Path(name)
        for name in _files(content / "authors", refused)
        if name.endswith(".yaml") and os.path.dirname(name) == top
    )
    return Sources(posts, pages, authors, tuple(sorted(refused)))


def bundle_files(folder: Path) -> list[str]:
    """The regular files of a page bundle (the folder of an index.md), in path order; what is
    refused there was reported by ``discover``."""
    return walk(folder, skip_hidden=True).files
