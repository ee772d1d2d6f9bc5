"""The reader's fields: normalised (trimmed, NFC) and checked, every field's error at once.

Policy, pinned by tests/comments/test_comments_validate.py: names up to 100 code points, tabs
and spaces of every kind collapsed to one space, at least one visible character; no control
characters, line separators or bidi overrides in one-line fields (they spoof the moderator's
terminal and the page); email as a dot-atom with a fully qualified domain (internationalised
addresses accepted, quoted local parts and address literals refused); website http(s) only,
host lower-cased and stored in punycode so that look-alike hosts are visible.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from comments_moderation.visible import collapse_spaces, has_visible
from generator.content.comments import COMMENT_ID

FIELDS = ("post", "parent", "name", "email", "website", "body", "notify")
# What a checked checkbox (`on`) or JSON (`true`) sends to ask for the outcome; anything else,
# or nothing, means no.
NOTIFY_YES = ("on", "true", "1", "yes")
HONEYPOT = "homepage"
MAX_NAME = 100
MAX_EMAIL = 254
MAX_WEBSITE = 200
MAX_COMBINING = 5  # a run longer than this is "zalgo" text, not a real script
# Explicit direction controls: they reorder what a moderator sees ("exe.png" shown as "png.exe").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_URL_FORBIDDEN = re.compile(r"[\s\"<>\\^`{|}]")
_BARE_HOST = re.compile(r"^[^\W_][^:/?#@]*(?:[/?#]|$)")

MESSAGES: dict[str, dict[str, str]] = {
    "required": {
        "en": "Please fill in this field.",
        "de": "Bitte füllen Sie dieses Feld aus.",
    },
    "invisible": {
        "en": "Please enter a name made of visible letters.",
        "de": "Bitte geben Sie einen Namen aus sichtbaren Zeichen ein.",
    },
    "not_text": {
        "en": "Send this field as text.",
        "de": "Bitte senden Sie dieses Feld als Text.",
    },
    "encoding": {
        "en": "This contains characters that are not valid text; please retype it.",
        "de": "Hier stehen ungültige Zeichen; bitte tippen Sie es neu.",
    },
    "control": {
        "en": "Please remove line breaks and invisible control characters.",
        "de": "Bitte entfernen Sie Zeilenumbrüche und unsichtbare Steuerzeichen.",
    },
    "bidi": {
        "en": "Please remove the invisible text-direction characters.",
        "de": "Bitte entfernen Sie die unsichtbaren Schreibrichtungszeichen.",
    },
    "too_long": {
        "en": "Please shorten this to at most {limit} characters (it has {length}).",
        "de": "Bitte kürzen Sie auf höchstens {limit} Zeichen (jetzt {length}).",
    },
    "zalgo": {
        "en": "Please remove the stacked accent marks.",
        "de": "Bitte entfernen Sie die gestapelten Akzentzeichen.",
    },
    "email": {
        "en": "Please enter one email address like name@example.com.",
        "de": "Bitte geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    },
    "website": {
        "en": "Please enter a web address starting with https:// or http://, or leave it empty.",
        "de": "Bitte geben Sie eine Webadresse mit https:// oder http:// ein oder lassen "
        "Sie das Feld leer.",
    },
    "website_userinfo": {
        "en": "Please remove the part before @ from the web address.",
        "de": "Bitte entfernen Sie den Teil vor dem @ aus der Webadresse.",
    },
    "parent": {
        "en": "This reply refers to no valid comment; reload the page and reply again.",
        "de": "Diese Antwort bezieht sich auf keinen gültigen Kommentar; bitte laden Sie die "
        "Seite neu.",
    },
}


def message(code: str, lang: str, **params: object) -> str:
    texts = MESSAGES[code]
    return texts.get(lang, texts["en"]).format(**params)


@dataclass(frozen=True)
class Fields:
    """Validated, normalised values."""

    post: str
    name: str
    email: str
    body: str
    parent: str | None = None
    website: str | None = None
    honeypot: bool = False
    notify: bool = False  # the reader asked to be told the outcome (SPEC "Notices")


class Invalid(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def has_surrogates(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("not_text")
    if has_surrogates(value):
        raise Invalid("encoding")
    return value


def _line(value: object) -> str:
    """A one-line field: trimmed of spaces (and a leading byte order mark), NFC.

    Only spaces are trimmed: a zero-width or line-separator character at the end is not
    whitespace a person typed, and is refused like anywhere else in the value.
    """
    text = unicodedata.normalize("NFC", _text(value).removeprefix("\ufeff"))
    start, end = 0, len(text)
    while start < end and (text[start] == "\t" or unicodedata.category(text[start]) == "Zs"):
        start += 1
    while end > start and (text[end - 1] == "\t" or unicodedata.category(text[end - 1]) == "Zs"):
        end -= 1
    text = text[start:end]
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            raise Invalid("control")
        if char in BIDI_CONTROLS:
            raise Invalid("bidi")
    return text


def _limit(text: str, limit: int) -> str:
    if len(text) > limit:
        raise Invalid("too_long", limit=limit, length=len(text))
    return text


def clean_name(value: object) -> str:
    """Tabs and spaces of every kind become single spaces; invisible-only is no name."""
    name = _limit(_line(collapse_spaces(_text(value))), MAX_NAME)
    if not name:
        raise Invalid("required")
    if not has_visible(name):
        raise Invalid("invisible")
    run = 0
    for char in name:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if run > MAX_COMBINING:
            raise Invalid("zalgo")
    return name


def _ascii_host(host: str, code: str) -> str:
    """Lower-cased, punycode host name with at least two labels; else Invalid(code)."""
    # IDNA quietly drops some invisible characters (zero-width space); refuse them instead.
    if any(ord(c) > 127 and unicodedata.category(c)[0] not in "LMN" for c in host):
        raise Invalid(code)
    try:
        ascii_host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError:
        raise Invalid(code) from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise Invalid(code)
    return ascii_host


def clean_email(value: object) -> str:
    email = _line(value)
    if not email:
        raise Invalid("required")
    _limit(email, MAX_EMAIL)
    if email.count("@") != 1:
        raise Invalid("email")
    local, domain = email.split("@")
    if not local or len(local.encode("utf-8")) > 64 or ".." in local:
        raise Invalid("email")
    if local.startswith(".") or local.endswith("."):
        raise Invalid("email")
    for char in local:
        if (
            char != "."
            and char not in _ATEXT
            and not (ord(char) > 127 and unicodedata.category(char)[0] in "LMN")
        ):
            raise Invalid("email")
    _ascii_host(domain, "email")  # checks the syntax; the address keeps its Unicode form
    return f"{local}@{domain.lower()}"


def clean_website(value: object) -> str | None:
    url = _line(value)
    if not url:
        return None
    _limit(url, MAX_WEBSITE)
    if _URL_FORBIDDEN.search(url):
        raise Invalid("website")
    if "://" not in url and _BARE_HOST.match(url):
        url = "https://" + url  # "example.com" is what people type
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not url[len(parts.scheme) :].startswith(
        "://"
    ):
        raise Invalid("website")
    if "@" in parts.netloc:
        raise Invalid("website_userinfo")
    try:
        port = parts.port
    except ValueError:
        raise Invalid("website") from None
    host = _ascii_host(parts.hostname or "", "website")
    result = f"{parts.scheme.lower()}://{host}{f':{port}' if port is not None else ''}"
    result += parts.path or "/"
    result += f"?{parts.query}" if parts.query else ""
    result += f"#{parts.fragment}" if parts.fragment else ""
    return _limit(result, MAX_WEBSITE)


def clean_body(value: object, max_chars: int) -> str:
    body = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\u2028", "\n").replace("\u2029", "\n\n")
    body = unicodedata.normalize("NFC", body).rstrip()
    body = re.sub(r"^(?:[ \t]*\n)+", "", body)  # leading blank lines, not a code block's indent
    if not body.strip():
        raise Invalid("required")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in body):
        raise Invalid("control")
    return _limit(body, max_chars)


def clean_parent(value: object) -> str | None:
    parent = _line(value).upper()
    if not parent:
        return None
    if not COMMENT_ID.match(parent):
        raise Invalid("parent")
    return parent


def validate(
    raw: Mapping[str, object], max_chars: int, lang: str = "en"
) -> tuple[Fields | None, dict[str, str]]:
    """The cleaned fields, or None with a message for every field that is wrong."""
    cleaners = {
        "post": _line,
        "parent": clean_parent,
        "name": clean_name,
        "email": clean_email,
        "website": clean_website,
        "body": lambda v: clean_body(v, max_chars),
    }
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, cleaner in cleaners.items():
        try:
            values[name] = cleaner(raw.get(name))
        except Invalid as exc:
            errors[name] = message(exc.code, lang, **exc.params)
    if not values.get("post") and "post" not in errors:
        errors["post"] = message("required", lang)
    if errors:
        return None, errors
    trap = raw.get(HONEYPOT)
    values["honeypot"] = bool(trap.strip()) if isinstance(trap, str) else trap is not None
    asked = raw.get("notify")
    values["notify"] = asked is True or (
        isinstance(asked, str) and asked.strip().lower() in NOTIFY_YES
    )
    return Fields(**values), {}  # type: ignore[arg-type]
