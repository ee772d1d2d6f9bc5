"""Stage 2, assemble: records read from content/ become one checked Site (inline mini-sites)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sitetools import FIXED_NOW, assembled, post

from generator.config import load_config
from generator.diagnostics import Diagnostics

NOW = dt.datetime.fromisoformat(FIXED_NOW)


def site_of(root: Path):
    config = load_config(root, Diagnostics(root))
    assert config is not None
    return assembled(config, NOW)


def test_drafts_and_scheduled_posts_are_set_aside(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "content/posts/old.md": post("Old", date="2024-01-01"),
            "content/posts/draft.md": post("Draft", date="2024-02-01", draft="true"),
            "content/posts/later.md": post("Later", date="2030-01-01"),
        }
    )
    site = site_of(root)
    assert [p.slug for p in site.posts] == ["old"]
    assert [p.slug for p in site.scheduled] == ["later"]


def test_urls_order_and_department_from_the_first_author(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "content/authors/alice.yaml": "name: Alice Example\ndepartment: IT\n",
            "content/posts/a.md": post("A", date="2024-01-01"),
            "content/posts/b.md": post("B", date="2024-03-01", department="Vertrieb"),
        }
    )
    site = site_of(root)
    assert [(p.slug, p.url, p.department) for p in site.posts] == [
        ("b", "/2024/03/b/", "Vertrieb"),
        ("a", "/2024/01/a/", "IT"),
    ]
    assert [d.name for d in site.departments] == ["IT", "Vertrieb"]


def test_comments_are_threaded_by_post_and_closed_by_age(make_site: Callable[..., Path]) -> None:
    comment = (
        "id: {id}\npost: {post}\nparent: null\nname: Reader\nwebsite: null\n"
        "created: 2026-11-01T08:00:00+01:00\napproved: 2026-11-01T09:00:00+01:00\n"
        "approved_by: alice\nstaff: null\nbody: Thanks\n"
    )
    root = make_site(
        {
            "content/posts/new.md": post("New", date="2026-11-01"),
            "content/posts/old.md": post("Old", date="2020-01-01"),
            "content/comments/new/01JA0000000000000000000001.yaml": comment.format(
                id="01JA0000000000000000000001", post="new"
            ),
        }
    )
    site = site_of(root)
    assert [c.id for c in site.comments["new"]] == ["01JA0000000000000000000001"]
    assert site.commentable == frozenset({"new"})  # 'old' is past close_after_days
