"""Real receivers for notices: an SMTP server (aiosmtpd) and a webhook endpoint (http.server),
both on 127.0.0.1 with a port of their own, recording what they receive.

Either can be held at a step (``hold``) so that a test can kill a sender right there: the SMTP
server after it has taken a message (before it answers 250) or before it accepts a recipient.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class Gate:
    """A step the server can be held at: ``reached`` once a client got there, ``waiting``
    counts the clients held there now."""

    open: threading.Event = field(default_factory=threading.Event)
    reached: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0

    def __post_init__(self) -> None:
        self.open.set()

    async def pass_(self) -> None:
        self.reached.set()
        self.waiting += 1  # only the server's event loop thread counts
        try:
            await self._wait()
        finally:
            self.waiting -= 1

    async def _wait(self) -> None:
        if not self.open.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self.open.wait, 60)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        await self.box.at_rcpt.pass_()
        if self.box.refuse:
            return "451 4.3.2 Not now, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        raw = bytes(envelope.original_content or b"")
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.box.lock:
            self.box.received.append(
                Mail(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, raw)
            )
        await self.box.at_data.pass_()  # taken: a client killed now never hears 250
        await asyncio.sleep(self.box.answer_delay)  # a slow server keeps senders overlapping
        return "250 Message accepted"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        # Port 0: the system picked a free port; read it before the controller connects.
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Mailbox:
    def __init__(self, **smtp: Any) -> None:
        self.received: list[Mail] = []
        self.lock = threading.Lock()
        self.at_rcpt, self.at_data = Gate(), Gate()
        self.logins: list[tuple[str, str]] = []
        self.answer_delay = 0.0
        self.refuse = False  # answer every recipient "451 try again later"
        if smtp.pop("auth", False):
            smtp["authenticator"] = self._authenticate
        self.controller = _Controller(_Handler(self), hostname="127.0.0.1", port=0, **smtp)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            login = (data.login.decode(), data.password.decode())
            self.logins.append(login)
            return AuthResult(success=login == ("notices", "s3cret"), handled=False)
        return AuthResult(success=False, handled=False)  # not handled: aiosmtpd answers 535

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def by_recipient(self) -> dict[str, list[Mail]]:
        found: dict[str, list[Mail]] = {}
        for mail in self.received:
            for rcpt in mail.recipients:
                found.setdefault(rcpt, []).append(mail)
        return found


@contextmanager
def mailbox(**smtp: Any) -> Iterator[Mailbox]:
    box = Mailbox(**smtp)
    box.controller.start()
    try:
        yield box
    finally:
        box.at_rcpt.open.set()
        box.at_data.open.set()
        box.controller.stop()


class Webhooks:
    """Records every POST; ``fail_next`` answers that many requests with 500 first; a path
    ending in /gone is answered 404 (a deleted hook)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                with hooks.lock:
                    failing = hooks.fail_next > 0
                    hooks.fail_next -= failing
                    if not failing and not self.path.endswith("/gone"):
                        hooks.received.append({"path": self.path, "json": body})
                gone = self.path.endswith("/gone")
                self.send_response(404 if gone else 500 if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hooks/team") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@contextmanager
def webhooks() -> Iterator[Webhooks]:
    hooks = Webhooks()
    hooks.thread.start()
    try:
        yield hooks
    finally:
        hooks.server.shutdown()
        hooks.server.server_close()
