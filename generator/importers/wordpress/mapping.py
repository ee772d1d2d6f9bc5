"""The first pass: every decision that needs the whole export, made before any text is converted.

Which items are imported and as what, each one's slug, date, new URL and old addresses, author
ids, how categories become departments or tags, and each comment's id. Content is not kept
(the second pass reads the export again), so memory holds the export's skeleton only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from generator.config import Config
from generator.importers.wordpress.reader import (
    Channel,
    WpAuthor,
    WpCategory,
    WpItem,
    read_export,
)
from generator.importers.wordpress.site import ExistingSite
from generator.importers.wordpress.wphtml import Attachment
from generator.urls import slugify

IMPORTED_STATUSES = {"publish": "published", "future": "scheduled", "draft": "drafts"}
IMPORTED_STATUSES["pending"] = "drafts"  # waiting for review in WordPress
DEFAULT_CATEGORIES = {"uncategorized", "allgemein"}  # WordPress's default, not a subject
MAX_TAGS = 20
NO_DATE = "0000-00-00 00:00:00"


@dataclass(frozen=True)
class AuthorPlan:
    id: str
    name: str
    email: str
    exists: bool


@dataclass(frozen=True)
class Target:
    """Where one WordPress post or page goes."""

    kind: str  # "post" or "page"
    slug: str
    title: str
    url: str
    folder: str  # "content/posts/2019" or "content/pages", relative to the site root
    date: dt.datetime | None
    draft: bool
    authors: tuple[str, ...]
    aliases: tuple[str, ...]
    department: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class Plan:
    config: Config
    channel: Channel
    authors: dict[str, AuthorPlan] = field(default_factory=dict)  # by login
    author_by_wp_id: dict[str, str] = field(default_factory=dict)  # WordPress user id -> login
    targets: dict[str, Target] = field(default_factory=dict)  # by WordPress id
    attachments: dict[str, Attachment] = field(default_factory=dict)
    children: dict[str, list[Attachment]] = field(default_factory=lambda: defaultdict(list))
    old_urls: dict[str, str] = field(default_factory=dict)  # old path or "p=ID" -> new URL
    taxa: dict[str, str] = field(default_factory=dict)  # old /category/x/ path -> new URL
    comment_ids: dict[str, str] = field(default_factory=dict)  # WordPress comment id -> ours


def wp_date(local: str, gmt: str, tz: ZoneInfo) -> dt.datetime | None:
    """post_date_gmt in the site's zone; without it (drafts), post_date read in that zone."""
    for text, zone in ((gmt, dt.UTC), (local, tz)):
        if text and text != NO_DATE:
            try:
                moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return moment.replace(tzinfo=zone).astimezone(tz)
    return None


def old_path(link: str, blog: str) -> str | None:
    """A WordPress address as a path of the new site (relative to where the blog lived)."""
    parts, home = urlsplit(link), urlsplit(blog)
    if parts.netloc and parts.netloc.lower() != home.netloc.lower():
        return None
    path = unquote(parts.path) or "/"
    base = unquote(home.path).rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :] or "/"
    path = path if path.startswith("/") else "/" + path
    return f"{path}?{parts.query}" if parts.query else path


def path_key(path: str) -> str:
    """Old paths compare with and without their final slash."""
    path, _, query = path.partition("?")
    return path.rstrip("/") + "/" + (f"?{query}" if query else "")


def survey(path: Path) -> tuple[Channel, list[WpAuthor], dict[str, WpCategory], list[WpItem]]:
    """Read the whole export once, keeping everything but the texts."""
    channel: Channel | None = None
    authors: list[WpAuthor] = []
    categories: dict[str, WpCategory] = {}
    items: list[WpItem] = []
    for record in read_export(path):
        if isinstance(record, Channel):
            channel = record
        elif isinstance(record, WpAuthor):
            authors.append(record)
        elif isinstance(record, WpCategory):
            categories[record.nicename] = record
        else:
            comments = tuple(replace(c, content="") for c in record.comments)
            items.append(replace(record, content="", comments=comments))
    assert channel is not None  # read_export yields it or raises
    return channel, authors, categories, items


def _author_id(login: str, taken: set[str]) -> str:
    base = slugify(login.split("@")[0]) or "author"  # a login may be an email address
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def plan_authors(
    plan: Plan, authors: list[WpAuthor], items: list[WpItem], site: ExistingSite
) -> None:
    known = {a.login: a for a in authors}
    for item in items:  # an export of one author's posts may lack the others' wp:author
        if item.creator and item.creator not in known:
            known[item.creator] = WpAuthor("", item.creator, "", item.creator, "", "")
    taken: set[str] = set()
    for login, author in known.items():
        author_id = _author_id(login, taken)
        full = f"{author.first_name} {author.last_name}".strip()
        name = author.display_name or full or login
        plan.authors[login] = AuthorPlan(author_id, name, author.email, author_id in site.authors)
        if author.id:
            plan.author_by_wp_id[author.id] = login


class Taxonomy:
    """Categories and tags to Dialogue's departments and tags, spelled as the site spells them."""

    def __init__(self, categories: dict[str, WpCategory], site: ExistingSite, as_tags: bool):
        self.categories = categories
        self.as_tags = as_tags
        self.spelling = {"tags": dict(site.tags), "departments": dict(site.departments)}
        self.departments: dict[str, int] = defaultdict(int)
        self.nested: set[str] = set()

    def name(self, kind: str, name: str) -> str:
        return self.spelling[kind].setdefault(slugify(name), name)

    def top(self, nicename: str) -> WpCategory | None:
        """The top-level ancestor of a category (itself if it has no parent)."""
        category = self.categories.get(nicename)
        seen = set()
        while category and category.parent in self.categories and category.nicename not in seen:
            seen.add(category.nicename)
            category = self.categories[category.parent]
        return category

    def of(self, item: WpItem) -> tuple[str, list[str]]:
        """(department, tags) of one post."""
        tags = [self.name("tags", n) for d, _, n in item.categories if d == "post_tag" and n]
        chosen = [(s, n) for d, s, n in item.categories if d == "category" and n]
        chosen = [(s, n) for s, n in chosen if s not in DEFAULT_CATEGORIES]
        if self.as_tags:
            return "", [self.name("tags", n) for _, n in chosen] + tags
        department = ""
        extra = []
        for index, (nicename, name) in enumerate(chosen):
            top = self.top(nicename)
            if index == 0:
                department = self.name("departments", top.name if top else name)
                self.departments[department] += 1
            if index or (top and top.nicename != nicename):
                extra.append(self.name("tags", name))
                if top and top.nicename != nicename:
                    self.nested.add(name)
        return department, extra + tags

    def said(self) -> str:
        if self.as_tags:
            return "as tags (--categories tags)"
        counts = ", ".join(f"{n} ({c})" for n, c in sorted(self.departments.items()))
        nested = (
            f"; sub-categories as tags: {', '.join(sorted(self.nested))}" if self.nested else ""
        )
        return (
            f"as departments, a post's first category (its top level) is its department, any "
            f"others are tags: {counts or 'none'}{nested}"
        )
