"""Links and images of one imported post: old addresses to new ones, uploads into its bundle.

A link to another imported post or page (by its old address, ``?p=ID`` or ``?page_id=ID``)
becomes the new site path; a link to an old category, tag or author archive becomes the
department, tag or author page. A file under ``wp-content/uploads/`` is copied into the post's
bundle when ``--uploads`` has it (the full-size original when the link names a resized copy,
``photo-300x200.jpg``: the build makes its own sizes), and listed as missing otherwise.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from generator.importers.wordpress.mapping import Plan, path_key

UPLOADS = "/wp-content/uploads/"
_RESIZED = re.compile(r"^(.*)-(?:\d+x\d+|scaled)(\.\w+)$")


@dataclass
class ItemLinks:
    """The rewrite function for one item's text, and what it found on the way."""

    plan: Plan
    uploads: Path | None
    files: dict[str, Path] = field(default_factory=dict)  # name in the bundle -> source
    missing: list[str] = field(default_factory=list)  # upload paths not found
    left: list[str] = field(default_factory=list)  # links to the old blog not rewritten
    rewritten: int = 0

    def _ours(self, netloc: str) -> bool:
        if not netloc:
            return True
        hosts = {
            urlsplit(u).netloc.lower() for u in (self.plan.channel.link, self.plan.channel.site_url)
        }
        return netloc.lower() in hosts

    def __call__(self, url: str, kind: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "") or not self._ours(parts.netloc):
            return url
        if not parts.netloc and not parts.path.startswith("/"):
            return url  # relative to the post itself: a bundle file already
        path = unquote(parts.path)
        if UPLOADS in path:
            return self._upload(path.split(UPLOADS, 1)[1], url)
        if kind != "link":
            return url
        new = self._page(parts.query, path)
        if new is None:
            if parts.netloc:
                self.left.append(url)
            return url
        self.rewritten += 1
        return new + self._fragment(parts.fragment)

    def _fragment(self, fragment: str) -> str:
        """'#comment-102' names the WordPress comment: the new page names it by its new id."""
        number = fragment.removeprefix("comment-")
        if number != fragment and number in self.plan.comment_ids:
            return f"#comment-{self.plan.comment_ids[number]}"
        return f"#{fragment}" if fragment else ""

    def _page(self, query: str, path: str) -> str | None:
        values = parse_qs(query)
        for key in ("p", "page_id"):
            for value in values.get(key, ()):
                if f"{key}={value}" in self.plan.old_urls:
                    return self.plan.old_urls[f"{key}={value}"]
        relative = _relative(path, self.plan.channel.link)
        key = path_key(relative)
        return self.plan.old_urls.get(key) or self.plan.taxa.get(key)

    def _upload(self, relative: str, url: str) -> str:
        source = self._source(relative)
        if source is None:
            self.missing.append(relative)
            return url
        for name in _names(source, relative):
            if self.files.setdefault(name, source) == source:
                return name
        return url  # not reached: _names ends with a name no other file has

    def _source(self, relative: str) -> Path | None:
        """The file in --uploads, preferring the original of a resized copy; never a file
        outside the folder or a symbolic link."""
        if self.uploads is None or "\\" in relative or ".." in relative.split("/"):
            return None
        resized = _RESIZED.match(relative)
        wanted = [relative] if resized is None else [resized[1] + resized[2], relative]
        root = self.uploads.resolve()
        for candidate in wanted:
            path = self.uploads / candidate
            if path.is_symlink() or not path.is_file():
                continue
            if path.resolve().is_relative_to(root):
                return path
        return None


def _relative(path: str, blog: str) -> str:
    base = unquote(urlsplit(blog).path).rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        return path[len(base) :] or "/"
    return path


def _names(source: Path, relative: str) -> list[str]:
    """The file's name in the bundle; with its upload folder ("2019-05-") when two differ."""
    name = re.sub(r"[^\w.-]", "-", source.name).lstrip(".") or "file"
    if name.lower().endswith(".md"):
        name += ".txt"  # a .md file in a bundle would be read as a post
    folder = "-".join(relative.split("/")[:-1])
    unique = hashlib.blake2b(relative.encode("utf-8"), digest_size=4).hexdigest()
    return [name, f"{folder}-{name}" if folder else f"{unique}-{name}", f"{unique}-{name}"]
