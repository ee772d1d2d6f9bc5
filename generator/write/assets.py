"""Files copied as they are: the theme's static files, the files beside posts and pages
(bundles), and author avatars."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.model import Page, Post, Site
from generator.nofollow import copy_file
from generator.themes import Theme


def assets(site: Site, theme: Theme) -> list[tuple[Path, str]]:
    """(source file, output path) for every file copied as it is."""
    static = theme.static_files()  # load_theme reported what walk refuses
    files: list[tuple[Path, str]] = list((path, name) for name, path in static.items())
    # Stylesheets and scripts also under their fingerprinted names, which pages link.
    files += [(static[name], hashed) for name, hashed in theme.fingerprinted().items()]
    items: list[Post | Page] = [*site.posts, *site.pages]
    for item in items:
        for path in item.bundle_files:
            relative = path.relative_to(item.source.parent).as_posix()
            files.append((path, item.url.lstrip("/") + relative))
    for author in site.authors.values():
        if author.avatar_source and author.avatar:
            files.append((author.avatar_source, author.avatar.lstrip("/")))
    return files


def copy_assets(files: Iterable[tuple[Path, str]], staging: Path) -> int:
    """Copy each file's bytes into ``staging``, never through a link (``UnsafeFile`` names the
    one refused); new files, so never written through a hard link into the output either."""
    count = 0
    for source, name in files:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_file(source, target)
        count += 1
    return count
