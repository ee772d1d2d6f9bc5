"""``<endpoint>/unsubscribe?t=TOKEN``: where the "stop these emails" link of every notice leads.

GET shows a page with one button, because mail scanners open links to check them and must not
unsubscribe anyone; POST does it. A mail program's one-click unsubscribe (RFC 8058: a POST with
``List-Unsubscribe=One-Click``) is a POST too. The token is the only authorisation: it was
signed with the queue's secret for one author or one address. Stopping is undone with the
button on the answer page. The intake never reads an address here (its database role may
not): it records the opt-out, and the sender skips that address and erases it from the queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs

from comments_moderation.notices import outbox, tokens
from comments_moderation.queue import Queue

WORDS = {
    "title": ("Email notices", "E-Mail-Hinweise"),
    "ask_author": (
        "Stop the emails about comments that Dialogue sends to author “{who}”?",
        "Keine E-Mails mehr über Kommentare an „{who}“ senden?",
    ),
    "ask_address": (
        "Never email this address about comments again?",
        "Diese Adresse nie wieder wegen Kommentaren anschreiben?",
    ),
    "stop": ("Stop the emails", "E-Mails abbestellen"),
    "stopped": (
        "Done: no more emails. Moderators can still see comments in the queue.",
        "Erledigt: keine E-Mails mehr. Kommentare bleiben für die Moderation sichtbar.",
    ),
    "stopped_address": (
        "Done: this address gets no more email from us. Where a comment still waits to tell "
        "you its outcome, the address is erased instead.",
        "Erledigt: Diese Adresse erhält keine E-Mails mehr von uns. Wo ein Kommentar Ihnen "
        "noch sein Ergebnis mitteilen sollte, wird die Adresse stattdessen gelöscht.",
    ),
    "resume": ("Send them again", "Doch wieder senden"),
    "resumed": ("The emails are on again.", "Die E-Mails sind wieder eingeschaltet."),
    "invalid": (
        "This link is not valid: it may have been cut off. Copy the whole link from the email.",
        "Dieser Link ist ungültig, vielleicht abgeschnitten: Bitte kopieren Sie ihn ganz aus "
        "der E-Mail.",
    ),
}
STYLE = (
    "body{font:17px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;"
    "color:#1d2433}button{font:inherit;padding:.55rem 1.1rem;border-radius:8px;border:0;"
    "background:#0b5cad;color:#fff;cursor:pointer}"
)


@dataclass(frozen=True)
class Page:
    status: int
    html: bytes


def _word(key: str, lang: str, **values: object) -> str:
    english, german = WORDS[key]
    return (german if lang == "de" else english).format(**values)


def _page(status: int, lang: str, text: str, button: tuple[str, str, str] | None = None) -> Page:
    """A message, and maybe a form with one button (label, token, action)."""
    form = ""
    if button:
        label, token, action = button
        form = (
            f'<form method="post"><input type="hidden" name="t" value="{escape(token)}">'
            f'<input type="hidden" name="action" value="{action}">'
            f"<button type=submit>{escape(label)}</button></form>"
        )
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(_word('title', lang))}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(_word('title', lang))}</h1><p>{escape(text)}</p>{form}</body></html>"
    )
    return Page(status, html.encode("utf-8"))


def answer(queue: Queue, lang: str, method: str, query: str, body: bytes, now: dt.datetime) -> Page:
    """The page for one request to the unsubscribe address."""
    fields = {k: v[0] for k, v in parse_qs(query).items()}
    if method == "POST":
        posted = parse_qs(body.decode("utf-8", "replace"))
        fields.update({k: v[0] for k, v in posted.items()})
    token = fields.get("t", "")
    secret = outbox.secret(queue)
    subject = tokens.verify(secret, token)
    if subject is None:
        return _page(400, lang, _word("invalid", lang))
    if method != "POST":
        who = subject.removeprefix(tokens.AUTHOR)
        ask = _word("ask_author", lang, who=who) if subject.startswith(tokens.AUTHOR) else ""
        return _page(
            200, lang, ask or _word("ask_address", lang), (_word("stop", lang), token, "stop")
        )
    if fields.get("action") == "resume":
        outbox.set_opt_out(queue, subject, False, now)
        return _page(200, lang, _word("resumed", lang), (_word("stop", lang), token, "stop"))
    outbox.set_opt_out(queue, subject, True, now)
    done = "stopped_address" if subject.startswith(tokens.ADDRESS) else "stopped"
    return _page(200, lang, _word(done, lang), (_word("resume", lang), token, "resume"))
