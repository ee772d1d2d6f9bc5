"""The comment intake: a WSGI application, one answer per row of SPEC's "Comment intake" table.

``make_application(config)`` is what ``dialogue serve`` and ``dialogue comments serve`` mount;
``application`` is the same for any WSGI server (gunicorn, uWSGI), with the site found in
DIALOGUE_SITE_ROOT (default: the current directory). A submission is committed to the queue
before it is answered, so an answered comment survives any crash. While the queue is out of
reach (a PostgreSQL server restarting, a locked file), every request that needs it gets 503
with Retry-After, and the next one tries again: the intake recovers by itself.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from comments_moderation import queue, spam
from comments_moderation.limits import MAX_REQUEST
from comments_moderation.manifest import Manifest, PostInfo
from comments_moderation.notices import unsubscribe
from comments_moderation.origins import Origins
from comments_moderation.pages import message_page, preferred_language, text
from comments_moderation.validate import validate
from generator import clock
from generator.config import LANGUAGES, Config, load_config
from generator.content.comments import comment_path
from generator.diagnostics import Diagnostics

# The server sets this in the environ of a request it refused before reading it whole (see
# server.py), with the status the intake must answer: the message key for each.
REFUSED = "dialogue.refused"
REFUSALS = {413: "large", 414: "uri_long", 431: "headers_large"}
# The message page needs its inline style and must post its form back to us (the intake may
# sit behind any host name, hence form-action *); nothing else.
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action *; base-uri 'none'"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
RETRY_AFTER = "5"  # seconds: a database restart or failover usually takes that long
# Connections an intake process holds by default: one per thread of waitress (four).
POOL_SIZE = 4
log = logging.getLogger("dialogue.intake")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


class Intake:
    def __init__(
        self, config: Config, extra_origins: Iterable[str] = (), pool_size: int = POOL_SIZE
    ) -> None:
        """``pool_size``: connections to a PostgreSQL queue, one per server thread."""
        self.config = config
        self.pool_size = pool_size
        self.endpoint = urlsplit(config.comments.endpoint).path.rstrip("/") or "/"
        self.action = config.comments.endpoint
        self.origins = Origins(config, extra_origins)
        self.manifest = Manifest(config.output_path / "_dialogue" / "posts.json")
        blocklist = config.comments.blocklist
        self.blocklist = spam.Blocklist(config.root / blocklist if blocklist else None)
        self._queue: queue.Queue | None = None
        self._salt: str | None = None
        self._opening = threading.Lock()

    def queue(self) -> queue.Queue:
        """The queue, opened on first use (and again after a failed first try), so that the
        intake starts, and answers 503, while its database is still out of reach."""
        if self._queue is None:
            with self._opening:
                if self._queue is None:
                    location = queue.queue_location(self.config)
                    self._queue = queue.open_queue(location, pool_size=self.pool_size, wait=False)
        return self._queue

    def salt(self) -> str:
        if self._salt is None:
            self._salt = self.queue().salt()
        return self._salt

    def close(self) -> None:
        if self._queue is not None:
            self._queue.close()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.route(environ)
        except queue.QueueError as exc:
            log.error("comment queue unavailable: %s", exc)
            response = self.error(environ, 503, "busy", headers=[("Retry-After", RETRY_AFTER)])
        except Exception:
            log.exception("intake failed on %r", environ.get("PATH_INFO"))
            response = Response(500, b'{"error": "internal error"}')
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            *response.headers,
            *self.origins.cors(environ),
        ]
        if response.content_type.startswith("text/html"):
            headers.append(("Content-Security-Policy", HTML_POLICY))
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    # --- routing and the answers that don't depend on the submission ---

    def route(self, environ: dict[str, Any]) -> Response:
        refused = environ.get(REFUSED)
        if refused in REFUSALS:
            return self.error(environ, refused, REFUSALS[refused])
        path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).rstrip("/") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == f"{self.endpoint.rstrip('/')}/health":
            if method not in ("GET", "HEAD"):
                return Response(405, headers=[("Allow", "GET, HEAD")])
            self.queue().health()
            return Response(200, json.dumps({"status": "ok", "posts": len(self.manifest)}).encode())
        if path == f"{self.endpoint.rstrip('/')}/unsubscribe":
            return self.unsubscribe(environ, method)
        if path != self.endpoint:
            return self.error(environ, 404, "not_found", endpoint=self.endpoint)
        if method == "OPTIONS":
            return Response(204 if self.origins.may_post(environ) else 403)
        if method != "POST":
            return self.error(environ, 405, "method", headers=[("Allow", "POST, OPTIONS")])
        return self.submit(environ)

    def unsubscribe(self, environ: dict[str, Any], method: str) -> Response:
        """The "stop these emails" link of notices; the signed token is its authorisation,
        so any origin may post it (a mail program's one-click unsubscribe has none)."""
        if method not in ("GET", "HEAD", "POST"):
            return Response(405, headers=[("Allow", "GET, POST")])
        body = (self.read(environ) or b"") if method == "POST" else b""
        query = str(environ.get("QUERY_STRING", ""))
        page = unsubscribe.answer(
            self.queue(), self.language(environ), method, query, body, clock.now()
        )
        return Response(page.status, page.html, "text/html; charset=utf-8")

    def language(self, environ: Mapping[str, Any], post: PostInfo | None = None) -> str:
        """The post's language; before the post is known, that of the page the reader came
        from (Referer), else the reader's choice (Accept-Language), else the site's."""
        if post is None:
            post = self.manifest.at(str(environ.get("HTTP_REFERER") or ""))
        if post is not None and post.lang in LANGUAGES:
            return post.lang
        accept = str(environ.get("HTTP_ACCEPT_LANGUAGE") or "")
        return preferred_language(accept, LANGUAGES) or self.config.language

    def wants_json(self, environ: Mapping[str, Any]) -> bool:
        ctype = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
        return ctype == JSON or "application/json" in str(environ.get("HTTP_ACCEPT", ""))

    def error(
        self,
        environ: Mapping[str, Any],
        status: int,
        key: str,
        *,
        post: PostInfo | None = None,
        raw: Mapping[str, object] | None = None,
        errors: Mapping[str, str] | None = None,
        headers: list[tuple[str, str]] | None = None,
        **params: object,
    ) -> Response:
        lang = self.language(environ, post)
        message = text(key, lang, **params)
        if self.wants_json(environ):
            payload: dict[str, object] = {"error": message}
            if errors:
                payload["errors"] = dict(errors)
            return Response(status, json.dumps(payload).encode(), headers=headers or [])
        page = message_page(
            lang,
            message,
            endpoint=self.action,
            post_url=post.url if post else None,
            raw=raw,
            errors=errors,
            resend=post is not None and status in (400, 429, 503),
        )
        return Response(status, page, "text/html; charset=utf-8", headers or [])

    # --- the submission ---

    def read(self, environ: dict[str, Any]) -> bytes | None:
        """The request body, or None when it is over the limit."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST:
            return None
        stream = environ["wsgi.input"]
        if not length and environ.get("wsgi.input_terminated"):
            data: bytes = stream.read(MAX_REQUEST + 1)
        else:
            data = stream.read(length) if length else b""
        return None if len(data) > MAX_REQUEST else data

    def parse(self, ctype: str, data: bytes) -> dict[str, object] | None:
        if ctype == JSON:
            try:
                parsed = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return None
            return parsed if isinstance(parsed, dict) else None
        # Invalid UTF-8 becomes lone surrogates here, which validation reports per field.
        text = data.decode("utf-8", "surrogateescape")
        try:
            pairs = parse_qsl(
                text, keep_blank_values=True, errors="surrogateescape", max_num_fields=64
            )
        except ValueError:
            return None
        fields: dict[str, object] = {}
        for key, value in pairs:
            fields.setdefault(key, value)  # the first of repeated fields counts
        return fields

    def submit(self, environ: dict[str, Any]) -> Response:
        if not self.origins.may_post(environ):
            return self.error(environ, 403, "origin")
        ctype, _, params = str(environ.get("CONTENT_TYPE", "")).partition(";")
        ctype = ctype.strip().lower()
        if ctype not in (FORM, JSON):
            return self.error(environ, 415, "type")
        charset = params.strip().lower().removeprefix("charset=").strip('"')
        if params.strip() and charset not in ("utf-8", "utf8", "us-ascii"):
            return self.error(environ, 415, "charset")
        data = self.read(environ)
        if data is None:
            return self.error(environ, 413, "large")
        raw = self.parse(ctype, data)
        if raw is None:
            malformed = text("malformed", self.language(environ))
            return self.error(environ, 400, "malformed", errors={"form": malformed})
        slug = raw.get("post")
        post = self.manifest.get(slug.strip()) if isinstance(slug, str) and slug.strip() else None
        if isinstance(slug, str) and slug.strip() and post is None:
            return self.error(environ, 404, "unknown_post", raw=raw)
        if post and not (post.comments_open and self.config.comments.enabled):
            return self.error(environ, 403, "closed", post=post, raw=raw)
        lang = self.language(environ, post)
        fields, errors = validate(raw, self.config.comments.max_chars, lang)
        if fields is None or post is None:
            return self.error(environ, 400, "fields", post=post, raw=raw, errors=errors)
        if fields.parent and not self.parent_exists(post.slug, fields.parent):
            return self.error(environ, 404, "unknown_parent", post=post, raw=raw)
        reasons, signals = spam.assess(fields, self.config.comments.max_links, self.blocklist)
        address = spam.client_address(environ, self.config.comments.trusted_proxies)
        user_agent = str(environ.get("HTTP_USER_AGENT", ""))[:512] or None
        new = queue.NewComment(
            post=post.slug,
            parent=fields.parent,
            name=fields.name,
            email=fields.email,
            website=fields.website,
            body=fields.body,
            body_hash=spam.body_hash(fields.body),
            client_hash=spam.address_hash(address, self.salt()),
            user_agent=user_agent.encode("utf-8", "replace").decode() if user_agent else None,
            spam_reasons=tuple(reasons),
            signals=tuple(signals),
            # Kept only when the site can tell commenters (notify.email, commenter_outcome).
            notify=fields.notify and self.config.notify.tells_commenters,
        )
        try:
            comment_id = self.queue().submit(
                new, self.config.comments.rate_limit_per_minute, dt.datetime.now(dt.UTC)
            )
        except queue.RateLimited as exc:
            wait = [("Retry-After", str(exc.retry_after))]
            return self.error(
                environ, 429, "rate", post=post, raw=raw, headers=wait, seconds=exc.retry_after
            )
        # Spam gets the same answer as anything else: a bot learns nothing from it.
        if ctype == JSON:
            return Response(202, json.dumps({"id": comment_id, "status": "pending"}).encode())
        location = f"{post.url}?comment=received#comment-status"
        return Response(303, b"", "text/plain; charset=utf-8", [("Location", location)])

    def parent_exists(self, post: str, parent: str) -> bool:
        # The file counts too: the queue may be newer than comments already in git.
        if self.queue().parent_ok(post, parent):
            return True
        return comment_path(self.config.content_path, post, parent).is_file()


def make_application(config: Config, extra_origins: Iterable[str] = ()) -> Intake:
    """The intake for a loaded site; ``extra_origins`` are also allowed to post (serve's own
    http://127.0.0.1:PORT)."""
    return Intake(config, extra_origins)


_lazy: Intake | None = None
_lazy_lock = threading.Lock()


def _load_from_environment() -> Intake:
    root = Path(os.environ.get("DIALOGUE_SITE_ROOT") or ".").resolve()
    diag = Diagnostics(root)
    config = load_config(root, diag)
    if config is None:
        problems = "; ".join(str(p) for p in diag.errors)
        raise RuntimeError(
            f"cannot load the site at {root} ({problems}): set DIALOGUE_SITE_ROOT to the "
            "folder that holds site.yaml"
        )
    return make_application(config)


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """For any WSGI server: ``gunicorn comments_moderation.intake:application``."""
    global _lazy
    if _lazy is None:
        with _lazy_lock:
            if _lazy is None:
                try:
                    _lazy = _load_from_environment()
                except RuntimeError as exc:
                    log.error("%s", exc)
                    body = b'{"error": "the comment intake is not configured"}'
                    start_response("503 Service Unavailable", [("Content-Type", JSON)])
                    return [body]
    return _lazy(environ, start_response)
