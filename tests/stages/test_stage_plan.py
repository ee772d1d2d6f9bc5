"""Stage 3, plan: a pure function from Site to Outputs; what each output's context holds is all
it may show beside Shared (inline mini-sites)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sitetools import FIXED_NOW, assembled, post

from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.plan.outputs import plan_outputs
from generator.render.producers import PRODUCERS

COMMENT = (
    "id: 01JA0000000000000000000001\npost: hello\nparent: null\nname: Reader\nwebsite: null\n"
    "created: 2026-11-01T08:00:00+01:00\napproved: 2026-11-01T09:00:00+01:00\n"
    "approved_by: alice\nstaff: null\nbody: Thanks\n"
)


def plan_of(root: Path) -> dict:  # type: ignore[type-arg]
    config = load_config(root, Diagnostics(root))
    assert config is not None
    site = assembled(config, dt.datetime.fromisoformat(FIXED_NOW))
    return {output.url: output for output in plan_outputs(site)}


def test_the_comments_feed_carries_the_post_of_each_comment(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {
            "content/posts/hello.md": post("Hello", date="2026-11-01"),
            "content/comments/hello/01JA0000000000000000000001.yaml": COMMENT,
        }
    )
    feed = plan_of(root)["/comments/feed.xml"]
    ((comment, shown),) = feed.context["comments"]
    assert (comment.post, shown.slug, shown.title) == ("hello", "hello", "Hello")


def test_every_renderer_named_by_the_plan_exists(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/posts/hello.md": post("Hello", date="2026-11-01", tags="[A]")})
    renderers = {output.renderer for output in plan_of(root).values()}
    templates = {name for name in renderers if name.endswith(".html")}
    assert renderers - templates <= PRODUCERS.keys()
    assert "posts_json" in renderers and "comments_atom" in renderers


def test_a_post_page_declares_the_one_body_it_shows(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "content/posts/a.md": post("A", date="2026-10-01"),
            "content/posts/b.md": post("B", date="2026-11-01"),
        }
    )
    outputs = plan_of(root)
    page = outputs["/2026/10/a/"]
    assert [p.slug for p in page.bodies] == ["a"]
    assert page.context["newer"].slug == "b"  # shown by its title only: not a body
    assert outputs["/"].bodies == () and outputs["/archive/"].context["count"] == 2
