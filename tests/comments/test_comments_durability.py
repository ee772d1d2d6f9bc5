"""No answered comment is lost: not to SIGKILL, not to twenty writers at once; and what the
database itself enforces (statuses, the append-only audit log, the schema version)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from comment_site import (
    Intake,
    Site,
    add_comment,
    audit_entries,
    comment,
    run_cli,
    start_intake,
    stop_intake,
    stored,
    unique_client,
)

from comments_moderation.queue import QueueError

REPO = Path(__file__).resolve().parents[2]

REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError, psycopg.errors.RaiseException)


def test_answered_comment_survives_sigkill_right_after_the_answer(site: Site) -> None:
    server = start_intake(site)
    try:
        ids = []
        for _ in range(3):
            answer = server.submit(comment(), as_json=True, client=unique_client())
            assert answer.status == 202
            ids.append(answer.json()["id"])
        os.kill(server.process.pid, signal.SIGKILL)  # no shutdown, no cleanup, no checkpoint
        server.process.wait(timeout=10)
        assert server.process.returncode == -signal.SIGKILL
    finally:
        stop_intake(server)
    rows = {c.id: c for c in stored(site)}
    assert set(ids) <= set(rows)
    assert all(rows[i].status == "pending" for i in ids)


def test_twenty_concurrent_submitters_lose_and_duplicate_nothing(
    fresh_intake: Intake, site: Site
) -> None:
    per_thread = 5
    results: list[tuple[int, str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def submitter(n: int) -> None:
        client = f"192.0.2.{n + 1}"
        start.wait()
        for i in range(per_thread):
            fields = comment(body=f"writer {n} comment {i}")
            answer = fresh_intake.submit(fields, as_json=True, client=client)
            with lock:
                results.append((answer.status, answer.json().get("id", ""), fields["body"]))

    threads = [threading.Thread(target=submitter, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 20 * per_thread
    assert {status for status, _, _ in results} == {202}
    rows = stored(site)
    assert len(rows) == 20 * per_thread
    assert sorted(c.id for c in rows) == sorted(i for _, i, _ in results)
    assert sorted(c.body for c in rows) == sorted(b for _, _, b in results)
    assert all(c.status == "pending" for c in rows)


def test_concurrent_burst_from_one_address_respects_the_rate_limit(
    fresh_intake: Intake, site: Site
) -> None:
    statuses: list[int] = []
    start = threading.Barrier(12)

    def send() -> None:
        start.wait()
        answer = fresh_intake.submit(comment(), as_json=True, client="198.51.100.7")
        statuses.append(answer.status)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [202] * 5 + [429] * 7


def test_a_queue_from_a_newer_dialogue_is_refused_with_advice(site: Site) -> None:
    with site.connect() as q, q.transaction() as tx:
        if site.backend == "sqlite":
            tx.execute("PRAGMA user_version = 99")
        else:
            tx.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(QueueError, match="upgrade Dialogue"):
        site.connect().list()


def test_status_is_checked_by_the_database(site: Site) -> None:
    with site.connect() as q, pytest.raises(REFUSED), q.transaction() as tx:
        tx.execute(
            "INSERT INTO comments (id, post, name, body, body_hash, created, status) "
            "VALUES ('X', 'p', 'n', 'b', 'h', ?, 'published')",
            (dt.datetime.now(dt.UTC),),
        )


def test_the_audit_log_is_append_only_in_the_database(site: Site) -> None:
    cid = add_comment(site)
    with site.connect() as q:
        q.decide(cid, "approve", "mod", dt.datetime.now(dt.UTC))
        for statement in ("UPDATE audit SET moderator = 'someone else'", "DELETE FROM audit"):
            with pytest.raises(REFUSED, match="append-only"), q.transaction() as tx:
                tx.execute(statement)
        assert [(e.comment, e.moderator) for e in q.audit_log()] == [(cid, "mod")]


def test_a_decision_and_its_audit_row_commit_together(site: Site) -> None:
    """When the audit row can't be written, the decision is rolled back with it."""
    cid = add_comment(site)
    with site.connect() as q:
        with pytest.raises(REFUSED):
            q.decide(cid, "approve", None, dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
        assert q.get(cid).status == "pending" and q.audit_log() == []


def test_two_intake_processes_on_one_queue_lose_and_duplicate_nothing(site: Site) -> None:
    """200 comments spread over two intake processes at once (the small version of the load
    benchmark in benchmarks/intake_load.py): rows counted against answers."""
    servers = [start_intake(site), start_intake(site)]
    answers: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def send(worker: int) -> None:
        for n in range(25):
            fields = comment(body=f"load {worker}-{n}")
            server = servers[(worker + n) % 2]
            answer = server.submit(fields, as_json=True, client=unique_client())
            with lock:
                answers.append((answer.status, answer.json().get("id", ""), fields["body"]))

    try:
        threads = [threading.Thread(target=send, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for server in servers:
            stop_intake(server)
    assert len(answers) == 200 and {status for status, _, _ in answers} == {202}
    rows = stored(site)
    assert sorted(c.id for c in rows) == sorted(cid for _, cid, _ in answers)  # 0 lost
    assert len({c.body for c in rows}) == len(rows) == 200  # 0 duplicated


def test_approve_killed_mid_way_loses_and_duplicates_nothing(site: Site) -> None:
    ids = [add_comment(site) for _ in range(100)]
    process = subprocess.Popen(
        [sys.executable, "-m", "comments_moderation.cli", "comments", "approve", *ids],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1",
             "DIALOGUE_MODERATOR": "mod"},
    )  # fmt: skip
    assert process.stdout is not None
    done = [process.stdout.readline() for _ in range(5)]
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()  # type: ignore[union-attr]
    assert all(": approved ->" in line for line in done)
    approved = {c.id for c in stored(site, "approved")}
    assert 5 <= len(approved) < 100  # it was killed mid-way
    # Running it again finishes the job; what was approved says so and keeps its one decision.
    again = run_cli(site, "approve", *ids, env={"DIALOGUE_MODERATOR": "mod"})
    assert again.code == 0, again.err
    assert again.out.count("already approved") == len(approved)
    rows = stored(site)
    assert {c.status for c in rows} == {"approved"} and len(rows) == 100
    assert sorted(p.stem for p in site.comment_files()) == sorted(ids)
    approvals = [e.comment for e in audit_entries(site) if e.action == "approve"]
    assert sorted(approvals) == sorted(ids)  # one audit row each: nothing decided twice


def test_the_rate_limit_holds_across_intake_processes(site: Site) -> None:
    """Twelve comments from one address at once, alternating between two intake processes:
    the limit (5 a minute) is counted in the queue, so it holds for both together."""
    servers = [start_intake(site), start_intake(site)]
    statuses: list[int] = []
    start = threading.Barrier(12)

    def send(n: int) -> None:
        start.wait()
        answer = servers[n % 2].submit(comment(), as_json=True, client="198.51.100.77")
        statuses.append(answer.status)

    try:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for server in servers:
            stop_intake(server)
    assert sorted(statuses) == [202] * 5 + [429] * 7
