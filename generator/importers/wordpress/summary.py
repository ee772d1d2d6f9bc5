"""The import's account of itself: what came in, what stayed out and why, what to check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass
class Summary:
    export: str
    dry_run: bool
    source: str = ""  # "WXR 1.2, 'Title', https://..."
    imported: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    other_types: Counter[str] = field(default_factory=Counter)
    categories: str = ""  # how categories were taken, said in words
    checks: list[str] = field(default_factory=list)  # "where: what to check"
    files: Counter[str] = field(default_factory=Counter)  # new, unchanged, kept

    def check(self, where: str, what: str) -> None:
        line = f"{where}: {what}"
        if line not in self.checks:
            self.checks.append(line)

    def lines(self) -> list[str]:
        i, s = self.imported, self.skipped
        head = "Would import" if self.dry_run else "Imported"
        out = [f"{head} from {self.export} ({self.source}):"]
        authors = f"{i['authors new']} new, {i['authors existing']} already in content/authors"
        out.append(f"  authors     {i['authors new'] + i['authors existing']} ({authors})")
        drafts = _plural(i["drafts"], "draft")
        kinds = f"{i['published']} published, {drafts}, {i['scheduled']} scheduled"
        out.append(f"  posts       {i['published'] + i['drafts'] + i['scheduled']} ({kinds})")
        out.append(f"  pages       {i['pages']}")
        staff = f", {i['staff answers']} of them staff answers" if i["staff answers"] else ""
        out.append(
            f"  comments    {i['approved']} approved as comment files{staff}; "
            f"{i['pending']} pending into the queue"
        )
        out.append(f"  images      {i['files copied']} files copied into post bundles")
        out.append(
            f"  redirects   {i['redirect pages']} old addresses get a redirect page, "
            f"{i['query redirects']} ?p= links are forwarded by /_dialogue/redirects.json"
        )
        out.append(
            f"  links       {i['links rewritten']} internal links rewritten to new addresses"
        )
        out.append(f"  categories  {self.categories}")
        out.append("Not imported:")
        posts = [
            _plural(s["private"], "private post"),
            _plural(s["password"], "password-protected post"),
            _plural(s["trash"], "post", "posts") + " in the trash",
            _plural(s["auto-draft"], "auto-draft"),
        ]
        out.append("  " + ", ".join(posts))
        comments = [
            _plural(s["spam"], "spam comment"),
            _plural(s["trashed comments"], "comment", "comments") + " in the trash",
            _plural(s["pings"], "pingback or trackback", "pingbacks and trackbacks"),
            _plural(s["orphan comments"], "comment", "comments") + " on posts not imported",
        ]
        out.append("  " + ", ".join(comments))
        if self.other_types:
            kinds = ", ".join(f"{n} {t}" for t, n in sorted(self.other_types.items()))
            out.append(f"  other WordPress items (not content): {kinds}")
        out.append("To check by hand:" if self.checks else "To check by hand: nothing")
        out.extend(f"  {line}" for line in self.checks)
        f = self.files
        verb = "would be written" if self.dry_run else "written"
        out.append(
            f"Files: {f['new']} {verb}, {f['unchanged']} unchanged, "
            f"{f['kept']} already there and different (left as they are)"
        )
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out
