"""What plan/ hands the render stage: Outputs, the records in their contexts, and Shared,
the one view of the site every output may see beside its own context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.config import Config
from generator.model import Author, Post, Site
from generator.urls import paginated


@dataclass(frozen=True)
class Feed:
    """A feed offered on a page: shown as <link rel=alternate> and listed in feeds.opml."""

    title: str
    url: str
    kind: str = "atom"  # 'atom' or 'rss'
    page: str = "/"  # the HTML page whose posts (or comments) it carries
    group: str = "site"  # where feeds.opml lists it: site, authors, tags, departments; or none
    short: str = ""  # what its own page calls it, where the title would repeat the page's

    @property
    def mime(self) -> str:
        return "application/rss+xml" if self.kind == "rss" else "application/atom+xml"


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    base: str
    total: int

    @property
    def prev_url(self) -> str | None:
        return paginated(self.base, self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return paginated(self.base, self.page + 1) if self.page < self.pages else None


@dataclass(frozen=True)
class SideColumn:
    """What the listing pages' side column shows of the whole site: each department's name,
    URL and post count. In their context (not read from ``site``), so only these pages depend
    on the counts, and adding a post does not re-render every post page."""

    departments: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class Output:
    url: str
    renderer: str  # a template name ('post.html') or a producer ('atom', 'rss', 'sitemap', ...)
    context: dict[str, Any] = field(default_factory=dict)
    bodies: tuple[Post, ...] = ()  # the posts whose body HTML it shows (see incremental/keys.py)


def comments_open(site: Site, post: Post) -> bool:
    return post.slug in site.commentable  # decided once per build, in assemble


@dataclass(frozen=True)
class PageLink:
    """What other outputs show of a page: menus and the comment form's privacy link."""

    slug: str
    title: str
    url: str
    menu: str | None
    lang: str


@dataclass(frozen=True)
class Shared:
    """Everything an output may show beside its own context: templates see it as ``site``,
    producers get it with their context. The global key (incremental/keys.py) hashes exactly
    this, so an output can show nothing its key does not cover."""

    config: Config
    authors: Mapping[str, Author]
    pages: tuple[PageLink, ...]
    taxa: tuple[
        tuple[str, str, str], ...
    ]  # (kind, slug, name): the tags and departments with pages
    year: int  # of the build: the footer's copyright

    @property
    def feeds(self) -> tuple[Feed, ...]:
        """The site's own feeds, offered on every page unless its context names others."""
        title = self.config.title
        return (Feed(title, "/feed.xml"), Feed(title, "/rss.xml", "rss"))


def shared_view(site: Site) -> Shared:
    return Shared(
        config=site.config,
        authors=site.authors,
        pages=tuple(PageLink(p.slug, p.title, p.url, p.menu, p.lang) for p in site.pages),
        taxa=tuple((t.kind, t.slug, t.name) for t in (*site.tags, *site.departments)),
        year=site.build_year,
    )
