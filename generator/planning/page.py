"""The editorial plan as a page of ``dialogue serve`` (``/_dialogue/plan/``) and its calendar
(``/_dialogue/plan.ics``): made on each request from the site as it is on disk, never written
into any output folder (serve answers them only to this machine)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator import clock
from generator.planning import ical, text
from generator.planning.commands import load
from generator.planning.editorial import editorial_plan
from generator.planning.timeline import shows_year, time_changes

PLAN_URL = "/_dialogue/plan/"
ICS_URL = "/_dialogue/plan.ics"
SHOWN_CHANGES = 12  # of the time-based changes, the soonest

_ENV = Environment(
    loader=PackageLoader("generator.planning", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(when=text.when, day=text.day, span=text.span)


def plan_html(root: Path, weeks: int = 8) -> bytes:
    now = clock.now()
    site, theme, diag = load(root, now)
    template = _ENV.get_template("plan.html")
    if site is None or theme is None:
        problems = [str(p) for p in sorted(set(diag.errors))]
        return template.render(site=None, problems=problems).encode("utf-8")
    plan = editorial_plan(site, now, weeks)
    changes = time_changes(site, now, year_shown=shows_year(theme))[:SHOWN_CHANGES]
    names = {author.id: author.name for author in site.authors.values()}
    return template.render(
        site=site,
        plan=plan,
        changes=changes,
        names_of=lambda post: ", ".join(names.get(a, a) for a in post.author_ids),
        tz=site.config.tz,
        ics_url=ICS_URL,
        problems=[],
    ).encode("utf-8")


def plan_ics(root: Path, weeks: int = 8) -> bytes | None:
    now = clock.now()
    site, _, _ = load(root, now)
    return None if site is None else ical.calendar(site, editorial_plan(site, now, weeks)).encode()


# URL -> (content type, what makes the body; None: the site has errors)
LOCAL_PAGES: dict[str, tuple[str, Callable[[Path], bytes | None]]] = {
    PLAN_URL: ("text/html", plan_html),
    ICS_URL: ("text/calendar", plan_ics),
}
