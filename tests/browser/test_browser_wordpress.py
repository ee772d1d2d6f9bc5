"""A site imported from WordPress, as readers get it in Chromium: the imported comments (one of
them hostile) pass the XSS oracle, an old permalink lands on the new page, and an old ``?p=``
link on the home page is forwarded by the script and the build's map."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from wordpress.wxr_site import import_export, make_site

from browser.builtsite import LiveSite, serve_site
from browser.domoracle import PROBE, RECORDERS, allowed_for_probe

pytestmark = pytest.mark.browser

NEW_POST = "/2019/01/ueber-oel-strasse/"


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    root = make_site(tmp_path_factory.mktemp("wordpress-browser") / "site")
    code, _, err = import_export(root)
    assert code == 0, err
    site = serve_site(root, intake=False)
    try:
        yield site
    finally:
        site.server.stop()


def _page(browser: Any, site: LiveSite, calls: list[str]) -> Any:
    context = browser.new_context(reduced_motion="reduce")
    context.set_default_timeout(15_000)
    context.expose_binding(
        "__xssRecord", lambda source, name, arg, where: calls.append(f"{name}({arg}) {where}")
    )
    context.add_init_script(RECORDERS)
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:  # record, then dismiss: an open dialog blocks the page
        calls.append(f"dialog {dialog.type}({dialog.message})")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def test_imported_comments_pass_the_xss_oracle(imported_site: LiveSite, browser: Any) -> None:
    calls: list[str] = []
    page = _page(browser, imported_site, calls)
    try:
        page.goto(imported_site.url(NEW_POST), wait_until="load")
        assert page.locator("#comments article[id^='comment-']").count() == 4
        assert page.get_by_text("<img src=x onerror=alert(1)>Mallory").count() == 1
        result = page.evaluate(
            PROBE,
            {
                "roots": "#comments .comment-body, #comments .comment-name",
                "allowed": allowed_for_probe(names=True),
            },
        )
    finally:
        page.context.close()
    assert result["elements"] > 0
    problems = result["findings"] + [f"called: {c}" for c in calls]
    assert not problems, "\n".join(problems)


def test_an_old_permalink_lands_on_the_new_page(imported_site: LiveSite, browser: Any) -> None:
    page = _page(browser, imported_site, [])
    try:
        page.goto(imported_site.url("/2019/01/15/ueber-oel-strasse/"))
        page.wait_for_url(imported_site.url(NEW_POST))
        assert page.locator("h1").first.inner_text().startswith("Über Öl & Straße")
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=12", "/2019/07/firmware-4-2/"),
        ("/?page_id=30&utm_source=newsletter", "/ueber-uns/"),
        ("/?p=13#comments", "/2018/12/frohe-weihnachten/#comments"),
    ],
)
def test_an_old_query_link_is_forwarded(
    imported_site: LiveSite, browser: Any, old: str, new: str
) -> None:
    page = _page(browser, imported_site, [])
    try:
        page.goto(imported_site.url(old))
        page.wait_for_url(imported_site.url(new))
    finally:
        page.context.close()


def test_an_unknown_query_stays_on_the_home_page(imported_site: LiveSite, browser: Any) -> None:
    page = _page(browser, imported_site, [])
    try:
        page.goto(imported_site.url("/?p=999"), wait_until="networkidle")
        assert page.url == imported_site.url("/?p=999")
    finally:
        page.context.close()
