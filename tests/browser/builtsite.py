"""The sample site as readers get it: a fresh copy of site.yaml and content/ built into a temporary
folder, served on 127.0.0.1 by a small threaded WSGI server that also mounts the real comment
intake at the configured endpoint (as a production web server in front of both would).

Used by tests/browser/ and tests/tools/ (neither depends on tests/conftest.py's fixtures).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

REPO = Path(__file__).resolve().parents[2]
# The suite's clock, as tests/conftest.py pins it: builds are repeatable whatever the date.
FIXED_NOW = "2026-11-23T12:00:00+01:00"
# The folder holding a site: what is copied from the repository's sample site.
SAMPLE_FILES = ("site.yaml", "comments-blocklist.txt")
SAMPLE_DIRS = ("content",)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAYLOAD_DIRS = (REPO / "tests" / "payloads", REPO.parent / "shared" / "payloads")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def payload_file(name: str) -> Path:
    """A file of the shared hostile payloads: the repository's copy first, else ../shared."""
    for folder in PAYLOAD_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is in none of {[str(d) for d in PAYLOAD_DIRS]}")


def copy_sample(root: Path) -> Path:
    """Copy the repository's sample site (site.yaml, content/) into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_FILES:
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    for name in SAMPLE_DIRS:
        shutil.copytree(REPO / name, root / name)
    return root


def build_site(root: Path, base_url: str, out: Path | None = None) -> Path:
    """Build the site in ``root`` with the fixed clock; returns the output folder."""
    from generator.assemble import BuildOptions
    from generator.build import build

    report = build(
        root,
        BuildOptions(now=dt.datetime.fromisoformat(FIXED_NOW)),
        base_url=base_url,
        output_dir=str(out) if out else None,
        jobs=1,
    )
    problems = "\n".join(str(p) for p in report.diag.problems)
    assert report.ok, f"the sample site does not build:\n{problems}"
    assert report.output is not None
    return report.output


def load_site_config(root: Path, base_url: str) -> Any:
    from generator.config import load_config
    from generator.diagnostics import Diagnostics

    diag = Diagnostics(root)
    config = load_config(root, diag, base_url=base_url)
    assert config is not None, [str(p) for p in diag.problems]
    return config


# --- serving ------------------------------------------------------------------------------

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}


def _content_type(path: Path) -> str:
    if path.name == "feed.xml":
        return "application/atom+xml; charset=utf-8"
    if path.name == "rss.xml":
        return "application/rss+xml; charset=utf-8"
    return (
        _TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


class StaticSite:
    """The output folder as a static host serves it: ``/dir/`` is ``dir/index.html``, ``/dir``
    redirects to ``/dir/``, anything else missing is 404.html with status 404. Every answer is
    ``Cache-Control: no-store`` (a rebuilt page must never come back as a stale 304)."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()

    def locate(self, path_info: str) -> tuple[Path | None, str | None]:
        try:
            path = unquote(path_info.encode("latin-1").decode("utf-8"))
        except UnicodeError:
            return None, None
        if "\x00" in path or "\\" in path or ".." in path.split("/"):
            return None, None
        target = (self.out / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.out):
            return None, None
        if target.is_dir():
            if not path.endswith("/"):
                return None, path + "/"
            target = target / "index.html"
        return (target, None) if target.is_file() else (None, None)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        headers = [("Cache-Control", "no-store")]
        if method not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [*headers, ("Allow", "GET, HEAD")])
            return [b""]
        file, redirect = self.locate(environ.get("PATH_INFO", "/"))
        if redirect:
            start_response("301 Moved Permanently", [*headers, ("Location", redirect)])
            return [b""]
        status = "200 OK"
        if file is None:
            status, file = "404 Not Found", self.out / "404.html"
        body = file.read_bytes()
        headers += [("Content-Type", _content_type(file)), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [b"" if method == "HEAD" else body]


class Dispatch:
    """The static site, with the comment intake at its endpoint (and endpoint/health)."""

    def __init__(self, static: WSGIApp, intake: WSGIApp | None, endpoint: str) -> None:
        self.static = static
        self.intake = intake
        self.endpoint = endpoint.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if self.intake is not None and path.rstrip("/") in (
            self.endpoint,
            f"{self.endpoint}/health",
        ):
            return self.intake(environ, start_response)
        return self.static(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a connection early is no test failure


@dataclass
class Server:
    """A WSGI server bound to 127.0.0.1 on a free port; the app can be set after binding, so
    the site can be built with the port in its base_url first."""

    httpd: _ThreadingServer
    thread: threading.Thread | None = None

    @classmethod
    def bind(cls) -> Server:
        httpd = _ThreadingServer(("127.0.0.1", 0), _QuietHandler)
        return cls(httpd)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def start(self, app: WSGIApp) -> None:
        self.httpd.set_app(app)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread is not None:
            self.httpd.shutdown()
            self.thread.join(10)
        self.httpd.server_close()


@dataclass
class LiveSite:
    """A built copy of a site and the server in front of it."""

    root: Path
    out: Path
    base_url: str
    config: Any
    server: Server

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def rebuild(self) -> None:
        build_site(self.root, self.base_url)


def serve_site(root: Path, *, intake: bool = True) -> LiveSite:
    """Bind a port, build ``root`` for it, serve it (with the intake mounted unless not asked)."""
    server = Server.bind()
    try:
        base = server.base_url
        out = build_site(root, base)
        config = load_site_config(root, base)
        app: WSGIApp | None = None
        if intake:
            from comments_moderation.intake import make_application

            app = make_application(config, extra_origins=[base])
        endpoint = config.comments.endpoint
        server.start(Dispatch(StaticSite(out), app, endpoint))
    except BaseException:
        server.stop()
        raise
    return LiveSite(root=root, out=out, base_url=base, config=config, server=server)
