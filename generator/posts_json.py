"""``<output>/_dialogue/posts.json``, the build's list of posts: the comment intake learns from
it which posts exist and take comments (it may run on another host, without content/), and the
moderation CLI who wrote each post (without reading and rendering every post). This module is
the one owner of the format: the build writes it with ``dump``, both read it with ``parse``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.config import Config
from generator.model import Post

POSTS_JSON = "_dialogue/posts.json"


@dataclass(frozen=True)
class PostInfo:
    slug: str
    url: str  # absolute
    title: str = ""
    comments_open: bool = False
    authors: tuple[str, ...] = ()
    lang: str = ""  # the post's language; "" in a listing from before it was listed
    department: str = ""  # its department moderators may moderate its comments


def dump(config: Config, posts: Sequence[Post], open_: Sequence[bool]) -> bytes:
    # One line per post, made one at a time: a site of 100,000 posts would otherwise hold them
    # all as dictionaries and then the encoder's pieces.
    lines = (
        json.dumps(
            {
                "slug": post.slug,
                "url": config.absolute(post.url),
                "path": post.url,
                "title": post.title,
                "comments_open": taking,
                "authors": list(post.author_ids),
                "lang": post.lang,
                "department": post.department,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for post, taking in zip(posts, open_, strict=True)
    )
    return ('{"posts":[\n' + ",\n".join(lines) + "\n]}\n").encode()


def parse(text: str) -> dict[str, PostInfo]:
    """Slug -> PostInfo; ValueError, KeyError or TypeError for a file of another shape."""
    posts = {}
    for item in json.loads(text)["posts"]:
        info = PostInfo(
            slug=str(item["slug"]),
            url=str(item["url"]),
            title=str(item.get("title", "")),
            comments_open=item.get("comments_open") is True,
            authors=tuple(str(a) for a in item.get("authors", ())),
            lang=str(item.get("lang", "")),
            department=str(item.get("department", "")),
        )
        posts[info.slug] = info
    return posts


def path_of(config: Config) -> Path:
    return config.output_path / POSTS_JSON
