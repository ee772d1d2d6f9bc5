"""The site's records: frozen dataclasses, complete once ``assemble`` returns, never mutated.

Parsed front matter stays apart from what is derived from it (URL, summary, HTML, table of
contents), as in Zola's Page: readers build the first, ``assemble`` adds the second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from generator.config import Config
from generator.incremental import bodies


class Heading(NamedTuple):  # a tuple: posts have several, and a site may have 100,000 posts
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    """What the Markdown renderer derives from a body. Once stored (cache.py), the HTML, first
    paragraph and headings wait on disk for the one page that shows them (bodies.py), and the
    record keeps the reference and the word count: listings of 100,000 posts need no more."""

    html: str
    summary: str  # first paragraph as plain text
    headings: tuple[Heading, ...]
    words: int
    stored: tuple[str, str] | None = None  # (database, key) when the rest is on disk, not here

    def full(self) -> Rendered:
        return self if self.stored is None else _load(self.stored, self.words)


@lru_cache(maxsize=4)  # a post page asks for its HTML, lead and headings one by one
def _load(stored: tuple[str, str], words: int) -> Rendered:
    html, summary, headings = bodies.load(*stored)
    return Rendered(html, summary, tuple(Heading(*h) for h in headings), words)


@dataclass(frozen=True)
class Author:
    id: str
    name: str
    source: Path
    role: str = ""
    department: str = ""
    bio_html: str = ""
    avatar: str | None = None  # site URL of the copied avatar image
    avatar_source: Path | None = None
    email: str | None = None  # never published: recognises the moderator
    links: tuple[tuple[str, str], ...] = ()

    @cached_property  # works on a frozen dataclass: it writes __dict__, not through setattr
    def hue(self) -> int:
        """One of eight colours for the initials circle, stable for an author id."""
        value = 0
        for char in self.id:
            value = (value * 3 + "abcdefghijklmnopqrstuvwxyz0123456789".find(char) + 2) % 1000003
        return value % 8

    @cached_property
    def initials(self) -> str:
        # Letters only: a name may start with a quote or an invisible bidi control.
        parts = [[c for c in p if c.isalnum()] for p in self.name.replace("-", " ").split()]
        parts = [p for p in parts if p]
        return "".join(p[0] for p in parts[:1] + parts[1:][-1:]).upper()


@dataclass(frozen=True)
class Post:
    file: str  # the source's name: cheaper than a Path to keep for 100,000 posts (see source)
    slug: str
    title: str
    date: dt.datetime
    author_ids: tuple[str, ...]
    rendered: Rendered
    tags: tuple[str, ...] = ()
    department: str = ""
    summary: str = ""
    lang: str = "de"
    draft: bool = False
    updated: dt.datetime | None = None
    comments_enabled: bool = True
    image: str | None = None  # relative to the post's folder
    image_credit: str = ""
    toc: bool | None = None
    sticky: bool = False  # listed first on the home page
    aliases: tuple[str, ...] = ()  # old site paths that redirect here (redirects.py)
    bundle_files: tuple[Path, ...] = ()  # images and other files beside index.md
    url: str = ""  # site path, '/2026/11/slug/'
    digest: str = ""  # content key of the source (see cache.py)
    meta_digest: str = ""  # content key of all but the body HTML (what listings and links show)
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    @property
    def source(self) -> Path:
        return Path(self.file)

    @property
    def html(self) -> str:
        return self.rendered.full().html

    @property
    def lead(self) -> str:
        """The body's first paragraph as plain text."""
        return self.rendered.full().summary

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.rendered.full().headings

    @property
    def show_toc(self) -> bool:
        return self.toc if self.toc is not None else len(self.headings) >= 3

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.rendered.words / 200))

    @property
    def last_modified(self) -> dt.datetime:
        return self.updated or self.date


@dataclass(frozen=True)
class Page:
    source: Path
    slug: str
    title: str
    rendered: Rendered
    lang: str = "de"
    summary: str = ""
    menu: str | None = None  # 'main' or 'footer'
    updated: dt.datetime | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    bundle_files: tuple[Path, ...] = ()
    url: str = ""
    digest: str = ""
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    @property
    def html(self) -> str:
        return self.rendered.full().html


@dataclass(frozen=True)
class Comment:
    id: str
    post: str
    source: Path
    name: str
    created: dt.datetime
    approved: dt.datetime
    approved_by: str
    body: str
    parent: str | None = None
    website: str | None = None
    staff: str | None = None  # author id of a team answer
    lang: str | None = None  # the comment's language if it is not its post's
    html: str = ""


@dataclass(frozen=True)
class Thread:
    """A comment with its answers, for nested display."""

    comment: Comment
    replies: tuple[Thread, ...] = ()


@dataclass(frozen=True)
class Taxon:
    """A tag or a department: a named group of posts with its own pages and feed."""

    kind: str  # 'tags' or 'departments'
    name: str
    slug: str
    posts: tuple[Post, ...] = ()

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}/"


@dataclass(frozen=True)
class Site:
    config: Config
    posts: tuple[Post, ...]  # published, newest first
    pages: tuple[Page, ...]
    authors: dict[str, Author]
    comments: dict[str, tuple[Comment, ...]]  # post slug -> approved comments, oldest first
    tags: tuple[Taxon, ...] = ()
    departments: tuple[Taxon, ...] = ()
    scheduled: tuple[Post, ...] = ()  # future posts left out of this build
    commentable: frozenset[str] = frozenset()  # slugs of the posts that take comments now
    build_time: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def build_year(self) -> int:
        """The year the footer shows: New Year comes at midnight in the site's time zone."""
        return self.build_time.astimezone(self.config.tz).year
