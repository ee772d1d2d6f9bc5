"""Fixtures of the browser suite: one fresh build of the sample site served on 127.0.0.1 with the
real comment intake mounted at /comments, and one headless Chromium (Debian's, driven by
Playwright's sync API) for the whole package.

Everything here is package-scoped, not session-scoped: Playwright's sync API refuses to start a
second instance while one is running, and other packages (tests/serve, tests/comments) start
their own after this one is done.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml

from browser.builtsite import CHROMIUM, CHROMIUM_ARGS, REPO, LiveSite, copy_sample, serve_site

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="package")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    root = copy_sample(tmp_path_factory.mktemp("browser") / "site")
    site = serve_site(root)
    try:
        yield site
    finally:
        site.server.stop()


class _Links(HTMLParser):
    """The author and tag links of a post page (hrefs and their text)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


@dataclass
class Sample:
    """What the tests expect of the built sample site, read from its sources and manifest."""

    site_title: str
    language: str
    strings: dict[str, dict[str, str]]  # the theme's UI strings by language
    post: dict[str, Any]  # an entry of _dialogue/posts.json: open for comments
    author_id: str
    author_name: str
    tag_path: str
    tag_name: str
    paths: dict[str, str] = field(default_factory=dict)

    def text(self, key: str, lang: str | None = None) -> str:
        """A UI string in ``lang`` (default: the site's language)."""
        return self.strings[lang or self.language][key]


@pytest.fixture(scope="package")
def sample(live_site: LiveSite) -> Sample:
    config = yaml.safe_load((live_site.root / "site.yaml").read_text(encoding="utf-8"))
    language = config.get("language", "de")
    strings = {
        lang: yaml.safe_load(
            (REPO / "themes" / "default" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8")
        )
        for lang in ("de", "en")
    }
    manifest = json.loads((live_site.out / "_dialogue" / "posts.json").read_text("utf-8"))
    open_posts = [p for p in manifest["posts"] if p["comments_open"]]
    assert open_posts, "the sample site needs a post open for comments"
    # Prefer a post that already shows comments: the page a reader usually sees.
    with_comments = [
        p for p in open_posts if (live_site.root / "content" / "comments" / p["slug"]).is_dir()
    ]
    post = (with_comments or open_posts)[0]
    author_id = post["authors"][0]
    author = yaml.safe_load(
        (live_site.root / "content" / "authors" / f"{author_id}.yaml").read_text("utf-8")
    )
    page = live_site.out / post["path"].lstrip("/") / "index.html"
    parser = _Links()
    parser.feed(page.read_text("utf-8"))
    tags = [(h, t) for h, t in parser.links if re.fullmatch(r"/tags/[^/]+/", h)]
    assert tags, f"{post['path']} links to no tag page"
    return Sample(
        site_title=config["title"],
        language=language,
        strings=strings,
        post=post,
        author_id=author_id,
        author_name=author["name"],
        tag_path=tags[0][0],
        tag_name=tags[0][1],
        paths={
            "home": "/",
            "post": post["path"],
            "author": f"/authors/{author_id}/",
            "tag": tags[0][0],
            "archive": "/archive/",
            "404": "/no-such-page/",
        },
    )


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page and what went wrong on it: script errors, console errors, failed requests."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def goto(self, url: str, status: int = 200) -> Any:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, (
            url,
            response and response.status,
        )
        return response


def _watch(page: Any, base_url: str) -> Watched:
    watched = Watched(page)
    page.on("pageerror", lambda exc: watched.errors.append(f"script error: {exc}"))

    def console(message: Any) -> None:
        # A 404 page logs "Failed to load resource" for itself: that one is expected.
        if message.type == "error" and "status of 404" not in message.text:
            watched.errors.append(f"console error: {message.text}")

    def response(resp: Any) -> None:
        if resp.request.resource_type != "document" and resp.status >= 400:
            watched.errors.append(f"{resp.status} for {resp.url}")

    def failed(request: Any) -> None:
        # A navigation cancels what the previous page still loads: net::ERR_ABORTED.
        if request.url.startswith(base_url) and "ERR_ABORTED" not in str(request.failure):
            watched.errors.append(f"request failed: {request.url} ({request.failure})")

    page.on("console", console)
    page.on("response", response)
    page.on("requestfailed", failed)
    return watched


NewPage = Callable[..., Watched]


@pytest.fixture(scope="package")
def contexts(browser: Any) -> Iterator[dict[str, Any]]:
    """Browser contexts by their options, shared by the package's tests: a context costs about
    0.25 s to make, a page in it much less, and a static site keeps no state between pages."""
    made: dict[str, Any] = {}
    yield made
    for context in made.values():
        context.close()


@pytest.fixture
def new_page(browser: Any, contexts: dict[str, Any], live_site: LiveSite) -> Iterator[NewPage]:
    """``new_page(**context_options)``: a new page, closed after the test, in a context with
    those options (viewport 1280x900 and reduced motion unless given: the theme scrolls
    smoothly otherwise, and Playwright waits for every scroll to settle before a click)."""
    pages: list[Any] = []

    def make(**options: Any) -> Watched:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("reduced_motion", "reduce")
        key = repr(sorted(options.items()))
        if key not in contexts:
            contexts[key] = browser.new_context(**options)
            contexts[key].set_default_timeout(10_000)
        page = contexts[key].new_page()
        pages.append(page)
        return _watch(page, live_site.base_url)

    yield make
    for page in pages:
        page.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A and AA violations on the loaded page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                      resultTypes: ['violations']})"""
    )
    # axe really ran: a page of ours passes dozens of rules (none would mean a broken run).
    assert len(result["passes"]) >= 10, result.get("passes")
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        nodes = v["nodes"]
        lines.append(f"  {v['id']} ({v['impact']}, {len(nodes)} elements): {v['help']}")
        for node in nodes[:3]:
            lines.append(f"      {' '.join(node['target'])}: {node['html'][:140]}")
        if nodes:
            summary = " ".join((nodes[0].get("failureSummary") or "").split())
            lines.append(f"      -> {summary[:200]}")
    return "\n".join(lines)


def read_queue(config: Any) -> list[dict[str, Any]]:
    """Every row of the site's comment queue, raw, whichever backend holds it."""
    from comments_moderation.queue import open_queue, queue_location

    with open_queue(queue_location(config)) as queue:
        return queue.rows("comments", "id")
