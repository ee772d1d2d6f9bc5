"""The search index as a step of the build: Pagefind at work while the render stage renders.

Pagefind reads one document per post (search.py), made from the posts and the body store, not
from rendered pages; so the build starts it right after planning (``start_search``), one
process per language at once, and collects it before writing (``Indexing.finish``). Leaving
the ``with`` block any other way (an error, Ctrl-C) stops Pagefind and removes its documents;
the staging folder it wrote into is the build's to discard.

When the index's key is unchanged, or ``refresh`` is off and the output has an index, Pagefind
does not run: the files stay where they are (or, when the build swaps in a whole new folder,
are linked into it).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostics, Problem
from generator.i18n import Strings
from generator.render.search import (
    FOLDER,
    SIGNATURE,
    UNUSED,
    Labels,
    bundle_files,
    labels,
    pagefind_binary,
    pagefind_command,
    search_key,
    write_documents,
)

if TYPE_CHECKING:
    from generator.incremental import Plan
    from generator.incremental.bodies import BodyStore
    from generator.model import Site
    from generator.themes import Theme
    from generator.write.tree import OutputTree

TIMEOUT = 3600  # seconds; Pagefind indexes 10,000 posts in about a minute


class Indexing:
    """The index of one build: files kept from the output, or Pagefind's processes running."""

    def __init__(self, plan: Plan, kept: dict[str, str] | None, problems: list[Problem]) -> None:
        self.plan = plan
        self.kept = kept  # name -> manifest signature, when Pagefind does not run
        self.problems = problems
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []  # (language, process)
        self.documents: tempfile.TemporaryDirectory[str] | None = None
        self.bundle: Path | None = None
        self.signature = ""

    def __enter__(self) -> Indexing:
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()

    def start(
        self, site: Site, bodies: BodyStore | None, binary: Path, names: Labels, bundle: Path
    ) -> None:
        """Write each language's documents and start its Pagefind (they run side by side)."""
        # In the staging folder, on the output's file system, removed before the write (and
        # swept with the staging folder after a killed build). Not in /tmp: on ext4, creating
        # the 2,500 files and folders right after removing as many (a cold build's old cache
        # or last index) took 1.5 s instead of 0.2 s at 1,000 posts; the output is often a tmpfs.
        self.documents = tempfile.TemporaryDirectory(prefix=".search-", dir=bundle.parent)
        self.bundle, folder = bundle, Path(self.documents.name)
        for lang in sorted({post.lang for post in site.posts}):
            write_documents(site, folder / lang, names, bodies, lang)
            # A bundle per language: the search page loads its own language's and merges the
            # others (Pagefind merges bundles, not the languages of one bundle).
            with (folder / f"{lang}.log").open("wb") as log:
                command = pagefind_command(binary, folder / lang, bundle / lang)
                process = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=log, stderr=log
                )
            self.running.append((lang, process))

    def finish(self, diag: Diagnostics) -> list[str]:
        """Wait for Pagefind; the index's files join ``plan.assets`` (so the write keeps them
        and removes an old index's); returns those made anew in the staging folder."""
        problems = self.problems
        if self.kept is None:
            problems = [*problems, *self._wait()]
        self.stop()
        diag.extend(problems)
        if any(problem.severity == "error" for problem in problems):
            return []
        if self.kept is not None:
            self.plan.assets.update(self.kept)
            return []
        assert self.bundle is not None
        made = bundle_files(self.bundle, FOLDER)
        self.plan.assets.update(dict.fromkeys(made, self.signature))
        return made

    def _wait(self) -> list[Problem]:
        assert self.documents is not None and self.bundle is not None
        problems = []
        for lang, process in self.running:
            try:
                code = process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
            log = Path(self.documents.name) / f"{lang}.log"
            if code != 0:
                said = log.read_text("utf-8", "replace").strip()
                failure = said or (f"exit status {code}" if code else "no answer in an hour")
                message = f"search index not built: Pagefind: {failure}"
                problems.append(Problem("site.yaml", 0, message))
            for name in UNUSED:
                (self.bundle / lang / name).unlink(missing_ok=True)
        return problems

    def stop(self) -> None:
        """Stop what still runs and remove the documents (again: does nothing)."""
        for _, process in self.running:
            if process.poll() is None:
                process.kill()
            process.wait()
        self.running = []
        if self.documents is not None:
            self.documents.cleanup()
            self.documents = None


def start_search(
    site: Site,
    theme: Theme,
    tree: OutputTree,
    plan: Plan,
    bodies: BodyStore | None,
    *,
    enabled: bool = True,
    refresh: bool = True,
) -> Indexing:
    """Start making ``/pagefind/`` current, unless it is (``enabled`` off: ``check``)."""
    if not enabled:
        return Indexing(plan, {}, [])
    binary = pagefind_binary()
    if binary is None or not binary.is_file():
        message = "search index not built: Pagefind is missing (pip install 'pagefind[bin]')"
        return Indexing(plan, {}, [Problem("site.yaml", 0, message, "warning")])
    names = labels(Strings(theme.i18n_dirs), site.config.language)
    signature = SIGNATURE + search_key(site, binary, names)
    known = plan.previous
    old = [name for name, (sign, _) in known.items() if sign.startswith(SIGNATURE)]
    unchanged = all(known[name][0] == signature for name in old)
    if old and (unchanged or not refresh):
        if plan.everything or not tree.output.is_dir():  # a new folder replaces the output
            for name in old:
                target = tree.staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(tree.output / name, target)
        return Indexing(plan, {name: known[name][0] for name in old}, [])
    indexing = Indexing(plan, None, [])
    indexing.signature = signature
    try:
        indexing.start(site, bodies, binary, names, tree.staging / FOLDER)
    except OSError as exc:  # Pagefind would not start, or the documents could not be written
        indexing.stop()
        message = f"search index not built: Pagefind: {exc}"
        return Indexing(plan, {}, [Problem("site.yaml", 0, message)])
    except BaseException:
        indexing.stop()
        raise
    return indexing
