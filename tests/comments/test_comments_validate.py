"""Field validation: every field's error at once, and each line of the shared
comment_fields.txt with its expected outcome, directly and through the real intake."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

import pytest
from comment_site import FieldCase, Intake, Site, comment, field_cases, stored, unique_client

from comments_moderation.output import safe
from comments_moderation.validate import validate

CASES = field_cases()
HOMOGRAPH = "https://exаmple.com/"  # Cyrillic а

# Normal forms for the `normalize` lines, and the decisions for the `policy` lines.
NORMALIZED = {
    ("name", unicodedata.normalize("NFD", "José Müller")): unicodedata.normalize(
        "NFC", "José Müller"
    ),
    ("name", "  Eve  "): "Eve",
    ("name", "\ufeffEve"): "Eve",
    ("email", "  eve@example.com "): "eve@example.com",
    ("website", "   "): None,
    ("website", "HTTPS://EXAMPLE.COM/Path"): "https://example.com/Path",
    ("website", HOMOGRAPH): "https://" + "exаmple.com".encode("idna").decode() + "/",
}
POLICY = {
    # Cyrillic look-alike name: accepted (every comment waits for a moderator anyway) with a
    # signal the moderator sees in list and show.
    ("name", "Аdmin"): "Аdmin",
    # Quoted local parts are RFC-valid but nearly always abuse: refused.
    ("email", '"a b"@example.com'): "reject",
    # Internationalised addresses are real readers' addresses; the email is never published.
    ("email", "josé@例え.jp"): "josé@例え.jp",
    # Homograph hosts are stored (and shown) in punycode.
    ("website", HOMOGRAPH): NORMALIZED[("website", HOMOGRAPH)],
    # Accepted as a link: Dialogue never fetches a commenter's website.
    (
        "website",
        "http://169.254.169.254/latest/meta-data/",
    ): "http://169.254.169.254/latest/meta-data/",
}


def expected(case: FieldCase) -> object:
    key = (case.field, case.value)
    if case.expect == "policy":
        return POLICY[key]
    if case.expect == "normalize":
        return NORMALIZED[key]
    if case.expect == "accept":
        return unicodedata.normalize("NFC", case.value)
    return case.expect  # reject / inert


def valid(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "post": "open-post",
        "name": "Eve",
        "email": "eve@example.com",
        "website": "",
        "body": "Hello.",
    }
    fields.update(overrides)
    return fields


def test_every_field_error_is_reported_at_once() -> None:
    fields, errors = validate(
        {
            "post": "",
            "parent": "nonsense",
            "name": "",
            "email": "x@",
            "website": "ftp://x.org",
            "body": "",
        },
        10000,
    )
    assert fields is None
    assert set(errors) == {"post", "parent", "name", "email", "website", "body"}
    assert all(message.endswith(".") for message in errors.values())


def test_messages_follow_the_site_language() -> None:
    _, errors = validate(valid(name=""), 10000, "de")
    assert errors["name"] == "Bitte füllen Sie dieses Feld aus."


@pytest.mark.parametrize("case", CASES, ids=str)
def test_payload_field_directly(case: FieldCase) -> None:
    fields, errors = validate(valid(**{case.field: case.value}), 10000)
    want = expected(case)
    if want == "reject":
        assert fields is None and set(errors) == {case.field}, errors
    elif want == "inert":
        # Accepted or not; if accepted, stored exactly as sent (inert is the sinks' duty).
        if fields is not None:
            assert getattr(fields, case.field) == unicodedata.normalize("NFC", case.value)
        else:
            assert set(errors) == {case.field}
    else:
        assert fields is not None, errors
        assert getattr(fields, case.field) == want


def _post(intake: Intake, field: str, value: str) -> tuple[int, dict[str, str], str]:
    fields = comment(**{field: value})
    body = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()
    answer = intake.request(
        "POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Origin": "https://blog.example.com",
            "X-Forwarded-For": unique_client(),
        },
    )
    errors = answer.json().get("errors", {}) if answer.status == 400 else {}
    return answer.status, errors, str(fields["body"])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_payload_field_through_the_intake(
    case: FieldCase, intake: Intake, shared_site: Site
) -> None:
    status, errors, body = _post(intake, case.field, case.value)
    rows = [c for c in stored(shared_site) if c.body == body]
    want = expected(case)
    if want == "reject":
        assert status == 400 and set(errors) == {case.field}
        assert rows == []
        return
    if want == "inert" and status == 400:
        assert set(errors) == {case.field} and rows == []
        return
    assert status == 303, errors
    [row] = rows
    value = getattr(row, case.field)
    if want == "inert":
        assert value == unicodedata.normalize("NFC", case.value)
        # The moderator's terminal gets no raw control characters from it.
        assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in safe(value))
    else:
        assert value == want
    if (case.field, case.value) == ("name", "Аdmin"):
        assert row.status == "pending" and row.signals


# Spaces inside a name: a tab (pasted from a table), a no-break space (typed on a Mac with
# Option+Space, or pasted from Word), an ideographic space (Japanese input) all become one space.
SPACED_NAMES = {
    "Eve\tExample": "Eve Example",
    "Eve\u00a0Example": "Eve Example",
    "Eve \u00a0\t Example": "Eve Example",
    "山田\u3000花子": "山田 花子",
    "Eve\u202fExample\u2009Jr.": "Eve Example Jr.",
    "\u00a0Eve Example\t": "Eve Example",
}
# Names that draw nothing: Hangul fillers, zero-width characters, variation selectors, tag
# characters, the blank braille pattern, and mixtures with spaces.
INVISIBLE_NAMES = [
    "\u3164",
    "\u115f",
    "\u1160",
    "\uffa0",
    "\u3164\u3164\u3164",
    "\u200b\u200c\u200d",
    "\u2060\u2063",
    "\u180e",
    "\ufe0f",
    "\U000e0041\U000e0042",
    "\u2800",
    "\u3164 \u200b\u00a0\u115f",
    "\u00ad",
]


@pytest.mark.parametrize("raw", list(SPACED_NAMES), ids=ascii)
def test_spaces_inside_a_name_become_one_space(raw: str) -> None:
    fields, errors = validate(valid(name=raw), 10000)
    assert fields is not None, errors
    assert fields.name == SPACED_NAMES[raw]


@pytest.mark.parametrize("raw", INVISIBLE_NAMES, ids=ascii)
def test_a_name_of_invisible_characters_is_refused_naming_the_field(raw: str) -> None:
    for lang, wording in (("en", "visible"), ("de", "sichtbar")):
        fields, errors = validate(valid(name=raw), 10000, lang)
        assert fields is None and set(errors) == {"name"}
        assert wording in errors["name"]


@pytest.mark.parametrize("raw", ["한", "ㅎ", "Eve\u200d", "\u0639\u0644\u064a", "👩\u200d💻", "·"])
def test_visible_names_in_any_script_are_kept(raw: str) -> None:
    fields, errors = validate(valid(name=raw), 10000)
    assert fields is not None and fields.name == raw, errors


def test_the_space_set_is_unicodes_space_separators() -> None:
    from comments_moderation.visible import collapse_spaces

    for code in range(0x110000):
        char = chr(code)
        space = char == "\t" or unicodedata.category(char) == "Zs"
        assert (collapse_spaces(f"a{char}b") == "a b") == space, hex(code)


def test_name_spaces_and_invisibles_through_the_intake(intake: Intake, shared_site: Site) -> None:
    status, _, body = _post(intake, "name", "Eve\tExample\u00a0Jr.")
    assert status == 303
    [row] = [c for c in stored(shared_site) if c.body == body]
    assert row.name == "Eve Example Jr."
    status, errors, _ = _post(intake, "name", "\u3164")
    assert status == 400 and set(errors) == {"name"}
