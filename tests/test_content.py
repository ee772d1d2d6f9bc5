"""Unit tests per stage: front matter, YAML, slugs and URLs, the comment file format, the post
and comment Markdown renderers (with the hostile payloads of tests/payloads/)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from htmlcheck import dom_violations, elements, text_of
from sitetools import PAYLOADS

from generator.content.comments import CommentFile, dump_comment, read_comment
from generator.content.frontmatter import decode, parse
from generator.diagnostics import Diagnostics
from generator.markdown.comments import render_comment
from generator.markdown.reference import render_post
from generator.urls import SLUG, output_file, paginated, slugify
from generator.yamlsafe import INVALID, load_yaml

# ---------------------------------------------------------------- payload decoding (README.md)

_ESC = re.compile(r"\\(?:(n)|(r)|(t)|(0)|(\\)|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def decode_line(line: str) -> str:
    """Decode the payloads' escapes (see tests/payloads/README.md); other backslashes stay."""

    def replace(match: re.Match[str]) -> str:
        for group, char in ((1, "\n"), (2, "\r"), (3, "\t"), (4, "\0"), (5, "\\")):
            if match.group(group):
                return char
        return chr(int(match.group(6) or match.group(7), 16))

    return _ESC.sub(replace, line)


def generate(expr: str) -> str:
    """A generated value: string and integer literals with + and * only (never eval)."""

    def value(node: ast.AST) -> str | int:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (str, int):
            return node.value  # type: ignore[no-any-return]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mult):
            left, right = value(node.left), value(node.right)
            return left + right if isinstance(node.op, ast.Add) else left * right  # type: ignore[operator]
        raise ValueError(f"not allowed: {ast.dump(node)}")

    result = value(ast.parse(expr, mode="eval"))
    assert isinstance(result, str)
    return result


XSS_LINES = [
    line for line in (PAYLOADS / "xss_markdown.txt").read_text(encoding="utf-8").split("\n") if line
]
PATHOLOGICAL = [
    tuple(line.split("\t", 1))
    for line in (PAYLOADS / "pathological_markdown.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def test_payload_files_are_complete() -> None:
    assert len(XSS_LINES) == 90
    assert len(PATHOLOGICAL) == 23
    assert decode_line(r"a\nb\tc\\n\u00e9\U0001F600\x") == "a\nb\tc\\né😀\\x"
    assert generate('"ab" * 2 + "c"') == "ababc"
    with pytest.raises(ValueError):
        generate("__import__('os')")


# ---------------------------------------------------------------- front matter

VALID = b"---\ntitle: Hallo\ndate: 2024-03-01\ntags: [a, b]\n---\n\nBody line.\n\nSecond.\n"


def test_front_matter_lines() -> None:
    fm = parse(VALID)
    assert fm.problems == []
    assert fm.data["title"] == "Hallo"
    assert fm.data["date"] == dt.date(2024, 3, 1)
    assert fm.key_lines == {"title": 2, "date": 3, "tags": 4}
    assert fm.body == "\nBody line.\n\nSecond.\n"
    assert fm.body_line == 6


@pytest.mark.parametrize(
    "variant",
    [
        b"\xef\xbb\xbf" + VALID,
        VALID.replace(b"\n", b"\r\n"),
        VALID.replace(b"\n", b"\r"),
        b"\xef\xbb\xbf" + VALID.replace(b"\n", b"\r\n"),
    ],
    ids=["bom", "crlf", "cr", "bom+crlf"],
)
def test_bom_and_line_endings_parse_identically(variant: bytes) -> None:
    plain, other = parse(VALID), parse(variant)
    assert other == plain
    assert "\r" not in other.body and "\ufeff" not in other.body
    assert render_post(other.body) == render_post(plain.body)


def test_fence_with_trailing_spaces_and_body_rules() -> None:
    fm = parse(b"--- \ntitle: x\n---\n\n---\ntitle: body\n---\n")
    assert fm.problems == []
    assert fm.data == {"title": "x"}
    assert fm.body == "\n---\ntitle: body\n---\n"
    assert render_post(fm.body)[0].html.count("<hr>") == 1


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        (b"", 1, "empty file"),
        (b"\n\n  \n", 1, "empty file"),
        (b"# Title\n", 1, "no front matter: expected '---' on line 1"),
        (b"\n\n---\ntitle: x\n---\n", 3, "front matter must start on line 1"),
        (b"---\ntitle: x\n", 1, "front matter opened on line 1 is never closed"),
        (b"+++\ntitle = 'x'\n+++\n", 1, "unsupported front matter delimiter '+++' (use ---)"),
        (b"---\n---\nbody\n", 2, "front matter is empty"),
        (b"---\n- a\n---\n", 2, "front matter must be a mapping, got a list"),
        (b"---\njust text\n---\n", 2, "front matter must be a mapping, got a string"),
        (b"---\ntitle: x\n---\n\nab\0c\n", 5, "NUL byte in content"),
        (b"---\ntitle: x\n---\nok\n\xff\n", 5, "not valid UTF-8 (byte 0xFF at column 1)"),
        (b"---\ntitle: x\ntags:\n\t- a\n---\n", 4, "tab character used for indentation"),
        (b"---\ntitle: x\ndate: 2024-13-45\n---\n", 3, "invalid date 2024-13-45: month must"),
        (b"---\ntitle: x\ndate: 2024-02-30\n---\n", 3, "invalid date 2024-02-30"),
        (b"---\ntitle: !!python/object:os.system x\n---\n", 2, "unsupported YAML tag"),
        (b"---\ntitle: x\n  y: z\n---\n", 3, "invalid YAML: mapping values are not allowed"),
    ],
)
def test_front_matter_problems(raw: bytes, line: int, message: str) -> None:
    fm = parse(raw)
    assert len(fm.problems) == 1, fm.problems
    found_line, found = fm.problems[0]
    assert found_line == line
    assert found.startswith(message), found


def test_non_utf8_position() -> None:
    text, problems = decode("---\ntitle: Café\n".encode("latin-1"))
    assert text is None
    assert problems == [(2, "not valid UTF-8 (byte 0xE9 at column 11): save as UTF-8")]


def test_every_bad_tag_is_reported() -> None:
    doc = load_yaml("a: !!python/name:os.system\nb: ok\nc: !!python/object/new:x [1]\n", 1)
    assert doc.problems == [
        (2, "unsupported YAML tag !!python/name:os.system"),
        (4, "unsupported YAML tag !!python/object/new:x"),
    ]
    assert doc.data == {"a": INVALID, "b": "ok", "c": INVALID}


def test_yaml_key_lines_nested_and_offset() -> None:
    doc = load_yaml("feeds:\n  limit: 3\n\ncomments:\n  moderators: [a]\n", line_offset=10)
    assert doc.key_lines == {
        "feeds": 11,
        "feeds.limit": 12,
        "comments": 14,
        "comments.moderators": 15,
    }


def test_yaml_error_names_where_the_construct_began() -> None:
    doc = load_yaml("name: [Bob\nrole: x\n")
    assert doc.problems == [
        (1, "invalid YAML: the list opened with '[' here is not closed: add ']' "
         "(the parser stopped on line 2: did not find expected ',' or ']')")
    ]  # fmt: skip


# ---------------------------------------------------------------- slugs and URLs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Über Öl & Straße", "ueber-oel-strasse"),
        ("ÄRGER über Größe", "aerger-ueber-groesse"),
        ("Straße ẞ", "strasse-ss"),
        ("Crème brûlée à la café", "creme-brulee-a-la-cafe"),
        ("  --Hallo,   Welt!--  ", "hallo-welt"),
        ("API v2: was sich ändert", "api-v2-was-sich-aendert"),
        ("2026", "2026"),
        ("", "n-a"),
        ("!!!", "n-a"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert SLUG.match(slugify(text))


def test_url_helpers() -> None:
    assert paginated("/tags/x/", 1) == "/tags/x/"
    assert paginated("/tags/x/", 3) == "/tags/x/page/3/"
    assert output_file("/") == "index.html"
    assert output_file("/a/b/") == "a/b/index.html"
    assert output_file("/feed.xml") == "feed.xml"


# ---------------------------------------------------------------- the comment file format

TZ = dt.timezone(dt.timedelta(hours=1))
COMMENT = CommentFile(
    id="01JA0000000000000000000001",
    post="ueber-oel-strasse",
    name="Barbara S.",
    created=dt.datetime(2026, 11, 23, 8, 12, tzinfo=TZ),
    approved=dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ),
    approved_by="anna",
    body="Markdown text.\n",
)
AWKWARD = [
    "No",
    "yes",
    "~",
    "null",
    "0x1F",
    "0o17",
    "1e3",
    "2026-11-23",
    "12:30",
    "  leading spaces",
    "trailing spaces  ",
    " ",
    "",
    "---",
    "...",
    "Danke...",
    "Zeile eins\nZeile zwei",
    "ends with newline\n",
    "two trailing newlines\n\n",
    "\n\nleading newlines",
    "\n",
    "    indented code\n",
    "- a list item",
    "# a hash",
    "key: value",
    "a: b\nc: d",
    "&anchor *alias !tag %directive @at `tick",
    "'single' \"double\"",
    "| pipe",
    "> fold",
    "[1, 2]",
    "{a: b}",
    "tab\tinside",
    "\tleading tab",
    "line\u2028separator\u2029paragraph",
    "bom \ufeff inside",
    "zero\u200bwidth",
    "CRLF\r\ninside",
    "lone\rCR",
    "Ümläute, ß, 日本語, مرحبا, 🙂",
    "x" * 5000,
    "---\n...\n---",
]


def round_trip(comment: CommentFile, tmp_path: Path) -> tuple[CommentFile | None, Diagnostics]:
    folder = tmp_path / comment.post
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{comment.id}.yaml"
    path.write_text(dump_comment(comment), encoding="utf-8", newline="")
    diag = Diagnostics(tmp_path)
    return read_comment(path, diag), diag


@pytest.mark.parametrize("field", ["name", "body", "website"])
def test_comment_file_round_trip(field: str, tmp_path: Path) -> None:
    failures = []
    for value in AWKWARD:
        comment = dataclasses.replace(COMMENT, **{field: value})
        loaded, diag = round_trip(comment, tmp_path)
        if loaded != comment or diag.problems:
            got = getattr(loaded, field) if loaded else [str(p) for p in diag.problems]
            failures.append(f"{value!r} -> {got!r}")
    assert failures == []


@pytest.mark.parametrize("value", ["control \x01\x07\x1b[31m chars \x7f", "C1 \x85 \x9b"])
@pytest.mark.parametrize("field", ["name", "body"])
def test_comment_files_never_hold_control_characters(
    field: str, value: str, tmp_path: Path
) -> None:
    """Neither written (the intake refuses them first) nor read (written by hand): feeds
    cannot hold them, and one broke every feed with an error naming no comment."""
    comment = dataclasses.replace(COMMENT, **{field: value})
    with pytest.raises(ValueError, match="control character"):
        dump_comment(comment)
    path = tmp_path / comment.post / f"{comment.id}.yaml"
    path.parent.mkdir()
    path.write_text(dump_comment(COMMENT).replace("Barbara", value))
    diag = Diagnostics(tmp_path)
    assert read_comment(path, diag) is None
    first = next(c for c in value if c < " " or "\x7f" <= c <= "\x9f")
    assert [(p.line, p.message.split(" at ")[0]) for p in diag.problems] == [
        (4, f"control character U+{ord(first):04X}")
    ]


def test_comment_file_layout(tmp_path: Path) -> None:
    reply = dataclasses.replace(
        COMMENT, parent="01JA0000000000000000000000", staff="anna", body="Danke...\n"
    )
    text = dump_comment(reply)
    assert text == (
        "id: 01JA0000000000000000000001\n"
        "post: ueber-oel-strasse\n"
        "parent: 01JA0000000000000000000000\n"
        "name: Barbara S.\n"
        "created: 2026-11-23T08:12:00+01:00\n"
        "approved: 2026-11-23T09:00:00+01:00\n"
        "approved_by: anna\n"
        "staff: anna\n"
        "body: |\n"
        "  Danke...\n"
    )
    assert "website" not in dump_comment(COMMENT)  # omitted when not given
    assert "website: https://example.org/\n" in dump_comment(
        dataclasses.replace(COMMENT, website="https://example.org/")
    )
    assert round_trip(reply, tmp_path)[0] == reply


def test_comment_file_keeps_a_language_of_its_own(tmp_path: Path) -> None:
    english = dataclasses.replace(COMMENT, lang="pt-BR")
    assert "staff: null\nlang: pt-BR\nbody: |\n" in dump_comment(english)
    assert "lang" not in dump_comment(COMMENT)  # omitted when the post's language holds
    assert round_trip(english, tmp_path)[0] == english


@pytest.mark.parametrize("value", ["Deutsch", "de_DE", "en-", "x"])
def test_comment_file_refuses_a_language_that_is_no_tag(value: str, tmp_path: Path) -> None:
    loaded, diag = round_trip(dataclasses.replace(COMMENT, lang=value), tmp_path)
    assert loaded is None
    assert [(p.line, p.message.split(":")[0]) for p in diag.problems] == [
        (9, f"lang '{value}' is not a language tag")
    ]


def test_comment_file_refuses_what_it_cannot_store() -> None:
    with pytest.raises(ValueError, match="not valid Unicode"):
        dump_comment(dataclasses.replace(COMMENT, body="lone \ud800 surrogate"))
    assert "email" not in {f.name for f in dataclasses.fields(CommentFile)}


def test_read_comment_reports_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "hallo"
    folder.mkdir()
    path = folder / "01JA0000000000000000000001.yaml"
    path.write_text(
        "id: 01JA0000000000000000000001\npost: hallo\nname: 42\nemail: a@example.org\n"
        "created: gestern\napproved: 2026-11-23T09:00:00+01:00\nbody: x\n",
        encoding="utf-8",
    )
    diag = Diagnostics(tmp_path)
    assert read_comment(path, diag) is None
    assert sorted(str(p) for p in diag.problems) == [
        "hallo/01JA0000000000000000000001.yaml:1: missing required key 'approved_by'",
        "hallo/01JA0000000000000000000001.yaml:3: 'name' must be a string, got int",
        "hallo/01JA0000000000000000000001.yaml:4: unknown key 'email' in a comment file",
        "hallo/01JA0000000000000000000001.yaml:5: 'created' must be an ISO 8601 date and time",
    ]


# ---------------------------------------------------------------- the post renderer

POST_BODY = """\
Intro with a footnote[^n] and *emphasis*.

## Über Öl & Straße

| Links | Rechts |
|:------|-------:|
| a     | 1      |

## Über Öl & Straße

### Größe

- [x] erledigt
- [ ] offen

```python
def f(x):
    return x
```

```nosuchlang
<b>x</b>
```

<details><summary>Mehr</summary><abbr title="Application Programming Interface">API</abbr></details>

<div onclick="alert(1)">klick</div>

<script>alert(1)</script>

Text <img src="x.png" onerror="alert(1)"> and <a href="javascript:alert(1)">link</a>.

<iframe src="https://example.com/"></iframe>

[^n]: Die Fußnote.
"""


@pytest.fixture(scope="module")
def rendered_post() -> tuple[str, list[tuple[int, str]]]:
    rendered, warnings = render_post(POST_BODY, None, first_line=7)
    return rendered.html, warnings


def test_post_tables(rendered_post: tuple[str, list[tuple[int, str]]]) -> None:
    html = rendered_post[0]
    assert '<th style="text-align:left">Links</th>' in html
    assert '<td style="text-align:right">1</td>' in html


def test_post_footnotes_link_both_ways(rendered_post: tuple[str, list[tuple[int, str]]]) -> None:
    found = elements(rendered_post[0])
    ids = {v for e in found for k, v in e.attrs if k == "id"}
    anchors = [v for e in found for k, v in e.attrs if k == "href" and v and v.startswith("#")]
    assert len(anchors) == 2
    assert {a[1:] for a in anchors} <= ids
    assert "Die Fußnote." in text_of(rendered_post[0])


def test_post_task_lists(rendered_post: tuple[str, list[tuple[int, str]]]) -> None:
    boxes = [dict(e.attrs) for e in elements(rendered_post[0]) if e.tag == "input"]
    assert [b.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert ["checked" in b for b in boxes] == [True, False]
    assert all("disabled" in b for b in boxes)


def test_post_heading_ids() -> None:
    rendered, _ = render_post(POST_BODY)
    assert [(h.level, h.text, h.anchor) for h in rendered.headings] == [
        (2, "Über Öl & Straße", "ueber-oel-strasse"),
        (2, "Über Öl & Straße", "ueber-oel-strasse-2"),
        (3, "Größe", "groesse"),
    ]
    assert '<h2 id="ueber-oel-strasse">' in rendered.html
    assert '<h2 id="ueber-oel-strasse-2">' in rendered.html
    assert '<h3 id="groesse">' in rendered.html


def test_post_code_highlighting(rendered_post: tuple[str, list[tuple[int, str]]]) -> None:
    html = rendered_post[0]
    assert (
        '<pre class="highlight" tabindex="0" data-lang="python"><code><span class="k">def</span>'
        in html
    )
    assert '<span class="nf">f</span>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # unknown language: escaped, not highlighted
    assert "<script" not in html and 'style="color' not in html  # classes, no inline colours


def test_post_raw_html_allowed_but_cleaned(
    rendered_post: tuple[str, list[tuple[int, str]]],
) -> None:
    html, warnings = rendered_post
    assert '<details><summary>Mehr</summary><abbr title="Application' in html
    assert "<div>klick</div>" in html
    assert [v for v in dom_violations(html) if "<input>" not in v and "style=" not in v] == []
    assert "alert" not in html

    # Body line N is file line N + 6 here (first_line=7): the warnings point into the file.
    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(POST_BODY.splitlines(), 7) if text in line)

    assert warnings == [
        (line_of("<div onclick"), "raw HTML 'onclick=' removed (not allowed)"),
        (line_of("<script>"), "raw HTML '<script' removed (not allowed)"),
        (line_of("onerror"), "raw HTML 'onerror=' removed (not allowed)"),
        (line_of("onerror"), "raw HTML 'javascript:' removed (not allowed)"),
        (line_of("<iframe"), "raw HTML '<iframe' removed (not allowed)"),
    ]
    assert line_of("<iframe") == 39


def test_post_summary_words_and_reading_time() -> None:
    rendered, _ = render_post(POST_BODY)
    assert rendered.summary == "Intro with a footnote and emphasis."
    assert rendered.words == len(POST_BODY.split())


def test_post_links_without_raw_html() -> None:
    """A post without raw HTML skips the allow-list: the renderer's own link check must keep
    exactly what nh3 would (relative URLs, http(s), mailto, tel) and escape everything else."""
    rendered, warnings = render_post(
        "[rel](../x) [frag](#a) [web](https://example.com/?a=1&b=2) [mail](mailto:a@b.de) "
        '[tel](tel:+49301234) [ftp](ftp://example.com/f) [js]( JaVa\tScript:alert(1)) "q"\n\n'
        "![img](data:image/png;base64,AAAA)\n"
    )
    html = rendered.html
    links = [dict(e.attrs).get("href") for e in elements(html) if e.tag == "a"]
    assert links == ["../x", "#a", "https://example.com/?a=1&b=2", "mailto:a@b.de", "tel:+49301234"]
    assert "<img" not in html and "ftp://" in text_of(html) and "&quot;q&quot;" in html
    unsafe = "link with an unsafe scheme removed (use http, https or mailto)"
    assert warnings == [(1, unsafe), (3, unsafe)]


def test_post_renderer_on_xss_lines() -> None:
    """Posts may carry raw HTML, but none of the vectors survives the allow-list."""
    failures = []
    for line in XSS_LINES:
        html = render_post(decode_line(line))[0].html
        bad = [v for v in dom_violations(html) if "<input>" not in v and "style=" not in v]
        if bad:
            failures.append((line, bad))
    assert failures == []


# ---------------------------------------------------------------- the comment renderer


@pytest.mark.parametrize("line", XSS_LINES, ids=[f"xss{n:02}" for n in range(1, 91)])
def test_comment_renderer_static_dom_oracle(line: str) -> None:
    html = render_comment(decode_line(line))
    assert dom_violations(html) == []
    attributes = {name for e in elements(html) for name, _ in e.attrs}
    assert not attributes & {"id", "name"}  # no DOM clobbering: no ids from user input at all


def test_comment_renderer_allows_the_harmless() -> None:
    html = render_comment(
        "Hallo **Welt**, siehe [Doku](https://example.com/a?b=1) und <mailto:a@example.com>.\n\n"
        "> zitiert\n\n- eins\n- zwei\n\n`code`\n\n# keine Überschrift\n\n![kein](x.png)\n"
    )
    assert "<strong>Welt</strong>" in html
    assert '<a href="https://example.com/a?b=1" rel="nofollow ugc noopener">Doku</a>' in html
    assert 'href="mailto:a@example.com"' in html
    assert "<blockquote>" in html and "<li>eins</li>" in html and "<code>code</code>" in html
    assert "<h1" not in html and "<img" not in html
    assert "# keine Überschrift" in text_of(html)


def test_comment_renderer_links_paths_on_this_site() -> None:
    html = render_comment("Siehe [Beitrag zur API v2](/2026/02/cloud-api-v2-migration/#c-1).")
    expected = '<a href="/2026/02/cloud-api-v2-migration/#c-1" rel="nofollow ugc noopener">'
    assert expected in html


# Each would leave the site (a browser reads "/\\" as "//" and drops tabs) or is relative to
# the page; none may become a link. Chromium resolves them too: tests/browser/test_browser_xss.py.
OFF_SITE_PATHS = [
    "//evil.example/",
    "<//evil.example/>",
    "/\\evil.example/",
    "</\tevil.example/>",
    "/%5Cevil.example/",
    "/%2F/evil.example/",
    "/%09/evil.example/",
    "next/page/",
    "../page/",
]


@pytest.mark.parametrize("target", OFF_SITE_PATHS)
def test_comment_renderer_refuses_other_relative_links(target: str) -> None:
    html = render_comment(f"[here]({target})")
    assert "<a" not in html, html


def test_comment_renderer_escapes_raw_html() -> None:
    html = render_comment('<b onclick="x()">fett</b> <script>alert(1)</script>')
    assert elements(html) == elements("<p></p>")
    assert text_of(html).strip() == '<b onclick="x()">fett</b> <script>alert(1)</script>'


def _letters(text: str) -> list[str]:
    return [char for char in text if char.isalpha()]


def _depth(html: str) -> int:
    """How deep the elements of an HTML fragment nest."""
    deepest, depth = 0, 0
    for tag in re.finditer(r"<(/?)([a-z0-9]+)[^>]*?(/?)>", html):
        if tag.group(2) in ("br", "hr") or tag.group(3):
            continue
        depth += -1 if tag.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize(("expr", "note"), PATHOLOGICAL, ids=[n for _, n in PATHOLOGICAL])
def test_comment_renderer_pathological_input(
    expr: str, note: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the renderer makes of each ~64 KiB body: every letter of it, in order (nothing
    lost below a nesting limit), safe, nested no deeper than the caps allow, and markdown-it's
    work bounded per character of input: its token steps are counted, not timed (the times
    are in benchmarks/pathological.py)."""
    from markdown_it.parser_inline import ParserInline

    from generator.markdown.caps import LINK_DEPTH, MAX_CONTAINERS

    body = generate(expr)
    steps = []
    skip_token = ParserInline.skipToken

    def counted(self: ParserInline, state: Any) -> None:
        steps.append(1)
        skip_token(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    html = render_comment(body)
    assert _letters(text_of(html)) == _letters(body), note
    assert dom_violations(html) == []
    assert _depth(html) <= 2 * MAX_CONTAINERS + 2  # <ul><li> per marker, <p><a> inside
    assert len(steps) <= (LINK_DEPTH + 1) * len(body), f"{len(steps) / len(body):.1f} per char"


@pytest.mark.parametrize(
    "body",
    [
        "- one\n  - two\n    - three\n      - four\n\n> quote\n> > inner\n\n1. a\n2. b",
        "[docs](https://example.com/) and [[[three deep]]](https://example.com/a) and [x]",
        "`[code [with] brackets](x)` and\n\n```\n- - - - - - - - - - a\n```\n"
        "~~~\n> > > > > > > > > >\n~~~",
        "[a [b](https://b.example/) c](https://a.example/) *em* **strong** ~~gone~~",
        "> - > - > quoted lists\n\n" + "- " * 8 + "eight deep",
    ],
)
def test_the_caps_change_nothing_in_ordinary_comments(body: str) -> None:
    """Lists, quotes and links nested as people write them render as markdown-it renders them
    without the caps."""
    from markdown_it import MarkdownIt

    from generator.markdown import caps, comments, markup

    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 20})
    md.enable("strikethrough")
    md.disable(["image", "heading", "lheading", "html_block", "html_inline", "reference"])
    md.validateLink = markup.link_check(comments.COMMENT_SCHEMES, relative=False)  # type: ignore[method-assign,assignment]
    uncapped = md.render(body)
    capped = comments._comment_parser().render(caps.cap_containers(body))
    assert capped == uncapped


def test_nesting_beyond_the_caps_keeps_the_text() -> None:
    html = render_comment("- " * 32768 + "deep text")
    assert "deep text" in text_of(html)
    assert html.count("<ul>") == 8
    html = render_comment("> " * 1000 + "quoted")
    assert "quoted" in text_of(html) and html.count("<blockquote>") == 8
    # Nested by indentation, one level a line: past the limit, plain paragraphs, every word.
    body = "".join("  " * level + f"- item{level}\n" for level in range(200))
    html = render_comment(body)
    assert all(f"item{level}" in text_of(html) for level in range(200))
    assert dom_violations(html) == []
