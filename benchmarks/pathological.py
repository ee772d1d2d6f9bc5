"""How long the comment renderer takes on each hostile ~64 KiB body, and how much memory.

    .venv/bin/python benchmarks/pathological.py [--repeat 5] [--uncapped]

For every line of tests/payloads/pathological_markdown.txt: the best of ``--repeat`` renders
(``render_comment``, the production configuration), the peak of memory allocated while
rendering (tracemalloc), and markdown-it's inline token steps per character of input (what
tests/test_content.py::test_comment_renderer_pathological_input bounds). ``--uncapped`` renders
without the caps of generator/markdown/caps.py, for comparison. The target (shared/payloads/
README.md) is under 1 s and 50 MB each; the exit status is 1 when a body misses it.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from markdown_it.parser_inline import ParserInline  # noqa: E402
from test_content import PATHOLOGICAL, generate  # noqa: E402

from generator.markdown import caps, comments  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_BYTES = 50 * 1024 * 1024


def steps_per_char(body: str) -> float:
    """markdown-it's ParserInline.skipToken calls per character, for one render."""
    steps = [0]
    skip_token = ParserInline.skipToken

    def counted(self: ParserInline, state: Any) -> None:
        steps[0] += 1
        skip_token(self, state)

    ParserInline.skipToken = counted  # type: ignore[method-assign]
    try:
        comments.render_comment(body)
    finally:
        ParserInline.skipToken = skip_token  # type: ignore[method-assign]
    return steps[0] / len(body)


def uncap() -> None:
    """The renderer as it was before the caps: no container cap, markdown-it's own link rule."""
    caps.cap_link_depth = lambda md: None  # type: ignore[assignment]
    comments.cap_containers = lambda body: body  # type: ignore[assignment]
    comments.cap_link_depth = caps.cap_link_depth
    comments._comment_parser.cache_clear()


def measure(render: Callable[[str], str], body: str, repeat: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        render(body)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    render(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="renders per body (best counts)")
    parser.add_argument("--uncapped", action="store_true", help="without markdown/caps.py")
    args = parser.parse_args()
    if args.uncapped:
        uncap()
    comments.render_comment("warm up")
    missed = 0
    print(f"{'seconds':>8} {'MB':>6} {'steps/char':>10}  body")
    for expr, note in PATHOLOGICAL:
        body = generate(expr)
        per_char = steps_per_char(body)
        seconds, peak = measure(comments.render_comment, body, args.repeat)
        over = seconds >= TARGET_SECONDS or peak >= TARGET_BYTES
        missed += over
        flag = "  !!! over target" if over else ""
        print(f"{seconds:8.3f} {peak / 2**20:6.1f} {per_char:10.2f}  {note}{flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
