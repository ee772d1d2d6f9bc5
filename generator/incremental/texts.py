"""Approved comments as read, and comment bodies and author bios as rendered, remembered in
``.dialogue/cache/texts.pickle`` (TextMemo)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.content.authors import render_bio
from generator.content.comments import CommentFile, read_comment
from generator.diagnostics import Diagnostics, Problem
from generator.incremental import pickles
from generator.incremental.keys import digest
from generator.incremental.posts import RACY_NS
from generator.markdown.comments import render_comment


class TextMemo:
    """Approved comments as read, and the HTML of comment bodies and author bios, in
    ``texts.pickle``: a busy site has tens of thousands of comments and hundreds of authors, and
    parsing their YAML and Markdown on every build would cost seconds.

    A comment file is read again when its size or time changed (the moderation CLI writes
    comments atomically, so each write gives a new time); a text is rendered once.
    """

    def __init__(
        self, config: Config, folder: Path, code: str, *, use_old: bool, persist: bool
    ) -> None:
        self.path = folder / "texts.pickle"
        self.root = config.root
        self.persist = persist
        self.settings = digest(code, str(config.root))
        stored = pickles.load(self.path) if use_old else None
        valid = isinstance(stored, dict) and stored.get("settings") == self.settings
        self.racy_after = os.stat(self.path).st_mtime_ns - RACY_NS if valid else 0
        self.old: dict[str, Any] = stored if valid else {"files": {}, "html": {}}  # type: ignore[assignment]
        self.files: dict[str, tuple[int, int, CommentFile | None, list[Problem]]] = {}
        self.html: dict[tuple[str, str], str] = {}  # (kind, Markdown) -> HTML

    def read(self, path: Path, diag: Diagnostics) -> CommentFile | None:
        name = str(path)
        stat = os.lstat(name)
        record = self.old["files"].get(name)
        changed = record is None or record[:2] != (stat.st_mtime_ns, stat.st_size)
        racy = stat.st_mtime_ns >= self.racy_after  # as for posts (posts.py)
        if changed or racy or not os.access(name, os.R_OK):  # unreadable: report it, not the cache
            found = Diagnostics(diag.root)
            record = (stat.st_mtime_ns, stat.st_size, read_comment(path, found), found.problems)
        self.files[name] = record
        diag.extend(record[3])
        return record[2]

    def _remembered(self, kind: str, text: str, render: Callable[[str], str]) -> str:
        key = (kind, text)
        html = self.html.get(key) or self.old["html"].get(key)
        if html is None:
            html = render(text)
        self.html[key] = html
        return html

    def comment_html(self, body: str) -> str:
        return self._remembered("comment", body, render_comment)

    def bio_html(self, bio: str) -> str:
        return self._remembered("bio", bio, render_bio)

    def save(self) -> None:
        unchanged = self.files == self.old["files"] and self.html.keys() == self.old["html"].keys()
        if self.persist and not unchanged:
            pickles.save(
                self.path, {"settings": self.settings, "files": self.files, "html": self.html}
            )
