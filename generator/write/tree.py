"""The output folder and its spare twin: a build never writes into the output itself.

Beside ``public/`` lives ``.public.spare/``, a complete copy made of hard links (an unchanged
file costs a directory entry, not its bytes). A build brings the spare up to date with the
output, puts its new and changed files into it (each a new file: a hard link is never written
through, it would change the output too), removes what no longer exists, and then exchanges
the two folders in one step (exchange.py). The old output becomes the next build's spare; the
manifest remembers which files it lacks, so bringing it up to date costs as much as the last
build changed. Whenever that record is missing (a first build, a killed one), the spare is
made afresh from the output.

A build killed at any moment leaves the output as the last good build left it, or as the new
one: never a mix. ``sweep`` removes what killed builds left behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Iterable
from pathlib import Path

from generator.write.exchange import aside, exchange, recover


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _prune(folder: str, root: str) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)


def _place(source: str, target: str) -> None:
    """Put ``source`` at ``target`` by a rename (a new directory entry, never a write)."""
    try:
        os.replace(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(source, target)


def _link(source: str, target: str) -> None:
    """``target`` becomes the same file as ``source``; a copy where links are not possible."""
    temporary = f"{target}.link-{os.getpid()}"
    try:
        os.link(source, temporary)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, temporary)
    except OSError:  # a file system without hard links
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


class OutputTree:
    def __init__(self, output: Path) -> None:
        self.output = output
        self.spare = output.with_name(f".{output.name}.spare")
        self.staging = output.with_name(f".{output.name}.staging-{os.getpid()}")

    def sweep(self) -> None:
        """Remove what killed builds left beside the output (the site lock is held)."""
        recover(self.output)
        prefix = f".{self.output.name}."
        parent = self.output.parent
        if not parent.is_dir():
            return
        for entry in parent.iterdir():
            leftover = entry.name.startswith((f"{prefix}staging-", f"{prefix}old-"))
            if leftover or entry == aside(self.output):
                _remove(entry)

    def fresh_staging(self) -> Path:
        """An empty folder on the output's file system, for the files this build renders."""
        _remove(self.staging)
        self.staging.mkdir(parents=True)
        return self.staging

    def discard_staging(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _refresh_spare(self, lagging: Collection[str] | None) -> None:
        """Make the spare equal to the output: relink the ``lagging`` files, or all of them
        when it is not known which lag."""
        out, spare = str(self.output), str(self.spare)
        if lagging is None or not self.spare.is_dir():
            _remove(self.spare)
            self.spare.mkdir(parents=True)
            for folder, _, files in os.walk(out):
                relative = os.path.relpath(folder, out)
                for name in files:
                    _link(os.path.join(folder, name), os.path.join(spare, relative, name))
            return
        for name in lagging:
            if os.path.isfile(f"{out}/{name}"):
                _link(f"{out}/{name}", f"{spare}/{name}")
            elif os.path.lexists(f"{spare}/{name}"):
                os.unlink(f"{spare}/{name}")
                _prune(os.path.dirname(f"{spare}/{name}"), spare)

    def replace_all(self) -> frozenset[str] | None:
        """The staging folder holds the whole new site: it becomes the output. Returns where
        the spare now lags behind the output (None: unknown, it is made afresh next time)."""
        if self.output.is_dir():
            exchange(self.staging, self.output)
            _remove(self.spare)
            os.rename(self.staging, self.spare)  # the old output: the next build's spare
            return None
        self.output.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.staging, self.output)
        # A first build makes the spare at once: it costs little beside rendering every page,
        # and the first edit after it would otherwise pay for it.
        self._refresh_spare(None)
        return frozenset()

    def replace_some(
        self, lagging: Collection[str] | None, changed: Iterable[str], stale: Iterable[str]
    ) -> None:
        """The output with the staged ``changed`` files and without the ``stale`` ones, in one
        step. ``lagging``: the files where the spare differs from the output (None: unknown)."""
        self._refresh_spare(lagging)
        staging, spare = str(self.staging), str(self.spare)
        for name in changed:
            _place(f"{staging}/{name}", f"{spare}/{name}")
        for name in stale:
            target = f"{spare}/{name}"
            if os.path.isfile(target):
                os.unlink(target)
                _prune(os.path.dirname(target), spare)
        exchange(self.spare, self.output)
