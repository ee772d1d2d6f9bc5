"""Live reload for ``dialogue serve``: the latest build state, the Server-Sent Events stream
that hands it to open pages, the client script, and the error overlay.

The injected script is a same-origin file rather than inline code, so that a theme's
Content-Security-Policy with ``script-src 'self'`` does not block it; it styles the overlay
through the CSSOM for the same reason (style attributes would need 'unsafe-inline').
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

EVENTS = "/_dialogue/events"
CLIENT = "/_dialogue/serve.js"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (finds closed tabs)


@dataclass(frozen=True)
class BuildState:
    """What open pages need to know: ``build`` grows with every good build; ``problems`` is
    the list of the latest build's errors (empty when it succeeded)."""

    build: int
    problems: tuple[str, ...] = ()
    css_only: bool = False

    def event(self) -> bytes:
        data = {"build": self.build, "problems": list(self.problems), "css": self.css_only}
        return f"event: build\ndata: {json.dumps(data)}\n\n".encode()


class Hub:
    """The latest build state, handed to every open event stream when it changes."""

    def __init__(self, first_build: int) -> None:
        self._cond = threading.Condition()
        self._state = BuildState(first_build)
        self._version = 0
        self._stopped = False
        self.idle = threading.Event()  # cleared while a build may be swapping the output
        self.idle.set()

    @property
    def state(self) -> BuildState:
        with self._cond:
            return self._state

    def succeeded(self, css_only: bool = False) -> None:
        with self._cond:
            self._state = BuildState(self._state.build + 1, (), css_only)
            self._version += 1
            self._cond.notify_all()

    def failed(self, problems: Iterable[str]) -> None:
        with self._cond:
            self._state = replace(self._state, problems=tuple(problems), css_only=False)
            self._version += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """End every event stream, so that their server threads finish."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def stream(self) -> Iterator[bytes]:
        yield b"retry: 1000\n\n"
        seen = -1
        while True:
            with self._cond:
                if self._version == seen and not self._stopped:
                    self._cond.wait(KEEPALIVE)
                if self._stopped:
                    return
                state = None if self._version == seen else self._state
                seen = self._version
            yield b": keep-alive\n\n" if state is None else state.event()


OVERLAY_STYLE = (
    "all:initial;display:block;position:fixed;z-index:2147483647;top:0;left:0;right:0;"
    "max-height:70vh;overflow:auto;box-sizing:border-box;padding:16px 20px;"
    "background:#7f1d1d;color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;"
    "box-shadow:0 4px 24px rgba(0,0,0,.45);cursor:pointer"
)
PRE_STYLE = "all:initial;display:block;margin:8px 0 0;color:#fff;font:inherit;white-space:pre-wrap"
HEADING = "Build failed: this page shows the last good build. Fix and save (click to hide):"

CLIENT_JS = (
    """(() => {
  "use strict";
  const me = document.currentScript;
  let build = Number(me.dataset.build);
  const hide = () => document.getElementById("dialogue-overlay")?.remove();
  const show = (problems) => {
    hide();
    const box = document.createElement("div");
    box.id = "dialogue-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = %(style)s;
    const list = document.createElement("pre");
    list.style.cssText = %(pre)s;
    list.textContent = problems.join("\\n");
    box.append(%(heading)s, list);
    box.addEventListener("click", hide);
    document.body.append(box);
  };
  const source = new EventSource(%(events)s);
  source.addEventListener("build", (message) => {
    const state = JSON.parse(message.data);
    if (state.problems.length) return show(state.problems);
    if (state.build === build) return hide();
    if (state.css && state.build === build + 1) {
      build = state.build;
      hide();
      for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
        const url = new URL(link.href);
        // style.3f9c2a71.css is gone after the rebuild; style.css is the new one
        url.pathname = url.pathname.replace(/\\.[0-9a-f]{8}\\.css$/, ".css");
        url.searchParams.set("dialogue-build", String(build));
        link.href = url.href;
      }
      return;
    }
    source.close();
    location.reload();
  });
})();
""".replace("%(style)s", json.dumps(OVERLAY_STYLE))
    .replace("%(pre)s", json.dumps(PRE_STYLE))
    .replace("%(heading)s", json.dumps(HEADING))
    .replace("%(events)s", json.dumps(EVENTS))
    .encode()
)


def overlay_html(problems: Iterable[str]) -> str:
    lines = html.escape("\n".join(problems))
    return (
        f'<div id="dialogue-overlay" role="alert" style="{OVERLAY_STYLE}">'
        f'{html.escape(HEADING)}<pre style="{PRE_STYLE}">{lines}</pre></div>'
    )


def inject(page: bytes, state: BuildState) -> bytes:
    """Add the overlay (while broken) and the reload script before the last ``</body>``."""
    snippet = f'<script src="{CLIENT}" data-build="{state.build}"></script>'
    if state.problems:
        snippet = overlay_html(state.problems) + snippet
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + snippet.encode() + page[at:]
