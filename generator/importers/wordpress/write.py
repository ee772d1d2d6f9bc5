"""Writing an import: every file goes into a staging folder first and is moved into content/
only when the whole export has been read and converted, so a bad or cut-off export leaves
nothing behind. A file that is already there is never overwritten: equal, it counts as
unchanged (a second run changes nothing); different, it is left as it is and reported.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from generator.importers.wordpress.summary import Summary

NEW, UNCHANGED, KEPT = "new", "unchanged", "kept"


class Stage:
    def __init__(self, root: Path, summary: Summary) -> None:
        self.root = root
        self.summary = summary
        self.dry_run = summary.dry_run
        self.folder = root / ".dialogue" / f"import-{os.getpid()}"
        self.staged: dict[str, Path] = {}  # relative path -> staged file
        self.folders: set[Path] = set()  # made already: an export has thousands of files

    def _status(self, relative: str, same: bool | None) -> str:
        """``same``: None when nothing is at ``relative``, else whether it equals ours."""
        status = NEW if same is None else (UNCHANGED if same else KEPT)
        self.summary.files[status] += 1
        if status == KEPT:
            self.summary.check(relative, "already there and different: left as it is")
        return status

    def _existing(self, relative: str) -> Path | None:
        target = self.root / relative
        if relative in self.staged:
            raise ValueError(f"{relative} would be written twice")  # the plan prevents it
        return target if target.exists() or target.is_symlink() else None

    def put(self, relative: str, text: str) -> str:
        data = text.encode("utf-8")
        existing = self._existing(relative)
        if existing is not None:
            same = (
                existing.is_file() and not existing.is_symlink() and existing.read_bytes() == data
            )
            return self._status(relative, same)
        if not self.dry_run:
            staged = self._staged(relative)
            staged.write_bytes(data)
        return self._status(relative, None)

    def copy(self, relative: str, source: Path) -> str:
        existing = self._existing(relative)
        if existing is not None:
            same = existing.is_file() and filecmp.cmp(existing, source, shallow=False)
            return self._status(relative, same)
        if not self.dry_run:
            shutil.copyfile(source, self._staged(relative))
        return self._status(relative, None)

    def _staged(self, relative: str) -> Path:
        staged = self.folder / relative
        self._make(staged.parent)
        self.staged[relative] = staged
        return staged

    def _make(self, folder: Path) -> None:
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)

    def commit(self) -> None:
        """Move every staged file into place (renames within one file system)."""
        for relative, staged in self.staged.items():
            target = self.root / relative
            self._make(target.parent)
            os.replace(staged, target)
        self.staged.clear()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
