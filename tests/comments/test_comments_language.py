"""The intake answers in the post's language: a German site with one English post, through the
real server. Before the post is known (a refused request), the page the reader came from
(Referer) decides, then the reader's Accept-Language, then the site's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from comment_site import (
    ORIGIN,
    Intake,
    comment,
    make_site,
    start_intake,
    stop_intake,
    unique_client,
)
from raw_http import connect, head, read_answer

ENGLISH_POST = "open-post"
GERMAN_POST = "bob-post"
FILL_IN = {"en": "Please fill in this field.", "de": "Bitte füllen Sie dieses Feld aus."}
NOT_SENT = {"en": "Your comment was not sent", "de": "Ihr Kommentar wurde nicht gesendet"}
TOO_LARGE = {"en": "larger than 64 KiB", "de": "größer als 64 KiB"}


@pytest.fixture(scope="module")
def intake_de(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    root = tmp_path_factory.mktemp("german") / "site"
    site = make_site(root, language="de", post_langs={ENGLISH_POST: "en"})
    server = start_intake(site)
    yield server
    stop_intake(server)


@pytest.mark.parametrize(("post", "lang"), [(ENGLISH_POST, "en"), (GERMAN_POST, "de")])
def test_json_errors_are_in_the_posts_language(intake_de: Intake, post: str, lang: str) -> None:
    answer = intake_de.submit(comment(post=post, name=""), as_json=True, client=unique_client())
    assert answer.status == 400
    assert answer.json()["errors"] == {"name": FILL_IN[lang]}
    english = answer.json()["error"].startswith("Please")
    assert english == (lang == "en")


@pytest.mark.parametrize(("post", "lang"), [(ENGLISH_POST, "en"), (GERMAN_POST, "de")])
def test_the_message_page_is_in_the_posts_language(intake_de: Intake, post: str, lang: str) -> None:
    answer = intake_de.submit(comment(post=post, email="nope"), client=unique_client())
    page = answer.body.decode()
    assert answer.status == 400
    assert f'<html lang="{lang}">' in page
    assert NOT_SENT[lang] in page


def test_closed_post_answers_in_its_language(intake_de: Intake) -> None:
    answer = intake_de.submit(comment(post="closed-post"), as_json=True, client=unique_client())
    assert answer.status == 403
    assert answer.json()["error"] == "Kommentare zu diesem Beitrag sind geschlossen."


@pytest.mark.parametrize(
    ("extra", "lang"),
    [
        ({"Referer": f"{ORIGIN}/2026/10/{ENGLISH_POST}/"}, "en"),
        ({"Referer": f"{ORIGIN}/2026/10/{GERMAN_POST}/", "Accept-Language": "en"}, "de"),
        ({"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"}, "en"),
        ({"Accept-Language": "fr-FR,de;q=0.3,en;q=0.2"}, "de"),
        ({}, "de"),
    ],
    ids=["referer-en", "referer-de-wins", "accept-en", "accept-de", "site"],
)
def test_a_refusal_before_the_post_is_known_guesses_the_language(
    intake_de: Intake, extra: dict[str, str], lang: str
) -> None:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Origin": ORIGIN,
        "Content-Length": str(1024 * 1024),
        **extra,
    }
    with connect(intake_de.url) as sock:
        sock.sendall(head("POST", "/comments", headers))
        answer = read_answer(sock)
    assert answer.status == 413
    assert TOO_LARGE[lang] in answer.json()["error"]
