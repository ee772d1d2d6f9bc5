"""``dialogue import wordpress EXPORT.xml [--uploads DIR] [--dry-run]``: a WordPress blog,
its authors and its moderated comments, moved into this site in one command.

Two passes over the export: the first (mapping, targets) decides everything that needs the
whole export; the second (items) converts one post at a time into a staging folder (write).
Only when both passes went through is anything moved into content/ and the queue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from comments_moderation.queue.records import QueueError
from generator.config import Config, load_config
from generator.content.comments import comment_path, dump_comment
from generator.diagnostics import Diagnostics
from generator.importers.wordpress.items import Converted, Pending, convert_item
from generator.importers.wordpress.mapping import Plan, Taxonomy, plan_authors, survey
from generator.importers.wordpress.reader import ExportError, WpItem, read_export
from generator.importers.wordpress.site import scan
from generator.importers.wordpress.summary import Summary
from generator.importers.wordpress.targets import plan_items
from generator.importers.wordpress.write import KEPT, Stage


def run(args: argparse.Namespace, root: Path) -> int:
    diag = Diagnostics(root)
    config = load_config(root, diag)
    if config is None:
        diag.report()
        return 1
    export = Path(args.export)
    uploads = Path(args.uploads) if args.uploads else None
    if not export.is_file():
        print(f"{args.export}: no such file: give the WordPress export's path", file=sys.stderr)
        return 2
    if uploads is not None and not uploads.is_dir():
        print(f"{args.uploads}: not a folder: give wp-content/uploads", file=sys.stderr)
        return 2
    summary = Summary(args.export, args.dry_run)
    stage = Stage(root, summary)
    try:
        plan = _plan(config, export, args.categories == "tags", summary)
        pending = _convert(plan, export, uploads, stage, summary)
        if not args.dry_run:
            _queue(plan, pending, summary)
            stage.commit()
    except ExportError as exc:
        print(f"{args.export}:{exc.line}: {exc.message}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    except QueueError as exc:
        print(f"{exc}\nNothing was imported.", file=sys.stderr)
        return 1
    finally:
        stage.discard()
    print("\n".join(summary.lines()))
    return 0


def _plan(config: Config, export: Path, as_tags: bool, summary: Summary) -> Plan:
    channel, authors, categories, items = survey(export)
    summary.source = f"WXR {channel.version}, '{channel.title}', {channel.link}"
    site = scan(config)
    plan = Plan(config, channel)
    plan_authors(plan, authors, items, site)
    taxonomy = Taxonomy(categories, site, as_tags)
    plan_items(plan, items, site, taxonomy, summary)
    summary.categories = taxonomy.said()
    return plan


def _convert(
    plan: Plan, export: Path, uploads: Path | None, stage: Stage, summary: Summary
) -> list[Pending]:
    for author in plan.authors.values():
        summary.imported["authors existing" if author.exists else "authors new"] += 1
        if not author.exists:
            fields = {"name": author.name} | ({"email": author.email} if author.email else {})
            text = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1_000_000)
            stage.put(f"content/authors/{author.id}.yaml", text)
    pending: list[Pending] = []
    content = plan.config.content_path
    for record in read_export(export):
        if not isinstance(record, WpItem) or record.id not in plan.targets:
            continue
        converted = convert_item(plan, record, uploads, summary)
        _count(plan, record, converted, summary)
        if stage.put(converted.path, converted.text) != KEPT:
            folder = converted.path.rsplit("/", 1)[0]
            for name, source in converted.files.items():
                stage.copy(f"{folder}/{name}", source)
                summary.imported["files copied"] += 1
        for comment in converted.comments:
            path = comment_path(content, comment.post, comment.id).relative_to(plan.config.root)
            stage.put(path.as_posix(), dump_comment(comment))
        pending.extend(converted.pending)
    return pending


def _count(plan: Plan, item: WpItem, converted: Converted, summary: Summary) -> None:
    target = plan.targets[item.id]
    if target.kind == "page":
        summary.imported["pages"] += 1
    else:
        kind = {"publish": "published", "future": "scheduled"}.get(item.status, "drafts")
        summary.imported[kind] += 1
    for alias in target.aliases:
        summary.imported["query redirects" if "?" in alias else "redirect pages"] += 1
    summary.imported["approved"] += len(converted.comments)
    summary.imported["staff answers"] += sum(1 for c in converted.comments if c.staff)
    summary.imported["pending"] += len(converted.pending)


def _queue(plan: Plan, pending: list[Pending], summary: Summary) -> None:
    """Pending comments into the queue, under their stable ids (again: nothing added)."""
    if not pending:
        return
    from comments_moderation.queue import open_queue, queue_location

    with open_queue(queue_location(plan.config)) as queue:
        added = sum(queue.add_imported(p.id, p.comment, p.created) for p in pending)
    if added < len(pending):
        summary.check("queue", f"{len(pending) - added} pending comments were already there")
