"""Escalation: a comment pending past sla_hours is announced once to the overdue list, in the
organisation's order (authors, the department's moderators, the central moderators), then
appears in each one's daily digest until it is decided. Time moves by DIALOGUE_NOW."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from comment_site import Site, add_comment, run_cli
from notice_site import SALES_POST, configure, notify, sending_log, started
from receivers import Mailbox, Webhooks

BERLIN = ZoneInfo("Europe/Berlin")  # the test site's time zone (the default)
STAFF = ["bob@example.com", "carol@example.com", "mod@example.com"]


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def next_digest(after: dt.datetime) -> dt.datetime:
    """The first 09:00 in Berlin at or after ``after``."""
    local = after.astimezone(BERLIN)
    nine = local.replace(hour=9, minute=0, second=0, microsecond=0)
    return nine if nine >= local else (nine + dt.timedelta(days=1)).replace(hour=9)


def test_overdue_is_announced_once_in_order_then_daily_until_decided(
    site: Site, mail: Mailbox, hooks: Webhooks
) -> None:
    configure(site, mail.port, hooks.url())
    cid = add_comment(site, SALES_POST, body="Warum dauert die Lieferung so lange?")
    assert notify(site, iso(started() + dt.timedelta(minutes=11))).code == 0
    assert [m.recipients for m in mail.received] == [["bob@example.com"]]  # new: the author
    mail.received.clear()

    overdue_at = started() + dt.timedelta(hours=24, minutes=1)
    assert notify(site, iso(overdue_at)).code == 0  # announced; the chat hears at once
    chats = [h["json"]["text"] for h in hooks.received]
    assert len(chats) == 2 and "länger als die 24 Stunden" in chats[1]
    assert notify(site, iso(overdue_at + dt.timedelta(minutes=11))).code == 0
    assert [m.recipients[0] for m in mail.received] == STAFF  # authors, department, central
    for message in mail.received:
        assert message.subject == (
            "Überfällig: Ein Kommentar zu „Neues aus dem Vertrieb“ wartet seit 24 Stunden"
        )
        told = " ".join(message.text.split())
        assert (
            "Benachrichtigt, in dieser Reihenfolge: die Autoren (Bob Builder); die Moderation "
            "von Vertrieb (Carol Colleague); die zentrale Moderation (Maria Moderator)."
        ) in told
        assert f"dialogue comments show {cid}" in message.text
        assert b"eve@example.com" not in message.raw
    assert notify(site, iso(overdue_at + dt.timedelta(hours=2))).code == 0
    assert len(mail.received) == 3 and len(hooks.received) == 2  # once, not again

    first_digest = next_digest(overdue_at + dt.timedelta(hours=12))
    for day in range(2):
        mail.received.clear()
        instant = first_digest + dt.timedelta(days=day)
        assert notify(site, iso(instant + dt.timedelta(minutes=1))).code == 0
        assert notify(site, iso(instant + dt.timedelta(minutes=11))).code == 0
        assert notify(site, iso(instant + dt.timedelta(hours=3))).code == 0
        assert sorted(m.recipients[0] for m in mail.received) == STAFF  # one each, daily
        assert all(m.subject.startswith("Wartet noch: ein Kommentar zu") for m in mail.received)
    assert len(hooks.received) == 2  # the daily digest is for people, not for the chat

    # carol moderates the sales department, so she may decide its comments
    assert run_cli(site, "approve", cid, env={"DIALOGUE_MODERATOR": "alice"}).code == 1
    assert run_cli(site, "approve", cid, env={"DIALOGUE_MODERATOR": "carol"}).code == 0
    mail.received.clear()
    instant = first_digest + dt.timedelta(days=2)
    assert notify(site, iso(instant + dt.timedelta(minutes=1))).code == 0
    assert notify(site, iso(instant + dt.timedelta(minutes=11))).code == 0
    assert mail.received == []  # decided: no more digests
    states = [e["state"] for e in sending_log(site)]
    assert states.count("sent") == 1 + 2 + 3 + 6  # new, two chats, three announcements, 2 x 3


def test_several_overdue_comments_share_one_daily_digest(site: Site, mail: Mailbox) -> None:
    configure(site, mail.port)
    ids = [add_comment(site, "bob-post", body=f"Frage {n}") for n in range(2)]
    overdue_at = started() + dt.timedelta(hours=25)
    assert notify(site, iso(overdue_at)).code == 0
    assert notify(site, iso(overdue_at + dt.timedelta(minutes=11))).code == 0
    # bob (author) and mod (central): new and overdue in one digest each
    assert sorted(m.recipients[0] for m in mail.received) == ["bob@example.com", "mod@example.com"]
    to_bob = next(m for m in mail.received if m.recipients == ["bob@example.com"])
    assert to_bob.subject == "4 comments waiting on Test Blog, 2 of them overdue"
    assert to_bob.text.index("1. OVERDUE") < to_bob.text.index("3. New")
    mail.received.clear()
    instant = next_digest(overdue_at + dt.timedelta(hours=12))
    assert notify(site, iso(instant + dt.timedelta(minutes=1))).code == 0
    assert notify(site, iso(instant + dt.timedelta(minutes=11))).code == 0
    to_bob = next(m for m in mail.received if m.recipients == ["bob@example.com"])
    assert to_bob.subject == "Still waiting: 2 overdue comments"
    assert all(f"dialogue comments show {cid}" in to_bob.text for cid in ids)
