"""What only a shared PostgreSQL queue has: roles and grants as the README gives them, two
processes migrating at once, and an intake that rides out a database restart under load."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pgserver
import psycopg
import pytest
from comment_site import (
    Intake,
    Site,
    add_comment,
    comment,
    make_site,
    run_cli,
    start_intake,
    stop_intake,
    stored,
    unique_client,
)

from comments_moderation.queue import QueueError, open_queue
from comments_moderation.queue.postgres import MIGRATIONS

README = Path(__file__).resolve().parents[2] / "comments_moderation" / "README.md"


def readme_sql() -> tuple[list[str], list[str]]:
    """The two SQL blocks of the README's 'Roles and grants', as statements."""
    section = README.read_text(encoding="utf-8").split("### Roles and grants", 1)[1]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)[:2]
    statements = []
    for block in blocks:
        code = "\n".join(line.split("--")[0] for line in block.splitlines())
        statements.append([s.strip() for s in code.split(";") if s.strip()])
    return statements[0], statements[1]


def test_roles_and_grants_from_the_readme(postgres: pgserver.Databases, tmp_path: Path) -> None:
    server = postgres.server
    roles, grants = readme_sql()
    database = "dialogue_grants"
    for statement in roles:
        server.sql(statement.replace("DATABASE dialogue ", f"DATABASE {database} "))
    open_queue(server.url(database, "dialogue_owner")).close()  # the owner creates the schema
    for statement in grants:
        server.sql(statement.replace("DATABASE dialogue ", f"DATABASE {database} "), database)

    # The intake adds comments, checks rates and duplicates, and reads no email.
    site = make_site(tmp_path / "site", queue_url=server.url(database, "dialogue_intake"))
    intake = start_intake(site)
    try:
        client = unique_client()
        answers = [intake.submit(comment(), as_json=True, client=client) for _ in range(6)]
        assert [a.status for a in answers] == [202] * 5 + [429]
        assert intake.request("GET", "/health").status == 200
    finally:
        stop_intake(intake)
    intake_queue = open_queue(site.queue_url or "")
    with intake_queue, pytest.raises(QueueError, match="lacks a grant"):
        intake_queue.list()  # SELECT * would read emails
    intake_role = psycopg.connect(server.url(database, "dialogue_intake"))
    with intake_role as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE comments SET status = 'approved'")

    # A moderator decides, replies and purges; the audit log only grows.
    anna = {"DIALOGUE_QUEUE": server.url(database, "anna"), "DIALOGUE_MODERATOR": "mod"}
    first = answers[0].json()["id"]
    assert run_cli(site, "approve", first, env=anna).code == 0
    reply = run_cli(site, "reply", first, "--as", "alice", "--body", "Thanks!", env=anna)
    assert reply.code == 0, reply.err
    assert run_cli(site, "reject", answers[1].json()["id"], env=anna).code == 0
    purge = run_cli(site, "purge", "--older-than", "0", env=anna)
    assert purge.code == 0 and "of 1 rejected or spam comment " in purge.out, purge.err
    assert "this role does not own it" in purge.out  # VACUUM FULL is the owner's
    anna_queue = open_queue(server.url(database, "anna"))
    refused = pytest.raises(QueueError, match="permission denied for table audit")
    with anna_queue, refused, anna_queue.transaction() as tx:
        tx.execute("UPDATE audit SET moderator = 'someone else'")
    # Not even the owner changes history: the trigger refuses.
    for statement in ("DELETE FROM audit", "TRUNCATE audit"):
        owner = psycopg.connect(server.url(database, "dialogue_owner"))
        with owner as conn, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute(statement)


def test_processes_starting_at_once_migrate_once(postgres: pgserver.Databases) -> None:
    url = postgres.create(empty=True)
    start = threading.Barrier(6)
    problems: list[BaseException] = []

    def open_one() -> None:
        start.wait()
        try:
            open_queue(url).close()
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    with psycopg.connect(url) as conn:
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
        assert versions == [(len(MIGRATIONS),)]
        # the address salt and the notices' secret, each made once
        assert conn.execute("SELECT count(*) FROM settings").fetchone() == (2,)


@pytest.fixture
def own_cluster() -> Iterator[pgserver.Cluster]:
    """A cluster of this test's own: it is stopped and started under load."""
    with pgserver.cluster() as server:
        yield server


class Load:
    """Comments sent one after another from a few threads, every answer kept."""

    def __init__(self, intake: Intake, threads: int = 4) -> None:
        self.intake = intake
        self.answers: list[tuple[float, int, str, str, str | None]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send) for _ in range(threads)]

    def _send(self) -> None:
        while not self._stop.is_set():
            fields = comment()
            answer = self.intake.submit(fields, as_json=True, client=unique_client())
            comment_id = answer.json().get("id", "") if answer.status == 202 else ""
            with self._lock:
                self.answers.append(
                    (time.monotonic(), answer.status, comment_id, str(fields["body"]),
                     answer.headers.get("Retry-After"))
                )  # fmt: skip
            time.sleep(0.02)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def statuses_since(self, moment: float) -> list[int]:
        with self._lock:
            return [status for at, status, *_ in self.answers if at >= moment]


def _wait_for(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_the_intake_rides_out_a_database_restart_under_load(
    own_cluster: pgserver.Cluster, tmp_path: Path
) -> None:
    own_cluster.sql("CREATE DATABASE queue")
    own_cluster.stop()  # the intake even starts while its database is down
    site = make_site(tmp_path / "site", queue_url=own_cluster.url("queue"))
    intake = start_intake(site)
    try:
        down = intake.submit(comment(), as_json=True, client=unique_client())
        assert (down.status, down.headers.get("Retry-After")) == (503, "5")
        assert intake.request("GET", "/health").status == 503
        own_cluster.start()
        with Load(intake) as load:
            _wait_for(lambda: load.statuses_since(0).count(202) >= 20)
            own_cluster.stop("fast")  # a restart: every connection is cut
            stopped = time.monotonic()
            _wait_for(lambda: 503 in load.statuses_since(stopped))
            time.sleep(1)
            own_cluster.start()
            started = time.monotonic()
            _wait_for(lambda: load.statuses_since(started).count(202) >= 20)
    finally:
        stop_intake(intake)
    statuses = {status for _, status, *_ in load.answers}
    assert statuses == {202, 503}, statuses
    assert {after for _, status, _, _, after in load.answers if status == 503} == {"5"}
    acknowledged = {cid: body for _, status, cid, body, _ in load.answers if status == 202}
    rows = stored(site)
    bodies = [c.body for c in rows]
    assert {c.id for c in rows} >= set(acknowledged)  # nothing acknowledged is lost
    assert len(bodies) == len(set(bodies))  # nothing is stored twice
    assert all(c.body == acknowledged[c.id] for c in rows if c.id in acknowledged)
    print(  # the outcome, for the report (pytest -s)
        f"outage: {len(load.answers)} requests, {len(acknowledged)} answered 202, "
        f"{sum(s == 503 for _, s, *_ in load.answers)} answered 503, {len(rows)} rows, "
        f"{len(rows) - len(acknowledged)} stored but not acknowledged"
    )


def test_a_decision_waits_for_a_concurrent_one(site_pg: Site) -> None:
    """Two moderators approving and rejecting one comment at once: one wins, the other is
    told; the row lock keeps the audit log to one decision."""
    cid = add_comment(site_pg)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str) -> None:
        with open_queue(site_pg.queue_url or "") as q:
            start.wait()
            try:
                q.decide(cid, action, "mod", dt.datetime.now(dt.UTC))
                outcomes.append(action)
            except Exception as exc:
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) in (["WrongStatus", "approve"], ["WrongStatus", "reject"])
    with open_queue(site_pg.queue_url or "") as q:
        assert len(q.audit_log()) == 1


@pytest.fixture
def site_pg(postgres: pgserver.Databases, tmp_path: Path) -> Site:
    return make_site(tmp_path / "site", queue_url=postgres.create())


def test_an_unreachable_or_unreadable_url_is_a_clear_error(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    port = pgserver._free_port()  # nothing listens there
    down = run_cli(site, "list", env={"DIALOGUE_QUEUE": f"postgresql://u:pw1@127.0.0.1:{port}/q"})
    assert down.code == 1 and "Traceback" not in down.err
    assert f"error: postgresql://u@127.0.0.1:{port}/q: connection failed" in down.err
    assert "pw1" not in down.err  # never the password
    bad = run_cli(site, "list", env={"DIALOGUE_QUEUE": "postgresql://u@127.0.0.1/q?colour=red"})
    assert bad.code == 1 and "not a PostgreSQL URL libpq can read" in bad.err


def test_tls_parameters_reach_libpq(site_pg: Site) -> None:
    """sslmode in the URL is libpq's own: the test server has no TLS, so requiring it fails,
    which shows the parameter arrived (README: TLS through libpq's parameters)."""
    url = f"{site_pg.queue_url}?sslmode=require"
    result = run_cli(site_pg, "list", env={"DIALOGUE_QUEUE": url})
    assert result.code == 1 and "server does not support SSL" in result.err
    assert (
        run_cli(site_pg, "list", env={"DIALOGUE_QUEUE": f"{site_pg.queue_url}?sslmode=prefer"}).code
        == 0
    )
