"""The editorial plan: what is scheduled, what is still a draft, and where the dialogue has gone
quiet (departments that published nothing for weeks, authors whose drafts are growing old)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.model import Post, Site
from generator.urls import slugify

STALE_DRAFT = dt.timedelta(days=30)  # "a draft older than a month"


@dataclass(frozen=True)
class Entry:
    """A post that is not out yet: scheduled (its date will publish it) or a draft."""

    post: Post
    path: str  # relative to the site root
    scheduled: bool  # False: a draft

    @property
    def status(self) -> str:
        return "scheduled" if self.scheduled else "draft"


@dataclass(frozen=True)
class Department:
    name: str
    last_published: dt.datetime | None
    published_recently: int  # posts within the plan's window of weeks
    scheduled: tuple[Entry, ...]
    drafts: tuple[Entry, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Writer:
    id: str
    name: str
    department: str
    last_published: dt.datetime | None
    scheduled: tuple[Entry, ...]
    drafts: tuple[Entry, ...]
    stale_drafts: tuple[Entry, ...]  # drafts dated more than a month ago


@dataclass(frozen=True)
class Plan:
    now: dt.datetime
    weeks: int
    entries: tuple[Entry, ...]  # scheduled and drafts, by date
    departments: tuple[Department, ...]  # by name
    writers: tuple[Writer, ...]  # by name

    @property
    def scheduled(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.scheduled)

    @property
    def drafts(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.scheduled)

    @property
    def silent(self) -> tuple[Department, ...]:
        """Departments that published nothing in the last ``weeks`` weeks (or never)."""
        return tuple(d for d in self.departments if not d.published_recently)

    @property
    def stale(self) -> tuple[Writer, ...]:
        return tuple(w for w in self.writers if w.stale_drafts)


def _latest(posts: Iterable[Post]) -> dt.datetime | None:
    return max((p.date for p in posts), key=lambda d: d.timestamp(), default=None)


def _by(keys_of: Callable[[Post], Iterable[str]], posts: Iterable[Post]) -> dict[str, list[Post]]:
    grouped: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        for key in keys_of(post):
            grouped[key].append(post)
    return grouped


def editorial_plan(site: Site, now: dt.datetime, weeks: int) -> Plan:
    """``site`` read with drafts and future posts (so every post is in ``site.posts``)."""
    root = site.config.root
    since = now - dt.timedelta(weeks=weeks)
    entries = tuple(
        Entry(p, p.source.relative_to(root).as_posix(), scheduled=not p.draft)
        for p in sorted(site.posts, key=lambda p: (p.date.timestamp(), p.slug))
        if p.draft or p.date > now
    )
    published = [p for p in site.posts if not p.draft and p.date <= now]
    by_department = _by(lambda p: (p.department,), published)
    by_author = _by(lambda p: p.author_ids, published)
    names = {a.department for a in site.authors.values()} | {p.department for p in site.posts}
    departments = tuple(
        Department(
            name,
            _latest(by_department[name]),
            sum(1 for p in by_department[name] if p.date > since),
            tuple(e for e in entries if e.scheduled and e.post.department == name),
            tuple(e for e in entries if not e.scheduled and e.post.department == name),
        )
        for name in sorted(filter(None, names), key=str.casefold)
    )
    writers = []
    for author in sorted(site.authors.values(), key=lambda a: a.name.casefold()):
        theirs = [e for e in entries if author.id in e.post.author_ids]
        drafts = tuple(e for e in theirs if not e.scheduled)
        writers.append(
            Writer(
                author.id,
                author.name,
                author.department,
                _latest(by_author[author.id]),
                tuple(e for e in theirs if e.scheduled),
                drafts,
                tuple(e for e in drafts if now - e.post.date > STALE_DRAFT),
            )
        )
    return Plan(now, weeks, entries, departments, tuple(writers))
