#!/usr/bin/env python3
# Benchmark: `meldpunt backup` of a filled data folder while reporters keep submitting, and
# `meldpunt restore` of it into a new folder (issue 12). The figures are the recovery point and
# recovery time an operator can plan a warm standby with.
#
# It fills a release build in demo mode with --tips tips of 2 KB (every --file-every-th one with a
# 900 KiB file), then, while --clients reporters keep submitting, times `meldpunt backup`; then
# times `meldpunt restore` into a new folder. It prints the folder's size, both times and rates,
# the peak RSS of each command, and the tips' p99 before and during the backup.
#
# Run from the repository root after `cargo build --release`:
#     python3 bench/backup.py
#     python3 bench/backup.py --tips 2000 --file-every 20
import argparse
import http.client
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import common  # noqa: E402

KIB = 1024


class Reporter(threading.Thread):
    """Submits tips in a loop until `stop` is set; keeps (start time, latency) of each."""

    def __init__(self, port, stop, attachment, file_every, budget=None):
        super().__init__(daemon=True)
        self.port, self.stop, self.attachment = port, stop, attachment
        self.file_every, self.budget = file_every, budget
        self.done = []
        self.errors = 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        form = None
        n = 0
        while not self.stop.is_set() and (self.budget is None or n < self.budget):
            n += 1
            try:
                if form is None:
                    form = common.form_state(conn)
                hidden, cookie = form
                files = []
                if self.file_every and n % self.file_every == 0:
                    files = [("attachment", "scan.pdf", "application/pdf", self.attachment)]
                ctype, length, chunks = common.multipart(
                    common.reusable(hidden) + [("desk", "ap"), ("message", "x" * 2048)], files)
                headers = {"Content-Type": ctype, "Content-Length": str(length)}
                if cookie:
                    headers["Cookie"] = cookie
                began = time.monotonic()
                conn.request("POST", "/submit", body=b"".join(chunks), headers=headers)
                status, body = common.answer_of(conn, conn.getresponse())
                if status == 200 and common.receipt_of(body):
                    self.done.append((began, time.monotonic() - began))
                else:
                    self.errors += 1
                    form = None
            except (OSError, http.client.HTTPException, RuntimeError):
                self.errors += 1
                conn.close()
                form = None


def p99(latencies):
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000


def folder_mib(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total / (KIB * KIB)


def timed(command):
    """Runs command; (seconds, peak RSS of that child in MiB, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - began
    if done.returncode != 0:
        raise RuntimeError(f"{command[1]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    # ru_maxrss is the largest of all children so far; the commands run one at a time here.
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / KIB
    return seconds, peak, done.stdout


def main():
    ap = argparse.ArgumentParser(description="meldpunt backup and restore benchmark")
    ap.add_argument("--tips", type=int, default=10000, help="tips to fill with (10000)")
    ap.add_argument("--file-every", type=int, default=10,
                    help="every n-th tip carries a 900 KiB file (10)")
    ap.add_argument("--clients", type=int, default=8, help="reporters during the backup (8)")
    ap.add_argument("--bin", default=str(common.DEFAULT_BIN), help="server binary")
    args = ap.parse_args()
    binary = str(common.require_binary(args.bin))

    work = Path(tempfile.mkdtemp(prefix="meldpunt-backup-bench-"))
    attachment = work / "scan.pdf"
    attachment.write_bytes(os.urandom(900 * KIB))
    key = work / "backup.key"
    made = subprocess.run([binary, "keygen", "--out", str(key)], capture_output=True, text=True,
                          check=True)
    recipient = made.stdout.strip().splitlines()[-1]
    try:
        with common.Server(binary=binary) as server:
            data = server.tmp / "data"
            stop = threading.Event()
            per = -(-args.tips // args.clients)
            fillers = [Reporter(server.port, stop, attachment, args.file_every, per)
                       for _ in range(args.clients)]
            began = time.monotonic()
            for f in fillers:
                f.start()
            for f in fillers:
                f.join()
            filled = sum(len(f.done) for f in fillers)
            fill_s = time.monotonic() - began
            size = folder_mib(data)
            print(f"meldpunt backup benchmark: {os.cpu_count()} cores; {filled} tips "
                  f"({args.tips // max(1, args.file_every)} with a 900 KiB file) in {fill_s:.0f} s; "
                  f"data folder {size:.0f} MiB")

            load = [Reporter(server.port, stop, attachment, 0) for _ in range(args.clients)]
            for r in load:
                r.start()
            time.sleep(3)
            out = work / "meldpunt.age"
            backup_began = time.monotonic()
            backup_s, backup_rss, said = timed(
                [binary, "backup", "--data", str(data), "--out", str(out),
                 "--recipient", recipient])
            backup_ended = time.monotonic()
            time.sleep(1)
            stop.set()
            for r in load:
                r.join()
            done = [x for r in load for x in r.done]
            before = [lat for (t, lat) in done if t < backup_began]
            during = [lat for (t, lat) in done if backup_began <= t <= backup_ended]
            errors = sum(r.errors for r in load)
            backup_mib = out.stat().st_size / (KIB * KIB)
            print(f"backup:  {backup_s:.1f} s for {backup_mib:.0f} MiB "
                  f"({backup_mib / backup_s:.0f} MiB/s), peak RSS {backup_rss:.0f} MiB; "
                  f"{said.strip().splitlines()[0]}")
            print(f"service during the backup: {len(during)} tips, p99 {p99(during):.0f} ms "
                  f"(before: {len(before)} tips, p99 {p99(before):.0f} ms), errors {errors}")

        restored = work / "restored"
        restore_s, restore_rss, said = timed(
            [binary, "restore", "--from", str(out), "--identity", str(key),
             "--data", str(restored)])
        print(f"restore: {restore_s:.1f} s ({backup_mib / restore_s:.0f} MiB/s), "
              f"peak RSS {restore_rss:.0f} MiB; {said.strip().splitlines()[-1]}")
        print(f"warm standby: recovery point = the timer's interval (a day, or an hour with "
              f"OnCalendar=hourly); recovery time = copy the backup over + {restore_s:.0f} s "
              f"restore + service start + the onion service's publication (about a minute)")
    finally:
        subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
