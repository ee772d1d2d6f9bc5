"""Find the site's source files under content/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sources:
    posts: tuple[str, ...]  # file names: a site may have 100,000, and a Path each costs time
    pages: tuple[Path, ...]
    authors: tuple[Path, ...]


def _markdown_files(folder: Path) -> tuple[str, ...]:
    """Every ``*.md`` below ``folder`` in path order; hidden files and folders and editor
    backups (".#x.md", "x.md~") are not content. One os.walk: no stat per file."""
    found: list[str] = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            os.path.join(parent, name)
            for name in files
            if name.endswith(".md") and not name.startswith(".")
        )
    return tuple(sorted(found, key=lambda name: name.split(os.sep)))


def discover(content: Path) -> Sources:
    authors = content / "authors"
    return Sources(
        posts=_markdown_files(content / "posts"),
        pages=tuple(map(Path, _markdown_files(content / "pages"))),
        authors=tuple(sorted(authors.glob("*.yaml"))) if authors.is_dir() else (),
    )
