"""An incremental build writes exactly the files whose content changed."""

from __future__ import annotations

import re
from pathlib import Path

from sitebuilds import ALT_PAGE, DREI, DREI_PAGE, build, sub, written_by
from sitetools import RunCli


def test_unchanged_rebuild_writes_nothing(run_cli: RunCli, basic_site: Path) -> None:
    assert DREI_PAGE in written_by(build(run_cli, basic_site, "-v"))
    stdout = build(run_cli, basic_site, "-v")
    assert written_by(stdout) == set(), stdout
    assert " 0 pages written," in stdout


def test_body_edit_rewrites_only_pages_that_show_the_post(
    run_cli: RunCli, basic_site: Path
) -> None:
    public = basic_site / "public"
    everything = written_by(build(run_cli, basic_site, "-v"))
    sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert.")(basic_site)
    stdout = build(run_cli, basic_site, "-v")
    written = written_by(stdout)

    assert DREI_PAGE in written, stdout
    # alte-antwort is neither drei-stimmen's neighbour nor in its tags or department.
    assert ALT_PAGE not in written, stdout
    for unrelated in ("impressum/index.html", "404.html", "robots.txt", "tags/api/index.html"):
        assert unrelated not in written, stdout
    # Whatever was written shows the post (links to it): no page that doesn't is rendered again.
    blind = sorted(name for name in written if b"drei-stimmen" not in (public / name).read_bytes())
    assert blind == [], f"rewritten although they do not show the edited post: {blind}"
    # A body edit that keeps the summary and reading time: its page and the feeds that carry
    # the body, nothing else (listings are keyed by what their cards show).
    assert {name for name in written if not name.endswith(".xml")} == {DREI_PAGE}, stdout
    assert len(written) < len(everything), stdout
    summary = re.search(r": (\d+) pages written, (\d+) unchanged", stdout)
    assert summary is not None, stdout
    assert int(summary[1]) == len(written)
    assert int(summary[1]) + int(summary[2]) == len(everything)
