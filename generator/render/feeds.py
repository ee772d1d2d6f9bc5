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

from generator.model import Comment, Post, Site
from generator.plan import Feed
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


def tag_uri(site: Site, when: dt.datetime, name: str) -> str:
    host = urlsplit(site.config.base_url).hostname or "localhost"
    return f"tag:{host},{when.date().isoformat()}:{name}"


def _generator(site: Site, feed: Feed, updated: dt.datetime, page_url: str) -> FeedGenerator:
    from feedgen.feed import FeedGenerator

    config = site.config
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


# (post URL, rss, full content) -> its entry: a post is in up to a dozen feeds (site, authors,
# tags, department) and its entry is the same in each. One per build: the Renderer owns it.
Entries = Memo[tuple[str, bool, bool], "FeedEntry"]


def _entry(site: Site, post: Post, rss: bool, full: bool) -> FeedEntry:
    from feedgen.entry import FeedEntry
    from feedgen.ext.dc import DcEntryExtension

    config = site.config
    link = config.absolute(post.url)
    entry = FeedEntry()
    entry.id(tag_uri(site, post.date, f"post/{post.slug}"))
    entry.title(post.title)
    entry.link(href=link, rel="alternate")
    entry.published(post.date)
    entry.updated(post.last_modified)
    authors = [site.authors[a] for a in post.author_ids]
    entry.author([{"name": a.name, "uri": config.absolute(f"/authors/{a.id}/")} for a in authors])
    if rss:  # RSS has no author element without an email address: Dublin Core has one
        entry.register_extension("dc", DcEntryExtension, atom=True, rss=True)
        for author in authors:
            entry.dc.dc_creator(author.name)
    if not rss:  # the entry's language: a German site has English posts too
        entry.register_extension("lang", _EntryLanguage, atom=True, rss=False)
        entry.lang.language = post.lang
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
    site: Site, feed: Feed, posts: Sequence[Post], page_url: str, entries: Entries, full: bool
) -> bytes:
    """A feed of ``posts``: with ``full``, each entry carries the post's HTML, else only its
    summary (config.FeedsConfig.full)."""
    generator = _generator(site, feed, _newest(posts), page_url)
    rss = feed.kind == "rss"
    for post in posts:
        entry = entries.get((post.url, rss, full), lambda: _entry(site, post, rss, full))  # noqa: B023
        generator.add_entry(entry, order="append")
    if feed.kind == "rss":
        return bytes(generator.rss_str(pretty=True))
    return bytes(generator.atom_str(pretty=True))


def comments_feed(site: Site, feed: Feed, comments: Sequence[Comment], title_of: str) -> bytes:
    """The latest approved comments; ``title_of`` is the entry title pattern ({name}, {post})."""
    posts = {p.slug: p for p in site.posts}
    updated = max((c.approved for c in comments), default=EPOCH)
    generator = _generator(site, feed, updated, feed.page)
    for comment in comments:
        post = posts[comment.post]
        link = site.config.absolute(post.url) + f"#comment-{comment.id}"
        entry: FeedEntry = generator.add_entry(order="append")
        entry.id(tag_uri(site, comment.created, f"comment/{comment.id}"))
        entry.title(title_of.format(name=comment.name, post=post.title))
        entry.link(href=link, rel="alternate")
        entry.published(comment.created)
        entry.updated(comment.approved)
        entry.author({"name": comment.name})
        entry.content(comment.html, type="html")
    return bytes(generator.atom_str(pretty=True))
