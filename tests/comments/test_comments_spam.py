"""The spam rules, each with a case that trips it and one that must not. Suspected spam is
stored with status spam and its reasons, and answered like any other comment."""

from __future__ import annotations

from pathlib import Path

from comment_site import (
    Intake,
    Site,
    comment,
    make_site,
    start_intake,
    stop_intake,
    stored,
    unique_client,
)

from comments_moderation import spam
from comments_moderation.queue import QueuedComment
from comments_moderation.validate import Fields


def stored_one(site: Site, body: str) -> QueuedComment:
    [row] = [c for c in stored(site) if c.body == body]
    return row


def send(intake: Intake, **overrides: str) -> tuple[int, str]:
    fields = comment(**overrides)
    answer = intake.submit(fields, as_json=True, client=unique_client())
    return answer.status, str(fields["body"])


def test_honeypot(intake: Intake, shared_site: Site) -> None:
    status, body = send(intake, homepage="http://bot.example/")
    assert status == 202  # the bot learns nothing
    row = stored_one(shared_site, body)
    assert row.status == "spam" and row.spam_reasons == ("honeypot field filled",)
    status, body = send(intake, homepage="")
    assert stored_one(shared_site, body).status == "pending"


def test_too_many_links(intake: Intake, shared_site: Site) -> None:
    three = "See https://a.example/ and http://b.example/x and www.c.example today, reader "
    status, body = send(intake, body=three + unique_client())
    assert status == 202
    row = stored_one(shared_site, body)
    assert row.status == "spam" and "too many links (3, at most 2)" in row.spam_reasons
    two = "See https://a.example/ and [docs](https://b.example/), reader " + unique_client()
    _, body = send(intake, body=two)
    assert stored_one(shared_site, body).status == "pending"


def test_blocklist_words_and_domains(intake: Intake, shared_site: Site) -> None:
    _, body = send(intake, body="Best CASINO bonus " + unique_client())
    assert stored_one(shared_site, body).spam_reasons == ("blocklist: casino",)
    _, body = send(intake, website="https://shop.spam-domain.example/")
    assert stored_one(shared_site, body).spam_reasons == ("blocklist: spam-domain.example",)
    # Words inside other words and look-alike domains are not hits.
    _, body = send(intake, body="Occasionally I visit notspam-domain.example " + unique_client())
    assert stored_one(shared_site, body).status == "pending"


def test_blocklist_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "blocklist.txt"
    blocklist = spam.Blocklist(path)
    assert blocklist.matches(["buy pills"]) == []  # a missing file blocks nothing
    path.write_text("pills\n")
    assert blocklist.matches(["buy pills"]) == ["pills"]
    path.write_text("# nothing\n\n")
    assert blocklist.matches(["buy pills"]) == []


def test_duplicate_body_on_the_same_post(intake: Intake, shared_site: Site) -> None:
    body = "Exactly the same words " + unique_client()
    assert send(intake, body=body)[0] == 202
    assert send(intake, body="  exactly THE same\nwords " + body.split()[-1])[0] == 202
    rows = [c for c in stored(shared_site) if body.split()[-1] in c.body]
    assert [r.status for r in rows] == ["pending", "spam"]
    assert rows[1].spam_reasons == ("duplicate",)
    # The same words on another post are no duplicate.
    _, _other = send(intake, body=body, post="bob-post")
    assert [c.status for c in stored(shared_site, post="bob-post") if c.body == body] == ["pending"]


def test_link_in_the_name(intake: Intake, shared_site: Site) -> None:
    _, body = send(intake, name="Cheap https://pills.example")
    assert stored_one(shared_site, body).spam_reasons == ("link in the name",)
    _, body = send(intake, name="Dr. www")
    assert stored_one(shared_site, body).status == "pending"


def test_mixed_script_name_is_a_signal_not_spam(intake: Intake, shared_site: Site) -> None:
    _, body = send(intake, name="Аlice Autor")  # Cyrillic А
    row = stored_one(shared_site, body)
    assert row.status == "pending" and row.signals and not row.spam_reasons
    _, body = send(intake, name="Алиса Смирнова")  # all Cyrillic: a real name
    assert stored_one(shared_site, body).signals == ()


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    assert spam.client_address(environ, ["127.0.0.1"]) == "203.0.113.9"
    # A client can prepend anything; only the hop the trusted proxy saw counts.
    assert spam.client_address(environ, ["127.0.0.0/8"]) == "203.0.113.9"
    assert spam.client_address(environ, []) == "127.0.0.1"
    stranger = {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert spam.client_address(stranger, ["127.0.0.1"]) == "198.51.100.1"
    chain = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.1"}
    assert spam.client_address(chain, ["10.0.0.0/8"]) == "203.0.113.9"


def test_forged_forwarded_for_does_not_dodge_the_rate_limit(site: Site) -> None:
    site = make_site(site.root, queue_url=site.queue_url, trusted_proxies=[])
    server = start_intake(site)
    try:
        statuses = [
            server.submit(comment(), as_json=True, client=unique_client()).status for _ in range(6)
        ]
    finally:
        stop_intake(server)
    assert statuses == [202] * 5 + [429]


def test_address_hash_is_keyed_and_groups_ipv6_networks() -> None:
    assert spam.address_hash("203.0.113.9", "salt-a") != spam.address_hash("203.0.113.9", "salt-b")
    assert len(spam.address_hash("203.0.113.9", "s")) == 32
    assert spam.address_hash("2001:db8::1", "s") == spam.address_hash("2001:db8::ffff", "s")
    assert spam.address_hash("2001:db8::1", "s") != spam.address_hash("2001:db8:0:1::1", "s")


def test_assess_is_clean_for_an_ordinary_comment(tmp_path: Path) -> None:
    fields = Fields(post="p", name="Eve", email="eve@example.com", body="Nice post, thanks!")
    assert spam.assess(fields, 2, spam.Blocklist(tmp_path / "none.txt")) == ([], [])
