"""``dialogue serve``: build into its own folder, serve it, rebuild on every save and tell open
pages to reload (or show what is broken) through Server-Sent Events.

The steps of ``run``: bind the port (so that ``--port 0`` knows its URL before building), build,
watch, serve until Ctrl-C, then stop the watcher, the rebuild thread and the server threads.
"""

from __future__ import annotations

import argparse
import errno
import functools
import signal
import socket
import sys
import time
import traceback
from pathlib import Path
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from generator import clock
from generator.assemble import BuildOptions
from generator.build import BuildReport, build
from generator.config import Config, load_config
from generator.diagnostics import Diagnostics, Problem
from generator.planning.page import LOCAL_PAGES, PLAN_URL
from generator.serve.app import ServeApp, WSGIApp
from generator.serve.live import Hub
from generator.serve.watch import Debouncer, SiteFilter, watch
from generator.themes import load_theme

OUTPUT_DIR = ".dialogue/serve"


class _Server(ThreadingMixIn, WSGIServer):
    """One thread per connection: event streams stay open for as long as a page is."""

    daemon_threads = False
    block_on_close = True  # server_close() waits for the request threads


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(WSGIRequestHandler):
    timeout = 2  # an idle connection (a browser's preconnect) must not delay the shutdown

    def log_message(self, format: str, *args: Any) -> None:
        """The terminal is for rebuilds and errors, not for one line per request."""


def _url(host: str, port: int) -> str:
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _bind(host: str, port: int, app: WSGIApp) -> _Server:
    server_class = _Server6 if ":" in host else _Server
    server = server_class((host, port), _Handler)
    server.set_app(app)
    return server


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"dialogue serve: port {port} on {host} is already in use (another dialogue serve?): "
            f"stop it, or pick another port: dialogue serve --port {port + 1} "
            "(or --port 0 for any free one)"
        )
    if exc.errno == errno.EACCES:
        return f"dialogue serve: no permission to use port {port}: use a port above 1023"
    return f"dialogue serve: cannot listen on {host}:{port} ({exc.strerror}): check --host"


def _describe(changed: set[Path], root: Path) -> str:
    names = sorted(
        p.relative_to(root).as_posix() if p.is_relative_to(root) else p.as_posix() for p in changed
    )
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"{names[0]}{more} changed" if names else "start"


class Session:
    """The site being served: builds it, keeps what open pages and the intake need."""

    def __init__(self, root: Path, options: BuildOptions, url: str, app: ServeApp) -> None:
        self.root = root
        self.options = options
        self.url = url
        self.app = app
        self.config: Config | None = None

    def build(self) -> BuildReport:
        self.app.hub.idle.clear()
        started = time.perf_counter()
        try:
            # The search index is made by the first build and kept while serving: Pagefind
            # reindexes every post for any change (a minute at 10,000 posts).
            report = build(
                self.root,
                self.options,
                base_url=self.url,
                output_dir=OUTPUT_DIR,
                refresh_search=self.config is None,
            )
            report.seconds = time.perf_counter() - started  # failed builds leave it at 0
            return report
        except Exception as exc:  # a bug in the build must not end the writer's session
            traceback.print_exc()
            report = BuildReport(Diagnostics(self.root))
            detail = "".join(traceback.format_exception_only(exc)).strip()
            report.diag.problems.append(
                Problem("dialogue", 0, f"internal error, please report it: {detail}")
            )
            return report
        finally:
            self.app.hub.idle.set()

    def rebuild(self, changed: set[Path]) -> None:
        report = self.build()
        what = _describe(changed, self.root.resolve())
        stamp = time.strftime("%H:%M:%S")
        resolved = {p.resolve() for p in changed}
        for problem in report.diag.warnings:
            if (self.root / problem.path).resolve() in resolved:
                print(problem, file=sys.stderr, flush=True)
        if not report.ok:
            headline = f"{stamp} {what}: build failed in {report.seconds:.2f} s"
            self.failed(report, headline, "still serving the last good site", False)
            return
        self.mount(report)
        self.app.hub.succeeded(css_only=bool(changed) and all(p.suffix == ".css" for p in changed))
        removed = f", {report.removed} removed" if report.removed else ""
        print(
            f"{stamp} {what}: rebuilt in {report.seconds:.2f} s, {report.pages_written} pages "
            f"rendered, {report.pages_unchanged} unchanged{removed}",
            flush=True,
        )

    def first(self) -> None:
        report = self.build()
        report.diag.report()  # every error and warning, once
        if not report.ok:
            self.failed(report, "Build failed", "fix and save: open pages reload themselves", True)
            return
        self.mount(report)
        print(
            f"Built {OUTPUT_DIR}/ in {report.seconds:.2f} s: {report.pages_written} pages "
            f"rendered, {report.pages_unchanged} unchanged",
            flush=True,
        )

    def failed(self, report: BuildReport, headline: str, meanwhile: str, listed: bool) -> None:
        """Say so in the terminal (with the errors unless ``listed`` already) and on every open
        page."""
        errors = [str(p) for p in sorted(set(report.diag.errors))] or ["the build failed"]
        count = len(errors)
        lines = [] if listed else [f"  {e}" for e in errors]
        summary = f"{headline}: {count} error{'s' * (count != 1)}; {meanwhile}"
        print(summary, *lines, sep="\n", file=sys.stderr, flush=True)
        self.app.hub.failed(errors)

    def mount(self, report: BuildReport) -> None:
        """(Re)mount the comment intake for the site's current configuration."""
        if report.site is None or report.site.config == self.config:
            return
        self.config = config = report.site.config
        url = self.url.rstrip("/")  # the same server by both names
        origins = {
            url,
            url.replace("127.0.0.1", "localhost"),
            url.replace("localhost", "127.0.0.1"),
        }
        from comments_moderation.intake import make_application

        self.app.mount(
            make_application(config, extra_origins=tuple(origins)), config.comments.endpoint
        )

    def watched(self) -> list[Path]:
        folders = [self.root / "content", self.root / "themes"]
        diag = Diagnostics(self.root)
        config = self.config or load_config(self.root, diag, output_dir=OUTPUT_DIR)
        theme = load_theme(self.root, config.theme, diag) if config else None
        return folders + list(theme.chain if theme else ())

    def skipped(self) -> list[Path]:
        out = self.config.output_dir if self.config else "public"
        return [self.root / ".dialogue", self.root / "public", self.root / out]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, root: Path) -> int:
    hub = Hub(first_build=int(time.time() * 1000))
    app = ServeApp(root / OUTPUT_DIR, hub)
    app.local_pages = {
        url: (kind, functools.partial(make, root)) for url, (kind, make) in LOCAL_PAGES.items()
    }
    try:
        server = _bind(args.host, args.port, app)
    except OSError as exc:
        print(_bind_problem(exc, args.host, args.port), file=sys.stderr)
        return 2
    url = _url(args.host, server.server_address[1])
    options = BuildOptions(drafts=args.drafts, future=args.future, now=clock.pinned())
    session = Session(root, options, url, app)
    debouncer = Debouncer(session.rebuild)
    observer = None
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C
    try:
        session.first()
        relevant = SiteFilter(root, session.skipped())
        observer = watch(root, session.watched(), relevant, debouncer.add)
        debouncer.start()
        print(f"Serving {url} (Ctrl-C to stop)", flush=True)
        print(f"Editorial plan: {url.rstrip('/')}{PLAN_URL} (this machine only)", flush=True)
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if observer is not None:
            observer.stop()
        debouncer.stop()  # waits for a rebuild in progress: no half-written output
        hub.stop()  # ends the event streams, so that their threads finish
        server.server_close()  # joins the request threads
        if observer is not None:
            observer.join()
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
    print("Stopped.", flush=True)
    return 0
