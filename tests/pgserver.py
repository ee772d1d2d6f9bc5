"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb into a temporary folder,
a port of its own on 127.0.0.1 and a socket in that folder, torn down at the end.

PostgreSQL refuses to run as root; as root the cluster runs as ``nobody``. The binaries come
from Debian's ``postgresql`` package (scripts/setup-system-tools.sh installs it), found in
/usr/lib/postgresql/<version>/bin, the newest version first, or on PATH.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNPRIVILEGED = "nobody"


def find_bindir() -> Path | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    bindir: Path
    folder: Path
    port: int
    durable: bool = False  # fsync as in production (benchmarks); tests need not

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.folder,  # PostgreSQL's tools fail where their user may not look (/root)
            **_as_owner(),
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
        options += "-c max_connections=200"
        if not self.durable:
            # A test cluster: the operating system never crashes under it, so it need not
            # flush to disk (PostgreSQL still writes its WAL; killing it loses nothing).
            options += " -c fsync=off -c full_page_writes=off"
        log = self.folder / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]


def _as_owner() -> dict[str, Any]:
    if os.geteuid() != 0:
        return {}
    return {"user": UNPRIVILEGED, "group": "nogroup", "extra_groups": []}


@contextmanager
def cluster(durable: bool = False) -> Iterator[Cluster]:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed: run scripts/setup-system-tools.sh (Debian's postgresql)"
        )
    # In /tmp itself: the unprivileged owner must reach it (TMPDIR may be under /root), and a
    # socket's path must stay short.
    folder = Path(tempfile.mkdtemp(prefix="dialogue-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, UNPRIVILEGED, "nogroup")
    os.chmod(folder, 0o755)
    server = Cluster(bindir, folder, _free_port(), durable)
    try:
        server._run(
            "initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        server.start()
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


class Databases:
    """Fresh databases on one cluster: each a copy of a template that holds the migrated
    schema (CREATE DATABASE ... TEMPLATE takes a fraction of a second)."""

    TEMPLATE = "dialogue_template"

    def __init__(self, server: Cluster) -> None:
        self.server = server
        self._count = 0
        self._template = False

    def _ensure_template(self) -> None:
        if self._template:
            return
        from comments_moderation.queue import open_queue

        self.server.sql(f"CREATE DATABASE {self.TEMPLATE}")
        open_queue(self.server.url(self.TEMPLATE)).close()  # migrate it once
        self._template = True

    def create(self, *, empty: bool = False) -> str:
        """A new database's URL: migrated, or ``empty`` (as a new installation finds it)."""
        self._count += 1
        name = f"dialogue_{os.getpid()}_{self._count}"
        if empty:
            self.server.sql(f"CREATE DATABASE {name}")
        else:
            self._ensure_template()
            self.server.sql(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.server.url(name)
