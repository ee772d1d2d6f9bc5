"""approve / reject / spam / reply / delete: permissions, messages per id, the audit log in
the same transaction, files in content/comments/, and the crash between queue and file."""

from __future__ import annotations

import subprocess

from comment_site import Site, add_comment, audit_entries, run_cli, stored

from comments_moderation.queue import QueuedComment
from generator.content.comments import dump_comment, read_comment
from generator.diagnostics import Diagnostics

AS_MOD = {"DIALOGUE_MODERATOR": "mod"}


def row(site: Site, comment_id: str) -> QueuedComment:
    with site.connect() as q:
        return q.get(comment_id)


def audit(site: Site) -> list[tuple[str, str, str, str | None]]:
    return [(e.comment, e.action, e.moderator, e.reason) for e in audit_entries(site)]


def file_of(site: Site, post: str, comment_id: str):  # type: ignore[no-untyped-def]
    return site.root / "content" / "comments" / post / f"{comment_id}.yaml"


def test_approve_writes_exactly_the_spec_file(site: Site) -> None:
    cid = add_comment(
        site, name="Barbara S.", website="https://example.org/", body="Markdown text.\n\nMore."
    )
    result = run_cli(site, "approve", cid, "--by", "alice")
    assert result.code == 0, result.err
    assert f"content/comments/open-post/{cid}.yaml" in result.out
    approved = row(site, cid)
    assert approved.created.tzinfo is not None and approved.approved is not None
    berlin = site_tz(site)
    expected = (
        f"id: {cid}\n"
        "post: open-post\n"
        "parent: null\n"
        "name: Barbara S.\n"
        "website: https://example.org/\n"
        f"created: {approved.created.astimezone(berlin).isoformat(timespec='seconds')}\n"
        f"approved: {approved.approved.astimezone(berlin).isoformat(timespec='seconds')}\n"
        "approved_by: alice\n"
        "staff: null\n"
        "body: |-\n"
        "  Markdown text.\n"
        "\n"
        "  More.\n"
    )
    path = file_of(site, "open-post", cid)
    assert path.read_text(encoding="utf-8") == expected
    loaded = read_comment(path, Diagnostics(site.root))
    assert loaded is not None and loaded.body == "Markdown text.\n\nMore."
    assert "eve@example.com" not in path.read_text()
    assert site.comment_files() == [path]
    assert audit(site) == [(cid, "approve", "alice", None)]


def site_tz(site: Site):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")  # the default timezone: the test site sets none


def test_a_post_author_may_not_moderate_other_posts(site: Site) -> None:
    cid = add_comment(site, "bob-post")
    result = run_cli(site, "approve", cid, "--by", "alice")
    assert result.code == 1
    assert "alice may not moderate comments on 'bob-post'" in result.err
    assert "its authors (bob) and the moderators (mod) may" in result.err
    assert row(site, cid).status == "pending"
    assert site.comment_files() == [] and audit(site) == []


def test_co_authors_and_moderators_may(site: Site) -> None:
    shared = add_comment(site, "shared-post")
    other = add_comment(site, "bob-post")
    assert run_cli(site, "approve", shared, "--by", "bob").code == 0
    assert run_cli(site, "reject", other, "--by", "mod").code == 0
    assert row(site, other).status == "rejected"


def test_outsider_is_refused_everywhere(site: Site) -> None:
    cid = add_comment(site)
    for command in (["approve", cid], ["reject", cid], ["spam", cid]):
        result = run_cli(site, *command, "--by", "carol")
        assert result.code == 1 and "carol may not moderate" in result.err
    assert run_cli(site, "reply", cid, "--as", "carol", "--body", "Hi").code == 1
    assert row(site, cid).status == "pending" and audit(site) == []


def test_several_ids_each_get_a_line_and_exit_1_if_any_failed(site: Site) -> None:
    good = add_comment(site)
    forbidden = add_comment(site, "bob-post")
    result = run_cli(
        site, "approve", good, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", forbidden, "--by", "alice"
    )
    assert result.code == 1
    assert f"{good}: approved" in result.out
    assert "01ZZZZZZZZZZZZZZZZZZZZZZZZ: no such comment" in result.err
    assert f"{forbidden}: alice may not moderate" in result.err
    assert row(site, good).status == "approved"


def test_reject_with_reason_and_spam_are_logged(site: Site) -> None:
    first, second = add_comment(site), add_comment(site)
    assert run_cli(site, "reject", first, "--reason", "off topic", env=AS_MOD).code == 0
    assert run_cli(site, "spam", second, env=AS_MOD).code == 0
    assert (row(site, first).status, row(site, first).reason) == ("rejected", "off topic")
    assert row(site, second).status == "spam"
    assert audit(site) == [(first, "reject", "mod", "off topic"), (second, "spam", "mod", None)]
    assert site.comment_files() == []


def test_already_decided_is_a_clear_failure(site: Site) -> None:
    cid = add_comment(site)
    run_cli(site, "reject", cid, env=AS_MOD)
    result = run_cli(site, "approve", cid, env=AS_MOD)
    assert result.code == 1
    assert f"{cid}: already rejected by mod" in result.err
    approved = add_comment(site)
    run_cli(site, "approve", approved, env=AS_MOD)
    result = run_cli(site, "reject", approved, env=AS_MOD)
    assert result.code == 1 and "dialogue comments delete" in result.err


def test_spam_can_be_rescued(site: Site) -> None:
    cid = add_comment(site, spam_reasons=("honeypot field filled",))
    assert row(site, cid).status == "spam"
    assert run_cli(site, "approve", cid, env=AS_MOD).code == 0
    assert file_of(site, "open-post", cid).exists()


def test_reply_is_a_staff_answer_approved_at_once(site: Site) -> None:
    parent = add_comment(site, "shared-post")
    result = run_cli(
        site, "reply", parent[:12].lower(), "--as", "bob", "--body", "Thanks, **Eve**!"
    )
    assert result.code == 0, result.err
    files = site.comment_files()
    assert len(files) == 2  # the pending parent is approved with its answer
    reply = next(f for f in files if f.stem != parent)
    loaded = read_comment(reply, Diagnostics(site.root))
    assert loaded is not None
    assert (loaded.parent, loaded.staff, loaded.name, loaded.approved_by) == (
        parent,
        "bob",
        "Bob Builder",
        "bob",
    )
    assert loaded.body == "Thanks, **Eve**!"
    assert [(a, m) for _, a, m, _ in audit(site)] == [("approve", "bob"), ("reply", "bob")]


def test_reply_from_a_file_and_to_a_rejected_comment(site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    parent = add_comment(site)
    answer = tmp_path / "answer.md"
    answer.write_text("An answer\nwith two lines.\n", encoding="utf-8")
    assert run_cli(site, "reply", parent, "--as", "alice", "--file", str(answer)).code == 0
    rejected = add_comment(site)
    run_cli(site, "reject", rejected, env=AS_MOD)
    result = run_cli(site, "reply", rejected, "--as", "alice", "--body", "Hi")
    assert result.code == 1 and "approve it first" in result.err
    assert run_cli(site, "reply", parent, "--as", "ghost", "--body", "Hi").code == 2


def test_delete_unpublishes_and_keeps_the_audit_entry(site: Site) -> None:
    cid = add_comment(site)
    run_cli(site, "approve", cid, env=AS_MOD)
    path = file_of(site, "open-post", cid)
    assert path.exists()
    result = run_cli(site, "delete", cid, env=AS_MOD)
    assert result.code == 0, result.err
    assert not path.exists() and not path.parent.exists()
    assert [a for _, a, _, _ in audit(site)] == ["approve", "delete"]
    assert run_cli(site, "delete", cid, env=AS_MOD).code == 1  # not published any more


def test_crash_between_queue_and_file_is_repaired(site: Site) -> None:
    import datetime as dt

    cid = add_comment(site)
    with site.connect() as q:
        # The decision is committed, then the process dies before writing the file.
        decided = q.decide(cid, "approve", "mod", dt.datetime.now(dt.UTC))
    path = file_of(site, "open-post", cid)
    assert not path.exists()
    result = run_cli(site, "list", env=AS_MOD)
    if site.backend == "sqlite":  # the queue of this checkout: repaired at once
        assert f"repair: restored content/comments/open-post/{cid}.yaml" in result.err
    else:  # a shared queue: the file may be on its way through git; publish writes it
        assert "1 approved comment not in this checkout" in result.err and not path.exists()
        result = run_cli(site, "publish")
        assert f"restored content/comments/open-post/{cid}.yaml" in result.out
    from comments_moderation.publish import comment_file
    from generator.config import load_config

    config = load_config(site.root, Diagnostics(site.root))
    assert config is not None
    assert path.read_text(encoding="utf-8") == dump_comment(comment_file(decided, config))
    # Approving again also brings a lost file back, and says so.
    path.unlink()
    again = run_cli(site, "approve", cid, env=AS_MOD)
    assert again.code == 0 and path.exists()


def test_crash_during_delete_is_repaired(site: Site) -> None:
    import datetime as dt

    cid = add_comment(site)
    run_cli(site, "approve", cid, env=AS_MOD)
    with site.connect() as q:
        q.decide(cid, "delete", "mod", dt.datetime.now(dt.UTC))
    assert file_of(site, "open-post", cid).exists()
    result = run_cli(site, "list" if site.backend == "sqlite" else "publish", env=AS_MOD)
    assert "removed content/comments/open-post" in result.out + result.err
    assert not file_of(site, "open-post", cid).exists()


def test_moderator_from_git_email(site: Site) -> None:
    cid = add_comment(site)
    subprocess.run(["git", "init", "-q", str(site.root)], check=True)
    subprocess.run(
        ["git", "-C", str(site.root), "config", "user.email", "ALICE@example.com"], check=True
    )
    assert run_cli(site, "approve", cid).code == 0
    assert audit(site)[0][2] == "alice"


def test_unknown_moderator_is_a_usage_error_with_advice(site: Site) -> None:
    cid = add_comment(site)
    result = run_cli(site, "approve", cid)  # no --by, no env, no git email
    assert result.code == 2
    assert "pass --by AUTHOR_ID, set DIALOGUE_MODERATOR" in result.err
    result = run_cli(site, "approve", cid, "--by", "ghost")
    assert result.code == 2 and "add content/authors/ghost.yaml" in result.err
    result = run_cli(site, "approve", cid, env={"DIALOGUE_MODERATOR": "nobody"})
    assert result.code == 2 and "DIALOGUE_MODERATOR names 'nobody'" in result.err
    assert row(site, cid).status == "pending"


def test_no_email_or_address_reaches_content(site: Site) -> None:
    ids = [
        add_comment(site, email=f"reader{n}@private.example", website="https://site.example/")
        for n in range(30)
    ]
    assert run_cli(site, "approve", *ids, env=AS_MOD).code == 0
    run_cli(site, "reply", ids[0], "--as", "alice", "--body", "Thanks!")
    hashes = {c.client_hash for c in stored(site) if c.client_hash}
    texts = "".join(p.read_text(encoding="utf-8") for p in site.comment_files())
    assert len(site.comment_files()) == 31
    assert "private.example" not in texts and "@" not in texts and "203.0.113" not in texts
    assert not any(h in texts for h in hashes)
    assert "Mozilla" not in texts
