"""Turn the records read from content/ into a complete, checked Site.

Everything that needs more than one file happens here: authors resolved, slugs unique, drafts
and scheduled posts set aside, URLs assigned, comments threaded, tags and departments grouped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.config import Config
from generator.content.comments import CommentFile, to_model
from generator.diagnostics import Diagnostics
from generator.markdown.comments import render_comment
from generator.model import Author, Comment, Page, Post, Site, Taxon
from generator.redirects import check_aliases
from generator.urls import permalink, slugify

# Top-level names the build writes itself; a page may not take them.
RESERVED = {"page", "authors", "tags", "departments", "archive", "comments", "_dialogue", "static"}


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None  # injectable for tests; default: the real clock


def _rel(config: Config, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


def _check_authors(posts: Iterable[Post], authors: dict[str, Author], diag: Diagnostics) -> None:
    known = ", ".join(sorted(authors)) or "none yet"
    for post in posts:
        for author_id in post.author_ids:
            if author_id not in authors:
                key = "author" if "author" in post.key_lines else "authors"
                fix = f"add content/authors/{author_id}.yaml" if author_id else "name one"
                message = f"unknown author '{author_id}' (known: {known}): {fix}"
                diag.error(post.source, post.line_of(key), message)


def _check_unique_slugs(config: Config, items: list[Post] | list[Page], diag: Diagnostics) -> None:
    first: dict[str, Post | Page] = {}
    for item in items:
        if item.slug in first:
            other = first[item.slug]
            line = item.line_of("slug") if isinstance(item, Post) else 1
            other_line = other.line_of("slug") if isinstance(other, Post) else 1
            message = (
                f"slug '{item.slug}' used twice: {_rel(config, other.source)}:{other_line} and "
                f"{_rel(config, item.source)}:{line}; give one of them another slug"
            )
            diag.error(other.source, other_line, message)
        else:
            first[item.slug] = item


Origin = Callable[[Post], tuple[Path, int]]  # the file and line naming a tag or department


def _group(
    config: Config, kind: str, posts: tuple[Post, ...], origin: Origin, diag: Diagnostics
) -> tuple[Taxon, ...]:
    """Tags or departments: slug -> posts, named by the first spelling met. Spellings that
    differ only in case ('API', 'api') are one tag; other names that give one slug ('C++' and
    'C') would share a page: an error naming both, where each is written."""
    names: dict[str, str] = {}
    first_post: dict[str, Post] = {}
    members: dict[str, list[Post]] = defaultdict(list)
    slug_of: dict[str, str] = {}  # name -> slug: a few hundred names on 10,000 posts
    reported: set[str] = set()
    for post in posts:
        for name in post.tags if kind == "tags" else (post.department,):
            if not name:
                continue
            slug = slug_of.get(name) or slug_of.setdefault(name, slugify(name))
            listed = members[slug]
            if not listed or listed[-1] is not post:  # two spellings on one post: listed once
                listed.append(post)
            known = names.setdefault(slug, name)
            first_post.setdefault(slug, post)
            if known != name and known.casefold() != name.casefold() and name not in reported:
                reported.add(name)
                path, line = origin(first_post[slug])
                where = _rel(config, path) + (f":{line}" if line else "")
                what = kind.removesuffix("s")
                message = (
                    f"{what} '{name}' and {what} '{known}' ({where}) both make the page "
                    f"/{kind}/{slug}/: rename one of them"
                )
                diag.error(*origin(post), message)
    return tuple(
        Taxon(kind, names[slug], slug, tuple(members[slug]))
        for slug in sorted(names, key=lambda s: names[s].casefold())
    )


def _origins(authors: dict[str, Author]) -> tuple[Origin, Origin]:
    """Where a post's tags are written, and its department: the post's own key, else the
    file of its first author (whose department it inherits)."""

    def tags(post: Post) -> tuple[Path, int]:
        return post.source, post.line_of("tags")

    def department(post: Post) -> tuple[Path, int]:
        if "department" in post.key_lines or not post.author_ids:
            return post.source, post.line_of("department")
        author = authors.get(post.author_ids[0])
        return (author.source, 0) if author else (post.source, 1)

    return tags, department


def _comments(
    config: Config,
    comment_html: Callable[[str], str],
    files: list[CommentFile],
    posts: dict[str, Post],
    all_slugs: set[str],
    diag: Diagnostics,
) -> dict[str, tuple[Comment, ...]]:
    by_post: dict[str, list[Comment]] = defaultdict(list)
    content = config.content_path
    strays: list[tuple[Path, str]] = []
    for item in files:
        source = Path(f"{content}/comments/{item.post}/{item.id}.yaml")  # one parse, not three
        if item.post not in posts:
            if item.post not in all_slugs:  # a draft's or scheduled post's comments just wait
                strays.append((source, item.post))
            continue
        by_post[item.post].append(to_model(item, source, comment_html(item.body)))
    renamed = _old_slugs(posts.values()) if strays else {}
    for source, slug in strays:
        message = f"comment on unknown post '{slug}': it is not shown"
        if slug in renamed:
            message += _move_hint(config, slug, *renamed[slug])
        diag.warning(source, 2, message)
    for post_comments in by_post.values():
        ids = {c.id for c in post_comments}
        for index, comment in enumerate(post_comments):
            if comment.parent and comment.parent not in ids:
                message = f"parent '{comment.parent}' not found: shown as a top-level comment"
                diag.warning(comment.source, 3, message)
                post_comments[index] = dataclasses.replace(comment, parent=None)
    return {slug: tuple(sorted(c, key=lambda c: c.id)) for slug, c in by_post.items()}


def _old_slugs(posts: Iterable[Post]) -> dict[str, tuple[Post, str]]:
    """Old slug -> (post, alias) for each alias path ending in a slug ('/2019/05/old-slug/',
    '/old-slug.html'): a post renamed keeps its old address as an alias, and its comments are
    still in the old slug's folder."""
    old: dict[str, tuple[Post, str]] = {}
    for post in posts:
        for alias in post.aliases:
            path, _, query = alias.partition("?")
            last = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".htm")
            if last and not query:
                old.setdefault(last, (post, alias))
    return old


def _move_hint(config: Config, slug: str, post: Post, alias: str) -> str:
    folder = (config.content_path / "comments").relative_to(config.root).as_posix()
    where = post.source.relative_to(config.root).as_posix()
    return (
        f"; {where} has the alias '{alias}': if that post was '{slug}', move {folder}/{slug}/"
        f" to {folder}/{post.slug}/"
    )


def _placed(post: Post, url: str, department: str) -> Post:
    """The post with its derived fields set. ``dataclasses.replace`` would run ``__init__``
    over all twenty fields again: copying the record's dict is ten times faster, and a large
    site does this for every post on every build."""
    placed = object.__new__(Post)
    placed.__dict__.update(post.__dict__, url=url, department=department)
    return placed


def assemble(
    config: Config,
    posts: list[Post],
    pages: list[Page],
    authors: list[Author],
    comments: list[CommentFile],
    options: BuildOptions,
    diag: Diagnostics,
    comment_html: Callable[[str], str] = render_comment,
) -> Site:
    author_map = {a.id: a for a in authors}
    _check_authors(posts, author_map, diag)
    _check_unique_slugs(config, posts, diag)
    _check_unique_slugs(config, pages, diag)
    for page in pages:
        if page.slug in RESERVED:
            diag.error(page.source, 1, f"page slug '{page.slug}' is reserved: choose another")
    for moderator in config.comments.moderators:
        if moderator not in author_map:
            # A warning: the site builds fine, only moderation lacks this person.
            message = f"unknown moderator '{moderator}': add content/authors/{moderator}.yaml"
            diag.warning(config.root / "site.yaml", 1, message)
    for department, ids in config.comments.department_moderators.items():
        for moderator in ids:
            if moderator not in author_map:
                message = (
                    f"unknown moderator '{moderator}' for department '{department}': add "
                    f"content/authors/{moderator}.yaml"
                )
                diag.warning(config.root / "site.yaml", 1, message)

    now = options.now or dt.datetime.now(dt.UTC)
    # Dates in different zones compare slowly (each comparison works out both UTC offsets):
    # compare each post's instant as a number, worked out once.
    now_instant = now.timestamp()
    published: list[tuple[float, str, Post]] = []
    scheduled: list[Post] = []
    for post in posts:
        if post.draft and not options.drafts:
            continue
        first = author_map.get(post.author_ids[0]) if post.author_ids else None
        post = _placed(
            post,
            url=permalink(config, post.date, post.slug),
            department=post.department or (first.department if first else ""),
        )
        instant = post.date.timestamp()
        if instant > now_instant and not options.future:
            scheduled.append(post)
        else:
            published.append((instant, post.slug, post))
    published.sort(key=lambda item: item[:2], reverse=True)
    ordered = tuple(post for _, _, post in published)
    settings = config.comments
    days = settings.close_after_days
    closing = (now - dt.timedelta(days=days)).timestamp() if days > 0 else -math.inf
    taking = [p.slug for t, _, p in published if t > closing and p.comments_enabled]
    visible_pages = tuple(
        dataclasses.replace(page, url=f"/{page.slug}/")
        for page in sorted(pages, key=lambda p: p.slug)
        if options.drafts or not page.draft
    )
    check_aliases(config, (*ordered, *scheduled), visible_pages, diag)
    tag_origin, department_origin = _origins(author_map)
    return Site(
        config=config,
        posts=ordered,
        pages=visible_pages,
        authors=author_map,
        comments=_comments(
            config,
            comment_html,
            comments,
            {p.slug: p for p in ordered},
            {p.slug for p in posts},
            diag,
        ),
        tags=_group(config, "tags", ordered, tag_origin, diag),
        departments=_group(config, "departments", ordered, department_origin, diag),
        scheduled=tuple(sorted(scheduled, key=lambda p: p.date)),
        commentable=frozenset(taking if settings.enabled else ()),
        build_time=now,
    )
