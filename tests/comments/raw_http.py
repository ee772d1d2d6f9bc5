"""HTTP spoken over a raw socket, for what http.client won't do: send headers and no body,
trickle bytes, hold connections open, connect from another loopback address."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Generous: an answer that is due at once must come long before this, on a loaded machine too.
ANSWER_WAIT = 15.0


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes
    first_line: str

    def json(self) -> Any:
        return json.loads(self.body)


def connect(url: str, source: str = "127.0.0.1") -> socket.socket:
    """A connection to the intake at ``url`` from the loopback address ``source``."""
    parts = urlsplit(url)
    return socket.create_connection(
        (parts.hostname or "", parts.port or 80), timeout=ANSWER_WAIT, source_address=(source, 0)
    )


def head(method: str, target: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_answer(sock: socket.socket) -> RawAnswer:
    """One response; raises TimeoutError when none comes within ANSWER_WAIT."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed without an answer: {data!r}")
        data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    first, *lines = top.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return RawAnswer(int(first.split()[1]), headers, body[:length], first)


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server has closed (or reset) the connection: reads until then."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True
