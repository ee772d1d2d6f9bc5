"""What the intake says to readers: its messages (JSON and HTML) in the post's language, and
its own HTML page for readers whose browser posts the form without JavaScript: the problem in
words and, where the comment can still be sent, the form again with what they typed, so that
nothing they wrote is lost."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

MESSAGES = {
    "origin": (
        "Comments are accepted only from the blog's own pages.",
        "Kommentare werden nur von den Seiten des Blogs angenommen.",
    ),
    "type": (
        "Send the comment as application/x-www-form-urlencoded or application/json.",
        "Bitte senden Sie den Kommentar als application/x-www-form-urlencoded oder JSON.",
    ),
    "charset": ("Send the comment encoded as UTF-8.", "Bitte senden Sie den Kommentar in UTF-8."),
    "large": (
        "The request is larger than 64 KiB: shorten the comment.",
        "Die Anfrage ist größer als 64 KiB: bitte kürzen Sie den Kommentar.",
    ),
    "uri_long": (
        "The address of the request is too long: send the comment from the blog's page.",
        "Die Adresse der Anfrage ist zu lang: bitte senden Sie den Kommentar von der Seite "
        "des Blogs.",
    ),
    "headers_large": (
        "The request's headers are too large: delete this site's cookies and send again.",
        "Die Kopfzeilen der Anfrage sind zu groß: bitte löschen Sie die Cookies dieser Seite "
        "und senden Sie erneut.",
    ),
    "malformed": (
        "The request could not be read: send the form again.",
        "Die Anfrage war nicht lesbar: bitte senden Sie das Formular erneut.",
    ),
    "unknown_post": (
        "This post does not exist (any more): reload the blog and try again.",
        "Diesen Beitrag gibt es nicht (mehr): bitte laden Sie das Blog neu.",
    ),
    "closed": (
        "Comments on this post are closed.",
        "Kommentare zu diesem Beitrag sind geschlossen.",
    ),
    "unknown_parent": (
        "The comment you answer is unknown or not published: reload the page.",
        "Der Kommentar, auf den Sie antworten, ist unbekannt: bitte laden Sie die Seite neu.",
    ),
    "fields": (
        "Please correct the marked fields and send again.",
        "Bitte korrigieren Sie die markierten Felder und senden Sie erneut.",
    ),
    "rate": (
        "Too many comments from your address: please wait {seconds} seconds and send again.",
        "Zu viele Kommentare von Ihrer Adresse: bitte warten Sie {seconds} Sekunden.",
    ),
    "busy": (
        "The comment queue is busy: please send again in a few seconds.",
        "Die Kommentar-Warteschlange ist ausgelastet: bitte senden Sie gleich erneut.",
    ),
    "not_found": (
        "Nothing here: comments are sent to {endpoint}.",
        "Hier ist nichts: Kommentare gehen an {endpoint}.",
    ),
    "method": ("Send comments with POST.", "Kommentare werden per POST gesendet."),
}  # (English, German): the reader sees them in the post's language


def text(key: str, lang: str, **params: object) -> str:
    english, german = MESSAGES[key]
    return (german if lang == "de" else english).format(**params)


def preferred_language(accept_language: str, offered: tuple[str, ...]) -> str | None:
    """The first of ``offered`` that an Accept-Language header ranks highest, if any."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if base in offered and quality > 0:
            ranked.append((-quality, position, base))
    return min(ranked)[2] if ranked else None


TEXT = {
    "en": {
        "title": "Your comment was not sent",
        "fix": "Please correct the marked fields and send it again.",
        "back": "Back to the post",
        "name": "Name",
        "email": "Email (never published)",
        "website": "Website (optional)",
        "body": "Comment (Markdown, no HTML)",
        "send": "Send comment",
        "copy": "Your text, to copy:",
    },
    "de": {
        "title": "Ihr Kommentar wurde nicht gesendet",
        "fix": "Bitte korrigieren Sie die markierten Felder und senden Sie erneut.",
        "back": "Zurück zum Beitrag",
        "name": "Name",
        "email": "E-Mail (wird nie veröffentlicht)",
        "website": "Website (optional)",
        "body": "Kommentar (Markdown, kein HTML)",
        "send": "Kommentar senden",
        "copy": "Ihr Text zum Kopieren:",
    },
}

_STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin-top:1rem;font-weight:600}input,textarea{width:100%;"
    "font:inherit;padding:.4rem}textarea{min-height:10rem}.error{color:#a40000;margin:.2rem 0}"
    ".trap{position:absolute;left:-9999px}button{margin-top:1rem;font:inherit;padding:.5rem 1rem}"
)


def _value(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    # Lone surrogates can't be encoded; show them as the replacement character.
    return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else ""


def message_page(
    lang: str,
    message: str,
    *,
    endpoint: str,
    post_url: str | None = None,
    raw: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
    resend: bool = False,
) -> bytes:
    text = TEXT.get(lang, TEXT["en"])
    raw = raw or {}
    errors = errors or {}
    parts = [
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(text['title'])}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{escape(text['title'])}</h1>",
        f'<p role="alert">{escape(message)}</p>',
    ]
    if errors.keys() - {"name", "email", "website", "body"}:
        for field, error in errors.items():
            if field not in ("name", "email", "website", "body"):
                parts.append(f'<p class="error">{escape(error)}</p>')
    if resend:
        parts.append(
            f'<form method="post" action="{escape(endpoint)}" class="comment-form">'
            f'<input type="hidden" name="post" value="{escape(_value(raw, "post"))}">'
            f'<input type="hidden" name="parent" value="{escape(_value(raw, "parent"))}">'
        )
        for field, kind in (("name", "text"), ("email", "email"), ("website", "url")):
            parts.append(f'<label for="f-{field}">{escape(text[field])}</label>')
            if field in errors:
                parts.append(f'<p class="error" id="error-{field}">{escape(errors[field])}</p>')
            parts.append(
                f'<input id="f-{field}" name="{field}" type="{kind}" '
                f'value="{escape(_value(raw, field))}"'
                f"{' required' if field != 'website' else ''}>"
            )
        parts.append(f'<label for="f-body">{escape(text["body"])}</label>')
        if "body" in errors:
            parts.append(f'<p class="error" id="error-body">{escape(errors["body"])}</p>')
        parts.append(
            f'<textarea id="f-body" name="body" required>{escape(_value(raw, "body"))}</textarea>'
            '<div class="trap" aria-hidden="true"><input name="homepage" tabindex="-1" '
            'autocomplete="off"></div>'
            f'<button type="submit">{escape(text["send"])}</button></form>'
        )
    elif _value(raw, "body"):
        parts.append(
            f'<label for="f-copy">{escape(text["copy"])}</label>'
            f'<textarea id="f-copy" readonly>{escape(_value(raw, "body"))}</textarea>'
        )
    if post_url:
        parts.append(f'<p><a href="{escape(post_url)}">{escape(text["back"])}</a></p>')
    parts.append("</main></body></html>")
    return "".join(parts).encode("utf-8")
