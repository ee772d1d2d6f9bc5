"""No answered comment is lost: not to SIGKILL, not to twenty writers at once."""

from __future__ import annotations

import os
import signal
import stat
import threading

from comment_site import Intake, Site, comment, start_intake, stop_intake, unique_client

from comments_moderation import db, queue


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
    conn = site.connect()
    stored = {c.id: c for c in queue.list_comments(conn)}
    conn.close()
    assert set(ids) <= set(stored)
    assert all(stored[i].status == "pending" for i in ids)


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
    conn = site.connect()
    stored = queue.list_comments(conn)
    conn.close()
    assert len(stored) == 20 * per_thread
    assert sorted(c.id for c in stored) == sorted(i for _, i, _ in results)
    assert sorted(c.body for c in stored) == sorted(b for _, _, b in results)
    assert all(c.status == "pending" for c in stored)


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


def test_queue_file_is_private_wal_and_fully_synchronous(site: Site) -> None:
    conn = site.connect()
    try:
        assert stat.S_IMODE(site.queue_path.stat().st_mode) == 0o600
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
    finally:
        conn.close()
    # Opening again does not migrate again or change the salt.
    again = site.connect()
    first_salt = db.setting(again, "address_salt")
    again.close()
    assert db.setting(site.connect(), "address_salt") == first_salt


def test_a_queue_from_a_newer_dialogue_is_refused_with_advice(site: Site) -> None:
    conn = site.connect()
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    try:
        site.connect()
    except db.QueueError as exc:
        assert "upgrade Dialogue" in str(exc)
    else:
        raise AssertionError("a newer schema must be refused")


def test_status_is_checked_by_the_database(site: Site) -> None:
    import sqlite3

    import pytest

    conn = site.connect()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO comments (id, post, name, body, body_hash, created, status) "
            "VALUES ('X', 'p', 'n', 'b', 'h', 't', 'published')"
        )
    conn.close()
