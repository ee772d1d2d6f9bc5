"""Notices end to end: comments through the real intake, the real notify command, a real SMTP
server and a real webhook receiver; on both queue backends.

What is asserted is what arrives: recipients, language, the digest, the escalation order, the
commenter's one message, and that no message to staff carries a commenter's address.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from comment_site import Intake, Site, comment, run_cli, start_intake, stop_intake, stored
from notice_site import SALES_POST, at, configure, notify, sending_log
from receivers import Mailbox, Webhooks

READER = "eve.reader@example.org"
AS_MOD = {"DIALOGUE_MODERATOR": "mod"}


@pytest.fixture
def noticed(site: Site, mail: Mailbox, hooks: Webhooks) -> Iterator[tuple[Site, Intake]]:
    """A site with notices on, and its intake (started after site.yaml says so)."""
    configure(site, mail.port, hooks.url())
    server = start_intake(site)
    yield site, server
    stop_intake(server)


def send(intake: Intake, client: str, **fields: object) -> str:
    answer = intake.submit(comment(email=READER, **fields), as_json=True, client=client)
    assert answer.status == 202, answer.body
    return str(answer.json()["id"])


def assert_no_reader_address(box: Mailbox, hooks: Webhooks | None = None) -> None:
    for mail in box.received:
        if READER not in mail.recipients:
            assert READER.encode() not in mail.raw, mail.subject
    for post in hooks.received if hooks else []:
        assert READER not in str(post["json"])


def test_post_authors_hear_of_a_new_comment_once_the_digest_window_closes(
    noticed: tuple[Site, Intake], mail: Mailbox, hooks: Webhooks
) -> None:
    site, intake = noticed
    cid = send(intake, "10.1.0.1", post="shared-post", body="Which pump model do you use?")
    assert notify(site, at(minutes=1)).code == 0
    assert mail.received == []  # within digest_minutes: it waits for more
    assert len(hooks.received) == 1  # a chat hears at once
    result = notify(site, at(minutes=11))
    assert result.code == 0, result.err
    by = mail.by_recipient()
    assert sorted(by) == ["alice@example.com", "bob@example.com"]  # the post's two authors
    message = by["alice@example.com"][0]
    assert message.subject == "New comment on “Post shared-post”"
    assert message.message["From"] == "Test Blog <dialog@blog.example.com>"
    assert message.message["To"] == "Alice Autor <alice@example.com>"
    assert message.message["Content-Language"] == "en"
    assert message.message["Auto-Submitted"] == "auto-generated"
    # the raw header: a folded one would be an encoded word that mail programs can't use
    assert b"\nList-Unsubscribe: <https://blog.example.com/comments/unsubscribe?t=" in message.raw
    body = message.raw.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in message.raw else message.raw
    assert max(len(line) for line in body.splitlines()) <= 76  # quoted-printable's limit
    unsubscribe = str(message.message["List-Unsubscribe"])
    assert unsubscribe.startswith("<https://blog.example.com/comments/unsubscribe?t=")
    assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.text
    assert "Eve Example commented on “Post shared-post”" in text
    assert "> Which pump model do you use?" in text
    assert f"    dialogue comments show {cid}" in text
    assert "https://blog.example.com/2026/10/shared-post/" in text
    assert_no_reader_address(mail, hooks)
    chat = hooks.received[0]["json"]["text"]
    assert "Eve Example commented on “Post shared-post”" in chat and cid in chat
    assert notify(site, at(minutes=20)).code == 0
    assert len(mail.received) == 2 and len(hooks.received) == 1  # nothing twice
    log = sending_log(site)
    assert sorted((e["recipient"], e["state"]) for e in log if e["channel"] == "email") == [
        ("author:alice", "sent"),
        ("author:bob", "sent"),
    ]
    assert all(READER not in str(entry) for entry in log)
    assert "sent: email to alice: New comment" in result.out


def test_notices_to_one_person_within_the_window_come_as_one_digest(
    noticed: tuple[Site, Intake], mail: Mailbox
) -> None:
    site, intake = noticed
    ids = [send(intake, f"10.2.0.{n}", post="open-post", body=f"Question {n}?") for n in range(3)]
    assert notify(site, at(minutes=11)).code == 0
    assert [m.recipients for m in mail.received] == [["alice@example.com"]]
    digest = mail.received[0]
    assert digest.subject == "3 comments waiting on Test Blog"
    for cid in ids:
        assert f"dialogue comments show {cid}" in digest.text
    assert digest.text.index("Question 0?") < digest.text.index("Question 2?")
    assert_no_reader_address(mail)


def test_a_decided_comment_is_not_announced(noticed: tuple[Site, Intake], mail: Mailbox) -> None:
    site, intake = noticed
    cid = send(intake, "10.3.0.1", post="open-post")
    assert run_cli(site, "reject", cid, env=AS_MOD).code == 0
    assert notify(site, at(minutes=11)).code == 0
    assert mail.received == []
    assert [e["state"] for e in sending_log(site) if e["channel"] == "email"] == []


def test_the_commenter_who_asked_hears_once_and_the_address_is_erased(
    noticed: tuple[Site, Intake], mail: Mailbox, hooks: Webhooks
) -> None:
    site, intake = noticed
    form = intake.submit(
        comment(post="open-post", email=READER, notify="on", body="Does it work offline?"),
        client="10.4.0.1",
    )
    assert form.status == 303
    cid = stored(site, post="open-post")[-1].id
    assert stored(site, post="open-post")[-1].notify is True
    assert run_cli(site, "approve", cid, env=AS_MOD).code == 0
    assert notify(site, at(minutes=11)).code == 0
    to_reader = mail.by_recipient()[READER]
    assert len(to_reader) == 1
    told = to_reader[0]
    assert told.subject == "Your comment on “Post open-post” is published"
    assert f"https://blog.example.com/2026/10/open-post/#comment-{cid}" in told.text
    assert told.message["List-Unsubscribe"]
    assert "alice@example.com" not in mail.by_recipient()  # decided before its digest closed
    row = next(c for c in stored(site) if c.id == cid)
    assert (row.email, row.notify) == (None, False)  # the queue forgot the address
    # A staff answer later: the commenter was told once, and nothing is sent again.
    assert run_cli(site, "reply", cid, "--as", "alice", "--body", "Yes, it does.").code == 0
    assert notify(site, at(minutes=30)).code == 0
    assert len(mail.by_recipient()[READER]) == 1
    assert all(READER not in str(entry) for entry in sending_log(site))


def test_a_staff_answer_tells_the_commenter_and_a_rejection_says_nothing(
    noticed: tuple[Site, Intake], mail: Mailbox
) -> None:
    site, intake = noticed
    answered = send(intake, "10.5.0.1", post=SALES_POST, body="Gibt es Rabatt?", notify=True)
    rejected = send(intake, "10.5.0.2", post=SALES_POST, body="Kaufen Sie jetzt!", notify=True)
    assert run_cli(site, "reply", answered, "--as", "bob", "--body", "Ja, 10 %.").code == 0
    assert run_cli(site, "reject", rejected, env=AS_MOD).code == 0
    assert notify(site, at(minutes=11)).code == 0
    to_reader = mail.by_recipient()[READER]
    assert len(to_reader) == 1
    message = to_reader[0]
    assert message.subject == "Ihr Kommentar zu „Neues aus dem Vertrieb“ hat eine Antwort"
    assert message.message["Content-Language"] == "de"
    assert "Bob Builder hat darauf geantwortet" in " ".join(message.text.split())
    assert "> Ja, 10 %." in message.text
    rows = {c.id: c for c in stored(site)}
    assert rows[answered].email is None
    assert rows[rejected].email == READER  # not told, kept until purge like any other


def test_unsubscribe_link_stops_the_mail(noticed: tuple[Site, Intake], mail: Mailbox) -> None:
    site, intake = noticed
    send(intake, "10.6.0.1", post="bob-post")
    assert notify(site, at(minutes=11)).code == 0
    link = str(mail.received[0].message["List-Unsubscribe"]).strip("<>")
    path = link.removeprefix("https://blog.example.com/comments")
    page = intake.request("GET", path)
    assert page.status == 200 and b"Stop the emails" in page.body and b"Bob" not in page.body
    assert "bob" in page.body.decode()
    assert intake.request("GET", path[:-3] + "xyz").status == 400
    one_click = intake.request(
        "POST",
        path,
        body=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status == 200 and b"no more emails" in one_click.body
    send(intake, "10.6.0.2", post="bob-post")
    assert notify(site, at(minutes=30)).code == 0
    assert len(mail.received) == 1
    assert [e["state"] for e in sending_log(site) if e["channel"] == "email"] == [
        "sent",
        "skipped",
    ]
