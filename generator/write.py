"""Write the site: everything goes into a staging folder beside the output, which is swapped in
by renames only when the whole build succeeded. Readers never see a half-written site, and a
failed build leaves the previous output exactly as it was."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.model import Page, Post, Site
from generator.nofollow import copy_file
from generator.themes import Theme


def _nearest(path: Path) -> Path:
    """``path``, or the nearest of its parents that exists (the one a build would write in)."""
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def unwritable(folder: Path, *, whole: bool = False) -> list[Path]:
    """The places a build must write to fill ``folder`` but may not: the folder (or the
    nearest parent that exists) and, beside it, its parent (staging folders and the final
    swap live there); with ``whole``, every folder inside too. Checked before anything is
    written, so a build that could not finish changes nothing."""
    wanted = [_nearest(folder)]
    if wanted[0] == folder:
        wanted.append(_nearest(folder.parent))
        for parent, folders, files in os.walk(folder) if whole else ():
            wanted += [Path(parent, name) for name in (*folders, *files)]
    return [p for p in wanted if not os.access(p, os.W_OK | (os.X_OK if p.is_dir() else 0))]


def refuse_unwritable(output: Path, cache: Path, diag: Diagnostics) -> bool:
    """Report every place the build may not write its output or its cache, with the fix;
    True if there is one (then nothing is written at all)."""
    blocked = [
        (path, f"the build cannot write here (permission denied or read-only): {fix}")
        for folder, whole, fix in (
            (output, False, "make it writable, or build elsewhere with --out DIR"),
            (cache, True, "make it writable, or remove .dialogue/cache"),
        )
        for path in unwritable(folder, whole=whole)
    ]
    for path, message in blocked:
        diag.error(path, 0, message)
    return bool(blocked)


def staging_for(output: Path) -> Path:
    """A fresh staging folder on the same file system as ``output`` (rename must be atomic)."""
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


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
    """Copy each file's bytes, never through a link (``UnsafeFile`` names the one refused)."""
    count = 0
    for source, name in files:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_file(source, target)
        count += 1
    return count


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` with ``staging`` by two renames; the old site is removed afterwards."""
    if output.exists():
        retired = output.parent / f".{output.name}.old-{os.getpid()}"
        output.rename(retired)
        staging.rename(output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(output)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def commit(staging: Path, output: Path, stale: set[str]) -> int:
    """Move each changed file into ``output`` by an atomic rename; remove files of pages that
    no longer exist. Returns how many were removed."""
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = output / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    removed = 0
    for name in sorted(stale):
        target = output / name
        if target.is_file():
            target.unlink()
            removed += 1
            # Drop folders left empty, up to the output's root.
            folder = target.parent
            while folder != output and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return removed
