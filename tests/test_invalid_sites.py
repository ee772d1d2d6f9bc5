"""Invalid sites, each with the exact messages expected (Zola's test_sites_invalid).

Every folder in tests/sites/invalid/ is a site: site.yaml, content/ and ``expected.txt``. Its
first line ``exit: N`` is the exit status of both ``dialogue check`` and ``dialogue build``
(``check-exit: N`` after it: check's, where it differs); the other lines are the exact stderr
lines (``path:line: message``), in any order; ``check-only: `` before a line: only check says it
(broken links). The payload cases
(numbered as in shared/payloads/front_matter/) hold one post each, with authors alice and bob;
cases that build (exit 0) list their warnings, and their outcomes are checked below.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from htmlcheck import dom_violations, elements, page_violations, text_of
from sitetools import SITES, RunCli, post

INVALID = SITES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())
PAYLOAD_CASES = [c for c in CASES if c[:2].isdigit()]
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
SUMMARY = {
    "check": re.compile(r"^check: \d+ problems? to fix$"),
    "build": re.compile(r"^Build failed: \d+ errors?; the previous site is untouched\.$"),
}


def expected(case: str, command: str = "build") -> tuple[int, list[str]]:
    """The exit status and problem lines ``command`` gives. Lines starting ``check-only: ``
    are what only ``check`` finds (it checks links), and ``check-exit: N`` its status."""
    lines = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    code = 0
    if lines and lines[0].startswith("exit:"):
        code = int(lines.pop(0).removeprefix("exit:"))
    if lines and lines[0].startswith("check-exit:"):
        check_code = int(lines.pop(0).removeprefix("check-exit:"))
        code = check_code if command == "check" else code
    wanted = []
    for line in filter(str.strip, lines):
        if line.startswith("check-only: "):
            if command == "check":
                wanted.append(line.removeprefix("check-only: "))
        else:
            wanted.append(line)
    return code, sorted(wanted)


def copy_case(case: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(INVALID / case, root, ignore=shutil.ignore_patterns("expected.txt"))
    return root


def tree(root: Path, *, cache: bool = True) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (``cache=False``: without the build cache)."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return {k: v for k, v in files.items() if cache or not k.startswith(".dialogue/")}


def leftovers(root: Path) -> list[str]:
    """Staging or retired output folders a build should have cleaned up."""
    return sorted(p.name for p in root.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def problem_lines(stderr: str, command: str) -> list[str]:
    """stderr without the one summary line each command ends a failure with."""
    return sorted(line for line in stderr.splitlines() if not SUMMARY[command].match(line))


def test_every_payload_has_a_case() -> None:
    payloads = Path(__file__).parent / "payloads"
    assert payloads.is_dir()
    stems = {c.split("_")[0].rstrip("ab") for c in PAYLOAD_CASES}
    # shared/payloads/front_matter README: 01..38, 41 is generated (test_big_post below).
    expected_numbers = "01 02 03 04 05 06 07 08 09 10 11 14 15 17 18 20 22 23 24 25 26 27 29"
    expected_numbers += " 30 31 32 33 34 36 37 38"
    assert stems == set(expected_numbers.split())


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", CASES)
def test_expected_messages(case: str, command: str, run_cli: RunCli, tmp_path: Path) -> None:
    root = copy_case(case, tmp_path)
    before = tree(root)
    code, stdout, stderr = run_cli([command], root)
    want_code, want_lines = expected(case, command)
    assert problem_lines(stderr, command) == want_lines, stderr
    assert code == want_code, stderr
    assert "Traceback" not in stderr + stdout
    if code:
        assert SUMMARY[command].match(stderr.splitlines()[-1]), stderr
    if command == "check":
        assert tree(root) == before, "check writes nothing"
    if code:
        assert tree(root, cache=False) == before, "a failed build writes no output"
        assert not (root / "public").exists()
    elif command == "build":
        assert (root / "public" / "index.html").is_file()
    assert leftovers(root) == []


def test_all_payloads_together(run_cli: RunCli, tmp_path: Path) -> None:
    """One site with every payload post: all problems of all posts, none hiding another."""
    root = copy_case("01_valid_baseline", tmp_path)
    for case in PAYLOAD_CASES:
        for source in (INVALID / case / "content" / "posts").iterdir():
            shutil.copyfile(source, root / "content" / "posts" / source.name)
    # Errors stop check before it renders, so before it checks links: build's lines for both.
    union = [line for case in PAYLOAD_CASES for line in expected(case, "build")[1]]
    for command in ("check", "build"):
        code, _, stderr = run_cli([command], root)
        assert code == 1
        assert problem_lines(stderr, command) == sorted(union)
    assert not (root / "public").exists()


def test_big_post(run_cli: RunCli, make_site: Callable[..., Path]) -> None:
    """41_big_body.md (generated, about 5 MiB): refused on line 1 quickly, never hangs."""
    para = (
        "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, "
        "[link](https://example.com/) `code`.\n\n"
    )
    head = "---\ntitle: Five megabytes\nauthor: alice\ndate: 2024-03-01\n---\n\n"
    body = head + para * ((5 * 1024 * 1024) // len(para) + 1)
    root = make_site({"content/posts/41_big_body.md": body})
    started = time.perf_counter()
    code, _, stderr = run_cli(["check"], root)
    assert time.perf_counter() - started < 10
    assert code == 1
    assert problem_lines(stderr, "check") == [
        "content/posts/41_big_body.md:1: post larger than the maximum of 2 MiB: split it up"
    ]


# ---------------------------------------------------------------- outcomes of the cases that build


def build_case(case: str, tmp_path: Path, run_cli: RunCli, *args: str) -> tuple[Path, str]:
    root = copy_case(case, tmp_path)
    code, stdout, stderr = run_cli(["build", *args], root)
    assert code == 0, stderr
    return root / "public", stdout


def all_text(public: Path) -> dict[str, str]:
    return {
        p.relative_to(public).as_posix(): p.read_text(encoding="utf-8")
        for p in public.rglob("*")
        if p.suffix in (".html", ".xml", ".json", ".opml", ".txt")
    }


def feed_contents(public: Path) -> list[str]:
    """The HTML of every entry's content in every Atom and RSS feed, as a reader gets it."""
    found = []
    for path in public.rglob("*.xml"):
        root = ET.parse(path).getroot()
        for tag in ("{http://www.w3.org/2005/Atom}content", f"{{{CONTENT_NS}}}encoded"):
            found += [element.text or "" for element in root.iter(tag)]
    return [text for text in found if text]


def test_future_post_is_scheduled(run_cli: RunCli, tmp_path: Path) -> None:
    public, stdout = build_case("08_future_date", tmp_path, run_cli)
    assert "scheduled: content/posts/08_future_date.md (2999-01-01 00:00 +01:00)" in stdout
    for name, text in all_text(public).items():
        assert "From the future" not in text, name
        assert "08-future-date" not in text, name
    assert not (public / "2999").exists()

    public, _ = build_case("08_future_date", tmp_path / "future", run_cli, "--future")
    assert (public / "2999" / "01" / "08-future-date" / "index.html").is_file()
    assert "From the future" in (public / "feed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "normalise"),
    [
        ("10_bom", lambda raw: raw.removeprefix(b"\xef\xbb\xbf")),
        ("11_crlf", lambda raw: raw.replace(b"\r\n", b"\n")),
    ],
)
def test_bom_and_crlf_build_like_plain_files(
    case: str, normalise: Callable[[bytes], bytes], run_cli: RunCli, tmp_path: Path
) -> None:
    """The same post without BOM / with LF builds byte-identical output."""
    public, _ = build_case(case, tmp_path / "as-is", run_cli)
    plain = copy_case(case, tmp_path / "plain")
    source = plain / "content" / "posts" / f"{case}.md"
    raw = source.read_bytes()
    assert normalise(raw) != raw
    source.write_bytes(normalise(raw))
    code, _, stderr = run_cli(["build"], plain)
    assert code == 0, stderr
    assert tree(public) == tree(plain / "public")
    for name, text in all_text(public).items():
        assert "\r" not in text, name
        assert "\ufeff" not in text, name


def test_python_tags_never_run(run_cli: RunCli, tmp_path: Path) -> None:
    for case in ("14_python_object_tag", "15_python_name_tag"):
        root = copy_case(case, tmp_path)
        assert run_cli(["build"], root)[0] == 1
        assert run_cli(["check"], root)[0] == 1
    assert not list(tmp_path.rglob("frontmatter-canary-pwned"))
    assert not Path("frontmatter-canary-pwned").exists()


def test_slug_traversal_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    escaped = Path("/tmp/escaped")
    existed = escaped.exists()
    root = copy_case("20_slug_traversal", tmp_path / "deep" / "er" / "still" / "deeper")
    assert run_cli(["build"], root)[0] == 1
    left = sorted(p.name for p in root.iterdir() if p.name != ".dialogue")
    assert left == ["content", "site.yaml"]
    assert escaped.exists() == existed
    assert not list(tmp_path.rglob("escaped"))


def test_html_in_title_is_escaped_everywhere(run_cli: RunCli, tmp_path: Path) -> None:
    public, _ = build_case("25_html_in_title", tmp_path, run_cli)
    outputs = all_text(public)
    page = outputs["2024/03/25-html-in-title/index.html"]
    title = '<script>alert(1)</script> Q3 & <b>results</b> "quoted" </title>'
    assert title in text_of(page)  # shown, as text
    manifest = json.loads(outputs.pop("_dialogue/posts.json"))  # data, not markup: exact
    assert [p["title"] for p in manifest["posts"]] == [title]
    for name, text in outputs.items():
        for raw in ("<script>alert", "<b>results", "<img src=x", '</title>"'):
            assert raw not in text, f"{raw!r} unescaped in {name}"
        if name.endswith(".html"):
            assert page_violations(text) == [], name
            bold = [e for e in elements(text) if e.tag == "b"]
            images = [e for e in elements(text) if ("src", "x") in e.attrs]
            assert bold == images == [], name


def test_body_rules_stay_body(run_cli: RunCli, tmp_path: Path) -> None:
    public, _ = build_case("30_body_with_rules", tmp_path, run_cli)
    html = (public / "2024/03/30-body-with-rules/index.html").read_text(encoding="utf-8")
    article = html[html.index("Intro.") : html.index("End.")]
    assert article.count("<hr") == 2
    assert "title: this is body text, not front matter" in text_of(article)


def test_raw_html_in_body_is_cleaned(run_cli: RunCli, tmp_path: Path) -> None:
    public, _ = build_case("37_raw_html_in_body", tmp_path, run_cli)
    html = (public / "2024/03/37-raw-html-in-body/index.html").read_text(encoding="utf-8")
    assert "Hello" in text_of(html)
    for name, text in all_text(public).items():
        assert "onerror" not in text, name
        if name.endswith(".html"):
            assert page_violations(text) == [], name
    fragments = feed_contents(public)
    assert len(fragments) == 2  # feed.xml, rss.xml (author feeds: summaries, feeds.full_content)
    for fragment in fragments:
        assert "Hello" in fragment
        assert dom_violations(fragment) == []


def test_template_syntax_in_content_stays_literal(run_cli: RunCli, tmp_path: Path) -> None:
    public, _ = build_case("38_jinja_in_body", tmp_path, run_cli)
    html = (public / "2024/03/38-jinja-in-body/index.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert "{{ 7*7 }} curly" in text
    # Markdown (not Jinja) turns __class__ into <strong>class</strong>: fine, it is text.
    assert "{{ 7*7 }} {% raw %}x{% endraw %} {{ config }} {{ ''.class.mro }}" in text
    assert "49 curly" not in text
    assert "object'>" not in text


def test_empty_body_builds(run_cli: RunCli, tmp_path: Path) -> None:
    public, _ = build_case("24_front_matter_only", tmp_path, run_cli)
    assert (public / "2024/03/24-front-matter-only/index.html").is_file()


# ---------------------------------------------------------------- a failed build keeps public/


def _bad_front_matter(root: Path) -> None:
    (root / "content/posts/2026/kaputt.md").write_text("---\ntitle: [kaputt\n---\n")


def _unknown_author(root: Path) -> None:
    (root / "content/posts/2026/fremd.md").write_text(post("Fremd", authors="[anna, zoe]"))


def _template_error(root: Path) -> None:
    with (root / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("theme: broken\n")
    templates = root / "themes/broken/templates"
    templates.mkdir(parents=True)
    (root / "themes/broken/theme.yaml").write_text("extends: default\n")
    (templates / "404.html").write_text("<p>{{ no_such_variable }}</p>\n")


def _deleted_author(root: Path) -> None:
    (root / "content/authors/chris.yaml").unlink()


@pytest.mark.parametrize(
    "breakage", [_bad_front_matter, _unknown_author, _template_error, _deleted_author]
)
def test_failed_build_leaves_public_untouched(
    breakage: Callable[[Path], None],
    run_cli: RunCli,
    site_copy: Callable[[str], Path],
) -> None:
    root = site_copy("basic")
    code, _, stderr = run_cli(["build"], root)
    assert code == 0, stderr
    before = tree(root / "public")
    assert len(before) > 20
    breakage(root)
    code, _, stderr = run_cli(["build"], root)
    assert code == 1
    assert "Build failed" in stderr
    assert tree(root / "public") == before
    assert leftovers(root) == []
