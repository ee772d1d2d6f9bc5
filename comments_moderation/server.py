"""``dialogue comments serve``: the intake under waitress, with limits chosen for it.

Waitress reads a whole request before it calls the application, so every limit on what a client
may send sits here, in the server, not in ``intake.py``:

- a declared body over 64 KiB is answered 413 as soon as the headers are in, never read, and
  never told "100 Continue";
- a request line over ``max_request_line`` is 414, headers over ``max_header_size`` are 431;
- a request must arrive whole within ``timeout`` seconds of its first byte (a client trickling
  one byte at a time is cut off too), and an idle connection is closed after as long;
- one client address holds at most ``connections_per_client`` connections (a trusted proxy is
  not counted: it speaks for many readers), all clients together ``connection_limit``.

The 413, 414 and 431 answers come from the intake itself (JSON or its message page, in the
reader's language, with CORS headers), through ``intake.REFUSED``.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import BadRequest

from comments_moderation import spam
from comments_moderation.intake import REFUSED, Intake
from comments_moderation.limits import Limits

_BUSY_TEXT = b"Too many connections from your address: close some and try again.\n"
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s"
) % (len(_BUSY_TEXT), _BUSY_TEXT)


class URITooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class IntakeParser(HTTPRequestParser):
    """waitress's parser, plus the 414 and the time the request began."""

    completed: bool

    def __init__(self, adj: Adjustments, max_request_line: int) -> None:
        super().__init__(adj)
        self.max_request_line = max_request_line
        self.started = time.time()
        self.line_checked = False

    def received(self, data: bytes) -> int:
        if not self.line_checked and not self.completed:
            head = (self.header_plus + data).lstrip()
            end = head.find(b"\n")
            if end > self.max_request_line or (end < 0 and len(head) > self.max_request_line):
                self.parse_header(b"GET / HTTP/1.0\r\n")  # as waitress does for its 431
                self.error = URITooLong(f"the request line exceeds {self.max_request_line} bytes")
                self.completed = True
                return len(data)
            self.line_checked = end >= 0
        consumed: int = super().received(data)
        if self.error is not None:
            self.expect_continue = False  # refused: the client must not start sending the body
        return consumed


class RefusalTask(WSGITask):
    """A 413, 414 or 431 answered by the intake application, then the connection closed (its
    unread body must not be taken for the next request)."""

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[REFUSED] = self.request.error.code
        return environ

    def execute(self) -> None:
        self.set_close_on_finish()
        self.channel.refused = True
        super().execute()


class IntakeChannel(HTTPChannel):
    server: IntakeServer
    refused = False  # answered 413, 414 or 431: the client may still be sending
    draining = False  # answer sent, our side shut: reading and dropping what still comes

    def __init__(self, server: IntakeServer, sock: socket.socket, addr: Any, adj: Any,
                 map: Any = None) -> None:  # fmt: skip
        super().__init__(server, sock, addr, adj, map)
        if server.over_client_limit(self):
            self.write_soon(BUSY)
            self.close_when_flushed = True

    def handle_close(self) -> None:
        if self.refused and not self.draining and self.connected:
            # Closing with the request unread resets the connection, and a client that sends
            # its whole body before it reads (most do) loses the answer: read and drop what
            # still comes, up to the timeout, as nginx's lingering close does.
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            else:
                self.draining, self.will_close = True, False
                self.last_activity = time.time()
                return
        super().handle_close()

    def readable(self) -> bool:
        return self.draining or bool(super().readable())

    def writable(self) -> bool:
        return self.will_close if self.draining else bool(super().writable())

    def handle_read(self) -> None:
        if self.draining:
            self.recv(self.adj.recv_bytes)  # dropped; at the end of the stream recv closes
            return
        super().handle_read()

    # waitress calls these two as factories: self.parser_class(adj), self.error_task_class(...)
    def parser_class(self, adj: Adjustments) -> IntakeParser:
        return IntakeParser(adj, self.server.limits.max_request_line)

    def error_task_class(self, channel: HTTPChannel, request: Any) -> Any:
        if isinstance(self.server.application, Intake) and request.error.code in (413, 414, 431):
            return RefusalTask(channel, request)
        return ErrorTask(channel, request)


class IntakeServer(TcpWSGIServer):
    channel_class = IntakeChannel

    def __init__(self, application: Intake, limits: Limits, **kw: Any) -> None:
        self.limits = limits
        self.trusted = spam.trusted_networks(application.config.comments.trusted_proxies)
        super().__init__(application, **kw)

    def over_client_limit(self, channel: HTTPChannel) -> bool:
        address = channel.addr[0] if isinstance(channel.addr, tuple) else None
        if not address or spam.is_trusted(address, self.trusted):
            return False
        same = sum(1 for c in self.active_channels.values() if c.addr[0] == address)
        return same > self.limits.connections_per_client

    def maintenance(self, now: float) -> None:
        """waitress closes a connection idle for ``channel_timeout``; this one also closes a
        connection whose request has not arrived whole that long after its first byte."""
        cutoff = now - self.adj.channel_timeout
        for channel in self.active_channels.values():
            pending = channel.request
            since = pending.started if isinstance(pending, IntakeParser) else channel.last_activity
            if not channel.requests and since < cutoff:
                channel.will_close = True


def create(application: Intake, host: str, port: int, limits: Limits) -> Any:
    """Servers for every address ``host`` resolves to (one, usually), sharing one thread pool.
    Returns something with ``run()`` and ``close()``; ``addresses(server)`` says where."""
    adj = Adjustments(**limits.waitress_settings(host, port))
    socket_map: dict[int, Any] = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    servers = [
        IntakeServer(
            application, limits, map=socket_map, dispatcher=dispatcher, adj=adj, sockinfo=info
        )
        for info in adj.listen
    ]
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return MultiSocketServer(socket_map, adj, listening, dispatcher, servers[-1].log_info)


def addresses(server: Any) -> list[tuple[str, int]]:
    if isinstance(server, MultiSocketServer):
        return list(server.effective_listen)
    return [(server.effective_host, server.effective_port)]
