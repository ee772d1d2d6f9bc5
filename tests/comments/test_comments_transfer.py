"""Moderation from anywhere: DIALOGUE_QUEUE points any checkout at the queue, `publish` writes
what a checkout lacks, `migrate` moves a queue to the other backend with ids and times kept."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from comment_site import Site, add_comment, audit_entries, run_cli, stored

from comments_moderation.notices.outbox import set_opt_out
from comments_moderation.queue import open_queue

AS_MOD = {"DIALOGUE_MODERATOR": "mod"}


@pytest.fixture
def other_queue(site: Site, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty queue of the other backend: PostgreSQL for an SQLite site and vice versa."""
    if site.backend == "postgresql":
        yield str(tmp_path / "moved" / "comments.sqlite3")
        return
    yield request.getfixturevalue("postgres").create(empty=True)


def checkout_of(site: Site, folder: Path) -> Site:
    """Another moderator's checkout: the same content, no comment files, no queue file."""
    shutil.copytree(site.root, folder, ignore=shutil.ignore_patterns(".dialogue", "comments"))
    return Site(folder)


def test_dialogue_queue_overrides_site_yaml(site: Site, tmp_path: Path) -> None:
    cid = add_comment(site)
    elsewhere = checkout_of(site, tmp_path / "laptop")
    location = site.queue_url or str(site.queue_path)
    result = run_cli(elsewhere, "list", "--json", env={"DIALOGUE_QUEUE": location})
    assert result.code == 0, result.err
    assert [c["id"] for c in result.json()] == [cid]
    approve = run_cli(elsewhere, "approve", cid, env={"DIALOGUE_QUEUE": location, **AS_MOD})
    assert approve.code == 0, approve.err
    assert [p.stem for p in elsewhere.comment_files()] == [cid]  # written into that checkout
    assert [c.status for c in stored(site)] == ["approved"]
    # No local queue was made on the way (.dialogue/tmp/, where comment files are written
    # before they are renamed into content/, is left empty).
    assert [p for p in (elsewhere.root / ".dialogue").rglob("*") if not p.is_dir()] == []


def test_publish_writes_what_a_checkout_lacks_and_is_idempotent(site: Site, tmp_path: Path) -> None:
    ids = [add_comment(site) for _ in range(3)]
    for cid in ids[:2]:
        assert run_cli(site, "approve", cid, env=AS_MOD).code == 0
    fresh = checkout_of(site, tmp_path / "ci")
    env = {"DIALOGUE_QUEUE": site.queue_url or str(site.queue_path)}
    first = run_cli(fresh, "publish", env=env)
    assert first.code == 0, first.err
    assert "2 written, 0 removed" in first.out
    assert sorted(p.stem for p in fresh.comment_files()) == sorted(ids[:2])
    assert [p.read_bytes() for p in fresh.comment_files()] == [
        p.read_bytes() for p in site.comment_files()
    ]
    second = run_cli(fresh, "publish", env=env)
    assert second.code == 0 and "0 written, 0 removed" in second.out


def test_migrate_copies_comments_decisions_and_audit_with_ids_and_times(
    site: Site, other_queue: str
) -> None:
    pending = add_comment(site, hours_ago=5)
    approved = add_comment(site, hours_ago=4)
    rejected = add_comment(site, hours_ago=3, spam_reasons=("honeypot field filled",))
    assert run_cli(site, "approve", approved, env=AS_MOD).code == 0
    assert run_cli(site, "reject", rejected, "--reason", "rude", env=AS_MOD).code == 0
    run_cli(site, "reply", approved, "--as", "alice", "--body", "Thanks!")
    before, log = stored(site), audit_entries(site)
    with site.connect() as q:
        salt, secret = q.salt(), q.setting("notice_secret")
        set_opt_out(q, "author:alice", True, dt.datetime.now(dt.UTC))  # "stop" in a mail
        events = [(e["kind"], e["comment"]) for e in q.rows("notice_events", "seq")]
    assert events  # the readers' new comments, not yet sent on by any notify round

    result = run_cli(site, "migrate", "--to", other_queue)
    assert result.code == 0, result.err
    assert "4 comments copied (0 already there), 3 audit entries copied" in result.out
    with open_queue(other_queue) as target:
        assert target.list() == before  # every field, ids and times included
        assert target.audit_log() == log  # with their numbers
        assert target.salt() == salt  # address hashes stay comparable: the rate limit holds
        assert target.get(pending).status == "pending"
        # Nobody's notice is lost, whoever said stop stays stopped, mailed links still work.
        assert [(e["kind"], e["comment"]) for e in target.rows("notice_events", "seq")] == events
        assert [o["subject"] for o in target.rows("notice_optouts", "subject")] == ["author:alice"]
        assert target.setting("notice_secret") == secret
    assert f"notices: {len(events)} events not yet sent on, 1 opt-outs" in result.out

    again = run_cli(site, "migrate", "--to", other_queue)
    assert again.code == 0
    assert "0 comments copied (4 already there), 0 audit entries copied (3 already" in again.out
    assert "notices: 0 events not yet sent on, 0 opt-outs" in again.out
    # The old queue took one more comment meanwhile: a second run brings just that over.
    late = add_comment(site)
    third = run_cli(site, "migrate", "--to", other_queue)
    assert "1 comments copied (4 already there)" in third.out
    with open_queue(other_queue) as target:
        assert [c.id for c in target.list()] == [c.id for c in stored(site)]
        assert late in {c.id for c in target.list()}
        # The new queue goes on numbering its audit log after the copied entries.
        target.decide(late, "approve", "mod", dt.datetime.now(dt.UTC))
        assert [e.seq for e in target.audit_log()] == [*(e.seq for e in log), log[-1].seq + 1]


def test_migrate_into_the_same_queue_is_refused(site: Site) -> None:
    location = site.queue_url or str(site.queue_path)
    result = run_cli(site, "migrate", "--to", location)
    assert result.code == 2 and "already uses" in result.err
