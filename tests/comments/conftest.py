"""Fixtures for the comment tests; the helpers they use live in comment_site.py (a module of
its own name, so that no other conftest.py can shadow it).

Every test that takes a site runs twice: on the SQLite queue and on a PostgreSQL queue (a
fresh database of the session's throwaway cluster, tests/pgserver.py), so both backends are
held to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from comment_site import Intake, Site, make_site, start_intake, stop_intake
from notice_site import restart_clock
from receivers import Mailbox, Webhooks, mailbox, webhooks

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(autouse=True)
def notice_clock() -> None:
    """The notice tests move time from the start of each test (notice_site.at)."""
    restart_clock()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _site(request: pytest.FixtureRequest, backend: str, root: Path) -> Site:
    """A site on the SQLite file, or on a fresh PostgreSQL database. The databases stay until
    the cluster goes at the end of the session: DROP DATABASE waits for a checkpoint, which
    costs more than the test itself."""
    if backend == "sqlite":
        return make_site(root)
    return make_site(root, queue_url=request.getfixturevalue("postgres").create())


@pytest.fixture
def site(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Site:
    return _site(request, backend, tmp_path / "site")


@pytest.fixture(scope="module")
def shared_site(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Site:
    """One site per test module; tests keep apart by post, client address and body."""
    return _site(request, backend, tmp_path_factory.mktemp("shared") / "site")


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


# The real SMTP server and webhook receiver of the notice tests (receivers.py).


@pytest.fixture
def mail() -> Iterator[Mailbox]:
    with mailbox() as box:
        yield box


@pytest.fixture
def hooks() -> Iterator[Webhooks]:
    with webhooks() as receiver:
        yield receiver
