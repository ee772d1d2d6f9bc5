"""Two-click embeds in Chromium: the sample post with a YouTube paragraph requests nothing from
any video or audio provider until the reader clicks; then the privacy-enhanced player's iframe
appears. "Always load" is remembered and can be undone; without JavaScript the placeholder is a
link to the original. The provider is never really contacted: its requests are answered here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from browser.builtsite import LiveSite
from browser.conftest import NewPage, Watched, describe_violations, run_axe

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/work/team")
PROVIDERS = re.compile(r"youtube|ytimg|googlevideo|vimeo|vimeocdn|soundcloud|sndcdn", re.I)
PLAYER = (  # what the test serves in the provider's place
    "<!doctype html><title>player</title><body style='margin:0;display:grid;place-items:center;"
    "height:100vh;background:#000;color:#fff;font:20px sans-serif'><p>Player (a local stand-in"
    " for youtube-nocookie.com in this test)</p>"
)


def _embed_post(live_site: LiveSite) -> str:
    """The path of the sample post that has an embed."""
    manifest = json.loads((live_site.out / "_dialogue" / "posts.json").read_text("utf-8"))
    for post in manifest["posts"]:
        page = live_site.out / post["path"].lstrip("/") / "index.html"
        if 'class="embed ' in page.read_text("utf-8"):
            return str(post["path"])
    raise AssertionError("no post of the sample site has an embed paragraph")


def _open(new_page: NewPage, live_site: LiveSite, **options: Any) -> tuple[Watched, list[str]]:
    watched = new_page(**options)
    requests: list[str] = []
    watched.page.on("request", lambda request: requests.append(request.url))
    # Answer the provider here: the test never depends on (or contacts) YouTube.
    watched.page.route(
        PROVIDERS, lambda route: route.fulfill(body=PLAYER, content_type="text/html")
    )
    watched.goto(live_site.url(_embed_post(live_site)))
    return watched, requests


def _to_providers(requests: list[str]) -> list[str]:
    return [url for url in requests if PROVIDERS.search(url.split("?")[0])]


def test_nothing_goes_to_the_provider_before_the_click(
    live_site: LiveSite, new_page: NewPage
) -> None:
    watched, requests = _open(new_page, live_site)
    page = watched.page
    embed = page.locator("figure.embed").first
    embed.scroll_into_view_if_needed()
    button = embed.locator("button.embed-load")
    button.wait_for()
    page.wait_for_load_state("networkidle")
    assert _to_providers(requests) == [], requests
    assert embed.locator("iframe").count() == 0
    # The placeholder says who gets what, and keeps the link to the original.
    note = embed.locator(".embed-note").inner_text()
    assert "Google" in note and "IP" in note, note
    assert (
        embed.locator("a.embed-original")
        .get_attribute("href", timeout=1000)
        .startswith("https://www.youtube.com/watch?v=")
    )
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
    if SCREENSHOTS.is_dir():
        embed.screenshot(path=str(SCREENSHOTS / "readers-embed-before.png"))

    button.click()
    frame = embed.locator("iframe")
    frame.wait_for()
    src = frame.get_attribute("src") or ""
    assert src.startswith("https://www.youtube-nocookie.com/embed/"), src
    assert "autoplay=1" in src
    assert frame.get_attribute("title")
    sent = _to_providers(requests)
    assert sent and all(url.startswith("https://www.youtube-nocookie.com/") for url in sent), sent
    assert not watched.errors, watched.errors
    if SCREENSHOTS.is_dir():
        embed.screenshot(path=str(SCREENSHOTS / "readers-embed-after.png"))


def test_always_load_is_remembered_and_revocable(
    live_site: LiveSite, new_page: NewPage, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.route(PROVIDERS, lambda route: route.fulfill(body=PLAYER, content_type="text/html"))
        url = live_site.url(_embed_post(live_site))
        page.goto(url)
        embed = page.locator("figure.embed").first
        embed.locator(".embed-always input").check()
        embed.locator("button.embed-load").click()
        embed.locator("iframe").wait_for()
        stored = page.evaluate("() => localStorage.getItem('dialogue-embeds-always')")
        assert json.loads(stored) == ["youtube"]

        # Next visit: the player loads at once (without autoplay), with a visible way back.
        page.reload()
        frame = page.locator("figure.embed iframe").first
        frame.wait_for()
        assert "autoplay" not in (frame.get_attribute("src") or "")
        revoke = page.locator("figure.embed .embed-revoke").first
        assert revoke.is_visible()
        revoke.click()
        assert page.evaluate("() => localStorage.getItem('dialogue-embeds-always')") == "[]"
        assert page.locator("figure.embed [role=status]").first.is_visible()

        requests.clear()
        page.reload()
        page.locator("figure.embed button.embed-load").first.wait_for()
        page.wait_for_load_state("networkidle")
        assert _to_providers(requests) == [], requests
    finally:
        context.close()


def test_without_javascript_it_is_a_link(live_site: LiveSite, new_page: NewPage) -> None:
    watched, requests = _open(new_page, live_site, java_script_enabled=False)
    embed = watched.page.locator("figure.embed").first
    link = embed.locator("a")
    assert link.count() == 1
    assert (link.get_attribute("href") or "").startswith("https://www.youtube.com/watch?v=")
    assert link.is_visible() and embed.locator("button").count() == 0
    assert _to_providers(requests) == [], requests
