"""Watching the site for ``dialogue serve``: which file events matter, and turning a burst of
them (an editor saving several files, or writing a temp file and renaming it) into one rebuild
once they have settled."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

DEBOUNCE = 0.15  # seconds of quiet after the last event before rebuilding

# "opened" and "closed_no_write" fire when the build itself reads the sources: never react.
CHANGES = {"created", "modified", "deleted", "moved"}
# Editor droppings: vim's swap files and its "4913" write probe, emacs locks and backups,
# JetBrains' safe-write files, partial downloads.
TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".kate-swp", ".part", ".crdownload")
TEMP_NAMES = {"4913", "Thumbs.db"}
SKIPPED_FOLDERS = {"__pycache__", "node_modules"}


class SiteFilter:
    """Decides whether a changed path can change the site."""

    def __init__(self, root: Path, skipped: Iterable[Path] = ()) -> None:
        self.root = root.resolve()
        self.skipped = tuple(p.resolve() for p in skipped)

    def __call__(self, path: Path) -> bool:
        name = path.name
        if not name or name.startswith(".") or name.endswith(TEMP_SUFFIXES) or name in TEMP_NAMES:
            return False
        if "___jb_" in name:
            return False
        if any(path.is_relative_to(folder) for folder in self.skipped):
            return False
        inside = path.relative_to(self.root).parts if path.is_relative_to(self.root) else ()
        if len(inside) == 1:
            return name == "site.yaml"  # the site folder itself is watched for site.yaml only
        return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in inside)


class _Handler(FileSystemEventHandler):
    def __init__(self, relevant: Callable[[Path], bool], notify: Callable[[Path], None]) -> None:
        self.relevant = relevant
        self.notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file event says what changed inside
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(os.fsdecode(raw))
                if self.relevant(path):
                    self.notify(path)


def watch(
    root: Path,
    folders: Iterable[Path],
    relevant: Callable[[Path], bool],
    notify: Callable[[Path], None],
) -> BaseObserver:
    """Start watching ``folders`` (recursively) and the site folder itself (for site.yaml)."""
    observer = Observer()
    handler = _Handler(relevant, notify)
    observer.schedule(handler, str(root), recursive=False)
    seen: list[Path] = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and not any(folder.is_relative_to(s) for s in seen):
            seen.append(folder)
            observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


class Debouncer:
    """Collects changed paths and calls ``action`` with them, in its own thread, once no new
    change came for ``delay`` seconds. Changes during a rebuild wait for the next one."""

    def __init__(self, action: Callable[[set[Path]], None], delay: float = DEBOUNCE) -> None:
        self.action = action
        self.delay = delay
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._last = 0.0
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="dialogue-rebuild", daemon=True)

    def add(self, path: Path) -> None:
        with self._cond:
            self._pending.add(path)
            self._last = time.monotonic()
            self._cond.notify_all()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the rebuild in progress, if any (a build is never cut in half)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def _next(self) -> set[Path] | None:
        with self._cond:
            while not self._pending and not self._stopped:
                self._cond.wait()
            while not self._stopped:
                quiet = self._last + self.delay - time.monotonic()
                if quiet <= 0:
                    break
                self._cond.wait(quiet)
            if self._stopped:
                return None
            changed, self._pending = self._pending, set()
            return changed

    def _loop(self) -> None:
        while (changed := self._next()) is not None:
            self.action(changed)
