"""Constants and helpers shared by the tests and conftest.py (import this, never conftest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.config import Config
    from generator.model import Site

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SITES = TESTS / "sites"
PAYLOADS = TESTS / "payloads"
GOLDEN = TESTS / "golden"
FIXED_NOW = "2026-11-23T12:00:00+01:00"

MINIMAL_SITE_YAML = """\
title: Testblog
base_url: https://example.com/
language: en
comments:
  moderators: [alice]
"""
# The two known authors of shared/payloads/front_matter/authors.yaml, in our layout.
AUTHORS = {
    "content/authors/alice.yaml": "name: Alice Example\n",
    "content/authors/bob.yaml": "name: Bob Example\n",
}

CliResult = tuple[int, str, str]
RunCli = Callable[..., CliResult]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def post(
    title: str = "Hello",
    *,
    date: str = "2024-03-01",
    authors: str = "[alice]",
    body: str = "The first paragraph.\n",
    **extra: str,
) -> str:
    """The text of a small valid post; ``extra`` adds front matter lines as written."""
    lines = ["---", f"title: {title}", f"date: {date}", f"authors: {authors}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines, "---", "", body])


def assembled(config: Config, now: dt.datetime | None = None) -> Site:
    """The site as a build reads and assembles it (stages read and assemble), writing nothing."""
    from generator.assemble import BuildOptions
    from generator.build import read_site
    from generator.diagnostics import Diagnostics

    diag = Diagnostics(config.root)
    site = read_site(config, diag, options=BuildOptions(now=now))
    assert site is not None, diag.problems
    return site
