"""Find the site's source files under content/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sources:
    posts: tuple[Path, ...]
    pages: tuple[Path, ...]
    authors: tuple[Path, ...]


def _markdown_files(folder: Path) -> tuple[Path, ...]:
    if not folder.is_dir():
        return ()
    # Hidden files and editor backups (".#x.md", "x.md~") are not content.
    return tuple(
        sorted(
            p
            for p in folder.rglob("*.md")
            if p.is_file() and not any(part.startswith(".") for part in p.parts)
        )
    )


def discover(content: Path) -> Sources:
    authors = content / "authors"
    return Sources(
        posts=_markdown_files(content / "posts"),
        pages=_markdown_files(content / "pages"),
        authors=tuple(sorted(authors.glob("*.yaml"))) if authors.is_dir() else (),
    )
