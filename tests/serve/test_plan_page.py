"""``dialogue serve`` shows the editorial plan at /_dialogue/plan/ and its calendar at
/_dialogue/plan.ics: to this machine only, made from the files as they are now, and never
written into the served or built output."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

import icalendar

from generator.serve.app import ServeApp
from generator.serve.live import Hub

from .conftest import Serve, StartServe


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_the_plan_page_and_calendar(shared_serve: Serve) -> None:
    assert shared_serve.wait_for(r"Editorial plan: (http://\S+/_dialogue/plan/) ").group(1) == (
        f"{shared_serve.url}_dialogue/plan/"
    )
    status, kind, body = get(f"{shared_serve.url}_dialogue/plan/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    page = body.decode("utf-8")
    assert "<h1>Editorial plan of Beispiel im Dialog</h1>" in page
    assert "<code>content/posts/2026/geplant.md</code>" in page  # scheduled for 2030
    assert "<code>content/posts/2026/entwurf.md</code>" in page  # a draft
    assert "Departments that published nothing for 8 weeks" in page
    assert 'src="/_dialogue/serve.js"' in page  # reloads when a file changes

    status, kind, body = get(f"{shared_serve.url}_dialogue/plan.ics")
    assert (status, kind) == (200, "text/calendar; charset=utf-8")
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["geplant@blog.example.com"]

    output = shared_serve.site / ".dialogue/serve"
    assert output.is_dir()
    assert not list(output.rglob("*plan*"))


def test_the_page_follows_the_files(start_serve: StartServe) -> None:
    serve = start_serve()
    post = serve.site / "content/posts/2026/neu.md"
    post.write_text(
        "---\ntitle: Ganz neu geplant\ndate: 2031-05-04T10:00:00+02:00\nauthor: anna\n"
        "draft: true\n---\n\nText.\n",
        encoding="utf-8",
    )
    deadline = time.monotonic() + 20
    while "Ganz neu geplant" not in get(f"{serve.url}_dialogue/plan/")[2].decode():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    post.write_text("no front matter\n", encoding="utf-8")
    page = get(f"{serve.url}_dialogue/plan/")[2].decode()
    assert "The plan needs a site without errors." in page
    assert "content/posts/2026/neu.md:1: no front matter" in page


def _call(app: ServeApp, path: str, address: str) -> tuple[str, bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"] = status

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "REMOTE_ADDR": address}
    body = b"".join(app(environ, start_response))
    return answer["status"], body


def test_only_this_machine_gets_it(tmp_path: Path) -> None:
    """A serve bound to 0.0.0.0 for a colleague's phone still keeps the plan to itself."""
    output = tmp_path / "out"
    output.mkdir()
    (output / "404.html").write_bytes(b"<html><body>not here</body></html>")
    app = ServeApp(output, Hub(first_build=1))
    app.local_pages = {"/_dialogue/plan/": ("text/html", lambda: b"<html><body>plan</body></html>")}
    for address in ("127.0.0.1", "127.8.9.10", "::1"):
        status, body = _call(app, "/_dialogue/plan/", address)
        assert status == "200 OK" and body.startswith(b"<html><body>plan"), address
    for address in ("192.168.1.20", "10.0.0.7", "2001:db8::1", "", "not an address"):
        status, body = _call(app, "/_dialogue/plan/", address)
        assert status == "404 Not Found" and b"plan" not in body, address
