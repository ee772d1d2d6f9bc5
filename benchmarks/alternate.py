"""Two versions of Dialogue side by side on one corpus, alternating build by build, so that a
shared machine's load falls on both alike: warm builds and one-edit builds, medians and peaks.

    .venv/bin/python benchmarks/alternate.py --old /tmp/dialogue-main --new . --posts 10000

``--old`` and ``--new`` are checkouts (a folder with generator/ and themes/); each builds its
own copy of the corpus (benchmarks/corpora/<N>, made by run.py) on tmpfs, cold once, then
``--rounds`` times: a warm build of each, then the same one-sentence edit and a build of each.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNU_TIME = Path("/usr/bin/time")
NOW = "2026-01-15T12:00:00+00:00"


def build(code: Path, root: Path) -> tuple[float, int, float]:
    """Seconds, peak resident MB and CPU seconds (user and system, workers included) of
    ``dialogue build`` of ``root`` with ``code``. CPU time moves less than wall time when
    others load the machine."""
    env = {**os.environ, "PYTHONPATH": str(code), "DIALOGUE_NOW": NOW}
    command = [sys.executable, "-m", "generator", "build", "-q"]
    peak_file = root.parent / f"{root.name}.peak"
    if GNU_TIME.exists():
        command = [str(GNU_TIME), "-f", "%M", "-o", str(peak_file), *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    peak = int(peak_file.read_text().split()[-1]) // 1024 if GNU_TIME.exists() else 0
    return seconds, peak, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--new", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = HERE / "corpora" / str(args.posts)
    if not (corpus / ".complete").exists():
        sys.exit(f"{corpus} is missing: run benchmarks/run.py --posts {args.posts} first")
    base = Path("/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp") / "dialogue-alternate"
    shutil.rmtree(base, ignore_errors=True)
    versions = {}
    roots = {}
    for name, checkout in (("old", args.old), ("new", args.new)):
        # A snapshot, compiled: edits in the checkout during the run must not turn warm cold.
        versions[name] = code = base / name / "code"
        for folder in ("generator", "themes", "comments_moderation"):
            if (checkout / folder).is_dir():
                shutil.copytree(checkout / folder, code / folder)
        compileall.compile_dir(code, quiet=1)
        roots[name] = base / name / "site"
        shutil.copytree(corpus, roots[name], ignore=shutil.ignore_patterns(".dialogue", "public"))
        # Each version with its own theme, as a site's own: an installed Dialogue's built-in
        # themes would be the same folder for both.
        shutil.copytree(checkout / "themes", roots[name] / "themes")
    posts = sorted((roots["old"] / "content" / "posts").rglob("*.md"))
    edited = posts[len(posts) // 2].relative_to(roots["old"])
    for name, code in versions.items():
        seconds, peak, cpu = build(code, roots[name])
        print(f"{name} cold {seconds:.2f} s (CPU {cpu:.2f} s), peak {peak} MB", flush=True)
    times: dict[str, list[float]] = {f"{n} {s}": [] for s in ("warm", "one-edit") for n in versions}
    peaks: dict[str, int] = dict.fromkeys(times, 0)
    cpus: dict[str, list[float]] = {key: [] for key in times}
    for round_ in range(args.rounds):
        for step in ("warm", "one-edit"):
            for name, code in versions.items():
                if step == "one-edit":
                    source = roots[name] / edited
                    text = source.read_text(encoding="utf-8")
                    source.write_text(text + f"\nEin Satz mehr, Runde {round_}.\n", "utf-8")
                seconds, peak, cpu = build(code, roots[name])
                times[f"{name} {step}"].append(seconds)
                cpus[f"{name} {step}"].append(cpu)
                peaks[f"{name} {step}"] = max(peaks[f"{name} {step}"], peak)
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in times.items()))
    for key, values in times.items():
        wall, cpu = statistics.median(values), statistics.median(cpus[key])
        print(f"{key:14} median {wall:.2f} s  CPU {cpu:.2f} s  peak {peaks[key]} MB")
    shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
