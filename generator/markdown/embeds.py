"""Two-click embeds: a paragraph holding only a YouTube, Vimeo or SoundCloud URL (bare, as an
autolink, or as ``[Title](url)``) becomes a placeholder that requests nothing from the provider.

The placeholder shows the provider, the title if the writer gave one, a local poster (a CSS
background from the theme), a line on what loading sends to whom, and a link to the original:
without JavaScript that link is all there is to it. The theme's embeds.js turns the link into a
button that loads the provider's privacy-enhanced player (youtube-nocookie.com, Vimeo with
``dnt=1``) in place, and lets a reader load one provider's embeds always (revocably).

A markdown-it core rule replaces the paragraph's tokens by one ``embed`` token; its render
rule writes the placeholder. ``may_embed`` is the cheap test for other renderers of the same
Markdown (a fast path must hand such a body to this renderer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "soundcloud.com")
_CANDIDATE = re.compile(
    r"^[ \t]*(?:<|\[[^\]\n]*\]\()?https?://(?:[a-z0-9-]+\.)*(?:youtube\.com|youtu\.be|"
    r"youtube-nocookie\.com|vimeo\.com|soundcloud\.com)/",
    re.I | re.M,
)


def may_embed(body: str) -> bool:
    """Whether a line of ``body`` may be an embed (a superset of the real ones, cheap)."""
    return any(host in body for host in _HOSTS) and bool(_CANDIDATE.search(body))


@dataclass(frozen=True)
class Embed:
    provider: str  # 'youtube', 'vimeo' or 'soundcloud'
    url: str  # the original page, for the link
    player: str  # the privacy-enhanced player's URL, loaded on the reader's click


def _host(netloc: str) -> str:
    host = netloc.lower().split(":")[0]
    return host.removeprefix("www.").removeprefix("m.")


def _seconds(value: str) -> int:
    """'90', '90s' or '1m30s' as seconds; 0 if it is none of these."""
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", value)
    if not match or not value:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    if host == "youtu.be":
        video = path.strip("/")
    elif host in ("youtube.com", "youtube-nocookie.com"):
        parts = path.strip("/").split("/")
        if parts == ["watch"]:
            video = query.get("v", [""])[0]
        elif len(parts) == 2 and parts[0] in ("embed", "shorts", "live", "v"):
            video = parts[1]
        else:
            return None
    else:
        return None
    if not _YOUTUBE_ID.fullmatch(video):
        return None
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    at = f"&start={start}" if start else ""
    return f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1{at}"


def _vimeo(host: str, path: str) -> str | None:
    parts = path.strip("/").split("/")
    if host == "player.vimeo.com" and len(parts) == 2 and parts[0] == "video":
        parts = parts[1:]
    elif host != "vimeo.com":
        return None
    if not parts[0].isdigit() or len(parts) > 2:
        return None
    private = f"&h={parts[1]}" if len(parts) == 2 and parts[1].isalnum() else ""
    if len(parts) == 2 and not private:
        return None
    return f"https://player.vimeo.com/video/{parts[0]}?dnt=1&autoplay=1{private}"


def _soundcloud(host: str, url: str, path: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    if host != "soundcloud.com" or not 2 <= len(parts) <= 3:
        return None
    track = quote(url.split("?")[0].split("#")[0], safe="")
    return f"https://w.soundcloud.com/player/?url={track}&auto_play=true&visual=false"


def find_embed(url: str) -> Embed | None:
    """The embed for a provider's URL, or None if it is not one we know how to embed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    host = _host(parts.netloc)
    query = parse_qs(parts.query)
    for provider, player in (
        ("youtube", _youtube(host, parts.path, query)),
        ("vimeo", _vimeo(host, parts.path)),
        ("soundcloud", _soundcloud(host, url.strip(), parts.path)),
    ):
        if player:
            return Embed(provider, url.strip(), player)
    return None


# ---------------------------------------------------------------- markdown-it


def _alone(inline: Token) -> tuple[str, str] | None:
    """(url, title) if the paragraph is only a URL, an autolink or one link; else None."""
    children = [c for c in inline.children or () if not (c.type == "text" and not c.content)]
    if len(children) == 1 and children[0].type == "text":
        text = children[0].content.strip()
        return (text, "") if " " not in text else None
    if len(children) >= 3 and children[0].type == "link_open" and children[-1].type == "link_close":
        inner = children[1:-1]
        if not all(c.type in ("text", "code_inline", "softbreak") for c in inner):
            return None
        href = str(children[0].attrGet("href") or "")
        title = " ".join("".join(c.content or " " for c in inner).split())
        return href, ("" if title == href or children[0].markup == "autolink" else title)
    return None


def _embed_rule(state: StateCore) -> None:
    from markdown_it.token import Token

    tokens = state.tokens
    i = 0
    while i + 2 < len(tokens):
        opening, inline = tokens[i], tokens[i + 1]
        if opening.type == "paragraph_open" and not opening.hidden and inline.type == "inline":
            found = _alone(inline)
            embed = find_embed(found[0]) if found else None
            if embed and found:
                token = Token("embed", "figure", 0)
                token.block = True
                token.map = opening.map
                token.meta = {"embed": embed, "title": found[1]}
                tokens[i : i + 3] = [token]
        i += 1


def embeds_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("embeds", _embed_rule)
    md.add_render_rule("embed", _render_embed)


# ---------------------------------------------------------------- the placeholder

# Who receives what when a reader loads the player, in the post's language.
_PROVIDERS = {
    "youtube": ("YouTube", "Google Ireland Limited (YouTube)", "video"),
    "vimeo": ("Vimeo", "Vimeo.com, Inc. (USA)", "video"),
    "soundcloud": ("SoundCloud", "SoundCloud Global Limited & Co. KG", "audio"),
}
_TEXTS = {
    "de": {
        "video": "Video",
        "audio": "Audio",
        "open": "Bei {name} ansehen",
        "open_audio": "Bei {name} anhören",
        "note": "Erst wenn Sie es laden, erhält {company} Daten von Ihrem Browser, "
        "darunter Ihre IP-Adresse und die Adresse dieser Seite.",
    },
    "en": {
        "video": "Video",
        "audio": "Audio",
        "open": "Watch on {name}",
        "open_audio": "Listen on {name}",
        "note": "Only when you load it does {company} receive data from your browser, "
        "including your IP address and the address of this page.",
    },
}


def placeholder(embed: Embed, title: str, lang: str) -> str:
    """The placeholder's HTML: a link to the original, readable and usable without scripts."""
    name, company, kind = _PROVIDERS[embed.provider]
    texts = _TEXTS.get(lang, _TEXTS["en"])
    label = title or texts[kind]
    action = texts["open" if kind == "video" else "open_audio"].format(name=name)
    note = texts["note"].format(company=company)
    return (
        f'<figure class="embed embed-{embed.provider}" data-embed="{embed.provider}"'
        f' data-src="{escape(embed.player)}">\n'
        f'<div class="embed-box"><div class="embed-consent">\n'
        f'<p class="embed-title"><span class="embed-provider">{name}</span> {escape(label)}</p>\n'
        f'<a class="button button-primary embed-open" href="{escape(embed.url)}">{action}</a>\n'
        f'<p class="embed-note">{escape(note)}</p>\n'
        "</div></div>\n</figure>\n"
    )


def _render_embed(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    meta = tokens[idx].meta
    return placeholder(meta["embed"], meta["title"], env.get("lang", "en"))
