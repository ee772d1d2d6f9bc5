"""list / show / stats / log / purge, --json everywhere, exit codes, and a terminal that no
comment can take over."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from comment_site import Site, add_comment, audit_entries, run_cli, stored

AS_MOD = {"DIALOGUE_MODERATOR": "mod"}
HOSTILE = "\x1b[2J\x1b[HApproved by admin \u202egnp.exe\u2069 \x9b31m \x07"


def test_list_shows_pending_with_age_post_name_first_line_and_overdue(site: Site) -> None:
    old = add_comment(site, name="Olga Old", body="First line here\nsecond line", hours_ago=30)
    new = add_comment(site, "bob-post", name="Nina New")
    result = run_cli(site, "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "AGE", "POST", "NAME", "COMMENT", "STATUS", "NOTE"]
    [old_line] = [line for line in lines if line.startswith(old)]
    assert "30h" in old_line and "open-post" in old_line and "Olga Old" in old_line
    assert "First line here" in old_line and "second line" not in old_line
    assert "pending OVERDUE" in old_line
    [new_line] = [line for line in lines if line.startswith(new)]
    assert "OVERDUE" not in new_line
    assert "2 comments, 1 overdue (pending > 24 h)" in result.out


def test_list_filters(site: Site) -> None:
    mine = add_comment(site, "open-post", hours_ago=48)
    shared = add_comment(site, "shared-post")
    bobs = add_comment(site, "bob-post")
    rejected = add_comment(site, "bob-post")
    run_cli(site, "reject", rejected, env=AS_MOD)

    def ids(*argv: str, env: dict[str, str] | None = None) -> set[str]:
        result = run_cli(site, "list", "--json", *argv, env=env)
        assert result.code == 0, result.err
        return {c["id"] for c in result.json()}

    assert ids() == {mine, shared, bobs}
    assert ids("--mine", env={"DIALOGUE_MODERATOR": "alice"}) == {mine, shared}
    assert ids("--mine", env={"DIALOGUE_MODERATOR": "carol"}) == set()
    assert ids("--mine", env=AS_MOD) == {mine, shared, bobs}
    assert ids("--author", "bob") == {shared, bobs}
    assert ids("--post", "bob-post", "--status", "all") == {bobs, rejected}
    assert ids("--status", "rejected") == {rejected}
    assert ids("--overdue") == {mine}
    assert run_cli(site, "list", "--author", "ghost").code == 2
    assert run_cli(site, "list", "--mine", "--author", "bob").code == 2
    assert run_cli(site, "list", "--status", "weird").code == 2


def test_list_json_has_the_spec_keys(site: Site) -> None:
    cid = add_comment(site, website="https://example.org/", hours_ago=25)
    [item] = run_cli(site, "list", "--json").json()
    for key in (
        "id",
        "post",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "created",
        "status",
        "overdue",
    ):
        assert key in item
    assert item["id"] == cid and item["overdue"] is True and item["email"] == "eve@example.com"
    assert dt.datetime.fromisoformat(item["created"]).tzinfo is not None


def test_no_raw_control_or_bidi_character_reaches_the_terminal(site: Site) -> None:
    # Validation refuses these; the printing must hold even for a row that got in otherwise.
    cid = add_comment(site, name=HOSTILE, body=f"line one {HOSTILE}\nline two", website=HOSTILE)
    run_cli(site, "reject", cid, "--reason", HOSTILE, env=AS_MOD)
    outputs = [
        run_cli(site, "list", "--status", "all"),
        run_cli(site, "list", "--status", "all", "--json"),
        run_cli(site, "show", cid),
        run_cli(site, "show", cid, "--json"),
        run_cli(site, "log"),
        run_cli(site, "log", "--json"),
    ]
    for result in outputs:
        text = result.out + result.err
        assert result.code == 0
        bad = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
        assert not bad, (bad, text)
        assert "\u202e" not in text and "\u2069" not in text
    assert "\\x1b[2J" in outputs[2].out and "\\u202e" in outputs[2].out
    # JSON escapes still decode to the exact stored value.
    assert outputs[1].json()[0]["name"] == HOSTILE
    assert outputs[3].json()["audit"][0]["reason"] == HOSTILE


def test_show_details_and_prefixes(site: Site) -> None:
    cid = add_comment(site, body="Body text\n\n    indented code")
    result = run_cli(site, "show", cid[:14].lower())
    assert result.code == 0
    assert f"id:          {cid}" in result.out
    assert "email:       eve@example.com" in result.out
    assert "Mozilla/5.0 (test)" in result.out
    assert "        indented code" in result.out
    assert run_cli(site, "show", f"comment-{cid}").code == 0
    assert run_cli(site, "show", "01").code in (0, 1)
    add_comment(site)
    ambiguous = run_cli(site, "show", "0")
    assert ambiguous.code == 1 and "comments start so: type more of the id" in ambiguous.err
    unknown = run_cli(site, "show", "not-an-id")
    assert unknown.code == 1 and "no such comment" in unknown.err


def test_stats(site: Site) -> None:
    slow = add_comment(site, hours_ago=50)
    add_comment(site, "bob-post", hours_ago=30)
    add_comment(site, "bob-post")
    run_cli(site, "approve", slow, env=AS_MOD)
    run_cli(site, "reply", slow, "--as", "alice", "--body", "Thanks")
    data = run_cli(site, "stats", "--json").json()
    assert (data["pending"], data["overdue"], data["approved"], data["staff_replies"]) == (
        2,
        1,
        1,
        1,
    )
    assert data["oldest_pending"]["post"] == "bob-post"
    assert 49 * 3600 < data["median_decision_seconds"] < 51 * 3600
    assert 49 * 3600 < data["median_first_reply_seconds"] < 51 * 3600
    assert data["posts"]["bob-post"]["pending"] == 2
    assert data["authors"]["bob"]["overdue"] == 1 and data["authors"]["alice"]["approved"] == 1
    text = run_cli(site, "stats")
    assert text.code == 0 and "pending:  2  (overdue: 1, SLA 24 h)" in text.out
    assert "median time to decision:" in text.out and "bob-post" in text.out


def test_log_and_since(site: Site) -> None:
    first = add_comment(site)
    run_cli(site, "reject", first, "--reason", "rude", env=AS_MOD)
    result = run_cli(site, "log")
    assert result.code == 0
    assert (
        "mod" in result.out
        and "reject" in result.out
        and "rude" in result.out
        and first in result.out
    )
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert run_cli(site, "log", "--since", tomorrow, "--json").json() == []
    assert run_cli(site, "log", "--since", "yesterday").code == 2


def test_purge_erases_personal_data_of_old_rejected_and_spam(site: Site) -> None:
    old_rejected = add_comment(site, hours_ago=24 * 40)
    old_spam = add_comment(site, hours_ago=24 * 40, spam_reasons=("honeypot field filled",))
    old_pending = add_comment(site, hours_ago=24 * 40)
    recent_rejected = add_comment(site)
    for cid in (old_rejected, recent_rejected):
        run_cli(site, "reject", cid, env=AS_MOD)
    refused = run_cli(site, "purge", "--older-than", "30", env={"DIALOGUE_MODERATOR": "alice"})
    assert refused.code == 1 and "only comments.moderators (mod) may" in refused.err
    result = run_cli(site, "purge", "--older-than", "30", env=AS_MOD)
    assert result.code == 0 and "of 2 rejected or spam comments" in result.out
    rows = {c.id: c for c in stored(site)}
    log = [(e.comment, e.action) for e in audit_entries(site)]
    for cid in (old_rejected, old_spam):
        assert (rows[cid].email, rows[cid].client_hash, rows[cid].user_agent) == (None, None, None)
        assert rows[cid].purged is not None and (cid, "purge") in log
    for cid in (old_pending, recent_rejected):
        assert rows[cid].email == "eve@example.com" and rows[cid].client_hash
    assert run_cli(site, "purge", "--older-than", "-3", env=AS_MOD).code == 2


def test_usage_errors_exit_2(site: Site) -> None:
    assert run_cli(site).code == 2
    assert run_cli(site, "approve").code == 2
    assert run_cli(site, "reply", "X", "--as", "alice").code == 2  # neither --body nor --file


def test_broken_site_yaml_is_exit_1_with_the_line(site: Site) -> None:
    (site.root / "site.yaml").write_text("title: x\nbase_url: https://x.example/\nbogus: 1\n")
    result = run_cli(site, "list")
    assert result.code == 1 and "site.yaml:3: unknown key 'bogus'" in result.err


def test_runs_as_a_module(site: Site) -> None:
    add_comment(site)
    done = subprocess.run(
        [sys.executable, "-m", "comments_moderation.cli", "comments", "list", "--json"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"status": "pending"' in done.stdout
