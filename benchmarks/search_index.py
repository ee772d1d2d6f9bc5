"""How long the search index takes and how large it is, for a corpus.

Builds the corpus once (so post bodies are in the cache), then times the search step alone
as a build that must re-index runs it: writing one document per post, then Pagefind per
language (one after the other, then side by side as a build runs them). Prints the time of
each part and the size of /pagefind/ (all files, and what a reader's first search downloads:
entry, meta, WebAssembly, interface).

    .venv/bin/python benchmarks/search_index.py benchmarks/corpora/10000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from generator.assemble import BuildOptions
from generator.build import build, read_site
from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.i18n import Strings
from generator.incremental import Cache
from generator.render import search
from generator.themes import load_theme


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.corpus.resolve()
    out = Path(tempfile.mkdtemp(prefix="search-bench-"))
    started = time.perf_counter()
    report = build(root, BuildOptions(), output_dir=str(out / "public"))
    assert report.ok, [str(p) for p in report.diag.errors[:5]]
    print(
        f"build of {len(report.site.posts) if report.site else 0} posts: "
        f"{time.perf_counter() - started:.1f} s (once, for the cache)"
    )

    diag = Diagnostics(root)
    config = load_config(root, diag)
    assert config is not None
    site = read_site(config, diag, options=BuildOptions())
    bodies = Cache(config, None, use_old=True, persist=False).bodies  # as read_site's
    theme = load_theme(root, config.theme, diag)
    assert site is not None and theme is not None
    names = search.labels(Strings(theme.i18n_dirs), config.language)
    binary = search.pagefind_binary()
    assert binary is not None

    writing, indexing, together = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as temporary:
            documents, bundle = Path(temporary) / "docs", Path(temporary) / "bundle"
            began = time.perf_counter()
            languages = sorted({post.lang for post in site.posts})
            for lang in languages:
                search.write_documents(site, documents / lang, names, bodies, lang)
            writing.append(time.perf_counter() - began)
            began = time.perf_counter()
            for lang in languages:  # one after the other
                command = search.pagefind_command(binary, documents / lang, bundle / lang)
                subprocess.run(command, check=True)
            indexing.append(time.perf_counter() - began)
            shutil.rmtree(bundle)
            began = time.perf_counter()
            running = [  # side by side, as a build runs them
                subprocess.Popen(search.pagefind_command(binary, documents / lang, bundle / lang))
                for lang in languages
            ]
            assert all(process.wait() == 0 for process in running)
            together.append(time.perf_counter() - began)
            unused = set(search.UNUSED)
            files = {p: p.stat().st_size for p in bundle.rglob("*") if p.is_file()}
            files = {p: size for p, size in files.items() if p.name not in unused}
            sizes = {
                "all": sum(files.values()),
                "top": sum(s for p, s in files.items() if p.parent.name in languages),
                "fragments": sum(s for p, s in files.items() if p.parent.name == "fragment"),
                "indexes": sum(s for p, s in files.items() if p.parent.name == "index"),
            }
            counts = {
                kind: sum(1 for p in files if p.parent.name == kind)
                for kind in ("fragment", "index")
            }
    print(f"posts: {len(site.posts)}, languages: {', '.join(languages)}")
    print(f"documents written: {statistics.median(writing):.2f} s (median of {args.repeat})")
    print(f"Pagefind:          {statistics.median(indexing):.2f} s (median of {args.repeat})")
    print(f"  side by side:    {statistics.median(together):.2f} s (median of {args.repeat})")
    print(
        f"bundle: {sizes['all'] / 1e6:.1f} MB in {len(files)} files "
        f"({counts['fragment']} fragments {sizes['fragments'] / 1e6:.1f} MB, "
        f"{counts['index']} index chunks {sizes['indexes'] / 1e6:.1f} MB)"
    )
    print(
        "top-level files (entry, meta, wasm, interface, all languages): "
        f"{sizes['top'] / 1e3:.0f} KB"
    )


if __name__ == "__main__":
    main()
