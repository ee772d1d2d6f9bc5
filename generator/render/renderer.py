"""Render Outputs to bytes: templates through Jinja2, feeds and the rest through producers.

Rendering is the parallel stage. Workers are forked after the site is assembled, so they share
it without pickling; each renders a slice of the outputs and writes its files itself.
"""

from __future__ import annotations

import gc
import hashlib
import math
import os
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, TemplateError, TemplateSyntaxError

from generator import redirects
from generator.diagnostics import Problem
from generator.i18n import Strings
from generator.model import Post, Site
from generator.plan import Output, site_feeds
from generator.render import feeds
from generator.render import sitemap as seo
from generator.render.memo import Memo
from generator.render.templating import make_environment, speaking
from generator.themes import Theme
from generator.urls import output_file
from generator.workers import SharedSpans, can_fork, fork_shares


@dataclass
class Renderer:
    site: Site
    env: Environment
    strings: Strings
    site_feeds: tuple[feeds.Feed, ...]  # what a page offers unless its context says otherwise
    entries: feeds.Entries = field(default_factory=lambda: Memo(limit=500))  # they hold HTML

    def render(self, output: Output) -> bytes:
        site, context = self.site, output.context
        lang = site.config.language
        if output.renderer.endswith(".html"):
            template = self.env.get_template(output.renderer)
            values = {"lang": lang, "page_url": output.url, "feeds": self.site_feeds, **context}
            with speaking(values["lang"]):
                if len(site.posts) > LARGE and output.renderer == "archive.html":
                    return _streamed(template.generate(values))
                return template.render(values).encode("utf-8")
        if output.renderer in ("atom", "rss"):
            page_url = output.url.removesuffix("feed.xml").removesuffix("rss.xml") or "/"
            return feeds.posts_feed(
                site, context["feed"], context["posts"], page_url, self.entries, context["full"]
            )
        if output.renderer == "comments_atom":
            title = self.strings.get(lang, "comment_feed_entry")
            return feeds.comments_feed(site, context["feed"], context["comments"], title)
        if output.renderer == "sitemap":
            return seo.sitemap(site, context["urls"])
        if output.renderer == "sitemap_index":
            return seo.sitemap_index(site, context["sitemaps"])
        if output.renderer == "robots":
            return seo.robots(site)
        if output.renderer == "opml":
            headings = {"site": site.config.title}
            for group, key in (("authors", "nav_authors"), ("tags", "nav_tags")):
                headings[group] = self.strings.get(lang, key)
            headings["departments"] = self.strings.get(lang, "nav_departments")
            return seo.opml(site, context["feeds"], headings)
        if output.renderer == "manifest":
            return seo.manifest(site)
        if output.renderer == "redirect":
            return redirects.redirect_page(
                site, context["target"], context["title"], context["lang"]
            )
        if output.renderer == "redirect_map":
            return redirects.redirect_map(context["redirects"])
        raise ValueError(f"no renderer named {output.renderer!r}")


LARGE = 5_000  # posts: from here the archive, one page listing them all, is rendered in parts


def _streamed(pieces: Iterator[str]) -> bytes:
    """A template's output encoded as it is made: Jinja's render() first collects every piece
    of the page, which for an archive of 100,000 posts is millions of strings."""
    out = bytearray()
    pending: list[str] = []
    for piece in pieces:
        pending.append(piece)
        if len(pending) >= 4096:
            out += "".join(pending).encode("utf-8")
            pending.clear()
    out += "".join(pending).encode("utf-8")
    return bytes(out)


def make_renderer(site: Site, theme: Theme, compiled: Path | None = None) -> Renderer:
    strings = Strings(theme.i18n_dirs)
    env = make_environment(site, theme, strings, compiled)
    return Renderer(site, env, strings, site_feeds(site))


def _template_problem(exc: Exception, output: Output, root: Path) -> Problem:
    """Point at the template line where rendering failed, as Jinja rewrites tracebacks."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return Problem(_rel(exc.filename, root), exc.lineno or 1, f"template error: {exc.message}")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            message = f"template error while rendering {output.url}: {exc}"
            return Problem(_rel(frame.filename, root), frame.lineno or 1, message)
    return Problem(output.renderer, 1, f"error while rendering {output.url}: {exc!r}")


def _rel(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


# A forked worker finds the renderer here instead of receiving it pickled.
_WORKER: tuple[Renderer, Sequence[Output], Path, Path] | None = None
_SHARES: tuple[list[int], SharedSpans] | None = None  # the render order and its spans

RenderResult = tuple[list[tuple[str, str]], list[Problem]]


def _by_age(outputs: Sequence[Output]) -> list[int]:
    """Output indexes in the order workers take them: neighbours show the same posts.

    A post's card and feed entry are rendered once per worker and reused, so the listing pages
    and feeds that show a post are best rendered by one worker. Pages that show no post in
    particular come first (the archive and sitemap are the slowest single outputs: last, they
    would leave one worker busy and the other idle), then newest to oldest.
    """

    def newest_shown(index: int) -> float:
        context = outputs[index].context
        shown = context.get("posts") or (context.get("post"),)
        return -shown[0].date.timestamp() if isinstance(shown[0], Post) else -math.inf

    return sorted(range(len(outputs)), key=newest_shown)


def _render_slice(indexes: Iterable[int]) -> RenderResult:
    assert _WORKER is not None
    renderer, outputs, staging, root = _WORKER
    base = str(staging)
    written: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for index in indexes:
        output = outputs[index]
        try:
            data = renderer.render(output)
        except (TemplateError, KeyError, AttributeError, TypeError, ValueError) as exc:
            problems.append(_template_problem(exc, output, root))
            continue
        name = output_file(output.url)
        folder, _, _ = name.rpartition("/")
        _make_folder(f"{base}/{folder}")
        with open(f"{base}/{name}", "wb") as handle:
            handle.write(data)
        written.append((name, hashlib.blake2b(data, digest_size=16).hexdigest()))
    return written, problems


def _make_folder(path: str) -> None:
    """``os.makedirs(path, exist_ok=True)`` in one system call where the parent exists, as it
    mostly does (outputs come roughly in order): makedirs looks at the parent first."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def _render_share(worker: int) -> RenderResult:
    """Worker ``worker``'s part: batches from its own span of the order, then from others'."""
    assert _SHARES is not None
    order, spans = _SHARES
    written: list[tuple[str, str]] = []
    problems: list[Problem] = []
    while batch := spans.take(worker):
        files, found = _render_slice(order[i] for i in batch)
        written += files
        problems += found
    return written, problems


def render_all(
    renderer: Renderer, outputs: Sequence[Output], staging: Path, jobs: int
) -> RenderResult:
    """Render ``outputs`` into ``staging``; returns (file, hash) pairs and template problems."""
    global _WORKER, _SHARES
    _WORKER = (renderer, outputs, staging, renderer.site.config.root)
    # Jinja leaves reference cycles behind, so the cycle collector must run here; frozen, the
    # site's records are neither rescanned nor copied into forked workers by its bookkeeping.
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        count = len(outputs)
        if jobs <= 1 or count < 200 or not can_fork():
            return _render_slice(_by_age(outputs))
        # Compiled once here rather than once in every worker.
        for name in renderer.env.list_templates(extensions=["html"]):
            renderer.env.get_template(name)
        _SHARES = (_by_age(outputs), SharedSpans(count, jobs, batch=8))
        results = fork_shares(_render_share, jobs)
        written = [item for files, _ in results for item in files]
        problems = [p for _, found in results for p in found]
        # Which worker rendered what varies from run to run; the report must not.
        return written, sorted(problems, key=lambda p: (p.path, p.line, p.message))
    finally:
        _WORKER = _SHARES = None
        if not was_enabled:
            gc.disable()
        gc.unfreeze()
