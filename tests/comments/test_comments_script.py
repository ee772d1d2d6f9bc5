"""themes/default/static/comments.js in headless Chromium: in-place submit, field errors,
replies, cross-origin intake, and the plain form with JavaScript off."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from comment_site import Site, start_intake, stop_intake, stored

from comments_moderation.queue import NewComment

SCRIPT = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / "comments.js"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Post</title>
<link rel="icon" href="data:,"></head><body>
<article id="comment-{parent}" class="comment"><p>An approved comment.</p>
<button type="button" class="comment-reply" data-parent="{parent}" hidden>Reply</button>
</article>
<div id="comment-status" role="status" tabindex="-1">
<p class="comment-received">Thank you! Your comment has arrived.</p></div>
<section class="respond"><form class="comment-form" method="post" action="{endpoint}"
 data-post="open-post">
<input type="hidden" name="post" value="open-post"><input type="hidden" name="parent" value="">
<input id="comment-name" name="name"><p id="error-name" hidden></p>
<input id="comment-email" name="email"><p id="error-email" hidden></p>
<input id="comment-website" name="website"><p id="error-website" hidden></p>
<textarea id="comment-body" name="body"></textarea><p id="error-body" hidden></p>
<div class="hp" aria-hidden="true"><input name="homepage" tabindex="-1"></div>
<div class="form-actions"><button type="submit">Post comment</button></div>
</form></section><script src="/static/comments.js"></script></body></html>"""


def test_script_stays_small() -> None:
    # 4 KiB, and a line that hides the no-JavaScript reply choice (test_browser_reply.py)
    assert SCRIPT.stat().st_size < 4096 + 256


class _Pages(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_site(tmp_path: Path, site: Site) -> Iterator[tuple[Site, str, str]]:
    """A static page on one origin, the intake on another (another port), like production."""
    docroot = tmp_path / "www"
    (docroot / "static").mkdir(parents=True)
    (docroot / "static" / "comments.js").write_bytes(SCRIPT.read_bytes())
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *a: _Pages(*a, directory=str(docroot)),
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    yaml = (site.root / "site.yaml").read_text().replace("https://blog.example.com/", origin + "/")
    (site.root / "site.yaml").write_text(yaml)
    manifest = site.root / "public" / "_dialogue" / "posts.json"
    manifest.write_text(manifest.read_text().replace("https://blog.example.com", origin))
    with site.connect() as q:
        parent = q.submit(
            NewComment(post="open-post", name="Ann", body="Hi", body_hash="h", email="a@b.cd"),
            0,
            dt.datetime.now(dt.UTC),
        )
        q.decide(parent, "approve", "mod", dt.datetime.now(dt.UTC))
    intake = start_intake(site)
    page = PAGE.format(parent=parent, endpoint=intake.url)
    (docroot / "2026" / "10" / "open-post").mkdir(parents=True)
    (docroot / "2026" / "10" / "open-post" / "index.html").write_text(page)
    try:
        yield site, f"{origin}/2026/10/open-post/", parent
    finally:
        stop_intake(intake)
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_comment_form_in_chromium(page_site: tuple[Site, str, str]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    site, url, parent = page_site
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page()
            # Chromium logs every 4xx answer as "Failed to load resource": that is the
            # validation answer working, not a script error; anything else counts.
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and "status of 400" not in m.text
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(url)
            # Field errors from the 400 land next to their fields, nothing is sent.
            page.fill("#comment-name", "Eve")
            page.fill("#comment-email", "not-an-address")
            page.fill("#comment-body", "My comment")
            page.click("button[type=submit]")
            page.wait_for_selector("#error-email:not([hidden])")
            assert "email address" in page.inner_text("#error-email")
            assert page.get_attribute("#comment-email", "aria-invalid") == "true"
            # Fixed and sent: received in place, no navigation.
            page.fill("#comment-email", "eve@example.com")
            page.click("button[type=submit]")
            page.wait_for_selector(".comment-message[data-state=ok]")
            assert page.url == url
            assert "arrived" in page.inner_text("#comment-status")
            assert page.input_value("#comment-body") == ""
            assert page.is_hidden("#error-email")
            # Reply: the form moves under the comment and carries the parent.
            page.click("button.comment-reply")
            assert (
                page.evaluate(
                    f"document.querySelector('#comment-{parent}').nextElementSibling.className"
                )
                == "respond"
            )
            assert page.input_value("input[name=parent]") == parent
            page.fill("#comment-body", "A reply")
            page.click("button[type=submit]")
            page.wait_for_selector(".comment-message[data-state=ok] >> nth=0")
            page.wait_for_function("document.querySelector('input[name=parent]').value === ''")
            # JavaScript off: the plain form posts and comes back with the notice.
            plain = browser.new_page(java_script_enabled=False)
            plain.goto(url)
            plain.fill("#comment-name", "Nojs")
            plain.fill("#comment-email", "nojs@example.com")
            plain.fill("#comment-body", "Without script")
            plain.click("button[type=submit]")
            plain.wait_for_url("**/open-post/?comment=received#comment-status")
        finally:
            browser.close()
    assert problems == []
    rows = {c.body: c for c in stored(site)}
    assert rows["My comment"].status == "pending"
    assert rows["A reply"].parent == parent
    assert rows["Without script"].name == "Nojs"
