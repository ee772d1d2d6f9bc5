"""The writer's loop in a real browser: save a post and the open page shows it; break the front
matter and every page says where; fix it and the message goes."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import BASIC, REPO, Serve, StartServe

POST = Path("content/posts/2026/drei-stimmen.md")


def post_url(serve: Serve, slug: str) -> str:
    with urllib.request.urlopen(serve.url + "_dialogue/posts.json", timeout=10) as answer:
        posts = json.load(answer)["posts"]
    return next(p["url"] for p in posts if p["slug"] == slug)


def save(path: Path, text: str) -> None:
    """Save as editors do: a temp file renamed over the original (one burst of events)."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


@pytest.mark.browser
def test_saving_a_post_reloads_the_open_page(serve: Serve, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(post_url(serve, "drei-stimmen"))
    expect(page.locator("h1")).to_contain_text("Drei Stimmen")
    page.evaluate("window.notReloaded = true")
    source = serve.site / POST
    source.write_text(
        source.read_text(encoding="utf-8") + "\nEin frisch gespeicherter Satz.\n", encoding="utf-8"
    )
    expect(page.locator("main")).to_contain_text("Ein frisch gespeicherter Satz.", timeout=10_000)
    assert page.evaluate("window.notReloaded") is None  # a real reload, nothing typed
    serve.wait_for(r"drei-stimmen\.md changed: rebuilt in \d+\.\d\d s")


@pytest.mark.browser
def test_broken_front_matter_shows_the_overlay_until_fixed(serve: Serve, page: Any) -> None:
    from playwright.sync_api import expect

    url = post_url(serve, "drei-stimmen")
    page.goto(url)
    source = serve.site / POST
    good = source.read_text(encoding="utf-8")
    assert good.splitlines()[3] == "authors: [anna, ben, chris]"  # line 4
    save(source, good.replace("authors: [anna, ben, chris]", "authors: [anna, nobody]"))

    overlay = page.locator("#dialogue-overlay")
    expect(overlay).to_be_visible(timeout=10_000)
    expect(overlay).to_contain_text("content/posts/2026/drei-stimmen.md:4: unknown author 'nobody'")
    expect(page.locator("h1")).to_contain_text("Drei Stimmen")  # the last good page stays
    serve.wait_for(r"drei-stimmen\.md:4: unknown author", stream="err")

    # A page opened while the site is broken shows it too, from the server and on every page.
    other = page.context.new_page()
    other.goto(serve.url + "archive/")
    expect(other.locator("#dialogue-overlay")).to_contain_text("drei-stimmen.md:4:")

    # A second, different mistake replaces the list.
    save(source, good.replace("date: 2026-10-05T09:30:00+02:00", "date: gestern"))
    expect(overlay).to_contain_text("drei-stimmen.md:3: date must be", timeout=10_000)
    expect(overlay).not_to_contain_text("unknown author")

    save(source, good.replace("Wir schreiben zu dritt.", "Wir schreiben wieder zu dritt."))
    expect(page.locator("main")).to_contain_text("Wir schreiben wieder zu dritt.", timeout=10_000)
    expect(overlay).to_have_count(0)
    expect(other.locator("#dialogue-overlay")).to_have_count(0, timeout=10_000)


def test_a_burst_of_saves_is_one_rebuild_and_editor_files_none(serve: Serve) -> None:
    posts = serve.site / "content" / "posts" / "2026"
    for index in range(5):
        front = f"title: Burst {index}\ndate: 2026-11-0{index + 1}\nauthors: [anna]"
        (posts / f"burst-{index}.md").write_text(f"---\n{front}\n---\n\nText.\n", encoding="utf-8")
    serve.wait_for(r"burst-\d\.md and 4 more changed: rebuilt")
    rebuilds = len([line for line in serve.out if "changed:" in line])
    assert rebuilds == 1
    (posts / ".#burst-0.md").write_text("lock", encoding="utf-8")
    (posts / "burst-0.md~").write_text("backup", encoding="utf-8")
    (posts / "4913").write_text("", encoding="utf-8")
    (posts / ".burst-1.md.swp").write_text("swap", encoding="utf-8")
    (serve.site / "notes.txt").write_text("not part of the site", encoding="utf-8")
    (serve.site / "site.yaml").write_text(
        (serve.site / "site.yaml").read_text(encoding="utf-8") + "# touched\n", encoding="utf-8"
    )
    serve.wait_for(r"site\.yaml changed: rebuilt")  # the one relevant file among them
    assert len([line for line in serve.out if "changed:" in line]) == 2


@pytest.mark.browser
def test_a_css_change_restyles_without_reloading(
    start_serve: StartServe, tmp_path: Path, page: Any
) -> None:
    from playwright.sync_api import expect

    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    child = site / "themes" / "local"
    (child / "static").mkdir(parents=True)
    (child / "theme.yaml").write_text("extends: default\n", encoding="utf-8")
    css = (REPO / "themes" / "default" / "static" / "style.css").read_text(encoding="utf-8")
    (child / "static" / "style.css").write_text(css, encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: local\n", encoding="utf-8")
    serve = start_serve("--port", "0", site=site)

    page.goto(serve.url)
    page.evaluate("window.notReloaded = true")
    save(child / "static" / "style.css", css + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n")
    expect(page.locator("body")).to_have_css("outline-width", "7px", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True  # styles swapped, page kept


def test_a_site_broken_from_the_start_is_served_once_fixed(
    start_serve: StartServe, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    config = site / "site.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("posts_per_page: 2", "posts_per_pages: 2"), encoding="utf-8")
    serve = start_serve("--port", "0", site=site)
    serve.wait_for(r"site\.yaml:6: unknown key 'posts_per_pages'", stream="err")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(serve.url, timeout=10)
    with missing.value as answer:
        page = answer.read().decode()
    assert answer.code == 404
    assert "site.yaml:6: unknown key &#x27;posts_per_pages&#x27;" in page
    assert "/_dialogue/serve.js" in page  # the page will reload itself once fixed

    save(config, good)
    serve.wait_for(r"site\.yaml changed: rebuilt")
    with urllib.request.urlopen(serve.url, timeout=10) as answer:
        page = answer.read().decode()
    assert "dialogue-overlay" not in page and "Drei Stimmen" in page
