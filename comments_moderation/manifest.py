"""The build's list of posts as the intake sees it: read again whenever the build replaced it
(its format belongs to generator/posts_json.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

from generator.posts_json import PostInfo, parse

__all__ = ["Manifest", "PostInfo"]


class Manifest:
    """Re-read whenever the file's mtime or size changes, so a rebuild needs no restart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._posts: dict[str, PostInfo] = {}
        self._by_path: dict[str, PostInfo] = {}
        self.problem: str | None = None
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            self._stamp, self._posts, self._by_path = None, {}, {}
            self.problem = f"{self.path} is missing: run dialogue build"
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp == self._stamp:
                return
            try:
                posts = parse(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                # Half-written or foreign file: keep what we had; the next change retries.
                self.problem = f"{self.path}: unreadable ({exc}): run dialogue build again"
                return
            self._by_path = {urlsplit(post.url).path: post for post in posts.values()}
            self._posts, self._stamp, self.problem = posts, stamp, None

    def get(self, slug: str) -> PostInfo | None:
        self._refresh()
        return self._posts.get(slug)

    def at(self, url: str) -> PostInfo | None:
        """The post whose page is at ``url`` (a Referer: its origin is checked elsewhere)."""
        self._refresh()
        try:
            path = urlsplit(url.strip()).path
        except ValueError:
            return None
        return self._by_path.get(path) if path else None

    def __len__(self) -> int:
        self._refresh()
        return len(self._posts)
