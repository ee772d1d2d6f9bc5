"""Answering a particular comment without JavaScript: the reply label under a comment picks it
in the form's "reply to" choice and brings the form into view; the intake stores the answer
with that parent. With JavaScript the labels give way to the buttons that move the form."""

from __future__ import annotations

import uuid

import pytest

from browser.builtsite import LiveSite
from browser.conftest import NewPage, Sample, describe_violations, read_queue, run_axe

pytestmark = pytest.mark.browser


def test_reply_to_a_comment_without_javascript(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = watched.page
    post_url = live_site.url(sample.post["path"])
    watched.goto(post_url)
    comments = page.locator("article.comment")
    assert comments.count() >= 2
    target = comments.nth(1)
    parent = (target.get_attribute("id") or "").removeprefix("comment-")
    choice = page.locator(f"form.comment-form input[name=parent][value='{parent}']")
    assert not choice.is_checked()
    shown = "e => getComputedStyle(e).clipPath === 'none'"  # visually hidden: clipped away
    assert not page.locator("form.comment-form fieldset.reply-to").evaluate(shown)
    assert page.locator("button.comment-reply").first.is_hidden()

    target.locator("label.comment-reply").click()
    assert choice.is_checked()
    form = page.locator("form.comment-form")
    assert form.locator("fieldset.reply-to").evaluate(shown)  # says what the answer is to
    assert page.evaluate("() => document.activeElement.name") == "parent"
    assert form.locator("[type=submit]").is_visible() or form.evaluate(
        "f => f.getBoundingClientRect().top < innerHeight"
    )  # the form came into view

    body = f"Antwort ohne JavaScript: {uuid.uuid4()}"
    form.locator("[name=name]").fill("Barbara S.")
    form.locator("[name=email]").fill("barbara@example.org")
    form.locator("[name=body]").fill(body)
    with page.expect_navigation(wait_until="load"):
        form.locator("[type=submit]").click()
    assert page.url == f"{post_url}?comment=received#comment-status"
    rows = [r for r in read_queue(live_site.config) if r["body"] == body]
    assert len(rows) == 1 and rows[0]["parent"] == parent, rows
    assert not watched.errors, watched.errors


def test_with_javascript_the_form_moves_instead(
    live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url(sample.post["path"]))
    assert page.locator("label.comment-reply").first.is_hidden()
    assert page.locator("fieldset.reply-to").is_hidden()
    target = page.locator("article.comment").nth(1)
    parent = (target.get_attribute("id") or "").removeprefix("comment-")
    target.locator("button.comment-reply").click()
    moved = page.evaluate(
        f"() => document.getElementById('comment-{parent}').nextElementSibling.className"
    )
    assert moved == "respond"
    checked = page.locator("form.comment-form input[name=parent]:checked")
    assert checked.get_attribute("value") == parent
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
    assert not watched.errors, watched.errors
