"""The comment intake under load, on an SQLite and a PostgreSQL queue, with one and two intake
processes (`dialogue comments serve`, waitress, 4 threads each), all on loopback:

1. paced: 3,000 comments (JSON) at 50 req/s, spread evenly over the intake processes; every
   answer is kept, and the ids answered 202 are matched against the queue's rows;
2. flat out: wrk posting distinct form comments for 20 s (one wrk per intake process, 10
   connections each), then the queue's rows counted against wrk's 303 answers.

"lost" is an answered comment missing from the queue, "duplicated" a text stored twice. The
PostgreSQL queue is a throwaway cluster (tests/pgserver.py), one fresh database per run.

    .venv/bin/python benchmarks/intake_load.py [--comments 3000] [--rate 50] [--seconds 20]

Client and servers share the machine's cores: compare figures only within one run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import pgserver  # noqa: E402 - from tests/, found through sys.path above

from comments_moderation.queue import open_queue  # noqa: E402

SITE_YAML = """title: Intake benchmark
base_url: https://bench.example/
comments:
  trusted_proxies: [127.0.0.1]
"""
POSTS = {"posts": [{"slug": "bench-post", "url": "https://bench.example/2026/11/bench-post/",
                    "path": "/2026/11/bench-post/", "title": "Bench", "comments_open": True,
                    "authors": []}]}  # fmt: skip


def make_site(folder: Path) -> Path:
    (folder / "public" / "_dialogue").mkdir(parents=True)
    (folder / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (folder / "public" / "_dialogue" / "posts.json").write_text(json.dumps(POSTS))
    return folder


@contextmanager
def intakes(site: Path, count: int, queue: str) -> Iterator[list[tuple[str, int]]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DIALOGUE_QUEUE": queue}
    processes = []
    try:
        for _ in range(count):
            process = subprocess.Popen(
                [sys.executable, "-m", "comments_moderation.cli", "comments", "serve",
                 "--port", "0"],
                cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )  # fmt: skip
            processes.append(process)
        addresses = []
        for process in processes:
            assert process.stdout is not None
            url = process.stdout.readline().split("on ", 1)[1].strip()
            host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()  # type: ignore[union-attr]
            addresses.append((host, int(port)))
        yield addresses
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def post_json(address: tuple[str, int], n: int) -> tuple[int, str, str, float]:
    body = f"A paced load comment number {n}."
    payload = json.dumps({"post": "bench-post", "name": "Paced Reader",
                          "email": "reader@example.com", "body": body}).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", "Origin": "https://bench.example",
               "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}  # fmt: skip
    started = time.perf_counter()
    conn = http.client.HTTPConnection(*address, timeout=60)
    try:
        conn.request("POST", "/comments", body=payload, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - started
    comment_id = json.loads(data).get("id", "") if answer.status == 202 else ""
    return answer.status, comment_id, body, elapsed


def paced(addresses: list[tuple[str, int]], comments: int, rate: float) -> dict[str, object]:
    """``comments`` requests, the n-th sent at n / rate seconds, round robin over the intakes."""
    start = time.perf_counter() + 0.2
    results: list[tuple[int, str, str, float]] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        result = post_json(addresses[n % len(addresses)], n)
        with lock:
            results.append(result)

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(one, range(comments)))
    seconds = time.perf_counter() - start
    latencies = sorted(r[3] for r in results)
    return {
        "answers": results,
        "rate": len(results) / seconds,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
    }


def flat_out(addresses: list[tuple[str, int]], seconds: int) -> dict[str, object]:
    runs = [
        subprocess.Popen(
            [
                "wrk",
                "-t1",
                "-c10",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(HERE / "intake_post.lua"),
                f"http://{host}:{port}/comments",
                "--",
                str(n),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n, (host, port) in enumerate(addresses)
    ]
    outputs = [run.communicate()[0] for run in runs]
    requests = sum(int(re.search(r"(\d+) requests in", out).group(1)) for out in outputs)  # type: ignore[union-attr]
    failed = sum(int(m.group(1)) for out in outputs for m in
                 re.finditer(r"Non-2xx or 3xx responses: (\d+)", out))  # fmt: skip

    def worst(label: str) -> float:
        values = []
        for out in outputs:
            value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
            values.append(float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit])
        return max(values)

    return {"requests": requests, "answered": requests - failed, "failed": failed,
            "rate": requests / seconds, "p50": worst(" 50"), "p99": worst(" 99")}  # fmt: skip


def run(backend: str, processes: int, args: argparse.Namespace, cluster: object) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="dialogue-load-") as folder:
        site = make_site(Path(folder))
        if backend == "sqlite":
            queue = str(site / ".dialogue" / "comments.sqlite3")
        else:
            databases = cluster  # pgserver.Databases
            queue = databases.create()  # type: ignore[attr-defined]
        with intakes(site, processes, queue) as addresses:
            first = paced(addresses, args.comments, args.rate)
            with open_queue(queue) as q:
                rows_paced = q.list()
            second = flat_out(addresses, args.seconds)
        with open_queue(queue) as q:
            rows = q.list()
    answers = first["answers"]
    acknowledged = {cid for status, cid, _, _ in answers if status == 202}  # type: ignore[attr-defined]
    ids = {c.id for c in rows_paced}
    bodies = [c.body for c in rows]
    paced_duplicated = len(rows_paced) - len({c.body for c in rows_paced})
    flat_duplicated = len(bodies) - len(set(bodies)) - paced_duplicated
    flat_rows = len(rows) - len(rows_paced)
    label = f"{backend:10} | {processes}"
    return [
        f"| {label} | paced {args.comments} at {args.rate:g}/s | {first['rate']:.1f} | "
        f"{first['p50'] * 1000:.1f} | {first['p99'] * 1000:.1f} | {len(acknowledged)} | "
        f"{len(ids)} | {len(acknowledged - ids)} | {paced_duplicated} |",
        f"| {label} | flat out {args.seconds} s | {second['rate']:.0f} | "
        f"{second['p50'] * 1000:.1f} | {second['p99'] * 1000:.1f} | {second['answered']} | "
        f"{flat_rows} | {max(0, int(second['answered']) - flat_rows)} | {flat_duplicated} |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--processes", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()
    lines = [
        "| queue | intakes | load | req/s | p50 ms | p99 ms | answered | rows | lost "
        "| duplicated |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with pgserver.cluster(durable=True) as server:  # fsync on, as SQLite's synchronous=FULL
        databases = pgserver.Databases(server)
        for backend in args.backends:
            for processes in args.processes:
                for line in run(backend, processes, args, databases):
                    print(line, flush=True)
                    lines.append(line)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
