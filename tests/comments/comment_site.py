"""Helpers for the comment tests: an inline site written by the test, a real queue file, the
moderation CLI run in-process, and the intake under waitress in its own process on 127.0.0.1.
"""

from __future__ import annotations

import ast
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from comments_moderation import cli
from comments_moderation.queue import Queue, open_queue

BASE_URL = "https://blog.example.com/"
ORIGIN = "https://blog.example.com"
AUTHORS = {
    "mod": ("Maria Moderator", "Community", "mod@example.com"),
    "alice": ("Alice Autor", "Engineer", "alice@example.com"),
    "bob": ("Bob Builder", "Designer", "bob@example.com"),
    "carol": ("Carol Colleague", "Sales", "carol@example.com"),
}
# slug -> (authors, comments open)
POSTS = {
    "open-post": (("alice",), True),
    "shared-post": (("alice", "bob"), True),
    "bob-post": (("bob",), True),
    "closed-post": (("bob",), False),
}


@dataclass
class Site:
    root: Path
    queue_url: str | None = None  # a PostgreSQL queue; else the SQLite file

    @property
    def queue_path(self) -> Path:
        return self.root / ".dialogue" / "comments.sqlite3"

    @property
    def backend(self) -> str:
        return "postgresql" if self.queue_url else "sqlite"

    def connect(self) -> Queue:
        """The site's queue, as the CLI and the intake open it (use it with ``with``)."""
        return open_queue(self.queue_url or self.queue_path)

    def post_url(self, slug: str) -> str:
        return f"{BASE_URL}2026/10/{slug}/"

    def comment_files(self) -> list[Path]:
        return sorted((self.root / "content" / "comments").glob("*/*.yaml"))


def make_site(
    root: Path,
    *,
    queue_url: str | None = None,
    language: str = "en",
    post_langs: Mapping[str, str] | None = None,
    **comments: Any,
) -> Site:
    """Write site.yaml, authors, posts and the build's posts.json by hand; ``post_langs`` gives
    posts a language other than the site's, ``comments`` the site.yaml comments settings; the
    queue is ``queue_url`` (PostgreSQL) when given, else the default SQLite file."""
    if queue_url:
        comments["queue"] = queue_url
    settings = {
        "moderators": ["mod"],
        "rate_limit_per_minute": 5,
        "trusted_proxies": ["127.0.0.1"],
        "blocklist": "blocklist.txt",
        **comments,
    }
    root.mkdir(parents=True, exist_ok=True)
    lines = ["title: Test Blog", f"base_url: {BASE_URL}", f"language: {language}", "comments:"]
    lines += [f"  {key}: {json.dumps(value)}" for key, value in settings.items()]
    (root / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    authors = root / "content" / "authors"
    authors.mkdir(parents=True, exist_ok=True)
    for author_id, (name, role, email) in AUTHORS.items():
        text = f"name: {name}\nrole: {role}\nemail: {email}\n"
        (authors / f"{author_id}.yaml").write_text(text, encoding="utf-8")
    posts = root / "content" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    manifest = []
    for slug, (post_authors, open_) in POSTS.items():
        lang = (post_langs or {}).get(slug, language)
        front = textwrap.dedent(f"""\
            ---
            title: Post {slug}
            lang: {lang}
            date: 2026-10-05T09:30:00+02:00
            authors: [{", ".join(post_authors)}]
            comments: {"true" if open_ else "false"}
            ---

            Text of {slug}.
            """)
        (posts / f"{slug}.md").write_text(front, encoding="utf-8")
        manifest.append(
            {
                "slug": slug,
                "url": f"{BASE_URL}2026/10/{slug}/",
                "path": f"/2026/10/{slug}/",
                "title": f"Post {slug}",
                "comments_open": open_,
                "authors": list(post_authors),
                "lang": lang,
            }
        )
    out = root / "public" / "_dialogue"
    out.mkdir(parents=True, exist_ok=True)
    (out / "posts.json").write_text(json.dumps({"posts": manifest}), encoding="utf-8")
    (root / "blocklist.txt").write_text("# test blocklist\ncasino\nspam-domain.example\n")
    return Site(root, queue_url)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(site: Site, *argv: str, env: Mapping[str, str] | None = None) -> Result:
    """``dialogue comments ARGV`` in-process, with a clean moderator environment."""
    names = {"DIALOGUE_MODERATOR", "DIALOGUE_QUEUE", "GIT_CONFIG_GLOBAL", *(env or {})}
    saved = {k: os.environ.get(k) for k in names}
    os.environ.pop("DIALOGUE_QUEUE", None)
    os.environ.pop("DIALOGUE_MODERATOR", None)
    os.environ["GIT_CONFIG_GLOBAL"] = os.devnull  # the developer's own email must not count
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["comments", *argv], root=site.root)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Intake:
    url: str  # http://127.0.0.1:PORT/comments
    process: subprocess.Popen[str]

    def request(
        self,
        method: str,
        path: str = "",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            conn.request(method, parts.path + path, body=body, headers=dict(headers or {}))
            answer = conn.getresponse()
            return Response(answer.status, dict(answer.getheaders()), answer.read())
        finally:
            conn.close()

    def submit(
        self,
        fields: Mapping[str, Any],
        *,
        as_json: bool = False,
        client: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST a comment; ``client`` becomes X-Forwarded-For (the test proxy is trusted)."""
        send = {"Origin": ORIGIN, **(headers or {})}
        if client:
            send["X-Forwarded-For"] = client
        if as_json:
            send.setdefault("Content-Type", "application/json")
            send.setdefault("Accept", "application/json")
            data = json.dumps(fields).encode()
        else:
            send.setdefault("Content-Type", "application/x-www-form-urlencoded")
            data = urlencode(fields).encode()
        return self.request("POST", body=data, headers=send)


def start_intake(site: Site, *options: str) -> Intake:
    """``dialogue comments serve --port 0 OPTIONS`` in the site's folder."""
    command = ["comments", "serve", "--port", "0", *options]
    process = subprocess.Popen(
        [sys.executable, "-m", "comments_moderation.cli", *command],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"the intake did not start: {line!r} {process.stderr.read()!r}")
    return Intake(line.split("on ", 1)[1].strip(), process)


def stop_intake(intake: Intake) -> None:
    if intake.process.poll() is None:
        intake.process.send_signal(signal.SIGTERM)
        try:
            intake.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            intake.process.kill()
            intake.process.wait()
    for stream in (intake.process.stdout, intake.process.stderr):
        if stream:
            stream.close()


_counter = iter(range(10**9))


def unique_client() -> str:
    """A fresh client address, so that tests don't share a rate limit."""
    n = next(_counter) + 1
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def comment(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    fields = {
        "post": "open-post",
        "name": "Eve Example",
        "email": "eve@example.com",
        "website": "",
        "body": f"A thoughtful comment number {n}.",
        "homepage": "",
    }
    fields.update(overrides)
    return fields


# --- the shared hostile payloads (../shared/payloads, see its README) ---

# The repository's copy first (tests/payloads), else the shared folder beside the clone.
PAYLOAD_DIRS = (
    Path(__file__).resolve().parents[1] / "payloads",
    Path(__file__).resolve().parents[3] / "shared" / "payloads",
)
_ESC = re.compile(r"\\(?:(n)|(r)|(t)|(0)|(\\)|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def decode_payload(line: str) -> str:
    def rep(m: re.Match[str]) -> str:
        for i, ch in ((1, "\n"), (2, "\r"), (3, "\t"), (4, "\0"), (5, "\\")):
            if m.group(i):
                return ch
        return chr(int(m.group(6) or m.group(7), 16))

    return _ESC.sub(rep, line)


def generate_payload(expr: str) -> str:
    def ev(n: ast.AST) -> Any:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and type(n.value) in (str, int):
            return n.value
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add | ast.Mult):
            a, b = ev(n.left), ev(n.right)
            return a + b if isinstance(n.op, ast.Add) else a * b
        raise ValueError("not allowed")

    value = ev(ast.parse(expr, mode="eval"))
    assert isinstance(value, str)
    return value


@dataclass(frozen=True)
class FieldCase:
    field: str
    value: str
    expect: str
    note: str

    def __str__(self) -> str:
        return f"{self.field}-{self.expect}-{self.note[:30]}"


def field_cases() -> list[FieldCase]:
    found = [d / "comment_fields.txt" for d in PAYLOAD_DIRS if (d / "comment_fields.txt").exists()]
    if not found:
        raise FileNotFoundError(f"comment_fields.txt is in none of {PAYLOAD_DIRS}")
    path = found[0]
    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        field, kind, value, expect, note = line.split("\t")
        value = decode_payload(value) if kind == "lit" else generate_payload(value)
        cases.append(FieldCase(field, value, expect, note))
    return cases


def add_comment(
    site: Site,
    post: str = "open-post",
    *,
    name: str = "Eve Example",
    email: str = "eve@example.com",
    body: str | None = None,
    website: str | None = None,
    parent: str | None = None,
    hours_ago: float = 0,
    spam_reasons: tuple[str, ...] = (),
) -> str:
    """Put a submission straight into the queue, as the intake would (time can be moved)."""
    import datetime as dt

    from comments_moderation import spam
    from comments_moderation.queue import NewComment

    body = body if body is not None else f"Comment {next(_counter)} on {post}."
    new = NewComment(
        post=post,
        parent=parent,
        name=name,
        email=email,
        website=website,
        body=body,
        body_hash=spam.body_hash(body),
        client_hash=spam.address_hash(f"203.0.113.{next(_counter) % 250}", "test"),
        user_agent="Mozilla/5.0 (test)",
        spam_reasons=spam_reasons,
    )
    with site.connect() as q:
        now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
        return q.submit(new, 0, now)


def stored(site: Site, status: str | None = None, post: str | None = None) -> list[Any]:
    """The comments in the site's queue, oldest first."""
    with site.connect() as q:
        return q.list(status, post)


def audit_entries(site: Site) -> list[Any]:
    with site.connect() as q:
        return q.audit_log()
