"""The limits of one intake process (``dialogue comments serve``), and the 64 KiB of SPEC."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIB = 1024
MAX_REQUEST = 64 * KIB  # SPEC: requests over 64 KiB get 413


@dataclass(frozen=True)
class Limits:
    """What one intake process allows; each is an option of ``dialogue comments serve``."""

    threads: int = 4  # a submission is one short SQLite transaction; more threads only wait
    connection_limit: int = 500  # open connections in all; fits the usual 1024 file limit
    connections_per_client: int = 20  # a browser opens up to 6; many readers share a NAT
    timeout: int = 20  # seconds for a request to arrive whole, and for an idle keep-alive
    max_request_line: int = 8 * KIB  # the intake's URLs are short; nginx's default is 8 KiB
    max_header_size: int = 32 * KIB  # room for big SSO cookies; nginx's default is 4 x 8 KiB

    @property
    def cleanup_interval(self) -> int:
        """How often waitress looks for connections past their time (at most 5 s late)."""
        return max(1, min(5, self.timeout))

    def waitress_settings(self, host: str, port: int) -> dict[str, Any]:
        return dict(
            host=host,
            port=port,
            threads=self.threads,
            connection_limit=self.connection_limit,
            channel_timeout=self.timeout,
            cleanup_interval=self.cleanup_interval,
            max_request_header_size=self.max_header_size,
            # waitress refuses a declared length >= this: 64 KiB itself is allowed
            max_request_body_size=MAX_REQUEST + 1,
            # A request (at most 64 KiB of body) never spills into a temporary file: a comment
            # and its email address stay in memory. Answers are at most a few hundred KiB.
            inbuf_overflow=2 * (MAX_REQUEST + self.max_header_size),
            outbuf_overflow=1024 * KIB,
            # poll(), not select(): select() fails on file descriptors above 1023
            asyncore_use_poll=True,
            # Dialogue decides itself whom to believe (comments.trusted_proxies): waitress must
            # pass X-Forwarded-For through instead of dropping it.
            clear_untrusted_proxy_headers=False,
            ident="dialogue",
        )
