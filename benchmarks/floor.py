"""The "Python floor": the least a Python build of a corpus can do, to set Dialogue against.

Reads every post, parses its front matter with PyYAML's C loader, renders its body with
markdown-it-py (CommonMark and tables, nothing else), wraps it in a one-line Jinja2 page and
writes it, in two forked processes. No theme, listings, feeds, cache or checks.

    .venv/bin/python benchmarks/floor.py benchmarks/corpora/10000/content/posts /dev/shm/floor
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import yaml
from jinja2 import Template
from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark").enable("table")
PAGE = Template("<!doctype html><title>{{ title }}</title><main>{{ body }}</main>")


def build_one(job: tuple[Path, Path, Path]) -> None:
    path, source, target = job
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    page = PAGE.render(title=meta.get("title"), body=MARKDOWN.render(body))
    out = target / path.relative_to(source).with_suffix("") / "index.html"
    os.makedirs(out.parent, exist_ok=True)
    out.write_text(page, encoding="utf-8")


def main(source: Path, target: Path, jobs: int = 2) -> None:
    work = [(path, source, target) for path in sorted(source.rglob("*.md"))]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(build_one, work, chunksize=64)
    print(f"floor: {len(work)} posts in {time.perf_counter() - started:.2f} s ({jobs} processes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
