"""The comment form on a real post page, posting to the real intake (mounted at /comments beside
the static site, with its SQLite queue in the temporary site): without JavaScript it is a plain
form and the intake's redirect shows the notice; with JavaScript it is sent in place."""

from __future__ import annotations

import re
import uuid

import pytest

from browser.builtsite import LiveSite
from browser.conftest import NewPage, Sample, read_queue

pytestmark = pytest.mark.browser


def page_lang(page: object) -> str:
    return str(page.evaluate("() => document.documentElement.lang"))  # type: ignore[attr-defined]


def fill(page: object, body: str, website: str = "") -> None:
    form = page.locator("form.comment-form")  # type: ignore[attr-defined]
    form.locator("[name=name]").fill("Barbara S.")
    form.locator("[name=email]").fill("barbara@example.org")
    if website:
        form.locator("[name=website]").fill(website)
    form.locator("[name=body]").fill(body)


def test_comment_form_without_javascript(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page(java_script_enabled=False)
    page = watched.page
    post_url = live_site.url(sample.post["path"])
    watched.goto(post_url)
    notice = page.locator("#comment-status .comment-received")
    assert notice.count() == 1 and not notice.is_visible(), "the notice shows before sending"

    body = f"Ohne JavaScript gesendet: {uuid.uuid4()}"
    fill(page, body)
    with page.expect_navigation(wait_until="load"):
        page.locator("form.comment-form [type=submit]").click()

    assert page.url == f"{post_url}?comment=received#comment-status"
    assert notice.is_visible()
    assert " ".join(notice.inner_text().split()) == sample.text("comment_received", page_lang(page))
    rows = [r for r in read_queue(live_site.config) if r["body"] == body]
    assert len(rows) == 1, rows
    assert rows[0]["post"] == sample.post["slug"]
    assert rows[0]["name"] == "Barbara S." and rows[0]["status"] == "pending"
    assert not watched.errors, watched.errors


def test_comment_form_with_javascript(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page()
    page = watched.page
    post_url = live_site.url(sample.post["path"])
    watched.goto(post_url)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    body = f"Mit JavaScript gesendet: {uuid.uuid4()}"
    fill(page, body)
    with page.expect_response(re.compile(r"/comments$")) as answer:
        page.locator("form.comment-form [type=submit]").click()
    assert answer.value.status == 202, answer.value.text()

    message = page.locator("#comment-status .comment-message[data-state=ok]")
    message.wait_for(state="visible")
    assert " ".join(message.inner_text().split()) == sample.text(
        "comment_received", page_lang(page)
    )
    assert page.url == post_url and not navigations, navigations
    # The notice has focus, so a screen reader announces it; the body field is emptied.
    assert page.evaluate("() => document.activeElement.id") == "comment-status"
    assert page.locator("form.comment-form [name=body]").input_value() == ""
    rows = [r for r in read_queue(live_site.config) if r["body"] == body]
    assert len(rows) == 1, rows
    assert rows[0]["post"] == sample.post["slug"] and rows[0]["status"] == "pending"
    assert not watched.errors, watched.errors


def test_comment_form_with_javascript_shows_field_errors(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    """The intake refuses a website that isn't http(s); the page marks that field."""
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url(sample.post["path"]))
    before = len(read_queue(live_site.config))

    fill(page, "Ein Kommentar mit falscher Website.", website="ftp://example.org/")
    with page.expect_response(re.compile(r"/comments$")) as answer:
        page.locator("form.comment-form [type=submit]").click()
    assert answer.value.status == 400

    error = page.locator("#error-website")
    error.wait_for(state="visible")
    assert error.inner_text().strip()
    website = page.locator("form.comment-form [name=website]")
    assert website.get_attribute("aria-invalid") == "true"
    assert page.locator("#comment-status .comment-message[data-state=error]").is_visible()
    assert len(read_queue(live_site.config)) == before
    # A 400 answer logs "Failed to load resource" in the console: that one is expected.
    assert not [e for e in watched.errors if "400" not in e], watched.errors
