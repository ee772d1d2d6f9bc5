"""Fixtures for the comment tests; the helpers they use live in comment_site.py (a module of
its own name, so that no other conftest.py can shadow it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from comment_site import Intake, Site, make_site, start_intake, stop_intake


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site(tmp_path / "site")


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One site per test module; tests keep apart by post, client address and body."""
    return make_site(tmp_path_factory.mktemp("shared") / "site")


@pytest.fixture(scope="module")
def intake(shared_site: Site) -> Iterator[Intake]:
    server = start_intake(shared_site)
    yield server
    stop_intake(server)


@pytest.fixture
def fresh_intake(site: Site) -> Iterator[Intake]:
    server = start_intake(site)
    yield server
    stop_intake(server)
