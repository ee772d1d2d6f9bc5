"""Notices under the README's least-privilege roles on PostgreSQL: the intake role writes the
event with each comment and takes unsubscribe clicks without reading any address; a
moderator's role runs ``notify``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pgserver
import psycopg
from comment_site import comment, make_site, start_intake, stop_intake
from notice_site import at, configure, notify, sending_log
from receivers import mailbox
from test_comments_postgres import readme_sql

from comments_moderation.queue import open_queue

DATABASE = "dialogue_notices"


@contextmanager
def _roles_and_grants(server: pgserver.Cluster) -> Iterator[None]:
    """The README's roles and grants on a database of this test's own; what it made is
    dropped again (roles are cluster-wide, and the other roles test makes the same ones)."""
    roles, grants = readme_sql()
    made: list[str] = []
    try:
        for statement in roles:
            try:
                server.sql(statement.replace("DATABASE dialogue ", f"DATABASE {DATABASE} "))
            except psycopg.errors.DuplicateObject:
                continue  # made by the other test of this session
            if statement.startswith("CREATE ROLE"):
                made.append(statement.split()[2])
        open_queue(server.url(DATABASE, "dialogue_owner")).close()  # the owner makes the schema
        for statement in grants:
            server.sql(statement.replace("DATABASE dialogue ", f"DATABASE {DATABASE} "), DATABASE)
        yield
    finally:
        server.sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        for role in reversed(made):
            server.sql(f"DROP ROLE IF EXISTS {role}")


def test_notices_work_with_the_readme_roles(postgres: pgserver.Databases, tmp_path: Path) -> None:
    with _roles_and_grants(postgres.server):
        _notify_and_unsubscribe(postgres.server, tmp_path)


def _notify_and_unsubscribe(server: pgserver.Cluster, tmp_path: Path) -> None:
    as_anna = {"DIALOGUE_QUEUE": server.url(DATABASE, "anna")}
    intake_url = server.url(DATABASE, "dialogue_intake")
    with mailbox() as box:
        site = configure(make_site(tmp_path / "site", queue_url=intake_url), box.port)
        intake = start_intake(site)
        try:
            answer = intake.submit(comment(post="bob-post"), as_json=True, client="10.8.0.1")
            assert answer.status == 202, answer.body
            result = notify(site, at(minutes=11), env=as_anna)
            assert result.code == 0, result.err
            assert [m.recipients for m in box.received] == [["bob@example.com"]]
            link = str(box.received[0].message["List-Unsubscribe"]).strip("<>")
            stop = intake.request(
                "POST",
                link.removeprefix("https://blog.example.com/comments"),
                body=b"List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert stop.status == 200, stop.body
        finally:
            stop_intake(intake)
    assert [e["state"] for e in sending_log(site, env=as_anna)] == ["sent"]
