"""site.yaml's ``notify:`` section and ``comments.department_moderators``: typed and checked.

Who hears of what (SPEC "Notices"): email through one SMTP server, webhooks for team chats.
Credentials never live here: DIALOGUE_SMTP_USER and DIALOGUE_SMTP_PASSWORD come from the
environment, so site.yaml can sit in git. Every problem is reported with its line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
AUDIENCES = ("authors", "department", "moderators")
# Keys of notify: and notify.email: with how each is read (see _read_notify).
NOTIFY_KEYS = (
    "email",
    "webhooks",
    "new_comment",
    "overdue",
    "digest_minutes",
    "daily_digest_hour",
    "commenter_outcome",
)
EMAIL_KEYS = ("smtp", "security", "from")

Problems = list[tuple[int, str]]


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    sender: str  # the From: header, "Name <address>"


@dataclass(frozen=True)
class NotifyConfig:
    email: EmailSettings | None = None
    webhooks: tuple[str, ...] = ()
    new_comment: tuple[str, ...] = ("authors",)
    overdue: tuple[str, ...] = AUDIENCES
    digest_minutes: int = 10
    # The hour (site time) of the daily digest of comments still overdue.
    daily_digest_hour: int = 9
    commenter_outcome: bool = True

    @property
    def active(self) -> bool:
        """Is there any way to send a notice? Without one, nothing is queued."""
        return self.email is not None or bool(self.webhooks)

    @property
    def tells_commenters(self) -> bool:
        """Commenters can only be told by email: the form offers the checkbox only then."""
        return self.email is not None and self.commenter_outcome


class _Reader:
    """Reads one nested mapping, appending ``(line, message)`` for each problem found."""

    def __init__(self, lines: Mapping[str, int], problems: Problems) -> None:
        self.lines, self.problems = lines, problems

    def line(self, key: str) -> int:
        while key not in self.lines and "." in key:
            key = key.rsplit(".", 1)[0]
        return self.lines.get(key, 1)

    def error(self, key: str, message: str) -> None:
        self.problems.append((self.line(key), message))

    def mapping(self, name: str, raw: Any, known: tuple[str, ...]) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.error(name, f"'{name}' must be a mapping of keys")
            return {}
        values = {}
        for key, value in raw.items():
            if key in known:
                values[str(key)] = value
            else:
                self.error(
                    f"{name}.{key}", f"unknown key '{name}.{key}' (known: {', '.join(known)})"
                )
        return values

    def strings(self, key: str, value: Any, check: Callable[[str], str | None]) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, f"'{key}' must be a list of strings, e.g. [a, b]")
            return ()
        for item in value:
            problem = check(item)
            if problem:
                self.error(key, f"'{key}': {problem}")
        return tuple(value)

    def number(self, key: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(key, f"'{key}' must be a whole number from {low} to {high}")
            return None
        return value


def _audience(item: str) -> str | None:
    return None if item in AUDIENCES else f"unknown audience '{item}' (use {', '.join(AUDIENCES)})"


def _webhook(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    return f"'{url}' is not an http(s) URL"


def _email(reader: _Reader, raw: Any) -> EmailSettings | None:
    values = reader.mapping("notify.email", raw, EMAIL_KEYS)
    if not values:  # absent, empty, or not a mapping (reported): no email
        return None
    security = values.get("security", "starttls")
    if security not in SECURITY_PORTS:
        reader.error(
            "notify.email.security", "'notify.email.security' must be starttls, ssl or none"
        )
        security = "starttls"
    smtp = values.get("smtp")
    host, port = "", SECURITY_PORTS[security]
    if not isinstance(smtp, str) or not smtp.strip():
        reader.error(
            "notify.email",
            "'notify.email.smtp' is missing: write host:port, e.g. smtp.example.com:587",
        )
    else:
        host, colon, port_text = smtp.strip().rpartition(":")
        if not colon:  # no port: the usual one for the security chosen
            host, port_text = port_text, ""
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                reader.error(
                    "notify.email.smtp", f"'notify.email.smtp': '{port_text}' is no port (1-65535)"
                )
            else:
                port = int(port_text)
    sender = values.get("from")
    if not isinstance(sender, str) or "@" not in parseaddr(sender)[1]:
        reader.error(
            "notify.email.from" if "from" in values else "notify.email",
            "'notify.email.from' must be a sender address, "
            'e.g. "Acme im Dialog <dialog@example.com>"',
        )
        return None
    return EmailSettings(host=host.strip("[]"), port=port, security=security, sender=sender)


def read_notify(raw: Any, lines: Mapping[str, int], problems: Problems) -> NotifyConfig:
    """The ``notify:`` section; problems are appended, defaults stand in for bad values."""
    reader = _Reader(lines, problems)
    values = reader.mapping("notify", raw, NOTIFY_KEYS)
    result: dict[str, Any] = {}
    if "email" in values:
        result["email"] = _email(reader, values["email"])
    if "webhooks" in values:
        result["webhooks"] = reader.strings("notify.webhooks", values["webhooks"], _webhook)
    for key in ("new_comment", "overdue"):
        if key in values:
            result[key] = reader.strings(f"notify.{key}", values[key], _audience)
    for key, high in (("digest_minutes", 24 * 60), ("daily_digest_hour", 23)):
        if key in values:
            number = reader.number(f"notify.{key}", values[key], 0, high)
            if number is not None:
                result[key] = number
    if "commenter_outcome" in values:
        if isinstance(values["commenter_outcome"], bool):
            result["commenter_outcome"] = values["commenter_outcome"]
        else:
            reader.error(
                "notify.commenter_outcome", "'notify.commenter_outcome' must be true or false"
            )
    return NotifyConfig(**result)


def read_department_moderators(
    raw: Any, lines: Mapping[str, int], problems: Problems
) -> dict[str, tuple[str, ...]]:
    """``comments.department_moderators``: department name -> author ids."""
    reader = _Reader(lines, problems)
    key = "comments.department_moderators"
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.error(key, f"'{key}' must map department names to author ids, e.g. Vertrieb: [jdoe]")
        return {}
    result = {}
    for department, ids in raw.items():
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(department, str) or not isinstance(ids, list):
            reader.error(f"{key}.{department}", f"'{key}': '{department}' must list author ids")
            continue
        result[department] = reader.strings(f"{key}.{department}", ids, lambda _: None)
    return result
