"""The build's list of posts, ``<output_dir>/_dialogue/posts.json``: the intake learns from it
which posts exist and accept comments, without reading content/ (it may run on another host)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class PostInfo:
    slug: str
    url: str  # absolute
    title: str = ""
    comments_open: bool = False
    authors: tuple[str, ...] = ()
    lang: str = ""  # the post's language; "" in a manifest from before it was listed


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
                data = json.loads(self.path.read_text(encoding="utf-8"))
                posts = {}
                for item in data["posts"]:
                    info = PostInfo(
                        slug=str(item["slug"]),
                        url=str(item["url"]),
                        title=str(item.get("title", "")),
                        comments_open=item.get("comments_open") is True,
                        authors=tuple(str(a) for a in item.get("authors", ())),
                        lang=str(item.get("lang", "")),
                    )
                    posts[info.slug] = info
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
