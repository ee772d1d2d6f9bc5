"""``dialogue comments notify``: one round plans, batches and sends what is due.

    plan    events -> notices; overdue comments -> announcements; today's digest places
    batch   a recipient's open notices -> one message once its digest window has closed
    send    claim a due message, prepare, mark sending, hand over, mark sent (outbox.py)

Every step is safe to run in two processes at once, and a crash between steps loses nothing:
each step reads what the previous one committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import TextIO

from comments_moderation.notices import compose, outbox, plan, sending, tokens
from comments_moderation.notices.audience import AUTHOR, COMMENTER, WEBHOOK, Directory
from comments_moderation.notices.delivery import Handoff, SendFailed, Uncertain, next_attempt
from comments_moderation.notices.smtp import SmtpHandoff, build
from comments_moderation.notices.webhook import WebhookHandoff
from comments_moderation.queue import Queue, Tx
from generator.config import Config


@dataclass
class Round:
    """What one round did, for the command's summary line."""

    planned: int = 0
    batched: int = 0
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    lines: list[str] = field(default_factory=list)


def intake_url(config: Config) -> str:
    """Where readers reach the intake: the endpoint as an absolute URL."""
    endpoint = config.comments.endpoint
    return endpoint if endpoint.startswith(("http://", "https://")) else config.absolute(endpoint)


class Notifier:
    def __init__(
        self, config: Config, queue: Queue, directory: Callable[[], Directory], out: TextIO
    ) -> None:
        self.config, self.queue, self.directory, self.out = config, queue, directory, out
        self.notify = config.notify
        self.secret = outbox.secret(queue)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.site = compose.SiteFacts(config.title, config.comments.sla_hours, self.notify.overdue)
        self.webhooks = {plan.webhook_key(url): url for url in self.notify.webhooks}

    # --- plan ---

    def plan(self, now: dt.datetime) -> int:
        directory = self.directory()
        sla = dt.timedelta(hours=self.config.comments.sla_hours)
        added = outbox.expand_events(
            self.queue, lambda kind, c: plan.for_event(kind, c, directory, self.notify), now
        )
        added += outbox.add_overdue(
            self.queue, sla, lambda c: plan.for_overdue(c, directory, self.notify), now
        )
        instant = plan.digest_instant(now, self.config.tz, self.notify.daily_digest_hour)
        if instant is not None:
            added += outbox.add_reminders(
                self.queue, sla, lambda c, r, at: plan.for_reminder(c, r, at, instant), now
            )
        return added

    # --- batch ---

    def stop_subject(self, recipient: str, address: str | None) -> str:
        if recipient.startswith(AUTHOR):
            return tokens.AUTHOR + recipient.removeprefix(AUTHOR)
        return tokens.address_subject(self.secret, address or "")

    def stop_url(self, subject: str) -> str:
        return tokens.stop_url(intake_url(self.config), self.secret, subject)

    def batch(self, now: dt.datetime) -> int:
        directory = self.directory()
        made = 0
        with self.queue.transaction() as tx:
            self.queue.serialize(tx, outbox.BATCH_LOCK)
            by_recipient: dict[str, list[outbox.OpenNotice]] = {}
            for notice in outbox.open_notices(tx):
                reason = plan.still_relevant(notice.kind, notice.comment)
                if reason:
                    outbox.drop(tx, [notice.id], reason)
                else:
                    by_recipient.setdefault(notice.recipient, []).append(notice)
            # Notices were planned in escalation order (authors, department, moderators):
            # their messages are made, and so sent, in that order too.
            ordered = sorted(by_recipient.items(), key=lambda item: min(n.id for n in item[1]))
            for recipient, notices in ordered:
                oldest = min(n.created for n in notices)
                if not plan.batch_due(recipient, oldest, now, self.notify.digest_minutes):
                    continue
                # A chat hears of each notice; digest_minutes 0 means each notice at once.
                one_each = recipient.startswith(WEBHOOK) or self.notify.digest_minutes == 0
                groups = [[n] for n in notices] if one_each else [notices]
                for group in groups:
                    self._message(tx, recipient, group, directory, now)
                    made += 1
        return made

    def _message(
        self,
        tx: Tx,
        recipient: str,
        notices: list[outbox.OpenNotice],
        directory: Directory,
        now: dt.datetime,
    ) -> None:
        items = [compose.Notice(n.id, n.kind, n.comment) for n in notices if n.comment]
        ids = [n.id for n in notices]
        if recipient.startswith(WEBHOOK):
            chat = compose.to_chat(items[0], directory, self.site, now)
            outbox.add_message(
                tx, recipient, "webhook", ids, chat.subject, chat.text, chat.lang, now
            )
            return
        skipped = None
        if recipient.startswith(COMMENTER):
            comment = items[0].comment
            subject = self.stop_subject(recipient, comment.email)
            answers = outbox.staff_answers(tx, comment.id)
            text = compose.to_commenter(
                comment, answers, directory, self.site, self.stop_url(subject)
            )
        else:
            person = directory.people.get(recipient.removeprefix(AUTHOR))
            subject = self.stop_subject(recipient, None)
            if person is None or not person.email:
                who = recipient.removeprefix(AUTHOR)
                skipped = f"no email: add email: to content/authors/{who}.yaml"
            if person is None:
                outbox.drop(tx, ids, skipped or "")
                return
            text = compose.to_staff(
                person, items, directory, self.site, now, self.stop_url(subject)
            )
        if self.notify.email is None:
            skipped = "no notify.email in site.yaml"
        elif subject in outbox.opted_out(tx, [subject]):
            skipped = "unsubscribed"
        outbox.add_message(
            tx, recipient, "email", ids, text.subject, text.text, text.lang, now, skipped
        )

    # --- send ---

    def handoff(self, message: sending.Claimed, now: dt.datetime) -> Handoff:
        if message.channel == "webhook":
            url = self.webhooks.get(message.recipient)
            if url is None:
                raise SendFailed("this webhook is no longer in notify.webhooks", permanent=True)
            return WebhookHandoff(url, message.body)
        settings = self.notify.email
        if settings is None:
            raise SendFailed("notify.email is no longer set in site.yaml", permanent=True)
        if message.recipient.startswith(COMMENTER):
            name, address = sending.commenter(self.queue, message.recipient)
        else:
            person = self.directory().people.get(message.recipient.removeprefix(AUTHOR))
            address, name = (person.email, person.name) if person else (None, "")
        if not address:
            raise SendFailed("no address to send to any more", permanent=True)
        domain = parseaddr(settings.sender)[1].rpartition("@")[2]
        tag = hmac.new(self.secret, str(message.id).encode(), hashlib.sha256).hexdigest()[:12]
        stop = self.stop_url(self.stop_subject(message.recipient, address))
        composed = compose.Composed(message.subject, message.body, message.lang)
        email = build(
            composed, settings, (name, address), f"<notice-{message.id}.{tag}@{domain}>", stop, now
        )
        return SmtpHandoff(settings, email, address)

    def send_one(self, message: sending.Claimed, now: dt.datetime) -> str:
        """Hand one claimed message over; returns the state it ends in."""
        try:
            handoff = self.handoff(message, now)
        except SendFailed as exc:
            sending.mark_failed(self.queue, message, self.owner, now, str(exc), None)
            return "failed"
        try:
            handoff.prepare()
            if not sending.mark_sending(self.queue, message, self.owner):
                return "lost"  # another sender took it over: it sends, we don't
            handoff.deliver()
        except SendFailed as exc:
            retry = None if exc.permanent else next_attempt(message.attempts + 1, now)
            sending.mark_failed(self.queue, message, self.owner, now, str(exc), retry)
            return "retry" if retry else "failed"
        except Uncertain as exc:
            sending.mark_uncertain(self.queue, message, self.owner, now, str(exc))
            return "uncertain"
        finally:
            handoff.close()
        sending.mark_sent(self.queue, message, self.owner, now)
        return "sent"

    def describe(self, recipient: str) -> str:
        """A recipient for the log: an author id, a comment id, a webhook; never an address."""
        if recipient.startswith(COMMENTER):
            return f"the commenter of {recipient.removeprefix(COMMENTER)}"
        if recipient.startswith(WEBHOOK):
            return "webhook " + recipient.removeprefix(WEBHOOK)
        return recipient.removeprefix(AUTHOR)

    def run_once(self, now: dt.datetime, stop: Callable[[], bool] = lambda: False) -> Round:
        """Plan, batch and send everything due; ``stop`` is asked between messages."""
        result = Round(planned=self.plan(now), batched=self.batch(now))
        while not stop() and (message := sending.claim(self.queue, self.owner, now)) is not None:
            state = self.send_one(message, now)
            result.sent += state == "sent"
            result.failed += state in ("failed", "retry")
            result.uncertain += state == "uncertain"
            when = now.astimezone(self.config.tz).strftime("%Y-%m-%d %H:%M")
            line = f"{when} {state}: {message.channel} to {self.describe(message.recipient)}: "
            print(line + message.subject, file=self.out, flush=True)
        return result
