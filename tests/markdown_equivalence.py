"""Documents for the fast path's equivalence test, and the comparison itself.

Sources: the CommonMark spec examples and markdown-it-py's and mdit-py-plugins' fixture files
(vendored in tests/markdown_fixtures/ with their licences), the bodies of the test sites and the
sample site, the hostile payloads, a small corpus from ../shared/bench/gen_corpus.py, and
fixture documents spliced together. ``python tests/markdown_equivalence.py [SPLICED]`` prints
the counts and every difference.
"""

from __future__ import annotations

import collections
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "markdown_fixtures"
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from generator.content.frontmatter import parse  # noqa: E402
from generator.markdown.fast import fast_render  # noqa: E402
from generator.markdown.reference import render_post  # noqa: E402
from generator.model import Rendered  # noqa: E402


def fixture_documents() -> Iterator[tuple[str, str]]:
    """(source, Markdown) of every spec example and fixture input."""
    from markdown_it.utils import read_fixture_file

    spec = json.loads((FIXTURES / "markdown-it-py" / "commonmark.json").read_text("utf-8"))
    for example in spec:
        yield f"commonmark spec #{example['example']}", example["markdown"]
    for path in sorted(FIXTURES.glob("*/*.md")):
        for line, title, markdown, *_ in read_fixture_file(path):
            yield f"{path.parent.name}/{path.name}:{line + 1} {title}", markdown


def site_documents() -> Iterator[tuple[str, str, Path | None]]:
    """(file, body, bundle folder) of every post, page and bio body in the test and sample
    sites."""
    for root in (TESTS / "sites", REPO / "content"):
        for path in sorted(root.rglob("*.md")):
            try:
                body = parse(path.read_bytes()).body
            except Exception:  # broken on purpose (tests/sites/invalid): still Markdown
                body = path.read_text("utf-8", errors="replace")
            folder = path.parent if path.name == "index.md" else None
            yield str(path.relative_to(REPO)), body, folder


def payload_documents() -> Iterator[tuple[str, str]]:
    from test_content import PATHOLOGICAL, XSS_LINES, decode_line, generate

    for number, line in enumerate(XSS_LINES, 1):
        yield f"xss_markdown.txt:{number}", decode_line(line)
    for expr, note in PATHOLOGICAL:
        yield f"pathological_markdown.txt {note}", generate(expr)


def corpus_documents(folder: Path, posts: int = 150) -> Iterator[tuple[str, str]]:
    """A small generated corpus (gen_corpus.py, seed 7) written into ``folder``."""
    command = [sys.executable, str(GEN_CORPUS), "--posts", str(posts), "--seed", "7"]
    subprocess.run([*command, "--out", str(folder)], check=True, capture_output=True)
    for path in sorted((folder / "content" / "posts").rglob("*.md")):
        yield f"corpus {path.name}", parse(path.read_bytes()).body


def spliced_documents(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """Two to four fixture documents joined, some of them inside a quote, list or indentation:
    constructs meeting that no fixture has (this found most of divergence.py's tests)."""
    fixtures = [markdown for _, markdown in fixture_documents()]
    rng = random.Random(seed)
    for number in range(count):
        body = rng.choice(["\n", "\n\n", "", " "]).join(rng.sample(fixtures, rng.randint(2, 4)))
        if rng.random() < 0.3:
            prefix = rng.choice(["> ", "- ", "1. ", "  ", "    "])
            body = "".join(prefix + line for line in body.splitlines(keepends=True))
        yield f"spliced #{number} (seed {seed})", body


@dataclass
class Tally:
    fast: int = 0
    identical: int = 0
    fallen_back: collections.Counter[str] = field(default_factory=collections.Counter)
    different: list[tuple[str, str]] = field(default_factory=list)

    def check(self, source: str, body: str, folder: Path | None = None) -> None:
        result = fast_render(body, folder)
        if not isinstance(result, Rendered):
            self.fallen_back[result] += 1
            return
        self.fast += 1
        reference, warnings = render_post(body, folder, 1)
        differs = [
            part
            for part in ("html", "summary", "headings", "words")
            if getattr(result, part) != getattr(reference, part)
        ] + (["warnings"] if warnings else [])
        if differs:
            self.different.append((source, ", ".join(differs)))
        else:
            self.identical += 1

    def report(self) -> str:
        lines = [
            f"fast path taken {self.fast}, identical {self.identical}, "
            f"different {len(self.different)}, fallen back {sum(self.fallen_back.values())}:",
            *(f"  {count:5d}  {reason}" for reason, count in self.fallen_back.most_common()),
            *(f"  DIFFERENT: {source} ({parts})" for source, parts in self.different),
        ]
        return "\n".join(lines)


def tally_all(corpus_folder: Path, spliced: int = 1500) -> dict[str, Tally]:
    tallies: dict[str, Tally] = collections.defaultdict(Tally)
    for source, body in fixture_documents():
        tallies["spec and fixtures"].check(source, body)
    for source, body, folder in site_documents():
        tallies["sites"].check(source, body, folder)
    for source, body in payload_documents():
        tallies["payloads"].check(source, body)
    if GEN_CORPUS.is_file():  # ../shared/ sits beside the repository on our machines only
        for source, body in corpus_documents(corpus_folder):
            tallies["generated corpus"].check(source, body)
    for source, body in spliced_documents(spliced, seed=1):
        tallies["spliced fixtures"].check(source, body)
    return tallies


if __name__ == "__main__":
    import tempfile

    spliced = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    with tempfile.TemporaryDirectory() as temporary:
        for name, tally in tally_all(Path(temporary), spliced).items():
            print(f"{name}: {tally.report()}")
