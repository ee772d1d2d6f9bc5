"""Fixtures of the cache tests: the sample site with a theme of its own, a 120-post corpus
(the parallel paths: reading above 64 posts, rendering above 200 outputs), and a spy on the
worker pools."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sitebuilds import GEN_CORPUS, THEME
from sitetools import REPO, SITES


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A copy of tests/sites/basic with a site-local copy of the default theme."""
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    shutil.copytree(REPO / THEME, root / THEME)
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 120-post site from gen_corpus.py (seed 7), generated once; copy it before building."""
    if not GEN_CORPUS.is_file():
        pytest.skip(f"{GEN_CORPUS} is not available")
    root = tmp_path_factory.mktemp("corpus") / "site"
    done = subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--posts", "120", "--out", str(root), "--seed", "7"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def corpus_copy(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    return root


@pytest.fixture
def fork_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the generator's uses of worker processes (one entry per fork_map or fork_shares
    call), so the ``--jobs`` tests can tell that they ran the parallel paths at all."""
    import generator.build
    import generator.render.renderer
    import generator.workers

    calls: list[int] = []

    def spying(original: Callable[..., object]) -> Callable[..., object]:
        def spy(*args: object) -> object:
            calls.append(1)
            return original(*args)

        return spy

    for helper in ("fork_map", "fork_shares"):
        original = getattr(generator.workers, helper)
        for name, module in list(sys.modules.items()):
            if name.startswith("generator") and getattr(module, helper, None) is original:
                monkeypatch.setattr(module, helper, spying(original))
    return calls
