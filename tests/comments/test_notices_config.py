"""site.yaml's notify: section and comments.department_moderators: read, and every mistake
reported at its line with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.diagnostics import Diagnostics

HEAD = "title: T\nbase_url: https://blog.example.com/\n"


def _load(root: Path, text: str) -> tuple[object, list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(HEAD + text, encoding="utf-8")
    diag = Diagnostics(root)
    config = load_config(root, diag)
    return config, [f"{p.line}: {p.message}" for p in diag.errors]


def test_full_notify_section_is_read(tmp_path: Path) -> None:
    config, errors = _load(
        tmp_path,
        "notify:\n"
        "  email:\n"
        "    smtp: smtp.example.com:2525\n"
        "    security: ssl\n"
        '    from: "Acme im Dialog <dialog@example.com>"\n'
        "  webhooks: [https://hooks.example.com/T1/B2]\n"
        "  new_comment: [authors, department]\n"
        "  overdue: [department, moderators]\n"
        "  digest_minutes: 0\n"
        "  daily_digest_hour: 7\n"
        "  commenter_outcome: false\n"
        "comments:\n"
        "  department_moderators:\n"
        "    Vertrieb: [carol]\n"
        "    Kundenservice: mod\n",
    )
    assert errors == []
    notify = config.notify  # type: ignore[attr-defined]
    assert (notify.email.host, notify.email.port, notify.email.security) == (
        "smtp.example.com",
        2525,
        "ssl",
    )
    assert notify.email.sender == "Acme im Dialog <dialog@example.com>"
    assert notify.webhooks == ("https://hooks.example.com/T1/B2",)
    assert notify.new_comment == ("authors", "department")
    assert (notify.digest_minutes, notify.daily_digest_hour) == (0, 7)
    assert notify.active and not notify.tells_commenters
    departments = config.comments.department_moderators  # type: ignore[attr-defined]
    assert departments == {"Vertrieb": ("carol",), "Kundenservice": ("mod",)}


def test_defaults_send_nothing(tmp_path: Path) -> None:
    config, errors = _load(tmp_path, "")
    assert errors == []
    notify = config.notify  # type: ignore[attr-defined]
    assert not notify.active and notify.email is None and notify.digest_minutes == 10
    assert notify.overdue == ("authors", "department", "moderators")


def test_port_defaults_to_the_security_chosen(tmp_path: Path) -> None:
    config, errors = _load(
        tmp_path, "notify:\n  email: {smtp: mail.example.com, from: a@example.com}\n"
    )
    assert errors == [] and config.notify.email.port == 587  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notify:\n  emial: {}\n", "4: unknown key 'notify.emial' (known: email, webhooks"),
        (
            "notify:\n  email:\n    smtp: x.example.com:99999\n    from: a@example.com\n",
            "5: 'notify.email.smtp': '99999' is no port (1-65535)",
        ),
        (
            "notify:\n  email:\n    smtp: x.example.com\n    security: tls\n"
            "    from: a@b.example\n",
            "6: 'notify.email.security' must be starttls, ssl or none",
        ),
        (
            "notify:\n  email:\n    smtp: x.example.com\n    from: nobody\n",
            "6: 'notify.email.from' must be a sender address",
        ),
        ("notify:\n  email:\n    from: a@b.example\n", "4: 'notify.email.smtp' is missing"),
        ("notify:\n  webhooks: [ftp://x.example/]\n", "4: 'notify.webhooks': 'ftp://x.example/'"),
        ("notify:\n  overdue: [bosses]\n", "4: 'notify.overdue': unknown audience 'bosses'"),
        ("notify:\n  digest_minutes: -1\n", "4: 'notify.digest_minutes' must be a whole number"),
        ("notify:\n  daily_digest_hour: 24\n", "4: 'notify.daily_digest_hour' must be a whole"),
        ("notify:\n  commenter_outcome: yes please\n", "4: 'notify.commenter_outcome' must be"),
        ("notify: [email]\n", "3: 'notify' must be a mapping"),
        (
            "comments:\n  department_moderators: [a]\n",
            "4: 'comments.department_moderators' must map department names to author ids",
        ),
        (
            "comments:\n  department_moderators:\n    Vertrieb: {a: 1}\n",
            "5: 'comments.department_moderators': 'Vertrieb' must list author ids",
        ),
    ],
)
def test_mistakes_name_their_line(tmp_path: Path, text: str, expected: str) -> None:
    config, errors = _load(tmp_path, text)
    assert config is None
    assert any(e.startswith(expected) for e in errors), errors


def test_the_sample_site_configures_notices() -> None:
    root = Path(__file__).resolve().parents[2]
    diag = Diagnostics(root)
    config = load_config(root, diag)
    assert config is not None, diag.errors
    assert config.notify.active and config.notify.email is not None
    assert config.comments.department_moderators
