"""What `dialogue comments serve` allows a client over HTTP, spoken over raw sockets against
the real server process on 127.0.0.1: answers that are due before a body arrives, limits on
headers and on time, connections per client, and who may post (Fetch Metadata)."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from comment_site import (
    ORIGIN,
    Intake,
    Site,
    comment,
    make_site,
    start_intake,
    stop_intake,
    unique_client,
)
from raw_http import ANSWER_WAIT, closed_by_server, connect, head, read_answer

from comments_moderation.queue import QueuedComment

TEN_MIB = 10 * 1024 * 1024
JSON_POST = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Origin": ORIGIN,
}


def stored(site: Site, body: str) -> list[QueuedComment]:
    with site.connect() as q:
        return [c for c in q.list() if c.body == body]


# ------------------------------------------------------------ refused before the body is read


@pytest.mark.parametrize("expect", [False, True], ids=["plain", "expect-100-continue"])
def test_declared_large_body_is_refused_before_it_is_sent(intake: Intake, expect: bool) -> None:
    headers = {**JSON_POST, "Content-Length": str(TEN_MIB)}
    if expect:
        headers["Expect"] = "100-continue"
    with connect(intake.url) as sock:
        sock.sendall(head("POST", "/comments", headers))  # headers only: no body ever follows
        answer = read_answer(sock)
        assert answer.status == 413, answer.first_line  # not "100 Continue" first
        assert "64 KiB" in answer.json()["error"]
        assert answer.headers["access-control-allow-origin"] == ORIGIN  # the page can read it
        assert closed_by_server(sock)  # and the server does not wait for the body


def test_a_client_that_sends_the_body_anyway_still_reads_the_413(intake: Intake) -> None:
    """Most clients send the whole body before they read: the refusal must not reset it."""
    with connect(intake.url) as sock:
        sock.sendall(head("POST", "/comments", {**JSON_POST, "Content-Length": str(TEN_MIB)}))
        sock.sendall(b"x" * TEN_MIB)
        assert read_answer(sock).status == 413


def test_long_query_string_is_414(intake: Intake, shared_site: Site) -> None:
    fields = comment()
    body = json.dumps(fields).encode()
    headers = {**JSON_POST, "X-Forwarded-For": unique_client(), "Content-Length": str(len(body))}
    with connect(intake.url) as sock:
        sock.sendall(head("POST", "/comments?q=" + "a" * 65536, headers) + body)
        answer = read_answer(sock)
    assert answer.status == 414, answer.first_line
    assert answer.headers["content-type"].startswith("text/html")
    assert not stored(shared_site, fields["body"])


@pytest.mark.parametrize(("cookie", "status"), [(65536, 431), (4096, 202)])
def test_oversized_cookie_header_is_431(
    intake: Intake, shared_site: Site, cookie: int, status: int
) -> None:
    fields = comment()
    body = json.dumps(fields).encode()
    headers = {
        **JSON_POST,
        "X-Forwarded-For": unique_client(),
        "Cookie": "session=" + "c" * cookie,
        "Content-Length": str(len(body)),
    }
    with connect(intake.url) as sock:
        sock.sendall(head("POST", "/comments", headers) + body)
        answer = read_answer(sock)
    assert answer.status == status, answer.first_line
    assert len(stored(shared_site, fields["body"])) == (status == 202)


# ------------------------------------------------------------ time


def test_default_limits_free_a_stalled_request_within_30_seconds() -> None:
    from comments_moderation.limits import Limits

    limits = Limits()
    # closed at the first clean-up after the timeout; waitress's loop wakes every second
    assert limits.timeout + limits.cleanup_interval + 1 <= 30


@pytest.fixture(scope="module")
def quick_intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    site = make_site(tmp_path_factory.mktemp("quick") / "site")
    server = start_intake(site, "--timeout", "2")
    yield server
    stop_intake(server)


def test_body_that_never_arrives_frees_the_connection(quick_intake: Intake) -> None:
    with connect(quick_intake.url) as sock:
        sock.sendall(head("POST", "/comments", {**JSON_POST, "Content-Length": "100"}) + b"{")
        assert closed_by_server(sock)  # within ANSWER_WAIT, for a timeout of 2 s


def test_trickling_headers_do_not_keep_the_connection(quick_intake: Intake) -> None:
    """One byte at a time resets an idle timer; the whole request has the timeout."""
    request = head("POST", "/comments", {**JSON_POST, "X-Padding": "p" * 200})
    with connect(quick_intake.url) as sock:
        deadline = time.monotonic() + ANSWER_WAIT
        for byte in request:
            if time.monotonic() > deadline:
                pytest.fail("the server still reads a request that began long ago")
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return  # closed by the server
            readable, _, _ = select.select([sock], [], [], 0.25)
            if readable:
                assert closed_by_server(sock)
                return
        pytest.fail("the whole request trickled in")


# ------------------------------------------------------------ connections per client


def test_slow_connections_from_one_client_leave_health_answering(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", trusted_proxies=[])
    server = start_intake(site)
    slow: list[socket.socket] = []
    try:
        for _ in range(150):
            sock = connect(server.url)
            sock.sendall(b"POST /comments HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and no more
            slow.append(sock)
        with connect(server.url, source="127.0.0.2") as probe:
            probe.sendall(head("GET", "/comments/health", {"Connection": "close"}))
            answer = read_answer(probe)
        assert answer.status == 200
        refused = 0
        for sock in slow:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable and read_answer(sock).status == 503:
                refused += 1
        assert refused == 150 - 20  # --connections-per-client defaults to 20
    finally:
        for sock in slow:
            sock.close()
        stop_intake(server)


# ------------------------------------------------------------ who may post


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_cross_site_fetch_metadata_is_403_even_with_an_allowed_origin(
    intake: Intake, shared_site: Site, as_json: bool
) -> None:
    fields = comment()
    answer = intake.submit(
        fields, as_json=as_json, client=unique_client(), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status == 403
    assert not stored(shared_site, fields["body"])


@pytest.mark.parametrize("site_value", ["same-origin", "same-site", "none"])
def test_own_site_fetch_metadata_is_accepted(intake: Intake, site_value: str) -> None:
    fetch = {"Sec-Fetch-Site": site_value}
    answer = intake.submit(comment(), client=unique_client(), headers=fetch)
    assert answer.status == 303


def test_a_client_without_origin_referer_or_fetch_metadata_is_accepted(
    intake: Intake, shared_site: Site
) -> None:
    """The documented decision (README): not a browser, so no forgery; checked like any post."""
    fields = comment()
    answer = intake.request(
        "POST",
        body=json.dumps(fields).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": unique_client()},
    )
    assert answer.status == 202
    assert stored(shared_site, fields["body"])[0].status == "pending"


@pytest.fixture(scope="module")
def remote_intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    """An intake on another host than the blog (comments.endpoint is an absolute URL)."""
    root = tmp_path_factory.mktemp("remote") / "site"
    site = make_site(root, endpoint="https://comments.example.net/comments")
    server = start_intake(site)
    yield server
    stop_intake(server)


def test_an_intake_on_another_host_accepts_cross_site_posts_from_the_blog(
    remote_intake: Intake,
) -> None:
    answer = remote_intake.submit(
        comment(), as_json=True, client=unique_client(), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status == 202
    foreign = remote_intake.submit(
        comment(),
        as_json=True,
        client=unique_client(),
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert foreign.status == 403


def test_the_message_page_of_an_intake_on_another_host_can_send_again(
    remote_intake: Intake,
) -> None:
    """Its form posts from the intake's own origin."""
    answer = remote_intake.submit(
        comment(),
        client=unique_client(),
        headers={"Origin": "https://comments.example.net", "Sec-Fetch-Site": "same-origin"},
    )
    assert answer.status == 303


def test_form_posts_are_still_plain_form_posts(intake: Intake) -> None:
    """The limits leave an ordinary reader's post alone (a guard against over-blocking)."""
    body = urlencode(comment()).encode()
    with connect(intake.url) as sock:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": ORIGIN,
            "Sec-Fetch-Site": "same-origin",
            "Cookie": "_pk_id=" + "1" * 200,
            "Content-Length": str(len(body)),
            "X-Forwarded-For": unique_client(),
        }
        sock.sendall(head("POST", "/comments", headers) + body)
        assert read_answer(sock).status == 303


def test_waitress_is_pinned_to_the_major_version_server_py_is_built_on() -> None:
    """server.py subclasses waitress internals (channel, parser, tasks): a new major version
    must be checked against these tests before anyone installs it."""
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    waitress = [
        Requirement(line)
        for line in pyproject["project"]["dependencies"]
        if Requirement(line).name == "waitress"
    ]
    assert len(waitress) == 1
    assert waitress[0].specifier.contains(version("waitress"))
    assert not waitress[0].specifier.contains("4.0")
