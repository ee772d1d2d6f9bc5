"""The Markdown fast path (generator/markdown/fast.py): byte-identical to the reference
renderer wherever it is taken, chosen and keyed as documented, never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_equivalence import GEN_CORPUS, Tally, tally_all
from sitetools import REPO, RunCli

from generator.incremental.keys import code_version
from generator.markdown.fast import engine, fast_render, render_body
from generator.markdown.reference import render_post
from generator.model import Rendered

needs_fast_engine = pytest.mark.skipif(
    engine() == "reference", reason="markdown-it-pyrs is not installed here"
)


@needs_fast_engine
def test_fast_path_renders_byte_identical_to_the_reference(tmp_path: Path) -> None:
    """Every document that takes the fast path: html, lead, headings, words and (no) warnings
    equal to markdown-it-py's. The counts per source and fallback reason are printed."""
    tallies = tally_all(tmp_path)
    report = "\n".join(f"{name}: {tally.report()}" for name, tally in tallies.items())
    print(report)
    assert not any(tally.different for tally in tallies.values()), report
    fixtures = tallies["spec and fixtures"]
    # The fast path must be worth having: most spec examples and every corpus post take it.
    assert fixtures.fast > 1000 and fixtures.identical == fixtures.fast, report
    if GEN_CORPUS.is_file():  # the shared corpus generator, beside the repository here
        corpus = tallies["generated corpus"]
        assert corpus.fast == 150 and not corpus.fallen_back, report
    assert tallies["payloads"].fallen_back["deep nesting"] >= 1, report


@needs_fast_engine
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("a [`b", "unpaired backticks"),  # the Rust parser panics on this one
        ("```a``b``c``` d ``e``", "backticks in a code span"),
        ("- " * 32768 + "a", "deep nesting"),  # and overflows its stack on this one
        ("> " * 30 + "deep", "deep nesting"),  # beyond markdown-it-py's maxNesting
        ("x <b>bold</b>", "raw HTML"),
        ("[a](javascript:alert(1))", "unsafe link scheme"),
        ("[a](&#x20;javascript:alert(1))", "unsafe link scheme"),
        ("- [ ] todo", "task list"),
        ("a[^1] b[^1]\n\n[^1]: note", "repeated footnote reference"),
        ("x[^b] y[^a]\n\n[^a]: 1\n[^b]: 2", "footnotes defined in another order"),
        ("x[^a]\n\n[^b]: 2\n\n[^a]: 1", "footnotes defined in another order"),
        ("x[^a]\n[^a]: 1", "footnote definition right after text"),
        ("[[^1]\n\n[^1]: e", "footnote reference counted twice"),
        ("*£*bravo", "emphasis beside a Unicode symbol"),
        ('[foo]: /url "a\n\\\nb"\n\n[foo]', "link reference title across lines"),
        ("[^x]\n\n[^x]:        foo", "footnote indented"),
        ("<http://☃.net/>", "autolink with encoded characters"),
        ("[a](http://☃.net/)", "international domain name"),
    ],
)
def test_known_differences_fall_back(body: str, reason: str) -> None:
    assert fast_render(body) == reason
    rendered, _ = render_body(body)  # the reference renders it, whatever it is
    assert rendered == render_post(body)[0]


@needs_fast_engine
def test_fast_path_markup(tmp_path: Path) -> None:
    """Dialogue's own markup, patched in: heading ids, Pygments, table and image attributes,
    the lead and the table of contents."""
    body = (
        "Lead *text* with `code`.\n\n## Größe & Maß\n\n## Größe & Maß\n\n"
        "```python\nx = 1\n```\n\n| a |\n|---|\n| 1 |\n\n![alt](/i.png)\n"
    )
    rendered = fast_render(body)
    assert isinstance(rendered, Rendered)
    assert rendered == render_post(body)[0]
    assert '<h2 id="groesse-mass-2">' in rendered.html
    assert '<pre class="highlight" tabindex="0" data-lang="python">' in rendered.html
    assert '<table tabindex="0">' in rendered.html
    assert '<img src="/i.png" alt="alt" loading="lazy" decoding="async">' in rendered.html
    assert rendered.summary == "Lead text with code."
    assert [h.anchor for h in rendered.headings] == ["groesse-mass", "groesse-mass-2"]
    bundle = tmp_path / "post"
    bundle.mkdir()
    assert fast_render("![a](photo.jpg)", bundle) == "image in a bundle"


def test_engine_choice_and_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALOGUE_MARKDOWN", "reference")
    assert engine() == "reference"
    reference_key = code_version()
    monkeypatch.setenv("DIALOGUE_MARKDOWN", "auto")
    assert engine() == ("markdown-it-pyrs" if _installed() else "reference")
    if _installed():
        assert code_version() != reference_key  # a cache filled by one engine is not reused
    monkeypatch.setenv("DIALOGUE_MARKDOWN", "rust")
    with pytest.raises(ValueError, match="DIALOGUE_MARKDOWN='rust': use 'reference'"):
        engine()


def _installed() -> bool:
    from importlib.util import find_spec

    return find_spec("markdown_it_pyrs") is not None


def test_unknown_engine_is_refused_by_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=tmp_path,
        env={**os.environ, "DIALOGUE_MARKDOWN": "fastest", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "DIALOGUE_MARKDOWN='fastest': use 'reference'" in result.stderr


def test_without_markdown_it_pyrs_the_reference_renders(tmp_path: Path) -> None:
    """A Python without the Rust port (no wheel for it): the engine is the reference and
    posts still render. Its packages are this one's, less markdown-it-pyrs, linked into a
    folder that replaces site-packages."""
    import markdown_it

    packages = Path(markdown_it.__file__).parent.parent
    without = tmp_path / "site-packages"
    without.mkdir()
    for entry in packages.iterdir():
        if not entry.name.lower().startswith("markdown_it_pyrs"):
            (without / entry.name).symlink_to(entry)
    show = "from generator.markdown.fast import engine, render_body\n"
    show += "print(engine(), render_body('# Hi')[0].html, end='')"
    result = subprocess.run(
        [sys.executable, "-S", "-c", show],
        env={**os.environ, "PYTHONPATH": os.pathsep.join((str(REPO), str(without)))},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == 'reference <h1 id="hi">Hi</h1>\n'


@needs_fast_engine
def test_site_identical_with_either_engine(
    run_cli_subprocess: RunCli, site_copy: Callable[[str], Path]
) -> None:
    """The whole test site, built with the fast path and with the reference only."""
    root = site_copy("basic")
    trees = []
    for mode in ("auto", "reference"):
        out = root / f"public-{mode}"
        env = {"DIALOGUE_MARKDOWN": mode}
        code, _, err = run_cli_subprocess(["build", "--out", out], cwd=root, env=env)
        assert code == 0, err
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1]
    assert len(trees[0]) > 20


@needs_fast_engine
def test_tally_counts() -> None:
    tally = Tally()
    tally.check("plain", "Hello *world*")
    tally.check("html", "<div>x</div>")
    assert (tally.fast, tally.identical, dict(tally.fallen_back)) == (1, 1, {"raw HTML": 1})
