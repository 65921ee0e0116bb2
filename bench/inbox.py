#!/usr/bin/env python3
"""Benchmark: the desk's inbox and the API's list on a data folder of 100,000 reports (issue 13).

It fills a data folder with --count reports through the library's own store
(`cargo run --release --example fill_reports`: records with one small sealed message each, over
the three demo desks, most at `ap`, two years of days, mixed statuses, some assigned and
labelled), adds an officer `bench` of desk `ap` and an API token for them, starts a release build
on the folder, logs in to the desk area (password and TOTP), and times, one request at a time on
one keep-alive connection, --runs requests after --warmup unmeasured ones for each case: the
first inbox page, filtered pages, a search by id prefix and the API's list page. It prints
min/median/p95/max in ms per case, the server's peak RSS (VmHWM) and the folder's size, and
exits non-zero if a median is 50 ms or more or the peak RSS 150 MiB or more.

Run from the repository root after `cargo build --release`:
    python3 bench/inbox.py                              # fill a temporary folder, then time
    python3 bench/inbox.py --data /tmp/inbox-100k --keep   # fill once, keep it ...
    python3 bench/inbox.py --data /tmp/inbox-100k          # ... and time it again, no fill
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import common  # noqa: E402
from common import mark

PASSWORD = "a long benchmark passphrase for the inbox"
OFFICER = "bench"
TARGET_MS = 50
TARGET_RSS_MIB = 150
ROW_RE = re.compile(rb'href="/desk/reports/([0-9a-f]+)"')


def totp(uri, now=None):
    """The current code of an otpauth://totp/ URI (RFC 6238; SHA1/SHA256/SHA512)."""
    query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    secret = query["secret"][0].upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digits = int(query.get("digits", ["6"])[0])
    period = int(query.get("period", ["30"])[0])
    algorithm = query.get("algorithm", ["SHA1"])[0].lower()
    counter = int((time.time() if now is None else now) // period)
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, algorithm)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def run(command, stdin=None):
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed ({done.returncode}):\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout


def fill(data, count, threads):
    command = ["cargo", "run", "--quiet", "--release", "--example", "fill_reports", "--",
               "--data", str(data), "--count", str(count), "--threads", str(threads)]
    began = time.monotonic()
    said = run(command).strip().splitlines()
    print(f"fill: {said[-1] if said else ''} ({time.monotonic() - began:.0f} s with the build)",
          flush=True)


def officer(binary, data):
    """Adds the officer `bench` of desk ap (again, if an earlier run left one): (otpauth URI,
    API token)."""
    subprocess.run([binary, "officer", "remove", "--data", str(data), "--name", OFFICER],
                   capture_output=True)
    added = run([binary, "officer", "add", "--data", str(data), "--desk", "ap",
                 "--name", OFFICER, "--password-stdin"], stdin=PASSWORD + "\n")
    uri = next((w for w in added.split() if w.startswith("otpauth://")), None)
    if uri is None:
        raise RuntimeError("officer add printed no otpauth:// URI:\n" + added)
    token = run([binary, "officer", "token", "--data", str(data), "--name", OFFICER])
    return uri, token.strip().splitlines()[-1]


def login(desk_port, uri):
    """Logs in to the desk area; the session's Cookie header value."""
    conn = http.client.HTTPConnection("127.0.0.1", desk_port, timeout=30)
    try:
        form = urllib.parse.urlencode({"name": OFFICER, "password": PASSWORD, "code": totp(uri)})
        conn.request("POST", "/desk/login", body=form,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 303:
            raise RuntimeError(f"login answered {resp.status}: {body[:300]!r}")
        cookies = [c.split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or []]
        session = [c for c in cookies if c.startswith("meldpunt_desk=")]
        if not session:
            raise RuntimeError(f"login set no session cookie: {cookies}")
        return session[0]
    finally:
        conn.close()


def percentile(ordered, p):
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def time_case(conn, path, headers, warmup, runs):
    """(sorted latencies in ms, the last body) of `runs` GETs of `path` after `warmup` ones."""
    latencies = []
    body = b""
    for i in range(warmup + runs):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - began) * 1000
        if resp.status != 200:
            raise RuntimeError(f"GET {path} answered {resp.status}: {body[:300]!r}")
        if i >= warmup:
            latencies.append(elapsed)
    return sorted(latencies), body


def folder_mib(path):
    """(MiB in the files' bytes, MiB the files and folders take on disk)."""
    content = disk = 0
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            disk += st.st_blocks * 512
            if name in files:
                content += st.st_size
    return content / common.MIB, disk / common.MIB


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid, timeout=120):
    """Waits until the server uses under 2 % of a core over half a second: the retention pass
    it runs once a day, first right after it starts, reads every report. Returns the seconds."""
    began = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - began < timeout:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.01:
            break
        last = now
    return time.monotonic() - began


def main():
    ap = argparse.ArgumentParser(description="meldpunt inbox benchmark on 100,000 reports")
    ap.add_argument("--count", type=int, default=100_000, help="reports to fill (100000)")
    ap.add_argument("--runs", type=int, default=50, help="timed requests per case (50)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    ap.add_argument("--threads", type=int, default=8, help="filling threads (8)")
    ap.add_argument("--data", help="data folder: filled unless it holds reports already")
    ap.add_argument("--keep", action="store_true", help="keep the data folder afterwards")
    ap.add_argument("--bin", default=str(common.DEFAULT_BIN), help="server binary")
    args = ap.parse_args()
    binary = str(common.require_binary(args.bin))

    made = args.data is None
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="meldpunt-inbox-"))
    try:
        reports = data / "reports"
        if reports.is_dir() and any(reports.iterdir()):
            print(f"using the reports already in {data} (no fill)")
        else:
            fill(data, args.count, args.threads)
        uri, token = officer(binary, data)
        began = time.monotonic()
        with common.Server(binary, data=data, ready_timeout=600) as server:
            print(f"server up in {time.monotonic() - began:.1f} s, idle "
                  f"{wait_idle(server.proc.pid):.1f} s later", flush=True)
            return measure(server, args, uri, token, data)
    finally:
        if made and not args.keep:
            shutil.rmtree(data, ignore_errors=True)
        elif made:
            print(f"data folder kept: {data}")


def measure(server, args, uri, token, data):
    cookie = login(server.desk_port, uri)
    page = {"Cookie": cookie}
    api = {"Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", server.desk_port, timeout=60)
    # An id to search for: the first of the API's list, cut to 6 hex digits.
    _, listed = time_case(conn, "/desk/api/v1/reports?limit=1", api, 0, 1)
    prefix = re.search(rb'"id"\s*:\s*"([0-9a-f]{6})', listed)
    if prefix is None:
        raise RuntimeError(f"the API's list holds no report: {listed[:300]!r}")
    prefix = prefix.group(1).decode()
    cases = [
        ("first inbox page", "/desk/", page),
        ("filtered: open, assigned to me", "/desk/?status=open&assigned=me", page),
        ("filtered: in progress, label urgent", "/desk/?status=in_progress&label=urgent", page),
        ("filtered: overdue, newest first", "/desk/?overdue=1&sort=newest", page),
        (f"search by id prefix ({prefix})", f"/desk/?q={prefix}", page),
        ("API list page (50)", "/desk/api/v1/reports", api),
    ]
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    print(f"meldpunt inbox benchmark: {cores} cores ({usable} usable), {args.runs} runs per case "
          f"after {args.warmup} warm-ups, one request at a time; client and server share the "
          "machine")
    print(f"{'case':<40} {'rows':>5} {'min':>7} {'median':>7} {'p95':>7} {'max':>7}  (ms)")
    medians = []
    for name, path, headers in cases:
        lat, body = time_case(conn, path, headers, args.warmup, args.runs)
        rows = (body.count(b'"id"') if path.startswith("/desk/api")
                else len(set(ROW_RE.findall(body))))
        median = percentile(lat, 50)
        medians.append(median)
        print(f"{name:<40} {rows:>5} {lat[0]:>7.1f} {median:>7.1f} {percentile(lat, 95):>7.1f} "
              f"{lat[-1]:>7.1f}", flush=True)
    conn.close()
    hwm = server.hwm_mib()
    content, disk = folder_mib(data)
    print(f"server peak RSS (VmHWM) {hwm:.1f} MiB, now {server.rss_mib():.1f} MiB; "
          f"data folder {content:.0f} MiB in files, {disk:.0f} MiB on disk")
    ok_time = max(medians) < TARGET_MS
    ok_rss = hwm < TARGET_RSS_MIB
    print(f"targets: every median < {TARGET_MS} ms {mark(ok_time)}, "
          f"peak RSS < {TARGET_RSS_MIB} MiB {mark(ok_rss)}")
    return 0 if ok_time and ok_rss else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
