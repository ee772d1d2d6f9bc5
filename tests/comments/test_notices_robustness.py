"""Delivery that never costs a comment and never sends twice: a dead mail server, a failing
webhook (tried again with exponential backoff), two senders at once, a sender killed with
SIGKILL before and after it handed a message over; and the SMTP security modes with login."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from comment_site import Site, add_comment, comment, start_intake, stop_intake, stored
from notice_site import at, configure, notify, notify_process, sending_log, started
from receivers import Mailbox, Webhooks, mailbox


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def emails(site: Site) -> list[dict]:
    return [e for e in sending_log(site) if e["channel"] == "email"]


def test_a_dead_mail_server_costs_no_comment_and_is_tried_again(site: Site) -> None:
    dead = closed_port()
    configure(site, dead)
    intake = start_intake(site)
    try:
        answer = intake.submit(comment(post="bob-post"), as_json=True, client="10.9.0.1")
    finally:
        stop_intake(intake)
    assert answer.status == 202  # the intake never waits for mail
    result = notify(site, at(minutes=11))
    assert result.code == 0 and "retry: email to bob" in result.out
    [entry] = emails(site)
    assert (entry["state"], entry["attempts"]) == ("queued", 1)
    assert "refused" in entry["error"].lower() or "errno" in entry["error"].lower()
    assert [c.status for c in stored(site)] == ["pending"]
    with mailbox() as box:
        config = site.root / "site.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace(f":{dead}", f":{box.port}"), encoding="utf-8")
        assert notify(site, at(minutes=11, seconds=30)).code == 0
        assert box.received == []  # the first retry waits a minute
        assert notify(site, at(minutes=12, seconds=5)).code == 0
        assert [m.recipients for m in box.received] == [["bob@example.com"]]
    [entry] = emails(site)
    assert (entry["state"], entry["attempts"]) == ("sent", 2)


def test_a_failing_webhook_is_tried_again_with_exponential_backoff(
    site: Site, hooks: Webhooks
) -> None:
    configure(site, None, hooks.url())
    add_comment(site, "bob-post")
    hooks.fail_next = 3
    start = started() + dt.timedelta(minutes=1)
    # Fails at 0, then is due after 1, 2, 4 minutes: tried at 0, 1, 3 and 7.
    for minutes, attempts in ((0, 1), (0.5, 1), (1, 2), (2.5, 2), (3, 3), (6.5, 3), (7, 4)):
        assert notify(site, (start + dt.timedelta(minutes=minutes)).isoformat()).code == 0
        [entry] = sending_log(site)
        assert entry["attempts"] == attempts, (minutes, entry)
    assert entry["state"] == "sent" and len(hooks.received) == 1


def test_a_webhook_that_is_gone_is_given_up_at_once(site: Site, hooks: Webhooks) -> None:
    configure(site, None, hooks.url("/hooks/gone"))
    add_comment(site, "bob-post")
    assert notify(site, at(minutes=1)).code == 0
    [entry] = sending_log(site)
    assert (entry["state"], entry["attempts"]) == ("failed", 1) and "404" in entry["error"]


def test_two_senders_at_once_send_each_message_once(
    site: Site, mail: Mailbox, hooks: Webhooks
) -> None:
    configure(site, mail.port, hooks.url(), digest_minutes=0)
    ids = [add_comment(site, "shared-post", body=f"Question number {n}") for n in range(12)]
    # A first round finds the mail server and the chat refusing: 36 messages wait for their
    # retry, so that both senders below find them all due at once.
    mail.refuse, hooks.fail_next = True, 12
    assert notify(site, at(minutes=1)).code == 0
    assert [e["state"] for e in sending_log(site)] == ["queued"] * 36
    mail.refuse = False
    # Held until both senders are in the middle of a message, then slow: they overlap.
    mail.at_data.open.clear()
    mail.answer_delay = 0.05
    senders = [notify_process(site, at(minutes=3)) for _ in range(2)]
    deadline = time.monotonic() + 20  # well inside the senders' 30 s SMTP timeout
    while mail.at_data.waiting < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    mail.at_data.open.set()
    outputs = [process.communicate(timeout=120) for process in senders]
    assert [p.returncode for p in senders] == [0, 0], outputs
    assert all("sent:" in out for out, _ in outputs), outputs  # both took part
    seen = sorted(
        (rcpt, cid) for m in mail.received for rcpt in m.recipients for cid in ids if cid in m.text
    )
    expected = sorted(
        (rcpt, cid) for rcpt in ("alice@example.com", "bob@example.com") for cid in ids
    )
    assert seen == expected and len(mail.received) == 24  # each author, each comment, once
    assert sorted(cid for h in hooks.received for cid in ids if cid in h["json"]["text"]) == sorted(
        ids
    )
    assert len(hooks.received) == 12
    assert [(e["state"], e["attempts"]) for e in sending_log(site)] == [("sent", 2)] * 36


def _kill_at(site: Site, gate_reached: threading.Event, when: str) -> None:
    """Start a sender and SIGKILL it once it holds the server at the gate."""
    sender = notify_process(site, when)
    try:
        reached = gate_reached.wait(60)
        os.kill(sender.pid, signal.SIGKILL)
        _, err = sender.communicate(timeout=30)
    finally:
        if sender.poll() is None:  # never left running, whatever failed above
            sender.kill()
            sender.communicate()
    assert reached, err
    assert sender.returncode == -signal.SIGKILL


def test_a_sender_killed_after_handing_over_is_never_repeated(site: Site, mail: Mailbox) -> None:
    configure(site, mail.port)
    add_comment(site, "bob-post")
    mail.at_data.open.clear()  # the server takes the message and holds back its 250
    _kill_at(site, mail.at_data.reached, at(minutes=11))
    mail.at_data.open.set()
    assert len(mail.received) == 1
    assert notify(site, at(minutes=12)).code == 0  # the lease still runs: nobody touches it
    assert [e["state"] for e in emails(site)] == ["sending"]
    assert notify(site, at(minutes=30)).code == 0  # lease over: uncertain, not sent again
    [entry] = emails(site)
    assert entry["state"] == "uncertain" and "stopped while handing it over" in entry["error"]
    assert len(mail.received) == 1


def test_a_sender_killed_before_handing_over_is_replaced(site: Site, mail: Mailbox) -> None:
    configure(site, mail.port)
    add_comment(site, "bob-post")
    mail.at_rcpt.open.clear()  # the server holds the conversation before the recipient
    _kill_at(site, mail.at_rcpt.reached, at(minutes=11))
    mail.at_rcpt.open.set()
    assert mail.received == []
    assert [e["state"] for e in emails(site)] == ["claimed"]
    assert notify(site, at(minutes=12)).code == 0  # still claimed by the dead sender's lease
    assert mail.received == []
    assert notify(site, at(minutes=30)).code == 0  # its lease ran out: sent, once
    assert [m.recipients for m in mail.received] == [["bob@example.com"]]
    assert [e["state"] for e in emails(site)] == ["sent"]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


# aiosmtpd itself sets its deprecated Session.login_data after every successful login.
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated:DeprecationWarning")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login_from_the_environment(site: Site, tmp_path: Path, security: str) -> None:
    import ssl

    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    # LOGIN is left out: smtplib falls back to it after a refused PLAIN, and aiosmtpd's
    # LOGIN does not take smtplib's initial response, so the two wait for each other.
    options: dict = {"auth": True, "auth_exclude_mechanism": ["LOGIN"]}
    if security == "starttls":
        options.update(tls_context=server_tls, require_starttls=True, auth_require_tls=True)
    else:  # aiosmtpd does not count implicit TLS as TLS for AUTH; the socket is TLS anyway
        options.update(ssl_context=server_tls, auth_require_tls=False)
    with mailbox(**options) as box:
        configure(site, box.port, security=security)
        add_comment(site, "bob-post")
        trust = {"SSL_CERT_FILE": str(cert)}
        wrong = {**trust, "DIALOGUE_SMTP_USER": "notices", "DIALOGUE_SMTP_PASSWORD": "guess"}
        assert notify(site, at(minutes=11), env=wrong).code == 0
        [entry] = emails(site)
        assert entry["state"] == "queued" and "DIALOGUE_SMTP_USER" in entry["error"]
        right = {**trust, "DIALOGUE_SMTP_USER": "notices", "DIALOGUE_SMTP_PASSWORD": "s3cret"}
        assert notify(site, at(minutes=13), env=right).code == 0
        assert [m.recipients for m in box.received] == [["bob@example.com"]]
        assert box.logins[-1] == ("notices", "s3cret")
    assert "s3cret" not in str(sending_log(site))
