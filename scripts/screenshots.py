#!/usr/bin/env python3
"""Regenerate the README's screenshots: docs/screenshots/{home,post}-{desktop,mobile}.png.

    .venv/bin/python scripts/screenshots.py [--post /2026/10/some-post/] [--out docs/screenshots]

Builds a fresh copy of the sample site (site.yaml and content/) into a temporary folder with the
test suite's fixed clock (DIALOGUE_NOW, unless set), serves it on 127.0.0.1, and photographs the
home page and a post (default: the newest post with a teaser image) in headless Chromium
(/usr/bin/chromium through Playwright's Python API; never `playwright install`): desktop
1280x800, mobile 390x844 at 2x. Needs `make install-test` (Playwright) and Chromium
(`make system-tools`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXED_NOW = "2026-11-23T12:00:00+01:00"  # the test suite's clock
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
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


class _Handler(SimpleHTTPRequestHandler):
    """Static files, never cached (http.server's 1 s If-Modified-Since would serve stale
    pages), 404.html for what is missing, quiet."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        if "If-Modified-Since" in self.headers:
            del self.headers["If-Modified-Since"]
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def build(site: Path, out: Path, base_url: str) -> None:
    for name in ("site.yaml", "comments-blocklist.txt"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, site / name)
    shutil.copytree(REPO / "content", site / "content")
    env = dict(os.environ)
    env.setdefault("DIALOGUE_NOW", FIXED_NOW)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "-q",
            "--out",
            str(out),
            "--base-url",
            base_url,
        ],
        cwd=site,
        env=env,
        check=True,
    )


def default_post(out: Path) -> str:
    """The newest post whose page has a teaser image (og:image), else the newest post."""
    posts = json.loads((out / "_dialogue" / "posts.json").read_text("utf-8"))["posts"]
    if not posts:
        sys.exit("screenshots.py: the sample site has no posts")
    for post in posts:
        page = out / post["path"].lstrip("/") / "index.html"
        if 'property="og:image"' in page.read_text("utf-8"):
            return str(post["path"])
    return str(posts[0]["path"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--post", help="path of the post to show (default: newest with teaser)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dialogue-screenshots-") as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "public"
        site.mkdir()
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Handler, directory=str(out))
        )
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        try:
            build(site, out, base_url)
            thread.start()
            pages = {"home": "/", "post": args.post or default_post(out)}
            args.out.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for device, options in VIEWPORTS.items():
                        context = browser.new_context(
                            **options, color_scheme="light", reduced_motion="reduce"
                        )
                        page = context.new_page()
                        for name, path in pages.items():
                            response = page.goto(base_url + path.lstrip("/"), wait_until="load")
                            if response is None or response.status != 200:
                                sys.exit(f"screenshots.py: {path} answered {response}")
                            page.evaluate("document.fonts.ready")
                            target = args.out / f"{name}-{device}.png"
                            page.screenshot(path=str(target), full_page=False)
                            print(f"{target.relative_to(REPO)}  ({path}, {device})")
                        context.close()
                finally:
                    browser.close()
        finally:
            server.shutdown() if thread.is_alive() else None
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
