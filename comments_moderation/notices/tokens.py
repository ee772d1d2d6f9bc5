"""Unsubscribe links for a static site: a signed token that the intake checks.

The site itself is static, so the link points at the intake (``<endpoint>/unsubscribe``), which
shares the queue and with it the secret. A token names a subject and carries an HMAC of it:
``author:<id>`` for staff, ``address:<keyed hash>`` for a commenter, whose address the token must
not reveal and the queue may already have erased. Nothing is stored per token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

AUTHOR = "author:"
ADDRESS = "address:"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, purpose: str, value: str) -> bytes:
    return hmac.new(secret, f"{purpose}\0{value}".encode(), hashlib.sha256).digest()


def address_subject(secret: bytes, email: str) -> str:
    """The opt-out key of an email address: the same for every spelling of its case."""
    return ADDRESS + _mac(secret, "address", email.strip().casefold()).hex()[:40]


def sign(secret: bytes, subject: str) -> str:
    return f"{_b64(subject.encode())}.{_b64(_mac(secret, 'unsubscribe', subject)[:18])}"


def verify(secret: bytes, token: str) -> str | None:
    """The subject a token was signed for, or None if it was not signed with this secret."""
    encoded, _, signature = token.strip().partition(".")
    try:
        subject = _unb64(encoded).decode("utf-8")
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        return None
    if not subject.startswith((AUTHOR, ADDRESS)):
        return None
    expected = _mac(secret, "unsubscribe", subject)[:18]
    return subject if hmac.compare_digest(given, expected) else None


def stop_url(intake_url: str, secret: bytes, subject: str) -> str:
    """``https://blog.example.com/comments/unsubscribe?t=...`` for this subject."""
    return f"{intake_url.rstrip('/')}/unsubscribe?t={quote(sign(secret, subject))}"
