"""Personal data in the queue: purge erases for real (no copy left in any file of an SQLite
queue, write-ahead log included; none in the table files of a PostgreSQL queue), rejected and
spam comments lose name and text too, and emails of decided comments are kept only for
comments.keep_email_days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from comment_site import Site, add_comment, audit_entries, make_site, run_cli, stored

AS_MOD = {"DIALOGUE_MODERATOR": "mod"}
DAY = dt.timedelta(days=1)


def _decide(site: Site, ids: list[str], action: str, days_ago: float = 0) -> None:
    with site.connect() as q:
        for cid in ids:
            q.decide(cid, action, "mod", dt.datetime.now(dt.UTC) - days_ago * DAY)


def test_purge_erases_everything_personal_of_old_rejected_and_spam(site: Site) -> None:
    old_rejected = add_comment(
        site, hours_ago=24 * 40, name="Rita Rejected", website="https://rita.example/"
    )
    old_spam = add_comment(site, hours_ago=24 * 40, spam_reasons=("honeypot field filled",))
    old_pending = add_comment(site, hours_ago=24 * 40)
    recent_rejected = add_comment(site)
    _decide(site, [old_rejected, recent_rejected], "reject")
    result = run_cli(site, "purge", "--older-than", "30", env=AS_MOD)
    assert result.code == 0, result.err
    assert "of 2 rejected or spam comments older than 30 days" in result.out
    rows = {c.id: c for c in stored(site)}
    log = [(e.comment, e.action) for e in audit_entries(site)]
    for cid in (old_rejected, old_spam):
        c = rows[cid]
        assert (c.name, c.email, c.website, c.body) == ("", None, None, "")
        assert (c.client_hash, c.user_agent) == (None, None)
        assert c.purged is not None and (cid, "purge") in log
    for cid in (old_pending, recent_rejected):
        assert rows[cid].email == "eve@example.com" and rows[cid].client_hash
        assert rows[cid].name == "Eve Example" and rows[cid].body
    shown = run_cli(site, "show", old_rejected, env=AS_MOD)
    assert "personal data erased" in shown.out and "Rita" not in shown.out
    # Purging again finds nothing more and writes no more audit rows.
    again = run_cli(site, "purge", "--older-than", "30", env=AS_MOD)
    assert "of 0 rejected or spam comments" in again.out
    assert len(audit_entries(site)) == len(log)


def test_emails_of_decided_comments_are_kept_keep_email_days(site: Site) -> None:
    site = make_site(site.root, queue_url=site.queue_url, keep_email_days=10)
    old, recent, pending = add_comment(site), add_comment(site), add_comment(site)
    _decide(site, [old], "approve", days_ago=11)
    _decide(site, [recent], "approve", days_ago=9)
    result = run_cli(site, "purge", "--older-than", "30", env=AS_MOD)
    assert result.code == 0, result.err
    assert "of 1 decided comment older than 10 days (comments.keep_email_days)" in result.out
    rows = {c.id: c for c in stored(site)}
    assert (rows[old].email, rows[old].client_hash, rows[old].user_agent) == (None, None, None)
    assert rows[old].status == "approved" and rows[old].name == "Eve Example"
    assert rows[old].body  # a published comment keeps its text: it is in git anyway
    assert rows[recent].email == rows[pending].email == "eve@example.com"


def test_only_moderators_purge(site: Site) -> None:
    refused = run_cli(site, "purge", "--older-than", "30", env={"DIALOGUE_MODERATOR": "alice"})
    assert refused.code == 1 and "only comments.moderators (mod) may" in refused.err
    assert run_cli(site, "purge", "--older-than", "-3", env=AS_MOD).code == 2


def test_keep_email_days_must_not_be_negative(site: Site) -> None:
    site = make_site(site.root, queue_url=site.queue_url, keep_email_days=-1)
    result = run_cli(site, "list")
    assert result.code == 1
    assert "comments.keep_email_days must be 0 or more" in result.err


KEPT = "kept-address@example.org"


def _sqlite_files(site: Site) -> bytes:
    files = sorted(site.queue_path.parent.glob(site.queue_path.name + "*"))
    assert {f.name for f in files} >= {"comments.sqlite3", "comments.sqlite3-wal"}
    assert site.queue_path.with_name("comments.sqlite3-wal").stat().st_size == 0
    return b"".join(f.read_bytes() for f in files)


def _postgresql_table_files(site: Site, request: pytest.FixtureRequest) -> bytes:
    """Every file of the database's own tables, their TOAST tables and indexes."""
    import psycopg

    server = request.getfixturevalue("postgres").server
    database = str(site.queue_url).rsplit("/", 1)[1]
    relations = (
        "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON "
        "n.oid = c.relnamespace WHERE n.nspname IN ('public', 'pg_toast') AND "
        "pg_relation_filepath(c.oid) IS NOT NULL"
    )
    with psycopg.connect(server.url(database), autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # flush the pages, and unlink the files VACUUM FULL replaced
        paths = [Path(server.data, row[0]) for row in conn.execute(relations)]
    return b"".join(p.read_bytes() for p in paths if p.exists())


def test_no_purged_address_is_left_in_the_queue_files(
    site: Site, request: pytest.FixtureRequest
) -> None:
    """The purge check of issue 15: 30 addresses purged, none found in any file of an SQLite
    queue (main file, -wal, -shm) nor in the table files of a PostgreSQL queue (its WAL
    and backups keep them until rotated: README, 'Purge')."""
    addresses = [f"purged{n}@erase-me.example" for n in range(30)]
    add_comment(site, email=KEPT)  # pending: kept, and proves the files are really read
    with site.connect() as reader:  # another connection stays open, as the intake's would
        reader.health()
        ids = [
            add_comment(site, email=a, name=f"Name{n} Purged", hours_ago=24 * 40)
            for n, a in enumerate(addresses)
        ]
        _decide(site, ids, "reject")
        result = run_cli(site, "purge", "--older-than", "30", env=AS_MOD)
        assert result.code == 0 and "of 30 rejected or spam comments" in result.out, result.err
        if site.backend == "sqlite":
            data = _sqlite_files(site)
        else:
            data = _postgresql_table_files(site, request)
    assert KEPT.encode() in data
    assert [a for a in addresses if a.encode() in data] == []
    assert b"Purged" not in data and b"erase-me" not in data
