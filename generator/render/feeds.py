"""Atom and RSS feeds with feedgen: every co-author named, absolute links, stable ids.

Entry ids are tag URIs made from the site's host, the post's date and slug, so a changed title
does not make feed readers show a post twice. Feed dates come from the content, never from the
clock, so an unchanged site builds byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from generator.config import Config
from generator.model import Author, Comment, Post
from generator.plan.records import Feed, Shared
from generator.render.memo import Memo

if TYPE_CHECKING:  # feedgen and lxml load on first use: most rebuilds render no feed
    from feedgen.entry import FeedEntry
    from feedgen.feed import FeedGenerator

# Written to start with a literal ('="'), which the regex engine finds fast: a body is 10-30 KB.
_RELATIVE = re.compile(
    r'="(?:(?<=\ssrc=")|(?<=\shref=")|(?<=\sposter="))(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)([^"]*)"'
)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def absolutize(html: str, base: str) -> str:
    """Make every relative link and image in ``html`` absolute against ``base``."""
    return _RELATIVE.sub(lambda m: f'="{urljoin(base, m.group(1))}"', html)


def tag_uri(config: Config, when: dt.datetime, name: str) -> str:
    host = urlsplit(config.base_url).hostname or "localhost"
    return f"tag:{host},{when.date().isoformat()}:{name}"


def _generator(config: Config, feed: Feed, updated: dt.datetime, page_url: str) -> FeedGenerator:
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    if feed.kind == "rss":
        generator.load_extension("dc")
    generator.id(config.absolute(feed.url))
    generator.title(feed.title)
    generator.subtitle(config.description or config.title)
    site_link = {"href": config.absolute(page_url), "rel": "alternate"}
    self_link = {"href": config.absolute(feed.url), "rel": "self"}
    # feedgen makes the last link RSS's channel <link>, which must be the site, not the feed.
    for link in (self_link, site_link) if feed.kind == "rss" else (site_link, self_link):
        generator.link(**link)
    generator.language(config.language)
    generator.generator("Dialogue")
    generator.updated(updated)
    generator.lastBuildDate(updated)
    return generator


class _EntryLanguage:
    """A feedgen entry extension that writes ``xml:lang`` on an Atom entry."""

    language = ""

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, entry: Any) -> Any:
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", self.language)
        return entry

    def extend_rss(self, item: Any) -> Any:
        return item


def _say_language(entry: FeedEntry, lang: str) -> None:
    """``xml:lang`` on an Atom entry: a German site has English posts and comments too."""
    entry.register_extension("lang", _EntryLanguage, atom=True, rss=False)
    entry.lang.language = lang


# (post URL, rss, full content) -> its entry: a post is in up to a dozen feeds (site, authors,
# tags, department) and its entry is the same in each. One per build: the Renderer owns it.
Entries = Memo[tuple[str, bool, bool], "FeedEntry"]


def _entry(shared: Shared, post: Post, rss: bool, full: bool) -> FeedEntry:
    from feedgen.entry import FeedEntry
    from feedgen.ext.dc import DcEntryExtension

    config = shared.config
    link = config.absolute(post.url)
    entry = FeedEntry()
    entry.id(tag_uri(config, post.date, f"post/{post.slug}"))
    entry.title(post.title)
    entry.link(href=link, rel="alternate")
    entry.published(post.date)
    entry.updated(post.last_modified)
    authors: list[Author] = [shared.authors[a] for a in post.author_ids]
    entry.author([{"name": a.name, "uri": config.absolute(f"/authors/{a.id}/")} for a in authors])
    if rss:  # RSS has no author element without an email address: Dublin Core has one
        entry.register_extension("dc", DcEntryExtension, atom=True, rss=True)
        for author in authors:
            entry.dc.dc_creator(author.name)
    if not rss:
        _say_language(entry, post.lang)
    for tag in post.tags:
        entry.category(term=tag)
    if post.summary:
        entry.summary(post.summary)
    if full:
        entry.content(absolutize(post.html, link), type="CDATA" if rss else "html")
    return entry


def _newest(posts: Sequence[Post]) -> dt.datetime:
    return max((p.last_modified for p in posts), default=EPOCH)


def posts_feed(
    shared: Shared, feed: Feed, posts: Sequence[Post], page_url: str, entries: Entries, full: bool
) -> bytes:
    """A feed of ``posts``: with ``full``, each entry carries the post's HTML, else only its
    summary (config.FeedsConfig.full)."""
    generator = _generator(shared.config, feed, _newest(posts), page_url)
    rss = feed.kind == "rss"
    for post in posts:
        entry = entries.get((post.url, rss, full), lambda: _entry(shared, post, rss, full))  # noqa: B023
        generator.add_entry(entry, order="append")
    if feed.kind == "rss":
        return bytes(generator.rss_str(pretty=True))
    return bytes(generator.atom_str(pretty=True))


def comments_feed(
    config: Config, feed: Feed, comments: Sequence[tuple[Comment, Post]], title_of: str
) -> bytes:
    """The latest approved comments, each with its post; ``title_of`` is the entry title
    pattern ({name}, {post})."""
    updated = max((c.approved for c, _ in comments), default=EPOCH)
    generator = _generator(config, feed, updated, feed.page)
    for comment, post in comments:
        link = config.absolute(post.url) + f"#comment-{comment.id}"
        entry: FeedEntry = generator.add_entry(order="append")
        entry.id(tag_uri(config, comment.created, f"comment/{comment.id}"))
        entry.title(title_of.format(name=comment.name, post=post.title))
        entry.link(href=link, rel="alternate")
        entry.published(comment.created)
        entry.updated(comment.approved)
        entry.author({"name": comment.name})
        entry.content(comment.html, type="html")
        _say_language(entry, comment.lang or post.lang)
    return bytes(generator.atom_str(pretty=True))
