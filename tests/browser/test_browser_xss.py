"""Every line of xss_markdown.txt through the comment renderer (markdown/comments.py),
checked by both oracles of shared/payloads/README.md: the static DOM check (fast, no browser) and
headless Chromium with dialogs recorded, events dispatched on every element and every URL
attribute resolved by the browser's own URL parser.

The same corpus through the real intake, moderation and build: test_browser_xss_pipeline.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from browser.builtsite import payload_file
from browser.domoracle import (
    PROBE,
    RECORDERS,
    allowed_for_probe,
    decode,
    payload_lines,
    violations,
)

LINES = payload_lines(payload_file("xss_markdown.txt"))
ORIGIN = "https://xss.invalid"
BATCH = 30


def render(line: str) -> str:
    from generator.markdown.comments import render_comment

    return render_comment(decode(line))


def test_the_corpus_is_all_there() -> None:
    assert len(LINES) >= 80, f"xss_markdown.txt has only {len(LINES)} lines"


@pytest.mark.parametrize("number", range(1, len(LINES) + 1), ids=lambda n: f"line{n:03}")
def test_static_dom_oracle(number: int) -> None:
    line = LINES[number - 1]
    html = render(line)
    found = violations(html)
    assert not found, f"line {number}: {line!r}\n-> {html!r}\n" + "\n".join(found)


# --- oracle 2: Chromium ---------------------------------------------------------------------


class Probe:
    """One browser context for payload pages: served from a route (no network at all), with
    the recorders in every frame and every dialog recorded and dismissed."""

    def __init__(self, browser: Any) -> None:
        self.pages: dict[str, str] = {}
        self.calls: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context()
        self.context.set_default_timeout(10_000)
        self.context.expose_binding(
            "__xssRecord", lambda source, name, arg, where: self.calls.append(f"{name}({arg})")
        )
        self.context.add_init_script(RECORDERS)
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url in self.pages:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.pages[url])
        else:
            self.requests.append(url)
            route.abort()

    def run(self, name: str, fragments: list[tuple[str, str]]) -> dict[str, Any]:
        """Load the fragments (label, html) as one page and probe it."""
        body = "\n".join(
            f'<div class="case" data-case="{label}">\n{html}\n</div>' for label, html in fragments
        )
        url = f"{ORIGIN}/{name}.html"
        self.pages[url] = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{name}</title></head><body>\n{body}\n</body></html>"
        )
        self.calls.clear()
        self.requests.clear()
        dialogs: list[str] = []
        page = self.context.new_page()

        def on_dialog(d: Any) -> None:  # record, then dismiss: an open dialog blocks the page
            dialogs.append(f"{d.type}({d.message})")
            d.dismiss()

        page.on("dialog", on_dialog)
        try:
            page.goto(url, wait_until="load")
            result = page.evaluate(PROBE, {"roots": "div.case", "allowed": allowed_for_probe()})
        except Exception as exc:  # a hang (a native dialog in a child frame) counts as executed
            result = {"findings": [f"the page did not finish: {exc}"], "elements": 0}
        finally:
            page.close()
        result["calls"] = list(self.calls) + dialogs
        result["requests"] = list(self.requests)
        return result

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def probe(browser: Any) -> Iterator[Probe]:
    probe = Probe(browser)
    yield probe
    probe.close()


@pytest.mark.browser
def test_the_probe_catches_what_it_should(probe: Probe) -> None:
    """The harness itself: raw hostile markup (not rendered) must be caught, else a green run
    of the tests below proves nothing."""
    result = probe.run(
        "canary",
        [
            ("onerror", '<img src="x:" onerror="alert(\'onerror\')">'),
            ("href", "<a href=\"jav&#x09;ascript:alert('href')\">x</a>"),
            ("mouseover", "<b onmouseover=\"confirm('mouseover')\">x</b>"),
            ("toggle", "<details ontoggle=\"prompt('toggle')\">x</details>"),
        ],
    )
    calls = " ".join(result["calls"])
    for expected in ("onerror", "href", "mouseover", "toggle"):
        assert expected in calls, result
    assert any("javascript:" in f for f in result["findings"]), result
    assert any("outside the allow-list" in f for f in result["findings"]), result


@pytest.mark.browser
@pytest.mark.parametrize(
    "start", range(0, len(LINES), BATCH), ids=lambda s: f"lines{s + 1:03}-{s + BATCH:03}"
)
def test_rendered_comments_in_chromium(start: int, probe: Probe) -> None:
    numbers = range(start + 1, min(start + BATCH, len(LINES)) + 1)
    fragments = [(str(n), render(LINES[n - 1])) for n in numbers]
    result = probe.run(f"batch-{start}", fragments)
    problems = result["findings"] + [f"called: {c}" for c in result["calls"]]
    problems += [f"requested: {r}" for r in result["requests"]]
    if problems:
        # Name the lines: probe each of the batch alone.
        for label, html in fragments:
            alone = probe.run(f"line-{label}", [(label, html)])
            if alone["findings"] or alone["calls"] or alone["requests"]:
                problems.append(
                    f"line {label}: {LINES[int(label) - 1]!r} -> {html!r}: "
                    + json.dumps({k: alone[k] for k in ("findings", "calls", "requests")})
                )
    assert result["elements"] >= len(fragments), result
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_comment_site_paths_stay_on_the_site(probe: Probe) -> None:
    """Comments may link to "/2026/02/post/": Chromium's own URL parser must resolve every link
    the renderer makes from a path on this site, or from an attempt to leave it, to this origin."""
    from test_content import OFF_SITE_PATHS

    targets = ["/2026/02/cloud-api-v2-migration/", "</a b/>", *OFF_SITE_PATHS]
    fragments = [(str(n), render(f"[x]({t})")) for n, t in enumerate(targets)]
    url = f"{ORIGIN}/site-paths.html"
    probe.pages[url] = "".join(f'<div data-case="{n}">{html}</div>' for n, html in fragments)
    page = probe.context.new_page()
    try:
        page.goto(url, wait_until="load")
        hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.href)")
    finally:
        page.close()
    assert hrefs == [f"{ORIGIN}/2026/02/cloud-api-v2-migration/", f"{ORIGIN}/a%20b/"]
