"""Search as a reader uses it in Chromium: the header's field leads to /search/?q=, Pagefind's
interface (served from the site's own /pagefind/) finds German and English posts by words of
their bodies, nothing is requested from another host, and without JavaScript the page says so
and points to the archive and the topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from browser.builtsite import LiveSite
from browser.conftest import NewPage, Sample, describe_violations, run_axe

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/work/team")


def _posts(live_site: LiveSite) -> list[dict[str, Any]]:
    manifest = json.loads((live_site.out / "_dialogue" / "posts.json").read_text("utf-8"))
    return list(manifest["posts"])


def _result_titles(page: Any) -> list[str]:
    page.wait_for_selector(".pagefind-ui__result-title", timeout=10_000)
    return [
        " ".join(t.split()) for t in page.locator(".pagefind-ui__result-title").all_inner_texts()
    ]


def test_header_field_finds_a_german_post(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page()
    page = watched.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    watched.goto(live_site.url("/"))
    page.fill("#site-search-q", "Thermostat Heizkosten")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    titles = _result_titles(page)
    heizkosten = next(p for p in _posts(live_site) if p["slug"].startswith("heizkosten"))
    assert titles[0] == heizkosten["title"], titles
    # Pagefind's interface is styled by the theme and says the site's language.
    assert page.locator(".pagefind-ui__search-input").get_attribute("placeholder") == sample.text(
        "search_placeholder"
    )
    assert page.locator(".search-fallback").is_hidden()
    assert all(url.startswith(live_site.base_url) for url in requests), requests
    assert any("/pagefind/de/" in url for url in requests), requests
    assert not watched.errors, watched.errors
    if SCREENSHOTS.is_dir():
        page.screenshot(path=str(SCREENSHOTS / "readers-search.png"), full_page=True)


def test_typing_finds_english_posts_from_the_german_page(
    live_site: LiveSite, new_page: NewPage
) -> None:
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url("/search/"))
    page.wait_for_selector(".pagefind-ui__search-input")
    page.locator(".pagefind-ui__search-input").press_sequentially("radiator", delay=30)
    titles = _result_titles(page)
    english = {p["title"] for p in _posts(live_site) if p.get("lang") == "en"}
    assert titles and titles[0] in english, (titles, english)
    link = page.locator(".pagefind-ui__result-link").first.get_attribute("href")
    assert link and link.startswith("/20") and link.endswith("/"), link
    assert not watched.errors, watched.errors


def test_search_page_is_accessible(live_site: LiveSite, new_page: NewPage) -> None:
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url("/search/?q=Firmware"))
    _result_titles(page)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_without_javascript_the_page_says_so(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page(java_script_enabled=False)
    page = watched.page
    watched.goto(live_site.url("/search/?q=Heizung"))
    notice = page.locator(".search-fallback")
    assert notice.is_visible()
    assert sample.text("search_needs_js") in " ".join(notice.inner_text().split())
    hrefs = notice.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/archive/", "/tags/"], hrefs
    for href in hrefs:
        watched.goto(live_site.url(href))
