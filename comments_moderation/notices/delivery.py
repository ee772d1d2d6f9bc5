"""What every transport promises, and how often a failed send is tried again.

A send has two steps. ``prepare`` does everything short of handing the message over
(connect, TLS, login, sender and recipients for SMTP; the connection for a webhook): if it
fails, nothing was delivered and the message is tried again later. ``deliver`` hands it over:
before it starts, the outbox records the message as being sent, so that a process killed
after this point is never followed by a second copy (see outbox.py for the guarantee).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

MAX_ATTEMPTS = 8
FIRST_DELAY = dt.timedelta(minutes=1)
LONGEST_DELAY = dt.timedelta(hours=1)


class SendFailed(Exception):
    """Nothing was delivered. ``permanent``: trying again will not help (a refused address)."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Uncertain(Exception):
    """The message may have been delivered (the answer never came): it is not sent again."""


class Handoff(Protocol):
    def prepare(self) -> None: ...

    def deliver(self) -> None: ...

    def close(self) -> None: ...


def next_attempt(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after ``attempts`` failed tries (1 min, 2, 4 ... at most 1 h);
    None once MAX_ATTEMPTS have failed: the message is given up and logged as failed."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)
    return now + delay
