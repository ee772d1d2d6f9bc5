"""``dialogue serve``'s WSGI application: the built site from serve's own output folder, the
comment intake at its endpoint, and the live-reload channel (Server-Sent Events).

Every HTML response gets the reload script tag before ``</body>`` and, while the latest
rebuild is broken, the error overlay (live.py); neither is ever written to disk, so
``build`` output stays clean.
"""

from __future__ import annotations

import ipaddress
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from generator.serve.live import CLIENT, CLIENT_JS, EVENTS, Hub, inject

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


# Only Python's built-in table: /etc/mime.types differs between machines.
_MIME = mimetypes.MimeTypes(filenames=())
_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".opml": "text/x-opml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
}


def content_type(name: str) -> str:
    """The Content-Type for an output file; Atom and RSS feeds by their SPEC names."""
    base = name.rsplit("/", 1)[-1].lower()
    if base == "feed.xml":
        kind = "application/atom+xml"
    elif base == "rss.xml":
        kind = "application/rss+xml"
    else:
        suffix = "." + base.rsplit(".", 1)[-1] if "." in base else ""
        guessed, encoding = _MIME.guess_type(base)
        kind = _TYPES.get(suffix) or (None if encoding else guessed) or "application/octet-stream"
    textual = kind.startswith(("text/", "image/svg")) or kind.endswith(("xml", "json"))
    return f"{kind}; charset=utf-8" if textual else kind


@dataclass(frozen=True)
class Located:
    """Where a URL path leads inside the output folder."""

    file: Path | None = None
    redirect: str | None = None


def locate(output: Path, path_info: str) -> Located:
    """The file under ``output`` for a request path, a redirect for a directory without its
    trailing slash, or nothing. Never anything outside ``output``: '..' segments, NUL bytes,
    backslashes and paths that resolve (through symlinks too) elsewhere are refused."""
    try:  # WSGI gives the once-decoded path as latin-1 code points
        path = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return Located()
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return Located()
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return Located()
    base = output.resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        return Located()
    if target.is_dir():
        index = target / "index.html"
        if not index.is_file():
            return Located()
        if not path.endswith("/"):
            return Located(redirect=quote("/" + "/".join([*parts, ""])))
        return Located(file=index)
    if target.is_file() and not path.endswith("/"):
        return Located(file=target)
    return Located()


def is_loopback(address: str | None) -> bool:
    """Whether a request came from this machine."""
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# URL -> (content type, what makes the body, or None when it cannot be made now)
LocalPages = dict[str, tuple[str, Callable[[], bytes | None]]]

EMPTY_PAGE = b'<!doctype html><html lang="en"><title>Dialogue</title><body></body></html>'


class ServeApp:
    """Routes: the event stream, the client script, the intake, then the output folder."""

    def __init__(self, output: Path, hub: Hub) -> None:
        self.output = output
        self.hub = hub
        self.intake: WSGIApp | None = None  # set once a build gave a configuration
        self.endpoint: str | None = None
        # Pages for the people at this machine only (the editorial plan), made per request and
        # never written to the output folder: answered to loopback addresses, else 404.
        self.local_pages: LocalPages = {}

    def mount(self, intake: WSGIApp | None, endpoint: str) -> None:
        """Mount the comment intake at ``endpoint`` when it is a path (not a URL)."""
        self.intake = intake
        self.endpoint = endpoint.rstrip("/") if endpoint.startswith("/") else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS:
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/event-stream; charset=utf-8"),
                    ("Cache-Control", "no-store"),
                    ("X-Accel-Buffering", "no"),
                ],
            )
            return self.hub.stream()
        if path == CLIENT:
            return self.respond(start_response, method, 200, "text/javascript", CLIENT_JS)
        if self.intake and self.endpoint and self.for_intake(path, method):
            return self.intake(environ, start_response)
        local = self.local_pages.get(path)
        if local and method in ("GET", "HEAD") and is_loopback(environ.get("REMOTE_ADDR")):
            kind, make = local
            body = make()
            if body is not None:
                body = inject(body, self.hub.state) if kind == "text/html" else body
                return self.respond(start_response, method, 200, kind, body)
        if method not in ("GET", "HEAD"):
            headers = [("Allow", "GET, HEAD")]
            return self.respond(start_response, method, 405, "text/plain", b"GET only\n", headers)
        return self.static(environ, start_response, path, method)

    def for_intake(self, path: str, method: str) -> bool:
        """Requests under the endpoint go to the intake, unless they name a built file: the
        build writes /comments/feed.xml under the default endpoint /comments."""
        assert self.endpoint is not None
        if path != self.endpoint and not path.startswith(self.endpoint + "/"):
            return False
        return method not in ("GET", "HEAD") or locate(self.output, path).file is None

    def static(
        self, environ: dict[str, Any], start_response: StartResponse, path: str, method: str
    ) -> Iterable[bytes]:
        found = self.find(path)
        if found.redirect:
            query = environ.get("QUERY_STRING")
            location = found.redirect + (f"?{query}" if query else "")
            headers = [("Location", location)]
            return self.respond(start_response, method, 301, "text/plain", b"", headers)
        status, file = (200, found.file) if found.file else (404, self.output / "404.html")
        data = self.read(file)
        if data is None:
            status, file, data = 404, self.output / "404.html", EMPTY_PAGE
        kind = content_type(file.name)
        if kind.startswith("text/html"):
            data = inject(data, self.hub.state)
        return self.respond(start_response, method, status, kind, data)

    def find(self, path: str) -> Located:
        found = locate(self.output, path)
        if found.file is None and found.redirect is None and not self.hub.idle.is_set():
            # The output folder is swapped by renames at the end of a build: ask again after it.
            self.hub.idle.wait(30)
            found = locate(self.output, path)
        return found

    def read(self, file: Path) -> bytes | None:
        try:
            return file.read_bytes()
        except OSError:  # replaced in this very moment: read it once the build is done
            self.hub.idle.wait(30)
        try:
            return file.read_bytes()
        except OSError:
            return None

    @staticmethod
    def respond(
        start_response: StartResponse,
        method: str,
        status: int,
        kind: str,
        body: bytes,
        extra: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        reasons = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 405: "Method Not Allowed"}
        if not kind.endswith("charset=utf-8") and kind.startswith("text/"):
            kind += "; charset=utf-8"
        headers = [
            ("Content-Type", kind),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            *(extra or []),
        ]
        start_response(f"{status} {reasons[status]}", headers)
        return [b"" if method == "HEAD" else body]
