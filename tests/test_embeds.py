"""Embeds in the post renderer: which paragraphs become a two-click placeholder, the player URL
each provider gets (privacy-enhanced), the words in the post's language, and what stays a
plain paragraph. The placeholder in Chromium: tests/browser/test_browser_embeds.py."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from generator.markdown.embeds import find_embed, may_embed
from generator.markdown.reference import render_post

YT = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("url", "provider", "player"),
    [
        (f"https://www.youtube.com/watch?v={YT}", "youtube",
         f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"),
        (f"https://youtu.be/{YT}?t=1m30s", "youtube",
         f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&start=90"),
        (f"https://m.youtube.com/watch?v={YT}&t=42", "youtube",
         f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&start=42"),
        (f"https://www.youtube.com/shorts/{YT}", "youtube",
         f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"),
        (f"https://www.youtube-nocookie.com/embed/{YT}", "youtube",
         f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"),
        ("https://vimeo.com/76979871", "vimeo",
         "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("https://vimeo.com/76979871/a1b2c3d4e5", "vimeo",
         "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=a1b2c3d4e5"),
        ("https://player.vimeo.com/video/76979871", "vimeo",
         "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("https://soundcloud.com/acme/folge-12", "soundcloud",
         "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Facme%2Ffolge-12"
         "&auto_play=true&visual=false"),
    ],
)  # fmt: skip
def test_provider_urls(url: str, provider: str, player: str) -> None:
    embed = find_embed(url)
    assert embed is not None and (embed.provider, embed.player) == (provider, player)
    assert may_embed(f"Intro.\n\n{url}\n")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UCabcdefghijk",
        "https://vimeo.com/channels/staffpicks",
        "https://soundcloud.com/acme",
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        f"https://user:pw@youtube.com/watch?v={YT}",
    ],
)
def test_not_embeddable(url: str) -> None:
    assert find_embed(url) is None


class _Parsed(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "body",
    [
        f"https://www.youtube.com/watch?v={YT}",
        f"<https://www.youtube.com/watch?v={YT}>",
        f"[Der erste Tag](https://www.youtube.com/watch?v={YT})",
        f"Text.\n\n[Der erste Tag](https://www.youtube.com/watch?v={YT})\n\n<b>raw HTML</b>\n",
        f"> [Der erste Tag](https://www.youtube.com/watch?v={YT})",
    ],
)
def test_a_paragraph_of_only_the_url_becomes_a_placeholder(body: str) -> None:
    rendered, warnings = render_post(body, lang="de")
    assert warnings == []
    tags = _Parsed(rendered.html).tags
    figure = next(attrs for tag, attrs in tags if tag == "figure")
    assert figure["class"] == "embed embed-youtube"
    assert figure["data-src"] == f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"
    links = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert f"https://www.youtube.com/watch?v={YT}" in links
    assert not [tag for tag, _ in tags if tag in ("iframe", "img", "script")]
    assert "Google Ireland Limited" in rendered.html and "IP-Adresse" in rendered.html
    if "[Der erste Tag]" in body:
        assert "Der erste Tag</p>" in rendered.html


def test_the_words_follow_the_post_language() -> None:
    english = render_post("https://vimeo.com/76979871", lang="en")[0].html
    assert "Watch on Vimeo" in english and "your IP address" in english
    german = render_post("https://soundcloud.com/acme/folge-12", lang="de")[0].html
    assert "Bei SoundCloud anhören" in german


@pytest.mark.parametrize(
    "body",
    [
        f"Schauen Sie https://youtu.be/{YT} an.",
        f"- https://youtu.be/{YT}",
        f"[Video](https://youtu.be/{YT}) und [noch eins](https://youtu.be/{YT})",
        f"    https://youtu.be/{YT}",
        f"**[Video](https://youtu.be/{YT})**",
    ],
)
def test_other_paragraphs_stay_as_they_are(body: str) -> None:
    html = render_post(body, lang="de")[0].html
    assert "embed" not in html


def test_the_lead_of_a_post_that_starts_with_an_embed() -> None:
    rendered = render_post(f"https://youtu.be/{YT}\n\nErster Absatz.", lang="de")[0]
    assert rendered.summary == "Erster Absatz."
