"""Every change that time alone makes to the built site, with its exact instant.

A build decides three things by its clock (assemble.py, templating.py): which posts are past
their date and so published, which posts still take comments (``close_after_days``), and the
year in the footer. Everything else it writes (archive, listings, feeds, sitemap, the intake's
manifest) follows from the first two. So a site changes by itself exactly when a scheduled post's
date comes, when a post's comment form closes, and at New Year if its theme shows the year.

Each instant is the first at which a build shows the change: a post dated ``t`` is published by a
build at ``t`` or later, and its form is closed by a build at ``t + close_after_days`` or later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.model import Post, Site
from generator.themes import Theme

PUBLISH = "publish"
CLOSE_COMMENTS = "close-comments"
NEW_YEAR = "new-year"
YEAR_IN_TEMPLATES = "build_year"  # the templates' name for the year a build shows


@dataclass(frozen=True)
class Change:
    at: dt.datetime  # in the site's time zone
    kind: str  # PUBLISH, CLOSE_COMMENTS or NEW_YEAR
    what: str  # for people: the post's title, or what New Year changes
    path: str | None = None  # the post's source, relative to the site root
    url: str | None = None  # the page that changes (every page for NEW_YEAR: None)

    def as_json(self) -> dict[str, str | None]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "path": self.path,
            "url": self.url,
            "what": self.what,
        }


def _post_changes(site: Site, post: Post, after: dt.datetime) -> Iterator[Change]:
    tz = site.config.tz
    path = post.source.relative_to(site.config.root).as_posix()
    if post.date > after:
        yield Change(post.date.astimezone(tz), PUBLISH, post.title, path, post.url)
    settings = site.config.comments
    if settings.enabled and post.comments_enabled and settings.close_after_days > 0:
        # The same arithmetic as assemble's: whole days of elapsed time, not of the calendar.
        closes = post.date.astimezone(dt.UTC) + dt.timedelta(days=settings.close_after_days)
        if closes > after:
            yield Change(closes.astimezone(tz), CLOSE_COMMENTS, post.title, path, post.url)


def shows_year(theme: Theme) -> bool:
    """Whether a template the build uses shows the build's year: of each template name, the
    most specific theme's file (a child theme may override the footer without the year)."""
    used: dict[Path, Path] = {}
    for folder in map(Path, theme.template_dirs):  # most specific first
        for path in folder.rglob("*"):
            if path.is_file():
                used.setdefault(path.relative_to(folder), path)
    return any(
        YEAR_IN_TEMPLATES in path.read_text(encoding="utf-8", errors="replace")
        for path in used.values()
    )


def new_year(site: Site, after: dt.datetime) -> Change:
    tz = site.config.tz
    year = after.astimezone(tz).year + 1
    what = f"the year shown on every page becomes {year}"
    return Change(dt.datetime(year, 1, 1, tzinfo=tz), NEW_YEAR, what)


def time_changes(site: Site, after: dt.datetime, *, year_shown: bool) -> list[Change]:
    """Every change after the instant ``after``, soonest first. ``site`` must hold the scheduled
    posts too (read with ``future``); drafts are passed over: they wait for a person, not a date."""
    changes = [c for p in site.posts if not p.draft for c in _post_changes(site, p, after)]
    if year_shown:
        changes.append(new_year(site, after))
    return sorted(changes, key=lambda c: (c.at, c.kind, c.path or ""))


def due(site: Site, now: dt.datetime, window: dt.timedelta, *, year_shown: bool) -> list[Change]:
    """The changes that fell due in the ``window`` up to ``now``. A scheduled CI job asks this:
    has the site changed by itself since my last run? (The window is longer than the time
    between runs, so a run that starts late still sees the change.)"""
    since = now - window
    return [c for c in time_changes(site, since, year_shown=year_shown) if c.at <= now]
