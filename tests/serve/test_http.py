"""What serve answers over HTTP: files with their types, redirects, 404s, and nothing from
outside its output folder, however the path is spelled."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest

from generator.serve.app import content_type, locate

from .conftest import Serve


def raw_get(url: str, target: bytes, method: bytes = b"GET") -> tuple[int, dict[str, str], bytes]:
    """Send ``target`` exactly as given (no client-side normalisation or quoting)."""
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(method + b" " + target + b" HTTP/1.0\r\nHost: test\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


ESCAPES = [
    b"/../../etc/passwd",
    b"/../site.yaml",
    b"/../../site.yaml",
    b"/static/../../../site.yaml",
    b"/%2e%2e/%2e%2e/site.yaml",
    b"/%2E%2E%2F%2E%2E%2Fsite.yaml",
    b"/..%2f..%2f..%2fetc%2fpasswd",
    b"/..%5c..%5csite.yaml",
    b"/..\\..\\site.yaml",
    b"/%252e%252e/%252e%252e/site.yaml",
    b"/%252e%252e%252f%252e%252e%252fsite.yaml",
    b"/%c0%ae%c0%ae/%c0%ae%c0%ae/site.yaml",
    b"//etc/passwd",
    b"/%2fetc%2fpasswd",
    b"/etc/passwd",
    b"/index.html%00",
    b"/index.html%00.css",
    b"/%00/../site.yaml",
    b"/..",
    b"/.",
    b"http://test/../../site.yaml",
    b"/.dialogue/comments.sqlite3",
    b"/../comments.sqlite3",
    b"/../../content/posts/2026/drei-stimmen.md",
]


@pytest.mark.parametrize("target", ESCAPES, ids=lambda t: t.decode("latin-1"))
def test_no_path_leaves_the_output_folder(shared_serve: Serve, target: bytes) -> None:
    status, _, body = raw_get(shared_serve.url, target)
    assert status in (400, 404)
    assert b"root:" not in body and b"base_url" not in body and b"title: Drei" not in body


def test_locate_refuses_symlinks_out_and_accepts_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("a")
    (out / "feed.xml").write_text("f")
    (tmp_path / "secret.txt").write_text("s")
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    (out / "out-dir").symlink_to(tmp_path)
    assert locate(out, "/link.txt").file is None
    assert locate(out, "/out-dir/secret.txt").file is None
    assert locate(out, "/a/").file == (out / "a" / "index.html").resolve()
    assert locate(out, "/a").redirect == "/a/"
    assert locate(out, "/feed.xml").file == (out / "feed.xml").resolve()
    assert locate(out, "/feed.xml/").file is None
    assert locate(out, "/b/").file is None
    # WSGI hands over the decoded path as latin-1 code points: '\xc3\xa4' is 'ä' in UTF-8.
    (out / "ä").mkdir()
    (out / "ä" / "index.html").write_text("ä")
    assert locate(out, "/\xc3\xa4").redirect == "/%C3%A4/"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except HTTPError as error:
        with error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_content_types_and_no_caching(shared_serve: Serve) -> None:
    output = shared_serve.site / ".dialogue" / "serve"
    css = next(output.glob("static/**/*.css")).relative_to(output).as_posix()
    svg = next(output.glob("20*/**/*.svg")).relative_to(output).as_posix()
    expected = {
        "": "text/html; charset=utf-8",
        "feed.xml": "application/atom+xml; charset=utf-8",
        "tags/dialog/feed.xml": "application/atom+xml; charset=utf-8",
        "rss.xml": "application/rss+xml; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
        "_dialogue/posts.json": "application/json; charset=utf-8",
        css: "text/css; charset=utf-8",
        svg: "image/svg+xml; charset=utf-8",
    }
    for path, kind in expected.items():
        status, headers, body = get(shared_serve.url + path)
        assert (path, status, headers["content-type"]) == (path, 200, kind)
        assert headers["cache-control"] == "no-store"
        assert body == (output / (path or "index.html")).read_bytes() or kind.startswith(
            "text/html"
        )


def test_content_type_table() -> None:
    assert content_type("a/feed.xml") == "application/atom+xml; charset=utf-8"
    assert content_type("x.svg") == "image/svg+xml; charset=utf-8"
    assert content_type("x.js") == "text/javascript; charset=utf-8"
    assert content_type("x.png") == "image/png"
    assert content_type("x.woff2") == "font/woff2"
    assert content_type("x.tar.gz") == "application/octet-stream"
    assert content_type("LICENSE") == "application/octet-stream"


def test_html_gets_the_script_but_files_on_disk_stay_clean(shared_serve: Serve) -> None:
    _, _, page = get(shared_serve.url)
    assert page.count(b'<script src="/_dialogue/serve.js"') == 1
    assert page.index(b"/_dialogue/serve.js") < page.rindex(b"</body>")
    output = shared_serve.site / ".dialogue" / "serve"
    assert not any(b"_dialogue/serve.js" in f.read_bytes() for f in output.rglob("*.html"))
    _, _, feed = get(shared_serve.url + "feed.xml")
    assert b"serve.js" not in feed
    assert not (shared_serve.site / "public").exists()  # serve never touches the real output
    # Links point at the local server, so that navigation and the comment form stay local.
    assert f'href="{shared_serve.url}'.encode() in page


def test_directory_without_slash_redirects_and_unknown_paths_get_the_404_page(
    shared_serve: Serve,
) -> None:
    status, headers, _ = raw_get(shared_serve.url, b"/authors?x=1")
    assert (status, headers["location"]) == (301, "/authors/?x=1")
    status, headers, body = raw_get(shared_serve.url, b"/no/such/page/")
    assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
    not_found = (shared_serve.site / ".dialogue" / "serve" / "404.html").read_bytes()
    assert body.startswith(not_found[:200])
    assert b"/_dialogue/serve.js" in body
    status, headers, body = raw_get(shared_serve.url, b"/", method=b"HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, headers, _ = raw_get(shared_serve.url, b"/index.html", method=b"DELETE")
    assert status == 405 and headers["allow"] == "GET, HEAD"
