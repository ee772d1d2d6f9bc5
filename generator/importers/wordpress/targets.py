"""Where each WordPress post and page goes: slug, date, URL, old addresses, comment ids."""

from __future__ import annotations

from urllib.parse import unquote

from comments_moderation.ids import derived_id
from generator.assemble import RESERVED
from generator.importers.wordpress.mapping import (
    IMPORTED_STATUSES,
    MAX_TAGS,
    Plan,
    Target,
    Taxonomy,
    old_path,
    path_key,
    wp_date,
)
from generator.importers.wordpress.reader import WpItem
from generator.importers.wordpress.site import ExistingSite
from generator.importers.wordpress.summary import Summary
from generator.importers.wordpress.wphtml import Attachment
from generator.urls import permalink, slugify

UNTITLED = {"de": "Ohne Titel", "en": "Untitled"}
DRAFT_WORD = {"de": "entwurf", "en": "draft"}


def comment_key(item: WpItem, comment_id: str) -> str:
    return f"wordpress:{item.id}:{comment_id}"


def _skip_reason(item: WpItem) -> str | None:
    if item.status in ("private", "trash", "auto-draft"):
        return item.status
    if item.status not in IMPORTED_STATUSES:
        return "other status"
    if item.password and item.status in ("publish", "future"):
        return "password"  # public in Dialogue, which has no passwords: the author decides
    return None


def _attachments(plan: Plan, items: list[WpItem]) -> None:
    for item in items:
        if item.type != "attachment":
            continue
        alt = item.meta.get("_wp_attachment_image_alt", "")
        found = Attachment(item.id, item.attachment_url or item.guid, item.title, alt, item.parent)
        plan.attachments[item.id] = found
        if item.parent != "0":
            plan.children[item.parent].append(found)


def _free_slug(
    base: str, item: WpItem, forms: list[str], taken: dict[str, str], used: set[str]
) -> str:
    """``base``, else ``base-<WordPress id>``: a slug no other file holds (a file at one of this
    item's own places is an earlier import of it)."""
    for slug in (base, f"{base}-{item.id}", f"{base}-wp-{item.id}"):
        holder = taken.get(slug)
        places = [form.format(slug=slug) for form in forms]
        if slug not in used and slug not in RESERVED and (holder is None or holder in places):
            used.add(slug)
            return slug
    raise ValueError(f"no free slug for WordPress item {item.id}")  # three taken: not seen


def plan_items(
    plan: Plan, items: list[WpItem], site: ExistingSite, taxonomy: Taxonomy, summary: Summary
) -> None:
    config = plan.config
    tz, language = config.tz, config.language
    _attachments(plan, items)
    used: dict[str, set[str]] = {"post": set(), "page": set()}
    zone_mismatch = 0
    for item in items:
        if item.type not in ("post", "page"):
            if item.type != "attachment":
                summary.other_types[item.type] += 1
            continue
        reason = _skip_reason(item)
        if reason:
            summary.skipped[reason] += 1
            summary.skipped["orphan comments"] += len(item.comments)
            continue
        date = wp_date(item.date, item.date_gmt, tz)
        if item.type == "post" and date is None:
            summary.skipped["other status"] += 1
            summary.check(f"WordPress post {item.id}", "no date in the export: not imported")
            continue
        if date and item.date_gmt not in ("", "0000-00-00 00:00:00"):
            zone_mismatch += date.strftime("%Y-%m-%d %H:%M:%S") != item.date
        title = item.title or UNTITLED[language]
        name = unquote(item.name).strip()
        if item.type == "post":
            assert date is not None
            folder = f"content/posts/{date.year:04d}"
            base = slugify(name or item.title) if name or item.title else ""
            base = base or f"{DRAFT_WORD[language]}-{item.id}"
            forms = [f"{folder}/{{slug}}.md", f"{folder}/{{slug}}/index.md"]
            slug = _free_slug(base, item, forms, site.post_slugs, used["post"])
            url = permalink(config, date, slug)
        else:
            folder = "content/pages"
            base = slugify(name or title)
            forms = [f"{folder}/{{slug}}.md", f"{folder}/{{slug}}/index.md"]
            slug = _free_slug(base, item, forms, site.page_slugs, used["page"])
            url = f"/{slug}/"
        where = f"{folder}/{slug}"
        if slug != base:
            summary.check(where, f"slug '{base}' is taken: imported as '{slug}'")
        if not item.title:
            summary.check(where, f"{item.status} without a title: titled '{title}'")
        department, tags = taxonomy.of(item) if item.type == "post" else ("", [])
        if len(tags) > MAX_TAGS:
            summary.check(where, f"{len(tags)} tags, kept the first {MAX_TAGS}")
            tags = tags[:MAX_TAGS]
        login = item.creator
        authors = (plan.authors[login].id,) if login in plan.authors else ()
        plan.targets[item.id] = Target(
            kind=item.type,
            slug=slug,
            title=title,
            url=url,
            folder=folder,
            date=date,
            draft=item.status in ("draft", "pending"),
            authors=authors,
            aliases=_aliases(plan, item, url),
            department=department,
            tags=tuple(dict.fromkeys(tags)),
        )
        for comment in item.comments:
            created = wp_date(comment.date, comment.date_gmt, tz)
            if created is not None:
                ms = int(created.timestamp() * 1000)
                plan.comment_ids[comment.id] = derived_id(ms, comment_key(item, comment.id))
    if zone_mismatch:
        summary.check(
            "site.yaml",
            f"timezone {config.timezone} is not WordPress's for {zone_mismatch} posts: drafts' "
            "dates (WordPress keeps them in its own zone) may be off by the difference",
        )
    _taxon_urls(plan, items, taxonomy)


def _aliases(plan: Plan, item: WpItem, url: str) -> tuple[str, ...]:
    """The item's old addresses that differ from its new one; each is also remembered for
    rewriting links in other posts."""
    found = []
    old = old_path(item.link, plan.channel.link) if item.link else None
    if old and old != "/":
        plan.old_urls[path_key(old)] = url
        if path_key(old) != path_key(url):
            found.append(old)
    keys = ["p"] if item.type == "post" else ["page_id", "p"]
    for key in keys:
        found.append(f"/?{key}={item.id}")
        plan.old_urls[f"{key}={item.id}"] = url
    return tuple(dict.fromkeys(found))


def _taxon_urls(plan: Plan, items: list[WpItem], taxonomy: Taxonomy) -> None:
    """Old category, tag and author archives to the new department, tag and author pages."""
    for nicename, category in taxonomy.categories.items():
        top = taxonomy.top(nicename)
        kind = "tags" if taxonomy.as_tags or (top and top.nicename != nicename) else "departments"
        name = taxonomy.name(kind, category.name)
        path = [nicename]
        parent = category
        while parent.parent in taxonomy.categories and len(path) < 10:
            parent = taxonomy.categories[parent.parent]
            path.insert(0, parent.nicename)
        plan.taxa[path_key("/category/" + "/".join(path))] = f"/{kind}/{slugify(name)}/"
    for item in items:
        for domain, nicename, name in item.categories:
            if domain == "post_tag" and nicename:
                tag = taxonomy.name("tags", name)
                plan.taxa[path_key(f"/tag/{nicename}")] = f"/tags/{slugify(tag)}/"
    for login, author in plan.authors.items():
        plan.taxa[path_key(f"/author/{slugify(login)}")] = f"/authors/{author.id}/"
