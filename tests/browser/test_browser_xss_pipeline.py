"""The hostile corpus the way it would really arrive: every line of xss_markdown.txt as a comment
body and every hostile or awkward name and website of comment_fields.txt, POSTed to the real
intake, approved with the real moderation CLI (a subprocess), published by the real build, and
the post loaded in Chromium: no dialog, no javascript:/vbscript:/data: URL, nothing outside the
allow-list, names shown as the text they are, no email address anywhere in the output.

One temporary copy of the sample site, its rate limit off (comments.rate_limit_per_minute: 0,
SPEC's switch) since every submission comes from 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

import pytest
import yaml

from browser.builtsite import REPO, LiveSite, copy_sample, payload_file, serve_site
from browser.conftest import read_queue
from browser.domoracle import (
    NAME_MARKUP,
    PROBE,
    RECORDERS,
    allowed_for_probe,
    decode,
    element_violations,
    field_cases,
    payload_lines,
    regions,
)

pytestmark = pytest.mark.browser

EMAIL = "xss-tester@example.org"
MODERATOR = "anna-schmidt"
# C0 and C1 controls except TAB and LF: none may reach a moderator's terminal raw.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Sent:
    label: str
    fields: dict[str, str]
    status: int
    answer: str
    id: str | None = None


def encode_form(fields: dict[str, str]) -> bytes:
    # Lone surrogates can't be UTF-8: they go as their would-be bytes (shared README).
    return "&".join(
        f"{k}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'), safe='')}"
        for k, v in fields.items()
    ).encode("ascii")


def post_form(site: LiveSite, fields: dict[str, str]) -> tuple[int, str]:
    parts = urlsplit(site.base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request(
            "POST",
            site.config.comments.endpoint,
            body=encode_form(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": site.base_url.rstrip("/"),
            },
        )
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("Location") or body[:300]
    finally:
        conn.close()


@dataclass
class Published:
    site: LiveSite
    post: dict[str, Any]
    sent: list[Sent]
    rows: dict[str, dict[str, Any]]  # queue rows of the approved comments, by id
    approve_output: str
    html: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def published(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Published]:
    """The whole pipeline once per queue backend (a PostgreSQL database of the session's
    throwaway cluster, or the site's SQLite file)."""
    root = copy_sample(tmp_path_factory.mktemp("xss-pipeline") / "site")
    config = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    config.setdefault("comments", {})["rate_limit_per_minute"] = 0
    if request.param == "postgresql":
        config["comments"]["queue"] = request.getfixturevalue("postgres").create()
    (root / "site.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    site = serve_site(root)
    try:
        manifest = json.loads((site.out / "_dialogue" / "posts.json").read_text("utf-8"))
        post = next(p for p in manifest["posts"] if p["comments_open"])
        base = {"post": post["slug"], "parent": "", "email": EMAIL, "website": "", "homepage": ""}
        submissions: list[tuple[str, dict[str, str]]] = []
        for n, line in enumerate(payload_lines(payload_file("xss_markdown.txt")), 1):
            submissions.append(
                (f"body line {n}", {**base, "name": f"Body {n}", "body": decode(line)})
            )
        for n, case in enumerate(field_cases(payload_file("comment_fields.txt")), 1):
            if case.field not in ("name", "website") or case.expect == "reject":
                continue
            fields = {**base, "name": f"Case {n}", "body": f"{case.field} case {n}"}
            fields[case.field] = case.value
            submissions.append((f"{case.field} case {n} ({case.expect}: {case.note})", fields))

        sent = []
        for label, fields in submissions:
            status, answer = post_form(site, fields)
            sent.append(Sent(label, fields, status, answer))
        queue = [r for r in read_queue(site.config) if r["post"] == post["slug"]]
        by_body = {r["body"]: r for r in queue}
        for item in sent:
            if item.status == 303:
                row = by_body.get(unicodedata.normalize("NFC", item.fields["body"]).strip())
                row = row or by_body.get(item.fields["body"])
                item.id = row["id"] if row else None
        ids = [item.id for item in sent if item.id]

        env = dict(os.environ, PYTHONPATH=str(REPO))
        env.pop("DIALOGUE_MODERATOR", None)
        done = subprocess.run(
            [sys.executable, "-m", "generator", "comments", "approve", *ids, "--by", MODERATOR],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        site.rebuild()
        rows = {r["id"]: r for r in read_queue(site.config) if r["id"] in ids}
        html = (site.out / post["path"].lstrip("/") / "index.html").read_text("utf-8")
        yield Published(site, post, sent, rows, done.stdout + done.stderr, html)
    finally:
        site.server.stop()


def test_the_intake_took_the_corpus(published: Published) -> None:
    bodies = [s for s in published.sent if s.label.startswith("body")]
    accepted = [s for s in bodies if s.status == 303]
    # Refusing a hostile body is allowed (400), losing one or crashing is not.
    assert all(s.status in (303, 400) for s in published.sent), [
        (s.label, s.status, s.answer) for s in published.sent if s.status not in (303, 400)
    ]
    assert len(accepted) >= len(bodies) * 0.9, [(s.label, s.answer) for s in bodies]
    for item in published.sent:
        if item.status == 303:
            assert item.answer.endswith("?comment=received#comment-status"), item
            assert item.id, f"{item.label}: answered 303, but no queue row has its body"
    assert all(row["status"] == "approved" for row in published.rows.values())
    files = list((published.site.root / "content" / "comments" / published.post["slug"]).glob("*"))
    assert {p.stem for p in files} >= set(published.rows), "approved comments without a file"


def test_moderation_output_has_no_raw_control_characters(published: Published) -> None:
    assert not CONTROLS.findall(published.approve_output), repr(published.approve_output[:2000])


def test_every_comment_is_published_as_inert_markup(published: Published) -> None:
    found = []
    html = published.html
    for rid in published.rows:
        if f'id="comment-{rid}"' not in html:
            found.append(f"comment {rid} is not on the page")
    for kind, elements in regions(html, {"comment-body", "comment-name"}):
        if kind == "comment-body":
            problems = element_violations(elements)
        else:  # the name: text, in the template's link to the website or <bdi>
            problems = element_violations(elements, allow_list=False)
            extra = [el.tag for el in elements if el.tag not in NAME_MARKUP]
            problems += [f"element <{tag}> in a name" for tag in extra]
        found += [f"{kind}: {p}" for p in problems]
    assert not found, "\n".join(found)


def test_names_and_websites_show_as_given(published: Published) -> None:
    from html.parser import HTMLParser

    class Names(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.current: str | None = None
            self.depth = 0
            self.names: dict[str, list[str]] = {}
            self.links: dict[str, str] = {}
            self._article: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "article" and (a.get("id") or "").startswith("comment-"):
                self._article = (a.get("id") or "").removeprefix("comment-")
            if tag == "h3" and "comment-name" in (a.get("class") or "").split():
                self.current = self._article
                self.names[self.current or ""] = []
            elif tag == "a" and self.current:
                self.links[self.current] = a.get("href") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "h3":
                self.current = None

        def handle_data(self, data: str) -> None:
            if self.current:
                self.names[self.current].append(data)

    parser = Names()
    parser.feed(published.html)
    wrong = []
    for rid, row in published.rows.items():
        shown = " ".join("".join(parser.names.get(rid, [])).split())
        if shown != " ".join(row["name"].split()):
            wrong.append(f"{rid}: name {row['name']!r} shown as {shown!r}")
        if row["website"]:
            if parser.links.get(rid) != row["website"]:
                wrong.append(
                    f"{rid}: website {row['website']!r} linked as {parser.links.get(rid)!r}"
                )
            elif urlsplit(row["website"]).scheme not in ("http", "https"):
                wrong.append(f"{rid}: website {row['website']!r} is not http(s)")
    assert not wrong, "\n".join(wrong)


def test_no_email_address_reaches_the_output(published: Published) -> None:
    leaks = [
        str(p.relative_to(published.site.out))
        for p in published.site.out.rglob("*")
        if p.is_file() and EMAIL.encode() in p.read_bytes()
    ]
    assert not leaks, leaks


def test_comment_feed_still_parses(published: Published) -> None:
    import feedparser

    feed = feedparser.parse((published.site.out / "comments" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"


def test_the_post_in_chromium(published: Published, browser: Any) -> None:
    calls: list[str] = []
    outside: list[str] = []
    context = browser.new_context(reduced_motion="reduce")
    try:
        context.set_default_timeout(15_000)
        context.expose_binding(
            "__xssRecord", lambda source, name, arg, where: calls.append(f"{name}({arg}) {where}")
        )
        context.add_init_script(RECORDERS)
        base = published.site.base_url

        def route(r: Any) -> None:
            if r.request.url.startswith(base):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()

        def on_dialog(d: Any) -> None:  # record, then dismiss: an open dialog blocks the page
            calls.append(f"dialog {d.type}({d.message})")
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(published.site.url(published.post["path"]), wait_until="load")
        count = page.locator("#comments article[id^='comment-']").count()
        assert count >= len(published.rows), count
        result = page.evaluate(
            PROBE,
            {
                "roots": "#comments .comment-body, #comments .comment-name",
                "allowed": allowed_for_probe(names=True),
            },
        )
    finally:
        context.close()
    problems = result["findings"] + [f"called: {c}" for c in calls]
    problems += [f"requested outside the site: {u}" for u in outside]
    assert result["elements"] > 0
    assert not problems, "\n".join(problems)
