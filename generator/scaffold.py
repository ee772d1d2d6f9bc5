"""``dialogue new post`` and ``dialogue new author``: files that pass ``dialogue check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from generator import clock
from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.urls import SLUG, slugify


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").strip()


def new_post(root: Path, title: str, authors: list[str], tags: list[str], lang: str | None) -> Path:
    diag = Diagnostics(root)
    config = load_config(root, diag)
    if config is None:
        diag.report()
        raise SystemExit(1)
    missing = [a for a in authors if not (config.content_path / "authors" / f"{a}.yaml").is_file()]
    if missing:
        for author in missing:
            print(
                f"unknown author '{author}': create it with: dialogue new author {author} "
                f'--name "Full Name"',
                file=sys.stderr,
            )
        raise SystemExit(1)
    now = clock.now().astimezone(config.tz).replace(microsecond=0)  # DIALOGUE_NOW, or now
    slug = slugify(title)
    path = config.content_path / "posts" / f"{now.year}" / f"{slug}.md"
    if path.exists():
        print(f"{path.relative_to(root)} exists already: choose another title", file=sys.stderr)
        raise SystemExit(1)
    lines = ["---", f"title: {_quoted(title)}", f"date: {now.isoformat()}"]
    lines.append(f"authors: [{', '.join(authors)}]")
    if tags:
        lines.append(f"tags: [{', '.join(_quoted(t) for t in tags)}]")
    if lang:
        lines.append(f"lang: {lang}")
    lines += ["draft: true", "---", "", "Der erste Absatz wird zur Zusammenfassung.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def new_author(root: Path, author_id: str, name: str, role: str, department: str) -> Path:
    if not SLUG.match(author_id):
        print(
            f"author id '{author_id}' must be lower case a-z, 0-9 and '-' (e.g. "
            f"{slugify(author_id)})",
            file=sys.stderr,
        )
        raise SystemExit(2)
    path = root / "content" / "authors" / f"{author_id}.yaml"
    if path.exists():
        print(f"{path.relative_to(root)} exists already", file=sys.stderr)
        raise SystemExit(1)
    lines = [f"name: {_quoted(name)}"]
    lines.append(f"role: {_quoted(role)}" if role else "# role: Pressesprecherin")
    lines.append(
        f"department: {_quoted(department)}" if department else "# department: Kommunikation"
    )
    lines += [
        "# bio: Ein, zwei Sätze über Sie (Markdown).",
        "# email: never published",
        "# links:",
        "#   LinkedIn: https://www.linkedin.com/in/...",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(args: argparse.Namespace, root: Path) -> int:
    try:
        if args.kind == "post":
            tags = [t.strip() for t in args.tags.split(",") if t.strip()]
            path = new_post(root, args.title, args.author, tags, args.lang)
        else:
            path = new_author(root, args.id, args.name, args.role, args.department)
    except SystemExit as exc:
        return int(exc.code or 0)
    print(path.relative_to(root))
    return 0
