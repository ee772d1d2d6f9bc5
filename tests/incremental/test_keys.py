"""The keys: library versions as importlib sees them; a body-only plan is the whole plan
filtered by the bodies its outputs show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sitetools import FIXED_NOW, assembled


def test_library_versions_read_from_dist_info_match_importlib_metadata() -> None:
    """The cache key reads library versions from folder names; they must be the real ones."""
    from importlib import metadata

    from generator.incremental.keys import _LIBRARIES, _versions

    assert _versions(_LIBRARIES) == [f"{name}={metadata.version(name)}" for name in _LIBRARIES]
    assert _versions(("no-such-project-here",)) == ["no-such-project-here=?"]


@pytest.mark.parametrize("full_content", [True, False, "main"])
def test_outputs_showing_is_the_plan_filtered_by_bodies(
    corpus_copy: Path, full_content: bool | str
) -> None:
    """A body-only change plans through ``outputs_showing``; it must pick exactly the outputs
    of the whole plan that show one of the changed bodies, with the same contexts."""
    from generator.config import load_config
    from generator.diagnostics import Diagnostics
    from generator.plan.outputs import outputs_showing, plan_outputs

    diag = Diagnostics(corpus_copy)
    config = load_config(corpus_copy, diag)
    assert config is not None
    config = dataclasses.replace(
        config, feeds=dataclasses.replace(config.feeds, full_content=full_content)
    )
    now = dt.datetime.fromisoformat(FIXED_NOW)
    site = assembled(config, now)
    plan = plan_outputs(site)
    newest, middle, oldest = site.posts[0].url, site.posts[5].url, site.posts[-1].url
    for urls in ({newest}, {middle, oldest}):
        want = [o for o in plan if any(post.url in urls for post in o.bodies)]
        got = outputs_showing(site, urls)
        assert sorted(got, key=lambda o: o.url) == sorted(want, key=lambda o: o.url)
        # Both sets hold one of the newest 20 posts, so with full content the site's feeds too.
        feeds = {o.url for o in got if o.renderer in ("atom", "rss")}
        assert ({"/feed.xml", "/rss.xml"} <= feeds) == bool(full_content)
        assert any(f.endswith("/feed.xml") and f != "/feed.xml" for f in feeds) == (
            full_content is True
        )
