"""One Output to bytes: a template through Jinja2, or a producer (producers.py) by its name.

What an output may show is what its key covers (incremental/keys.py): its context, ``Shared``
(the templates' ``site``) and the bodies of the posts it declares in ``Output.bodies``, which
the renderer loads from the body store it is given. A body read anywhere else raises
``BodyNotLoaded`` instead of going stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from generator.diagnostics import Problem
from generator.i18n import Strings
from generator.incremental.bodies import BodyStore, MissingBody
from generator.model import Heading, Post, Rendered
from generator.plan.records import Output, Shared
from generator.render.memo import Memo
from generator.render.producers import PRODUCERS, Tools
from generator.render.templating import make_environment, speaking
from generator.themes import Theme

LARGE = 5_000  # posts: from here the archive, one page listing them all, is rendered in parts


class BodyProblem(Exception):
    """A body the output shows cannot be loaded; ``problem`` names the post's file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Renderer:
    shared: Shared
    env: Environment
    tools: Tools
    bodies: BodyStore | None  # None: the records hold their bodies (``check``, tests)
    loaded: Memo[str, Post]  # post key -> the post with its body: feeds show it again and again

    def render(self, output: Output) -> bytes:
        context = self._with_bodies(output)
        if output.renderer.endswith(".html"):
            template = self.env.get_template(output.renderer)
            values: dict[str, Any] = {"lang": self.shared.config.language, "page_url": output.url}
            values |= {"feeds": self.shared.feeds, **context}
            with speaking(values["lang"]):
                if output.renderer == "archive.html" and context.get("count", 0) > LARGE:
                    return _streamed(template.generate(values))
                return template.render(values).encode("utf-8")
        produce = PRODUCERS.get(output.renderer)
        if produce is None:
            raise ValueError(f"no renderer named {output.renderer!r}")
        return produce(self.shared, Output(output.url, output.renderer, context), self.tools)

    def _with_bodies(self, output: Output) -> dict[str, Any]:
        """The context, with the posts of ``output.bodies`` carrying their bodies."""
        stored = [p for p in output.bodies if p.rendered.stored is not None]
        if not stored or self.bodies is None:
            return output.context
        full = {id(post): self.loaded.get(post.digest, lambda: self._load(post)) for post in stored}  # noqa: B023

        def swap(value: Any) -> Any:
            if type(value) is Post:
                return full.get(id(value), value)
            if type(value) is tuple and value and type(value[0]) is Post:
                return tuple(full.get(id(v), v) for v in value)
            return value

        return {name: swap(value) for name, value in output.context.items()}

    def _load(self, post: Post) -> Post:
        assert self.bodies is not None and post.rendered.stored is not None
        try:
            html, lead, headings = self.bodies.load(post.rendered.stored)
        except MissingBody as exc:
            raise BodyProblem(Problem(post.file, 1, f"post body: {exc}")) from None
        rendered = Rendered(html, lead, tuple(Heading(*h) for h in headings), post.rendered.words)
        loaded = object.__new__(Post)  # as assemble's _placed: a copy without __init__
        loaded.__dict__.update(post.__dict__, rendered=rendered)
        return loaded


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


def make_renderer(
    shared: Shared,
    theme: Theme,
    comment_counts: Mapping[str, int],
    bodies: BodyStore | None,
    compiled: Path | None = None,
) -> Renderer:
    strings = Strings(theme.i18n_dirs)
    env = make_environment(shared, theme, strings, comment_counts, compiled)
    tools = Tools(strings, Memo(limit=500))  # feed entries hold HTML
    return Renderer(shared, env, tools, bodies, Memo(limit=64))
