"""One test per row of SPEC's "Comment intake (HTTP)" table, against the intake running
under waitress in its own process on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest
from comment_site import ORIGIN, Intake, Site, comment, stored, unique_client

from comments_moderation.queue import QueuedComment


def rows(site: Site, **filters: str) -> list[QueuedComment]:
    return stored(site, **filters)


def by_body(site: Site, body: str) -> list[QueuedComment]:
    return [c for c in rows(site) if c.body == body]


def test_form_post_is_stored_and_redirected_to_the_post(intake: Intake, shared_site: Site) -> None:
    fields = comment(website="example.org")
    answer = intake.submit(fields, client=unique_client())
    assert answer.status == 303
    assert answer.headers["Location"] == (
        "https://blog.example.com/2026/10/open-post/?comment=received#comment-status"
    )
    [stored] = by_body(shared_site, fields["body"])
    assert (stored.status, stored.name, stored.email) == ("pending", "Eve Example", fields["email"])
    assert stored.website == "https://example.org/"
    assert stored.client_hash and "10." not in stored.client_hash  # hashed, not the address


def test_json_post_answers_202_with_the_id(intake: Intake, shared_site: Site) -> None:
    fields = comment()
    answer = intake.submit(fields, as_json=True, client=unique_client())
    assert answer.status == 202
    data = answer.json()
    assert data["status"] == "pending"
    [stored] = by_body(shared_site, fields["body"])
    assert stored.id == data["id"]
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_invalid_fields_get_400_with_every_error_json(intake: Intake, shared_site: Site) -> None:
    fields = comment(name="", email="not-an-address", website="javascript:alert(1)", body=" ")
    answer = intake.submit(fields, as_json=True, client=unique_client())
    assert answer.status == 400
    assert set(answer.json()["errors"]) == {"name", "email", "website", "body"}
    assert not [c for c in rows(shared_site) if c.email == "not-an-address"]


def test_invalid_form_gets_a_page_that_keeps_the_text(intake: Intake) -> None:
    body = "My long <careful> answer & more"
    answer = intake.submit(comment(email="nope", body=body), client=unique_client())
    assert answer.status == 400
    page = answer.body.decode()
    assert answer.headers["Content-Type"].startswith("text/html")
    assert 'id="error-email"' in page
    assert "My long &lt;careful&gt; answer &amp; more</textarea>" in page
    assert 'name="post" value="open-post"' in page


def test_unknown_post_is_404(intake: Intake) -> None:
    answer = intake.submit(comment(post="no-such-post"), as_json=True, client=unique_client())
    assert answer.status == 404
    assert "error" in answer.json()


def test_unknown_parent_is_404_and_a_malformed_one_400(intake: Intake) -> None:
    unknown = comment(parent="01JA0000000000000000000009")
    assert intake.submit(unknown, as_json=True, client=unique_client()).status == 404
    malformed = intake.submit(comment(parent="x'--"), as_json=True, client=unique_client())
    assert malformed.status == 400
    assert set(malformed.json()["errors"]) == {"parent"}


def test_reply_to_an_approved_comment_is_accepted(intake: Intake, shared_site: Site) -> None:
    first = intake.submit(comment(), as_json=True, client=unique_client()).json()["id"]
    with shared_site.connect() as q:
        q.decide(first, "approve", "mod", dt.datetime.now(dt.UTC))
    reply = comment(parent=first)
    answer = intake.submit(reply, as_json=True, client=unique_client())
    assert answer.status == 202
    assert by_body(shared_site, reply["body"])[0].parent == first


def test_reply_to_a_pending_comment_is_404(intake: Intake) -> None:
    pending = intake.submit(comment(), as_json=True, client=unique_client()).json()["id"]
    answer = intake.submit(comment(parent=pending), as_json=True, client=unique_client())
    assert answer.status == 404


def test_closed_post_is_403(intake: Intake, shared_site: Site) -> None:
    fields = comment(post="closed-post")
    assert intake.submit(fields, as_json=True, client=unique_client()).status == 403
    assert intake.submit(fields, client=unique_client()).status == 403
    assert not by_body(shared_site, fields["body"])


def test_foreign_origin_is_403(intake: Intake, shared_site: Site) -> None:
    fields = comment()
    evil = intake.submit(fields, client=unique_client(), headers={"Origin": "https://evil.example"})
    assert evil.status == 403
    assert "Access-Control-Allow-Origin" not in evil.headers
    null = intake.submit(fields, client=unique_client(), headers={"Origin": "null"})
    assert null.status == 403
    referer = {"Origin": "", "Referer": "https://blog.example.com.evil.example/x"}
    headers = {k: v for k, v in referer.items() if v}
    answer = intake.request(
        "POST",
        body=b"post=open-post",
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    assert answer.status == 403
    assert not by_body(shared_site, fields["body"])


def test_same_origin_referer_and_no_origin_are_allowed(intake: Intake) -> None:
    from urllib.parse import urlencode

    for headers in ({"Referer": "https://blog.example.com/2026/10/open-post/"}, {}):
        answer = intake.request(
            "POST",
            body=urlencode(comment()).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": unique_client(),
                **headers,
            },
        )
        assert answer.status == 303, answer.body


def test_body_over_64_kib_is_413(intake: Intake) -> None:
    fields = comment(body="x" * (64 * 1024))
    assert intake.submit(fields, as_json=True, client=unique_client()).status == 413
    assert intake.submit(fields, client=unique_client()).status == 413


def test_comment_over_max_chars_is_a_field_error(intake: Intake) -> None:
    answer = intake.submit(comment(body="y" * 10_001), as_json=True, client=unique_client())
    assert answer.status == 400
    assert "10000" in answer.json()["errors"]["body"]


def test_unsupported_content_type_is_415(intake: Intake) -> None:
    for ctype in (
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
    ):
        answer = intake.request(
            "POST", body=b"post=open-post", headers={"Content-Type": ctype, "Origin": ORIGIN}
        )
        assert answer.status == 415, ctype


def test_too_many_submissions_is_429_with_retry_after(intake: Intake, shared_site: Site) -> None:
    client = unique_client()
    answers = [intake.submit(comment(), as_json=True, client=client) for _ in range(6)]
    assert [a.status for a in answers] == [202] * 5 + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 61
    assert intake.submit(comment(), as_json=True, client=unique_client()).status == 202


def test_health(intake: Intake) -> None:
    answer = intake.request("GET", "/health")
    assert answer.status == 200
    assert answer.json()["status"] == "ok"
    assert intake.request("HEAD", "/health").status == 200


def test_preflight_allows_only_the_site_origin(intake: Intake) -> None:
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ok = intake.request("OPTIONS", headers={"Origin": ORIGIN, **ask})
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    evil = intake.request("OPTIONS", headers={"Origin": "https://evil.example", **ask})
    assert evil.status == 403
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_other_methods_and_paths(intake: Intake) -> None:
    assert intake.request("GET").status == 405
    assert intake.request("GET", "/nothing").status == 404


def test_malformed_bodies_are_400_never_500(intake: Intake) -> None:
    json_headers = {"Content-Type": "application/json", "Origin": ORIGIN}
    for body in (b"{", b"[1, 2]", b"\xff\xfe", b'"text"', b"null"):
        answer = intake.request("POST", body=body, headers=json_headers)
        assert answer.status == 400, body
    wrong_types = json.dumps({**comment(), "name": ["a"], "body": {"x": 1}}).encode()
    answer = intake.request(
        "POST", body=wrong_types, headers={**json_headers, "X-Forwarded-For": unique_client()}
    )
    assert answer.status == 400
    assert set(answer.json()["errors"]) == {"name", "body"}


def test_lone_surrogates_are_refused_naming_the_field(intake: Intake) -> None:
    form = b"post=open-post&name=%ED%A0%80&email=eve%40example.com&body=hello+there"
    answer = intake.request(
        "POST",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Origin": ORIGIN,
            "X-Forwarded-For": unique_client(),
        },
    )
    assert answer.status == 400
    assert set(answer.json()["errors"]) == {"name"}
    raw_json = b'{"post": "open-post", "name": "\\ud800", "email": "e@example.com", "body": "hi"}'
    answer = intake.request(
        "POST",
        body=raw_json,
        headers={
            "Content-Type": "application/json",
            "Origin": ORIGIN,
            "X-Forwarded-For": unique_client(),
        },
    )
    assert answer.status == 400
    assert set(answer.json()["errors"]) == {"name"}


def test_manifest_is_reread_after_a_rebuild(intake: Intake, shared_site: Site) -> None:
    path = shared_site.root / "public" / "_dialogue" / "posts.json"
    original = path.read_text()
    data = json.loads(original)
    data["posts"].append(
        {"slug": "brand-new", "url": "https://blog.example.com/2026/11/brand-new/",
         "title": "New", "comments_open": True, "authors": ["alice"]}
    )  # fmt: skip
    try:
        path.write_text(json.dumps(data))
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        answer = intake.submit(comment(post="brand-new"), client=unique_client())
        assert answer.status == 303
        assert answer.headers["Location"].startswith("https://blog.example.com/2026/11/brand-new/")
    finally:
        path.write_text(original)
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 2_000_000))


def test_chunked_bodies_are_read_and_limited(intake: Intake, shared_site: Site) -> None:
    import http.client
    from urllib.parse import urlencode, urlsplit

    def send_chunked(data: bytes) -> int:
        parts = urlsplit(intake.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            chunks = iter([data[i : i + 8192] for i in range(0, len(data), 8192)])
            conn.request(
                "POST",
                parts.path,
                body=chunks,
                encode_chunked=True,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": ORIGIN,
                    "X-Forwarded-For": unique_client(),
                },
            )
            return conn.getresponse().status
        finally:
            conn.close()

    fields = comment()
    assert send_chunked(urlencode(fields).encode()) == 303
    assert by_body(shared_site, fields["body"])
    assert send_chunked(urlencode(comment(body="z" * 70_000)).encode()) == 413


def test_module_level_application_loads_the_site_lazily(
    shared_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    from wsgiref.util import setup_testing_defaults

    from comments_moderation import intake as module

    monkeypatch.setattr(module, "_lazy", None)
    monkeypatch.setenv("DIALOGUE_SITE_ROOT", str(shared_site.root))
    environ: dict[str, object] = {"PATH_INFO": "/comments/health", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    seen: list[str] = []
    body = b"".join(module.application(environ, lambda status, headers: seen.append(status)))
    assert seen == ["200 OK"] and json.loads(body)["posts"] == 4
    assert module._lazy is not None
    module._lazy.close()  # its queue's connections, before it is dropped
    monkeypatch.setattr(module, "_lazy", None)
    monkeypatch.setenv("DIALOGUE_SITE_ROOT", str(shared_site.root / "nowhere"))
    seen.clear()
    module.application(environ, lambda status, headers: seen.append(status))
    assert seen == ["503 Service Unavailable"]
