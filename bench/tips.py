#!/usr/bin/env python3
# Benchmark: many small tips. Submits 2 KB tips (2,048-byte message, no attachment, desk `ap`)
# to a release build of meldpunt in a closed loop, at several concurrency levels (one thread
# and one keep-alive connection per concurrent client), and prints per level: tips/s, p50/p99
# latency of the POST, errors, the server's current RSS and its peak RSS (VmHWM) so far.
#
# Run from the repository root after `cargo build --release`:
#     python3 bench/tips.py                               # 1, 8, 32 clients, 20 s each
#     python3 bench/tips.py --duration 5 --concurrency 8
# Targets (issue 11, full durability): >= 800 tips/s at 8 and at 32 clients, p99 < 100 ms at 8,
# peak RSS < 100 MiB.
import argparse
import http.client
import math
import os
import random
import string
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import common  # noqa: E402
from common import mark


def make_message(size):
    return "".join(random.choices(string.ascii_letters + " ", k=size))


class Client(threading.Thread):
    def __init__(self, port, deadline, args):
        super().__init__(daemon=True)
        self.port, self.deadline, self.args = port, deadline, args
        self.latencies = []  # seconds, successful tips only
        self.errors = 0
        self.first_error = None

    def fail(self, what):
        self.errors += 1
        if self.first_error is None:
            self.first_error = what

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        form = None
        message = make_message(self.args.message_bytes)
        while time.monotonic() < self.deadline:
            try:
                if form is None or self.args.form_each_tip:
                    form = common.form_state(conn)
                hidden, cookie = form
                if not self.args.form_each_tip:
                    hidden = common.reusable(hidden)
                ctype, length, chunks = common.multipart(
                    hidden + [("desk", self.args.desk), ("message", message)])
                headers = {"Content-Type": ctype, "Content-Length": str(length)}
                if cookie:
                    headers["Cookie"] = cookie
                body = b"".join(chunks)
                start = time.perf_counter()
                conn.request("POST", "/submit", body=body, headers=headers)
                status, answer = common.answer_of(conn, conn.getresponse())
                elapsed = time.perf_counter() - start
                if status == 200 and common.receipt_of(answer):
                    self.latencies.append(elapsed)
                else:
                    self.fail(f"status {status}: {answer[:200]!r}")
                    form = None  # fetch a fresh form (token, cookie) before the next try
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                self.fail(f"{type(e).__name__}: {e}")
                conn.close()
                form = None
                time.sleep(0.05)
        conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def run_level(server, clients, args):
    deadline = time.monotonic() + args.duration
    threads = [Client(server.port, deadline, args) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    lat = sorted(x for t in threads for x in t.latencies)
    errors = sum(t.errors for t in threads)
    first_error = next((t.first_error for t in threads if t.first_error), None)
    return {"clients": clients, "tips": len(lat), "rate": len(lat) / wall,
            "p50": percentile(lat, 50) * 1000, "p99": percentile(lat, 99) * 1000,
            "errors": errors, "first_error": first_error,
            "rss": server.rss_mib(), "hwm": server.hwm_mib()}


def main():
    ap = argparse.ArgumentParser(description="meldpunt small-tip load benchmark")
    ap.add_argument("--duration", type=float, default=20, help="seconds per level (20)")
    ap.add_argument("--concurrency", default="1,8,32", help="levels, comma separated")
    ap.add_argument("--message-bytes", type=int, default=2048)
    ap.add_argument("--desk", default="ap")
    ap.add_argument("--form-each-tip", action="store_true",
                    help="GET /submit before every tip, as a browser would")
    ap.add_argument("--bin", default=str(common.DEFAULT_BIN), help="server binary")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    print(f"meldpunt tip benchmark: {cores} cores ({usable} usable), {args.duration:g} s per "
          f"level, {args.message_bytes}-byte message, desk {args.desk}; "
          "client and server share the machine")
    results = []
    with common.Server(args.bin) as server:
        print(f"server idle RSS {server.rss_mib():.1f} MiB")
        warm = run_level(server, 1, argparse.Namespace(**{**vars(args), "duration": 1}))
        if warm["tips"] == 0:
            print(f"warm-up failed: {warm['first_error']}\nserver log:\n" + server.log_tail(),
                  file=sys.stderr)
            return 1
        print(f"{'clients':>7} {'tips':>7} {'tips/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6} {'RSS MiB':>8} {'peak MiB':>9}")
        for clients in levels:
            r = run_level(server, clients, args)
            results.append(r)
            print(f"{r['clients']:>7} {r['tips']:>7} {r['rate']:>8.1f} {r['p50']:>8.1f} "
                  f"{r['p99']:>8.1f} {r['errors']:>6} {r['rss']:>8.1f} {r['hwm']:>9.1f}",
                  flush=True)
            if r["first_error"]:
                print(f"        first error: {r['first_error'][:300]}")
    print("(peak = server VmHWM since start, so it includes the earlier levels)")
    at8 = next((r for r in results if r["clients"] == 8), None)
    at32 = next((r for r in results if r["clients"] == 32), None)
    if at8:
        print(f"targets at 8 clients: >= 800 tips/s {mark(at8['rate'] >= 800)}, "
              f"p99 < 100 ms {mark(at8['p99'] < 100)}, "
              f"peak RSS < 100 MiB {mark(at8['hwm'] < 100)}, errors 0 {mark(not at8['errors'])}")
    if at32:
        print(f"targets at 32 clients: >= 800 tips/s {mark(at32['rate'] >= 800)}, "
              f"peak RSS < 100 MiB {mark(at32['hwm'] < 100)}, "
              f"errors 0 {mark(not at32['errors'])}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
