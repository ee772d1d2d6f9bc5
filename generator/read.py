"""Stage 1, read: every file under content/ into records, every problem collected.

The readers themselves live in content/ (front matter, posts and pages, authors, comments);
this stage runs them over the site, posts in parallel worker processes, each file through the
cache (incremental/) so that a rebuild reads only what changed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from generator.config import Config
from generator.content.authors import read_author
from generator.content.comments import CommentFile, load_comments
from generator.content.discover import discover
from generator.content.posts import read_page
from generator.diagnostics import Diagnostics
from generator.incremental import Cache
from generator.incremental.posts import Entry, IndexRecord, PostStore
from generator.markdown import fast as markdown_fast
from generator.model import Author, Page, Post
from generator.workers import can_fork, fork_map

PARALLEL_READ_THRESHOLD = 64  # below this, starting processes costs more than it saves


class Records(NamedTuple):
    """What content/ holds, as read; assemble() makes a Site of it."""

    posts: list[Post]
    pages: list[Page]
    authors: list[Author]
    comments: list[CommentFile]


# Forked workers find the post store here rather than receiving it pickled with every task.
_STORE: PostStore | None = None


def _read_chunk(chunk: list[tuple[Path, Config]]) -> list[tuple[str, Entry, IndexRecord]]:
    """Read posts and store their bodies in one go; runs in a worker, so in parallel."""
    assert _STORE is not None
    results = [_STORE.read(path, config) for path, config in chunk]
    _STORE.flush()
    return results


def _read_posts(
    config: Config, names: tuple[str, ...], jobs: int, diag: Diagnostics, store: PostStore
) -> list[Post]:
    results = {name: store.lookup(name) for name in names}
    missing = [(Path(name), config) for name, result in results.items() if result is None]
    global _STORE
    _STORE = store
    try:
        if jobs > 1 and len(missing) >= PARALLEL_READ_THRESHOLD and can_fork():
            markdown_fast.prepare()
            store.prepare()
            size = min(32, -(-len(missing) // (jobs * 4)))  # small chunks: a short tail
            chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
            fresh = [result for done in fork_map(_read_chunk, chunks, jobs) for result in done]
        else:
            fresh = _read_chunk(missing)
    finally:
        _STORE = None
    for (path, _), (key, entry, record) in zip(missing, fresh, strict=True):
        results[str(path)] = entry
        store.put(path, key, entry, record)
    posts = []
    for name in names:
        post, problems = results[name]  # type: ignore[misc]
        diag.extend(problems)
        if post is not None:
            posts.append(post)
    return posts


def read_content(config: Config, diag: Diagnostics, cache: Cache, jobs: int) -> Records:
    sources = discover(config.content_path)
    for name, message in sources.refused:  # links and unreadable files: named, never followed
        diag.error(name, 0, message)
    if os.path.islink(config.content_path):
        return Records([], [], [], [])
    authors: list[Author] = []
    for path in sources.authors:
        author, problems = read_author(path, config.root, cache.texts.bio_html)
        diag.extend(problems)
        if author:
            authors.append(author)
    posts = _read_posts(config, sources.posts, jobs, diag, cache.posts)
    pages: list[Page] = []
    for path in sources.pages:
        page, problems = read_page(path, config)
        diag.extend(problems)
        if page:
            pages.append(page)
    comments = load_comments(config.content_path, diag, cache.texts.read)
    return Records(posts, pages, authors, comments)
