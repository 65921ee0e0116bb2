#!/usr/bin/env python3
# Benchmark: an anonymous flood, and one real reporter in the middle of it (issue 11).
#
# For --duration seconds (60), N anonymous clients (--clients, 200) attack a release build of
# meldpunt, a quarter each:
#   - junk follow-ups: POST /followup with made-up receipts, in a loop;
#   - junk submissions: POST /submit with a small junk tip, in a loop (each one is stored);
#   - slow uploads: a multipart POST that announces 100 MB and sends one byte every 10 s, so it
#     never ends and holds its connection, its upload slot and its temp file;
#   - officer logins on the desk's port: made-up names and passwords, in a loop.
# Meanwhile one real reporter submits a tip with a 1 MiB file every 5 s (fetching the form, as a
# browser does), then follows up with the receipt and opens the thread. A probe asks GET / once
# a second. The server's RSS and open files are sampled every half second.
#
# It prints the real reporter's success rate and p99 (tips and follow-ups), the slowest GET /,
# the server's peak RSS and open files, what the flood got through, and the goals:
# every real submission succeeds, p99 < 5 s, peak RSS < 200 MiB, GET / < 1 s.
#
# Run from the repository root after `cargo build --release`:
#     python3 bench/flood.py
#     python3 bench/flood.py --clients 64 --duration 20
import argparse
import http.client
import os
import random
import socket
import string
import sys
import tempfile
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import common  # noqa: E402
from common import mark

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def junk_code():
    code = "".join(random.choices(CROCKFORD, k=24))
    return "-".join(code[i:i + 4] for i in range(0, 24, 4))


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, kind, status):
        with self.lock:
            key = (kind, status)
            self.counts[key] = self.counts.get(key, 0) + 1


def loop(stop, tally, kind, port, work):
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = work(conn)
            tally.add(kind, status)
            if status in (503, 429) or status >= 500:
                time.sleep(0.05)  # a client that is told "busy" does not spin
        except (OSError, http.client.HTTPException):
            tally.add(kind, "error")
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.1)
    if conn is not None:
        conn.close()


def followup_junk(conn):
    body = urllib.parse.urlencode({"receipt": junk_code()})
    conn.request("POST", "/followup", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    return resp.status


def submit_junk(conn):
    message = "".join(random.choices(string.ascii_letters, k=200))
    ctype, length, chunks = common.multipart([("desk", "ap"), ("message", message)])
    conn.request("POST", "/submit", body=b"".join(chunks),
                 headers={"Content-Type": ctype, "Content-Length": str(length)})
    resp = conn.getresponse()
    resp.read()
    return resp.status


def login_junk(conn):
    name = "j." + "".join(random.choices(string.ascii_lowercase, k=7))
    body = urllib.parse.urlencode({"name": name, "password": "x" * 16,
                                   "code": f"{random.randrange(10**6):06d}"})
    conn.request("POST", "/desk/login", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    return resp.status


def slow_upload(stop, tally, port):
    """Announces 100 MB and sends a byte every 10 s; reconnects when the server drops it."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            boundary = "slow" + os.urandom(6).hex()
            head = (f"POST /submit HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                    "Content-Length: 100000000\r\n\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"desk\"\r\n\r\nap\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; "
                    "filename=\"slow.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            sock.sendall(head.encode())
            tally.add("slow upload", "opened")
            while not stop.wait(10):
                sock.sendall(b"x")
            sock.close()
        except OSError:
            tally.add("slow upload", "dropped")
            time.sleep(0.5)


class RealReporter(threading.Thread):
    """A tip with a 1 MiB file every `every` seconds, then a follow-up with its receipt."""

    def __init__(self, port, stop, every, attachment):
        super().__init__(daemon=True)
        self.port, self.stop, self.every, self.attachment = port, stop, every, attachment
        self.tips = []       # (ok, seconds)
        self.followups = []  # (ok, seconds)
        self.errors = []

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            receipt = self.tip()
            if receipt:
                self.followup(receipt)
            rest = self.every - (time.monotonic() - started)
            if rest > 0:
                self.stop.wait(rest)

    def tip(self):
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            hidden, cookie = common.form_state(conn)
            ctype, length, chunks = common.multipart(
                hidden + [("desk", "ap"), ("message", "a real tip, with a file")],
                [("attachment", "evidence.bin", "application/octet-stream", self.attachment)])
            headers = {"Content-Type": ctype, "Content-Length": str(length)}
            if cookie:
                headers["Cookie"] = cookie
            conn.request("POST", "/submit", body=b"".join(chunks), headers=headers)
            status, page = common.answer_of(conn, conn.getresponse())
            conn.close()
            receipt = common.receipt_of(page) if status == 200 else None
            self.tips.append((receipt is not None, time.perf_counter() - start))
            if receipt is None:
                self.errors.append(f"tip: status {status}")
            return receipt
        except (OSError, http.client.HTTPException, RuntimeError) as e:
            self.tips.append((False, time.perf_counter() - start))
            self.errors.append(f"tip: {type(e).__name__}: {e}")
            return None

    def followup(self, receipt):
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            body = urllib.parse.urlencode({"receipt": receipt})
            conn.request("POST", "/followup", body=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            cookie = (resp.getheader("Set-Cookie") or "").split(";", 1)[0]
            ok = resp.status == 303 and cookie
            if ok:
                conn.request("GET", "/thread", headers={"Cookie": cookie})
                page = conn.getresponse()
                page.read()
                ok = page.status == 200
            conn.close()
            self.followups.append((bool(ok), time.perf_counter() - start))
            if not ok:
                self.errors.append(f"follow-up: status {resp.status}")
        except (OSError, http.client.HTTPException) as e:
            self.followups.append((False, time.perf_counter() - start))
            self.errors.append(f"follow-up: {type(e).__name__}: {e}")


def probe_home(port, stop, slowest):
    while not stop.wait(1):
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/")
            resp = conn.getresponse()
            resp.read()
            conn.close()
            ok = resp.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        elapsed = time.perf_counter() - start
        slowest.append(elapsed if ok else float("inf"))


def sample(server, stop, peaks):
    while not stop.wait(0.5):
        rss, files = server.rss_mib(), server.open_files()
        if rss is not None:
            peaks["rss"] = max(peaks["rss"], rss)
        if files is not None:
            peaks["files"] = max(peaks["files"], files)


def p99(values):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[max(0, int(len(values) * 0.99 + 0.999999) - 1)]


def main():
    ap = argparse.ArgumentParser(description="meldpunt flood benchmark")
    ap.add_argument("--clients", type=int, default=200, help="anonymous clients (200)")
    ap.add_argument("--duration", type=float, default=60, help="seconds (60)")
    ap.add_argument("--every", type=float, default=5, help="seconds between real tips (5)")
    ap.add_argument("--bin", default=str(common.DEFAULT_BIN), help="server binary")
    args = ap.parse_args()

    print(f"meldpunt flood benchmark: {os.cpu_count()} cores, {args.clients} anonymous clients "
          f"for {args.duration:g} s; one real reporter with a 1 MiB file every {args.every:g} s; "
          "client and server share the machine")
    with tempfile.NamedTemporaryFile(prefix="meldpunt-flood-", suffix=".bin") as attachment, \
            common.Server(args.bin) as server:
        attachment.write(os.urandom(common.MIB))
        attachment.flush()
        print(f"server idle RSS {server.rss_mib():.1f} MiB, {server.open_files()} open files")
        stop = threading.Event()
        tally = Tally()
        threads = []
        kinds = [
            ("junk follow-up", server.port, followup_junk),
            ("junk submission", server.port, submit_junk),
            ("officer login", server.desk_port, login_junk),
        ]
        for i in range(args.clients):
            which = i % 4
            if which == 3:
                t = threading.Thread(target=slow_upload, args=(stop, tally, server.port),
                                     daemon=True)
            else:
                kind, port, work = kinds[which]
                t = threading.Thread(target=loop, args=(stop, tally, kind, port, work),
                                     daemon=True)
            threads.append(t)
        peaks = {"rss": 0.0, "files": 0}
        homes = []
        sampler = threading.Thread(target=sample, args=(server, stop, peaks), daemon=True)
        prober = threading.Thread(target=probe_home, args=(server.port, stop, homes), daemon=True)
        for t in threads + [sampler, prober]:
            t.start()
        time.sleep(2)  # let the flood build up before the real reporter comes
        real = RealReporter(server.port, stop, args.every, attachment.name)
        real.start()
        time.sleep(args.duration)
        stop.set()
        real.join(timeout=120)
        for t in threads:
            t.join(timeout=5)
        sampler.join(timeout=5)

        real_all = real.tips + real.followups
        ok_tips = sum(1 for ok, _ in real.tips if ok)
        ok_follow = sum(1 for ok, _ in real.followups if ok)
        latency = p99([s for _, s in real_all])
        slowest_home = max(homes) if homes else float("nan")
        print()
        print(f"real tips:       {ok_tips}/{len(real.tips)} succeeded, "
              f"p99 {p99([s for _, s in real.tips]):.2f} s")
        print(f"real follow-ups: {ok_follow}/{len(real.followups)} succeeded, "
              f"p99 {p99([s for _, s in real.followups]):.2f} s")
        for error in real.errors[:5]:
            print(f"  real reporter: {error}")
        print(f"GET / during the flood: {len(homes)} probes, slowest {slowest_home:.3f} s")
        print(f"server peak RSS {peaks['rss']:.1f} MiB (VmHWM {server.hwm_mib():.1f} MiB), "
              f"peak open files {peaks['files']}")
        print("what the flood got:")
        for (kind, status), n in sorted(tally.counts.items(), key=lambda kv: str(kv[0])):
            print(f"  {kind:<16} {str(status):<8} {n:>7}")
        real_ok = real.tips and all(ok for ok, _ in real_all)
        print(f"goals: every real submission succeeds {mark(bool(real_ok))}, "
              f"p99 < 5 s {mark(latency < 5)}, peak RSS < 200 MiB {mark(peaks['rss'] < 200)}, "
              f"GET / < 1 s {mark(slowest_home < 1)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
