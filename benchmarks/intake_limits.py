"""How fast `dialogue comments serve` refuses what it must refuse, over raw sockets on loopback.

    .venv/bin/python benchmarks/intake_limits.py [--rounds 50] [--stall]

- 413: headers declaring a 10 MiB body (plain and with Expect: 100-continue), no body sent:
  time from the last header byte to the status line;
- /health from 127.0.0.2 while 150 slow connections from 127.0.0.1 hold half a request each;
- with --stall (about 25 s): how long a request whose body never comes holds its connection
  under the default limits (the issue asked for under 30 s).

Client and server share the machine; the intake runs with its default limits. It reuses the
tests' throwaway site and raw-HTTP helpers (tests/comments/).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "comments"))

from comment_site import ORIGIN, make_site, start_intake, stop_intake  # noqa: E402
from raw_http import closed_by_server, connect, head, read_answer  # noqa: E402

TEN_MIB = 10 * 1024 * 1024


def refusal_times(url: str, rounds: int, expect: bool) -> list[float]:
    headers = {"Content-Type": "application/json", "Origin": ORIGIN}
    headers["Content-Length"] = str(TEN_MIB)
    if expect:
        headers["Expect"] = "100-continue"
    request = head("POST", "/comments", headers)
    times = []
    for _ in range(rounds):
        with connect(url) as sock:
            start = time.perf_counter()
            sock.sendall(request)
            status = read_answer(sock).status
            times.append(time.perf_counter() - start)
            if status != 413:
                raise SystemExit(f"expected 413, got {status}")
    return times


def health_under_slow_connections(url: str, slow: int, rounds: int) -> list[float]:
    held: list[socket.socket] = []
    try:
        for _ in range(slow):
            sock = connect(url)
            sock.sendall(b"POST /comments HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            held.append(sock)
        times = []
        for _ in range(rounds):
            with connect(url, source="127.0.0.2") as probe:
                start = time.perf_counter()
                probe.sendall(head("GET", "/comments/health", {"Connection": "close"}))
                status = read_answer(probe).status
                times.append(time.perf_counter() - start)
                if status != 200:
                    raise SystemExit(f"/health answered {status}")
        return times
    finally:
        for sock in held:
            sock.close()


def stalled_body_seconds(url: str) -> float:
    with connect(url) as sock:
        sock.settimeout(60)
        headers = {"Content-Type": "application/json", "Content-Length": "100"}
        sock.sendall(head("POST", "/comments", headers) + b"{")
        start = time.perf_counter()
        if not closed_by_server(sock):
            raise SystemExit("the stalled request was still open after 60 s")
        return time.perf_counter() - start


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--stall", action="store_true", help="also time a stalled body (~25 s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = make_site(Path(folder) / "site", trusted_proxies=[])
        intake = start_intake(site)
        try:
            for expect in (False, True):
                label = "413, Expect: 100-continue" if expect else "413, plain"
                print(f"{label:28} {summary(refusal_times(intake.url, args.rounds, expect))}")
            times = health_under_slow_connections(intake.url, 150, args.rounds)
            print(f"{'/health, 150 slow conns':28} {summary(times)}")
            if args.stall:
                print(f"{'stalled body closed after':28} {stalled_body_seconds(intake.url):.1f} s")
        finally:
            stop_intake(intake)
    return 0


if __name__ == "__main__":
    sys.exit(main())
