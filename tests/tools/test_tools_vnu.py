"""Every generated HTML file passes the Nu Html Checker (vnu) with zero errors: one run over the
whole output folder (each start of the JVM costs about 3 s)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools.conftest import VNU, Built, require

pytestmark = pytest.mark.tools

# A page vnu must fault: proves the run really checked files (a broken jar or an option that
# skipped everything would otherwise pass as "zero errors").
CANARY = "<!doctype html><html lang=en><title>x</title><p><div>unclosed</span>"


def test_every_html_file_passes_vnu(built: Built, tmp_path: Path) -> None:
    java = require("java")
    assert VNU.is_file(), f"{VNU} missing: run `make npm` (npm ci --ignore-scripts)"
    canary = tmp_path / "canary" / "canary.html"
    canary.parent.mkdir()
    canary.write_text(CANARY, encoding="utf-8")
    done = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--skip-non-html",
            "--errors-only",
            "--format",
            "json",
            str(built.out),
            str(canary.parent),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report to stderr; exit status 1 means "errors found".
    report = json.loads(done.stderr)
    messages = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    on_canary = [m for m in messages if m.get("url", "").endswith("canary.html")]
    assert on_canary, f"vnu found nothing in the canary page: did it run? {done.stderr[:500]}"
    errors = [m for m in messages if m not in on_canary]
    lines = [
        f"{m.get('url', '?').split(str(built.out))[-1]}:{m.get('lastLine', '?')}: "
        f"{m.get('message')} [{m.get('extract', '').strip()[:100]!r}]"
        for m in errors
    ]
    assert not errors, f"{len(errors)} vnu errors:\n" + "\n".join(lines)
    assert len(built.html_files()) >= 20
