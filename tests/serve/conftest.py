"""``dialogue serve`` as the writer runs it: a real subprocess on port 0 in a copy of
tests/sites/basic, its printed URL, its terminal output, and headless Chromium to watch pages."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASIC = REPO / "tests" / "sites" / "basic"
FIXED_NOW = "2026-11-23T12:00:00+01:00"  # the suite's clock (tests/conftest.py)
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
SERVING = re.compile(r"Serving (http://\S+/) \(Ctrl-C to stop\)")


class Serve:
    """A running ``python -m generator serve``; its output is collected line by line."""

    def __init__(self, site: Path, *args: str) -> None:
        self.site = site
        env = dict(os.environ, DIALOGUE_NOW=FIXED_NOW, PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", *args],
            cwd=site,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.url = ""

    def _read(self, stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._changed:
                lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 20, stream: str = "out") -> re.Match[str]:
        """The first match of ``pattern`` in stdout (or stderr), waiting for it to appear."""
        lines = self.out if stream == "out" else self.err
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in lines:
                    if found := regex.search(line):
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    text = "".join(self.out) + "".join(self.err)
                    raise AssertionError(f"no {pattern!r} in serve's output:\n{text}")
                self._changed.wait(min(left, 0.2))

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        """Stop serve as Ctrl-C would; (exit status, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
        return self.process.returncode, "".join(self.out), "".join(self.err)


StartServe = Callable[..., Serve]


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[StartServe]:
    """``start_serve()`` copies the basic site, starts serve on port 0 and waits for its URL."""
    running: list[Serve] = []

    def start(*args: str, site: Path | None = None) -> Serve:
        if site is None:
            site = tmp_path / "site"
            shutil.copytree(BASIC, site)
        serve = Serve(site, *(args or ("--port", "0")))
        running.append(serve)
        if args and "--port" in args and args[args.index("--port") + 1] != "0":
            return serve  # the caller waits for what it expects
        serve.url = serve.wait_for(SERVING.pattern).group(1)
        return serve

    yield start
    for serve in running:
        _, _, err = serve.stop()
        # Closed tabs, broken builds and Ctrl-C are all part of the job: never a traceback.
        assert "Traceback" not in err, err


@pytest.fixture
def serve(start_serve: StartServe) -> Serve:
    return start_serve()


@pytest.fixture(scope="module")
def shared_serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """One serve for the tests that only read: never edit its site."""
    site = tmp_path_factory.mktemp("serve") / "site"
    shutil.copytree(BASIC, site)
    serve = Serve(site, "--port", "0")
    serve.url = serve.wait_for(SERVING.pattern).group(1)
    yield serve
    _, _, err = serve.stop()
    assert "Traceback" not in err, err


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
