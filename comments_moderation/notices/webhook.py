"""Webhooks: a JSON POST with a plain ``text`` field, which Slack, Microsoft Teams and
Mattermost incoming webhooks all accept.

``prepare`` opens the connection (a refused or unreachable server delivers nothing);
``deliver`` sends the request and reads the answer: a 2xx is delivered, a 4xx or 5xx answer is
not (tried again, except for a 4xx that says the hook itself is wrong), and a connection lost
after the request went out leaves it uncertain.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

from comments_moderation.notices.delivery import SendFailed, Uncertain

TIMEOUT = 30
USER_AGENT = "Dialogue-notices/1"
RETRY_STATUSES = {408, 425, 429}


class WebhookHandoff:
    def __init__(self, url: str, text: str) -> None:
        self.url = url
        self.body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
        self.connection: http.client.HTTPConnection | None = None

    def _where(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{parts.path[:1]}..."  # no token in logs

    def prepare(self) -> None:
        parts = urlsplit(self.url)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(parts.hostname or "", parts.port, timeout=TIMEOUT)
        self.connection = connection
        try:
            connection.connect()
        except OSError as exc:
            raise SendFailed(f"{self._where()}: cannot connect: {exc}") from None

    def deliver(self) -> None:
        assert self.connection is not None, "prepare() first"
        parts = urlsplit(self.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        try:
            self.connection.request("POST", path, body=self.body, headers=headers)
        except OSError as exc:  # the request did not get out whole: the hook saw no message
            raise SendFailed(f"{self._where()}: sending failed: {exc}") from None
        try:
            answer = self.connection.getresponse()
            answer.read()
        except (OSError, http.client.HTTPException) as exc:
            raise Uncertain(f"{self._where()}: no answer: {exc}") from None
        if 200 <= answer.status < 300:
            return
        permanent = 400 <= answer.status < 500 and answer.status not in RETRY_STATUSES
        raise SendFailed(f"{self._where()}: answered {answer.status}", permanent=permanent)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
