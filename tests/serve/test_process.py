"""serve as a process: it stops cleanly, explains a busy port, and takes comments locally."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import urllib.request

from .conftest import Serve, StartServe, free_port


def test_ctrl_c_stops_cleanly(serve: Serve) -> None:
    with urllib.request.urlopen(serve.url + "_dialogue/events", timeout=10) as stream:
        assert stream.readline() == b"retry: 1000\n"  # an open event stream must not hold it up
        code, out, err = serve.stop(signal.SIGINT)
    assert code == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.rstrip().endswith("Stopped.")
    left = sorted(p.name for p in (serve.site / ".dialogue").glob(".serve.*"))
    assert left in ([], [".serve.spare"]), left  # no staging left behind; the spare is kept


def test_sigterm_stops_cleanly_too(serve: Serve) -> None:
    code, _, err = serve.stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in err


def test_port_in_use_is_explained(start_serve: StartServe) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        serve = start_serve("--port", str(port))
        code = serve.process.wait(timeout=20)
        _, _, err = serve.stop()
    assert code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "--port 0" in err and "Traceback" not in err


def test_the_comment_form_posts_into_the_local_queue(serve: Serve) -> None:
    body = json.dumps(
        {"post": "drei-stimmen", "name": "Lokal", "email": "l@example.org", "body": "Hallo!"}
    ).encode()
    request = urllib.request.Request(
        serve.url + "comments",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Origin": serve.url.rstrip("/")},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 202
        created = json.load(answer)
    assert created["status"] == "pending"
    queue = serve.site / ".dialogue" / "comments.sqlite3"
    with sqlite3.connect(queue) as conn:
        rows = conn.execute("SELECT id, post, name FROM comments").fetchall()
    conn.close()
    assert rows == [(created["id"], "drei-stimmen", "Lokal")]
    # The endpoint shares /comments/ with the comments feed: both work.
    with urllib.request.urlopen(serve.url + "comments/feed.xml", timeout=10) as feed:
        assert feed.headers["Content-Type"].startswith("application/atom+xml")
    with urllib.request.urlopen(serve.url + "comments/health", timeout=10) as health:
        assert health.status == 200
