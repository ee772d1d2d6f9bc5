"""Decide every file the site consists of: a pure function from Site to a list of Outputs.

Nothing is rendered here. An Output names its URL, what renders it (a template, or a producer
such as a feed) and the context it needs, so rendering can run in any order and in parallel.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from generator.model import Author, Comment, Page, Post, Site, Taxon, Thread
from generator.plan.records import Feed, Output, Pagination, SideColumn, comments_open
from generator.posts_json import POSTS_JSON
from generator.redirects import MAP_URL, query_aliases
from generator.urls import paginated

MAX_THREAD_DEPTH = 4  # deeper answers are shown at this depth, so threads stay readable


def thread(comments: Sequence[Comment]) -> tuple[Thread, ...]:
    """Nest comments under their parents, oldest first, flattening below MAX_THREAD_DEPTH."""
    children: dict[str | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        children[comment.parent].append(comment)

    def build(parent: str | None, depth: int) -> tuple[Thread, ...]:
        result = []
        for comment in children.get(parent, ()):
            if depth >= MAX_THREAD_DEPTH:
                # Too deep to indent further: the answer and its own answers become siblings.
                result.append(Thread(comment))
                result.extend(build(comment.id, depth))
            else:
                result.append(Thread(comment, build(comment.id, depth + 1)))
        return tuple(result)

    return build(None, 1)


def _pages_of(
    site: Site, side: SideColumn, posts: Sequence[Post], base: str, **context: Any
) -> Iterator[Output]:
    """One listing Output per page of ``posts``; an empty list still gets its first page."""
    per_page = site.config.posts_per_page
    context["side"] = side
    pages = max(1, -(-len(posts) // per_page))
    for number in range(1, pages + 1):
        chunk = posts[(number - 1) * per_page : number * per_page]
        pagination = Pagination(number, pages, base, len(posts))
        yield Output(
            paginated(base, number),
            "list.html",
            {**context, "posts": tuple(chunk), "pagination": pagination},
        )


def site_feeds(site: Site) -> tuple[Feed, ...]:
    title = site.config.title
    return (Feed(title, "/feed.xml"), Feed(title, "/rss.xml", "rss"))  # as Shared.feeds


def _atom_and_rss(title: str, page: str, group: str) -> tuple[Feed, Feed]:
    """A page's feeds: Atom (feed.xml, listed in feeds.opml) and RSS (rss.xml) beside it."""
    return Feed(title, f"{page}feed.xml", "atom", page, group), Feed(
        title, f"{page}rss.xml", "rss", page, ""
    )


def author_feeds(site: Site, author: Author) -> tuple[Feed, Feed]:
    title = f"{author.name} · {site.config.title}"
    return _atom_and_rss(title, f"/authors/{author.id}/", "authors")


def author_feed(site: Site, author: Author) -> Feed:
    return author_feeds(site, author)[0]


def taxon_feeds(site: Site, taxon: Taxon) -> tuple[Feed, Feed]:
    return _atom_and_rss(f"{taxon.name} · {site.config.title}", taxon.url, taxon.kind)


def comments_feed(site: Site) -> Feed:
    label = "Kommentare" if site.config.language == "de" else "Comments"
    return Feed(f"{label} · {site.config.title}", "/comments/feed.xml")


def post_comments_feed(post: Post) -> Feed:
    """The comments on one post (Atom, beside the post: its feed.xml); not in feeds.opml."""
    label = "Kommentare zu „{}“" if post.lang == "de" else "Comments on “{}”"
    short = "Kommentare" if post.lang == "de" else "Comments"
    return Feed(label.format(post.title), f"{post.url}feed.xml", "atom", post.url, "", short)


def _feed_output(site: Site, feed: Feed, posts: Sequence[Post], site_feed: bool = False) -> Output:
    """A feed of the newest ``posts``; with full content it shows their bodies too."""
    newest = tuple(posts[: site.config.feeds.limit])
    full = site.config.feeds.full(site_feed)
    bodies = newest if full else ()
    return Output(feed.url, feed.kind, {"feed": feed, "posts": newest, "full": full}, bodies)


def _post_outputs(site: Site, only: Collection[str] | None = None) -> Iterator[Output]:
    """Every post's page; with ``only``, the pages of the posts at those URLs."""
    posts = site.posts
    everyone = site_feeds(site)
    feeds_of = {author_id: author_feed(site, author) for author_id, author in site.authors.items()}
    for index, post in enumerate(posts):
        if only is not None and post.url not in only:
            continue
        comments = site.comments.get(post.slug, ())
        talk = (post_comments_feed(post),) if comments else ()  # offered once there is talk
        context = {
            "post": post,
            "authors": tuple(site.authors[a] for a in post.author_ids),
            "threads": thread(comments) if comments else (),
            "comments": tuple(comments),  # the no-JS reply choice lists them all
            "comment_count": len(comments),
            "comments_open": comments_open(site, post),
            "newer": posts[index - 1] if index > 0 else None,
            "older": posts[index + 1] if index + 1 < len(posts) else None,
            "feeds": (*everyone, *(feeds_of[a] for a in post.author_ids), *talk),
            "lang": post.lang,
        }
        yield Output(post.url, "post.html", context, (post,))


def _authors_posts(site: Site) -> list[tuple[Author, tuple[Post, ...]]]:
    """Each author, by name, with their posts (newest first)."""
    by_author: dict[str, list[Post]] = defaultdict(list)  # one pass, not one scan per author
    for post in site.posts:
        for author_id in post.author_ids:
            by_author[author_id].append(post)
    authors = sorted(site.authors.values(), key=lambda a: a.name.casefold())
    return [(author, tuple(by_author.get(author.id, ()))) for author in authors]


def _author_outputs(
    site: Site, side: SideColumn, authored: list[tuple[Author, tuple[Post, ...]]]
) -> Iterator[Output]:
    people = []
    for author, posts in authored:
        people.append(
            {"author": author, "count": len(posts), "latest": posts[0] if posts else None}
        )
        feeds = author_feeds(site, author)
        base = f"/authors/{author.id}/"
        yield from _pages_of(site, side, posts, base, kind="author", author=author, feeds=feeds)
    yield Output("/authors/", "authors.html", {"people": tuple(people)})


def _taxon_outputs(
    site: Site, side: SideColumn, kind: str, taxa: tuple[Taxon, ...]
) -> Iterator[Output]:
    for taxon in taxa:
        feeds = taxon_feeds(site, taxon)
        posts = taxon.posts
        yield from _pages_of(site, side, posts, taxon.url, kind=kind, taxon=taxon, feeds=feeds)
    yield Output(f"/{kind}/", "taxonomy.html", {"kind": kind, "taxa": taxa})


def _feed_outputs(site: Site, authored: list[tuple[Author, tuple[Post, ...]]]) -> Iterator[Output]:
    """Every feed of posts: each author's, each tag's and department's, the site's."""
    for author, posts in authored:
        for feed in author_feeds(site, author):
            yield _feed_output(site, feed, posts)
    for taxon in (*site.tags, *site.departments):
        for feed in taxon_feeds(site, taxon):
            yield _feed_output(site, feed, taxon.posts)
    for feed in site_feeds(site):
        yield _feed_output(site, feed, site.posts, site_feed=True)


def _post_comment_feeds(site: Site) -> Iterator[Output]:
    """Each post's comment feed, where it has comments or takes them."""
    limit = site.config.feeds.limit
    for post in site.posts:
        comments = site.comments.get(post.slug, ())
        if comments or comments_open(site, post):
            newest = sorted(comments, key=lambda c: (c.approved, c.id), reverse=True)[:limit]
            entries = tuple((comment, post) for comment in newest)
            context = {"feed": post_comments_feed(post), "comments": entries}
            yield Output(f"{post.url}feed.xml", "comments_atom", context)


def outputs_showing(site: Site, urls: Collection[str]) -> list[Output]:
    """The outputs of ``plan_outputs`` that show the body of a post at one of ``urls``: its
    page and the feeds that carry it in full. When only post bodies changed, a build plans just
    these; every other output is as the last build made it."""
    feeds = _feed_outputs(site, _authors_posts(site))
    showing = [f for f in feeds if any(post.url in urls for post in f.bodies)]
    return [*_post_outputs(site, only=urls), *showing]


def _comments_feed_output(site: Site, limit: int) -> Output:
    """The newest approved comments, each with the post it is on (the entry shows its title)."""
    latest = sorted(
        (c for comments in site.comments.values() for c in comments),
        key=lambda c: (c.approved, c.id),
        reverse=True,
    )[:limit]
    posts = {post.slug: post for post in site.posts}
    entries = tuple((comment, posts[comment.post]) for comment in latest)
    return Output(
        "/comments/feed.xml", "comments_atom", {"feed": comments_feed(site), "comments": entries}
    )


def _archive(site: Site) -> Output:
    years: dict[int, dict[int, list[Post]]] = defaultdict(lambda: defaultdict(list))
    for post in site.posts:
        local = post.date.astimezone(site.config.tz)
        years[local.year][local.month].append(post)
    grouped = tuple(
        (year, tuple((dt.date(year, month, 1), tuple(posts)) for month, posts in months.items()))
        for year, months in years.items()
    )
    return Output("/archive/", "archive.html", {"years": grouped, "count": len(site.posts)})


def plan_outputs(site: Site) -> list[Output]:
    """Every output of the site, in a fixed order (the build is deterministic)."""
    config = site.config
    limit = config.feeds.limit
    side = SideColumn(tuple((d.name, d.url, len(d.posts)) for d in site.departments))
    outputs: list[Output] = []
    forwarded = query_aliases(site)
    # The home and 404 pages are where old ?p= links land: they load the map, if there is one.
    landing = {"redirect_map": MAP_URL} if forwarded else {}
    home = (*(p for p in site.posts if p.sticky), *(p for p in site.posts if not p.sticky))
    outputs.extend(_pages_of(site, side, home, "/", kind="home", feeds=site_feeds(site), **landing))
    outputs.extend(_post_outputs(site))
    outputs.extend(
        Output(page.url, "page.html", {"page": page, "lang": page.lang}) for page in site.pages
    )
    authored = _authors_posts(site)
    outputs.extend(_author_outputs(site, side, authored))
    outputs.extend(_taxon_outputs(site, side, "tags", site.tags))
    outputs.extend(_taxon_outputs(site, side, "departments", site.departments))
    outputs.append(_archive(site))
    languages = tuple(sorted({post.lang for post in site.posts}))
    outputs.append(Output("/search/", "search.html", {"languages": languages}))
    outputs.append(Output("/404.html", "404.html", {"newest": site.posts[:3], **landing}))
    outputs.extend(_alias_outputs(site, forwarded))
    outputs.extend(_feed_outputs(site, authored))
    outputs.append(_comments_feed_output(site, limit))
    outputs.extend(_post_comment_feeds(site))
    offered: dict[str, Feed] = {}  # every feed planned that feeds.opml lists
    for output in outputs:
        feed = output.context.get("feed")
        if feed is not None and feed.group and feed.kind == "atom":
            offered.setdefault(feed.url, feed)
    outputs.append(Output("/feeds.opml", "opml", {"feeds": tuple(offered.values())}))
    listed = {"posts": site.posts, "open": tuple(comments_open(site, p) for p in site.posts)}
    outputs.append(Output(f"/{POSTS_JSON}", "posts_json", listed))
    outputs.append(Output("/robots.txt", "robots", {}))
    outputs.extend(_sitemaps(_sitemap_entries(site, outputs)))
    return outputs


def _alias_outputs(site: Site, forwarded: tuple[tuple[str, str], ...]) -> Iterator[Output]:
    """A redirect page at every alias without a query, the map of those with one."""
    items: tuple[Post | Page, ...] = (*site.posts, *site.pages)
    for item in items:
        for alias in item.aliases:
            if "?" not in alias:
                context = {"target": item.url, "title": item.title, "lang": item.lang}
                yield Output(alias, "redirect", context)
    if forwarded:
        yield Output(MAP_URL, "redirect_map", {"redirects": forwarded})


SITEMAP_LIMIT = 50_000  # URLs in one sitemap file, as sitemaps.org allows


def _sitemaps(entries: tuple[tuple[str, dt.datetime | None], ...]) -> list[Output]:
    """/sitemap.xml; past 50,000 pages it is an index of /sitemap-1.xml, /sitemap-2.xml, ..."""
    if len(entries) <= SITEMAP_LIMIT:
        return [Output("/sitemap.xml", "sitemap", {"urls": entries})]
    parts = [
        Output(
            f"/sitemap-{number}.xml", "sitemap", {"urls": entries[start : start + SITEMAP_LIMIT]}
        )
        for number, start in enumerate(range(0, len(entries), SITEMAP_LIMIT), start=1)
    ]
    index = [
        (part.url, max(filter(None, (m for _, m in part.context["urls"])), default=None))
        for part in parts
    ]
    return [*parts, Output("/sitemap.xml", "sitemap_index", {"sitemaps": tuple(index)})]


def _sitemap_entries(
    site: Site, outputs: list[Output]
) -> tuple[tuple[str, dt.datetime | None], ...]:
    """Every HTML page but 404, with the newest date it shows."""
    # Dates in different zones compare slowly (each comparison works out both UTC offsets), and
    # the listings compare 60,000 at 10,000 posts: compare each post's instant as a number.
    instant = {id(p): p.last_modified.timestamp() for p in site.posts}
    when: dict[float, dt.datetime] = {}  # an instant -> its date as the first post with it has it
    for post in site.posts:
        when.setdefault(instant[id(post)], post.last_modified)

    def latest(posts: Sequence[Post]) -> dt.datetime:
        return when[max(map(instant.__getitem__, map(id, posts)))]

    # Content dates only, never the clock: an unchanged site gives an unchanged sitemap.
    newest = latest(site.posts) if site.posts else None
    entries = []
    for output in outputs:
        if not output.renderer.endswith(".html") or output.renderer == "404.html":
            continue
        context = output.context
        if "post" in context:
            modified = context["post"].last_modified
        elif "page" in context:
            modified = context["page"].updated or newest
        elif context.get("posts"):
            modified = latest(context["posts"])
        else:
            modified = newest
        entries.append((output.url, modified))
    return tuple(entries)  # modified is None only on a site without posts
