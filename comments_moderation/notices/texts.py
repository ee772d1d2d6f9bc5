"""The words of every notice, in German and English (a message speaks its post's language)."""

from __future__ import annotations

import datetime as dt

TEXTS: dict[str, dict[str, str]] = {
    "greeting": {"en": "Hello {name},", "de": "Hallo {name},"},
    "greeting_anonymous": {"en": "Hello,", "de": "Hallo,"},
    # --- to staff ---
    "subject_new": {
        "en": "New comment on “{title}”",
        "de": "Neuer Kommentar zu „{title}“",
    },
    "subject_overdue": {
        "en": "Overdue: a comment on “{title}” has waited {waited}",
        "de": "Überfällig: Ein Kommentar zu „{title}“ wartet seit {waited}",
    },
    "subject_reminder": {
        "en": "Still waiting: {count} overdue comments",
        "de": "Wartet noch: {count} überfällige Kommentare",
    },
    "subject_reminder_one": {
        "en": "Still waiting: a comment on “{title}”, {waited}",
        "de": "Wartet noch: ein Kommentar zu „{title}“, seit {waited}",
    },
    "subject_overdue_many": {
        "en": "Overdue: {count} comments have waited longer than {sla} hours",
        "de": "Überfällig: {count} Kommentare warten länger als {sla} Stunden",
    },
    "subject_digest_overdue": {
        "en": "{count} comments waiting on {site}, {overdue} of them overdue",
        "de": "{count} Kommentare warten auf {site}, {overdue} davon überfällig",
    },
    "subject_digest": {
        "en": "{count} comments waiting on {site}",
        "de": "{count} Kommentare warten auf {site}",
    },
    "intro_new": {
        "en": "{name} commented on “{title}”. It has waited {waited} for a decision.",
        "de": "{name} hat „{title}“ kommentiert. Der Kommentar wartet seit {waited} "
        "auf eine Entscheidung.",
    },
    "intro_overdue": {
        "en": "A comment by {name} on “{title}” has waited {waited}, longer than the "
        "{sla} hours we promise our readers.",
        "de": "Ein Kommentar von {name} zu „{title}“ wartet seit {waited}, länger als die "
        "{sla} Stunden, die wir unseren Leserinnen und Lesern zusagen.",
    },
    "intro_reminder": {
        "en": "Comments still overdue, each waiting longer than {sla} hours:",
        "de": "Diese Kommentare sind noch überfällig, jeder wartet länger als {sla} Stunden:",
    },
    "intro_digest": {
        "en": "{count} comments need a decision:",
        "de": "{count} Kommentare brauchen eine Entscheidung:",
    },
    "entry": {
        "en": "{label} on “{title}”, by {name}, waiting {waited}",
        "de": "{label} zu „{title}“, von {name}, wartet seit {waited}",
    },
    "label_new": {"en": "New", "de": "Neu"},
    "label_overdue": {"en": "OVERDUE", "de": "ÜBERFÄLLIG"},
    "label_reminder": {"en": "Still overdue", "de": "Noch überfällig"},
    "told": {
        "en": "Told of it, in this order: {who}.",
        "de": "Benachrichtigt, in dieser Reihenfolge: {who}.",
    },
    "level_authors": {"en": "the post's authors ({names})", "de": "die Autoren ({names})"},
    "level_department": {
        "en": "the moderators of {department} ({names})",
        "de": "die Moderation von {department} ({names})",
    },
    "level_moderators": {
        "en": "the central moderators ({names})",
        "de": "die zentrale Moderation ({names})",
    },
    "act": {
        "en": "To read and decide it, run:",
        "de": "Zum Lesen und Entscheiden:",
    },
    "post_link": {"en": "The post: {url}", "de": "Der Beitrag: {url}"},
    "why_staff": {
        "en": "You get these notices as an author or moderator of {site}.",
        "de": "Sie erhalten diese Hinweise als Autorin, Autor oder Moderation von {site}.",
    },
    "stop": {
        "en": "To stop these emails: {url}",
        "de": "Keine solchen E-Mails mehr: {url}",
    },
    "stop_webhook": {
        "en": "(To stop: remove this webhook from notify.webhooks in site.yaml.)",
        "de": "(Abbestellen: diesen Webhook aus notify.webhooks in site.yaml entfernen.)",
    },
    # --- to the commenter ---
    "subject_published": {
        "en": "Your comment on “{title}” is published",
        "de": "Ihr Kommentar zu „{title}“ ist veröffentlicht",
    },
    "subject_answered": {
        "en": "Your comment on “{title}” has an answer",
        "de": "Ihr Kommentar zu „{title}“ hat eine Antwort",
    },
    "outcome_published": {
        "en": "thank you for your comment on “{title}”. It is published and will appear "
        "on the page with the site's next update:",
        "de": "danke für Ihren Kommentar zu „{title}“. Er ist freigegeben und erscheint mit "
        "der nächsten Aktualisierung der Seite:",
    },
    "outcome_answered": {
        "en": "thank you for your comment on “{title}”. {staff} answered it; both appear "
        "on the page with the site's next update:",
        "de": "danke für Ihren Kommentar zu „{title}“. {staff} hat darauf geantwortet; "
        "beides erscheint mit der nächsten Aktualisierung der Seite:",
    },
    "outcome_once": {
        "en": "You asked to be told once. This is the only message you get about it: "
        "we have erased your email address from our moderation queue.",
        "de": "Sie wollten einmal benachrichtigt werden. Dies ist die einzige Nachricht dazu: "
        "Ihre E-Mail-Adresse ist aus unserer Moderationsliste gelöscht.",
    },
    "stop_commenter": {
        "en": "Never email this address again: {url}",
        "de": "Diese Adresse nie wieder anschreiben: {url}",
    },
    "signature": {"en": "The team of {site}", "de": "Das Team von {site}"},
}

_UNITS = {
    "en": {"minute": ("minute", "minutes"), "hour": ("hour", "hours"), "day": ("day", "days")},
    "de": {"minute": ("Minute", "Minuten"), "hour": ("Stunde", "Stunden"), "day": ("Tag", "Tagen")},
}


def text(key: str, lang: str, **values: object) -> str:
    forms = TEXTS[key]
    return forms.get(lang, forms["en"]).format(**values)


def _amount(count: int, unit: str, lang: str) -> str:
    one, many = _UNITS[lang if lang in _UNITS else "en"][unit]
    return f"{count} {one if count == 1 else many}"


def waited(span: dt.timedelta, lang: str) -> str:
    """'12 minutes', '5 hours', '2 days 3 hours' (German: '2 Tagen 3 Stunden' reads after
    'seit'; English after 'waited')."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return _amount(minutes, "minute", lang)
    hours = minutes // 60
    if hours < 48:
        return _amount(hours, "hour", lang)
    days, rest = divmod(hours, 24)
    return _amount(days, "day", lang) + (f" {_amount(rest, 'hour', lang)}" if rest else "")
