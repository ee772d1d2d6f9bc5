"""The parts of notices that need no server: who is told in which order, the words of each
message in the post's language, unsubscribe tokens, what a chat can't be tricked into."""

from __future__ import annotations

import datetime as dt

from comments_moderation.notices import compose, plan, tokens
from comments_moderation.notices.audience import Directory, Person, PostFacts
from comments_moderation.notices.texts import waited
from comments_moderation.queue import QueuedComment
from generator.notify_config import EmailSettings, NotifyConfig

NOW = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
EMAIL = "eve.private@example.org"
DIRECTORY = Directory(
    posts={
        "heizung": PostFacts(
            "heizung",
            "Heizkosten sparen",
            "https://b.example/2026/11/heizung/",
            "de",
            "Kundenservice",
            ("alice", "bob"),
        ),
        "api": PostFacts(
            "api", "The new API", "https://b.example/2026/11/api/", "en", "Entwicklung", ("bob",)
        ),
    },
    people={
        "alice": Person("alice", "Alice Autor", "alice@example.com"),
        "bob": Person("bob", "Bob Builder", "bob@example.com"),
        "carol": Person("carol", "Carol Colleague", "carol@example.com"),
        "mod": Person("mod", "Maria Moderator", "mod@example.com"),
    },
    moderators=("mod", "alice"),
    department_moderators={"Kundenservice": ("carol", "bob")},
    language="de",
)
SITE = compose.SiteFacts("Acme im Dialog", 24, ("authors", "department", "moderators"))
NOTIFY = NotifyConfig(
    email=EmailSettings("smtp.example.com", 587, "starttls", "d@example.com"),
    webhooks=("https://hooks.example.com/x",),
)


def comment(
    post: str = "heizung", hours: float = 2, body: str = "Wie stelle ich das ein?", **extra: object
) -> QueuedComment:
    values: dict = {
        "id": "01JDX3ABCDEFGHJKMNPQRSTVWX",
        "post": post,
        "parent": None,
        "name": "Eve Leserin",
        "email": EMAIL,
        "website": "https://eve.example.org/",
        "body": body,
        "created": NOW - dt.timedelta(hours=hours),
        "status": "pending",
        **extra,
    }
    return QueuedComment(**values)


def flat(text: str) -> str:
    """Message text with its line wrapping undone."""
    return " ".join(text.split())


def test_escalation_order_authors_then_department_then_moderators_each_once() -> None:
    told = DIRECTORY.audience("heizung", ("moderators", "department", "authors"))
    # bob is an author and a department moderator, alice an author and a central moderator:
    # each is told once, at the level closest to the post.
    assert [(t.person, t.level) for t in told] == [
        ("alice", "authors"),
        ("bob", "authors"),
        ("carol", "department"),
        ("mod", "moderators"),
    ]
    assert [t.person for t in DIRECTORY.audience("api", ("department",))] == []
    assert [t.person for t in DIRECTORY.audience("gone-post", ("authors", "moderators"))] == [
        "mod",
        "alice",
    ]


def test_new_comment_to_staff_in_german_names_everything_but_the_address() -> None:
    body = "Wie stelle ich die Nachtabsenkung ein? " * 20
    message = compose.to_staff(
        DIRECTORY.people["alice"],
        [compose.Notice(1, "new", comment(body=body, hours=3.5))],
        DIRECTORY,
        SITE,
        NOW,
        "https://b.example/comments/unsubscribe?t=abc",
    )
    assert message.lang == "de"
    assert message.subject == "Neuer Kommentar zu „Heizkosten sparen“"
    assert message.text.startswith("Hallo Alice Autor,\n")
    assert "Eve Leserin hat „Heizkosten sparen“ kommentiert" in message.text
    assert "wartet seit 3 Stunden" in flat(message.text)
    assert "> Wie stelle ich die Nachtabsenkung ein?" in message.text
    assert " …" in message.text and len(message.text) < 1500  # the start, not the whole
    assert "    dialogue comments show 01JDX3ABCDEFGHJKMNPQRSTVWX" in message.text
    assert "https://b.example/2026/11/heizung/" in message.text
    assert (
        "Keine solchen E-Mails mehr: https://b.example/comments/unsubscribe?t=abc" in message.text
    )
    assert EMAIL not in message.text and "eve.example.org" not in message.text


def test_english_post_english_overdue_notice_says_who_else_was_told() -> None:
    message = compose.to_staff(
        DIRECTORY.people["bob"],
        [compose.Notice(1, "overdue", comment(post="api", hours=30))],
        DIRECTORY,
        SITE,
        NOW,
        "https://stop",
    )
    assert message.lang == "en"
    assert message.subject == "Overdue: a comment on “The new API” has waited 30 hours"
    assert "longer than the 24 hours we promise" in flat(message.text)
    told = flat(message.text)
    assert "Told of it, in this order: the post's authors (Bob Builder); the central" in told
    assert "moderators (Maria Moderator, Alice Autor)." in told


def test_digest_puts_overdue_first_and_counts() -> None:
    notices = [
        compose.Notice(1, "new", comment(hours=0.2, body="Neu eins")),
        compose.Notice(2, "overdue", comment(hours=40, body="Alt und überfällig")),
        compose.Notice(3, "new", comment(hours=0.1, body="Neu zwei")),
    ]
    message = compose.to_staff(DIRECTORY.people["alice"], notices, DIRECTORY, SITE, NOW, "u")
    assert message.subject == "3 Kommentare warten auf Acme im Dialog, 1 davon überfällig"
    first, second = message.text.index("1. ÜBERFÄLLIG"), message.text.index("2. Neu")
    assert first < second < message.text.index("3. Neu")
    assert message.text.index("Alt und überfällig") < message.text.index("Neu eins")


def test_mixed_languages_fall_back_to_the_site_language() -> None:
    notices = [compose.Notice(1, "new", comment()), compose.Notice(2, "new", comment(post="api"))]
    assert (
        compose.to_staff(DIRECTORY.people["bob"], notices, DIRECTORY, SITE, NOW, "u").lang == "de"
    )


def test_commenter_outcome_links_the_comment_and_quotes_the_answer() -> None:
    mine = comment(post="api", status="approved")
    answer = comment(post="api", name="Bob Builder", body="Thanks, fixed in 2.1.", staff="bob")
    message = compose.to_commenter(mine, [answer], DIRECTORY, SITE, "https://stop/x")
    assert message.subject == "Your comment on “The new API” has an answer"
    assert "https://b.example/2026/11/api/#comment-01JDX3ABCDEFGHJKMNPQRSTVWX" in message.text
    assert "Bob Builder answered it" in message.text and "> Thanks, fixed in 2.1." in message.text
    assert "we have erased your email address" in flat(message.text)
    assert "Never email this address again: https://stop/x" in message.text
    assert EMAIL not in message.text
    published = compose.to_commenter(mine, [], DIRECTORY, SITE, "https://stop/x")
    assert published.subject == "Your comment on “The new API” is published"


def test_chat_text_cannot_ping_a_channel_or_load_an_image() -> None:
    hostile = comment(name="<!channel> @here", body="@all look ![x](https://t.example/p.png) `x`")
    chat = compose.to_chat(compose.Notice(1, "new", hostile), DIRECTORY, SITE, NOW)
    assert "<!channel>" not in chat.text and "&lt;!channel&gt;" in chat.text
    assert "@here" not in chat.text and "@all" not in chat.text
    assert "![x](" not in chat.text and "](https" not in chat.text
    assert "`dialogue comments show 01JDX3ABCDEFGHJKMNPQRSTVWX`" in chat.text
    assert EMAIL not in chat.text


def test_tokens_verify_only_what_was_signed() -> None:
    secret = b"k" * 32
    token = tokens.sign(secret, "author:alice")
    assert tokens.verify(secret, token) == "author:alice"
    assert tokens.verify(b"other" * 8, token) is None
    forged = tokens.sign(secret, "author:bob").split(".")[0] + "." + token.split(".")[1]
    assert tokens.verify(secret, forged) is None
    assert tokens.verify(secret, "garbage") is None and tokens.verify(secret, "a.b.c") is None
    subject = tokens.address_subject(secret, "Eve@Example.org")
    assert subject == tokens.address_subject(secret, " eve@example.ORG ")
    assert "eve" not in subject.lower().removeprefix("address:")
    url = tokens.stop_url("https://b.example/comments/", secret, subject)
    assert url.startswith("https://b.example/comments/unsubscribe?t=")


def test_plans_for_events_and_time() -> None:
    new = plan.for_event("new", comment(), DIRECTORY, NOTIFY)
    assert [p.recipient for p in new] == [
        "author:alice",
        "author:bob",
        plan.webhook_key("https://hooks.example.com/x"),
    ]
    assert all(p.key == f"new:{p.comment}:{p.recipient}" for p in new)
    chats_only = NotifyConfig(webhooks=("https://hooks.example.com/x",))
    assert len(plan.for_event("new", comment(), DIRECTORY, chats_only)) == 1
    assert plan.for_event("new", comment(status="spam"), DIRECTORY, NOTIFY) == []
    asked = comment(status="approved", notify=True)
    assert [p.key for p in plan.for_event("published", asked, DIRECTORY, NOTIFY)] == [
        "outcome:01JDX3ABCDEFGHJKMNPQRSTVWX"
    ]
    assert plan.for_event("published", comment(status="approved"), DIRECTORY, NOTIFY) == []
    overdue = plan.for_overdue(comment(hours=30), DIRECTORY, NOTIFY)
    assert [p.recipient for p in overdue][:4] == [
        "author:alice",
        "author:bob",
        "author:carol",
        "author:mod",
    ]
    berlin = dt.timezone(dt.timedelta(hours=1))
    assert plan.digest_instant(NOW.replace(hour=7), berlin, 9) is None
    instant = plan.digest_instant(NOW, berlin, 9)
    assert instant is not None and instant.hour == 9
    late = NOW - dt.timedelta(hours=2)
    assert plan.for_reminder(comment(), "author:bob", late, instant) is None
    early = NOW - dt.timedelta(hours=20)
    reminder = plan.for_reminder(comment(), "author:bob", early, instant)
    assert reminder is not None and reminder.key.endswith(":author:bob:2026-11-23")
    assert plan.for_reminder(comment(), "webhook:x", early, instant) is None


def test_waited_reads_naturally() -> None:
    assert waited(dt.timedelta(minutes=1), "en") == "1 minute"
    assert waited(dt.timedelta(hours=5, minutes=59), "de") == "5 Stunden"
    assert waited(dt.timedelta(hours=50), "de") == "2 Tagen 2 Stunden"
    assert waited(dt.timedelta(days=3), "en") == "3 days"
