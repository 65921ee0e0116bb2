#!/usr/bin/env python3
# Benchmark: one large upload. Streams a 1 GiB random file as a single `attachment` of one
# submission to a release build of meldpunt and reports throughput (MiB/s) and the server's
# peak memory (VmHWM), next to `age -r` encrypting the same file as a yardstick.
#
# Run from the repository root after `cargo build --release`:
#     python3 bench/upload.py                # 1 GiB
#     python3 bench/upload.py --size-mib 64  # quicker try-out
# Targets: server peak RSS < 64 MiB; throughput >= 0.5 x age's.
import argparse
import http.client
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import common  # noqa: E402
from common import MIB, mark


def make_random_file(path, size_mib):
    with open(path, "wb") as f:
        for _ in range(size_mib):
            f.write(os.urandom(MIB))


def upload(server, path, timeout):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        hidden, cookie = common.form_state(conn)
        fields = hidden + [("desk", "ap"), ("message", "benchmark!")]  # 10 characters
        files = [("attachment", "random.bin", "application/octet-stream", path)]
        ctype, length, body = common.multipart(fields, files)
        headers = {"Content-Type": ctype, "Content-Length": str(length)}
        if cookie:
            headers["Cookie"] = cookie
        start = time.perf_counter()
        conn.request("POST", "/submit", body=body, headers=headers)
        status, answer = common.answer_of(conn, conn.getresponse())
        seconds = time.perf_counter() - start
        return status, answer, seconds, length
    finally:
        conn.close()


def age_seconds(tmp, path):
    """Seconds `age -r` takes to encrypt the file to a file beside it, or None."""
    if not (shutil.which("age") and shutil.which("age-keygen")):
        return None
    key = tmp / "age-key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    recipient = subprocess.run(["age-keygen", "-y", str(key)], check=True,
                               capture_output=True, text=True).stdout.strip()
    out = tmp / "age-out.age"
    start = time.perf_counter()
    subprocess.run(["age", "-r", recipient, "-o", str(out), str(path)], check=True)
    seconds = time.perf_counter() - start
    out.unlink()
    return seconds


def main():
    ap = argparse.ArgumentParser(description="meldpunt large-upload benchmark")
    ap.add_argument("--size-mib", type=int, default=1024, help="upload size (default 1024)")
    ap.add_argument("--bin", default=str(common.DEFAULT_BIN), help="server binary")
    ap.add_argument("--timeout", type=float, default=1800, help="HTTP timeout, seconds")
    args = ap.parse_args()

    env = {"MELDPUNT_LIMITS__SUBMISSION_BYTES": str(2 * 1024 * MIB)}
    with common.Server(args.bin, env=env) as server:
        path = server.tmp / "random.bin"
        print(f"writing {args.size_mib} MiB of random bytes to {path} ...", flush=True)
        make_random_file(path, args.size_mib)
        idle_rss = server.rss_mib()

        print("uploading ...", flush=True)
        status, answer, seconds, length = upload(server, path, args.timeout)
        hwm, rss = server.hwm_mib(), server.rss_mib()
        receipt = common.receipt_of(answer)
        if status != 200 or not receipt:
            print(f"FAILED: status {status}, receipt {receipt!r}\n"
                  f"{answer[:500].decode('utf-8', 'replace')}\nserver log:\n"
                  + server.log_tail(), file=sys.stderr)
            return 1
        mibps = args.size_mib / seconds

        print("encrypting the same file with age ...", flush=True)
        age_s = age_seconds(server.tmp, path)

    print()
    print(f"meldpunt upload benchmark: {args.size_mib} MiB attachment "
          f"({length} bytes on the wire), {os.cpu_count()} cores")
    print(f"  {'upload wall time':<26}{seconds:10.2f} s")
    print(f"  {'upload throughput':<26}{mibps:10.1f} MiB/s")
    print(f"  {'server RSS idle / after':<26}{idle_rss:7.1f} / {rss:.1f} MiB")
    print(f"  {'server peak RSS (VmHWM)':<26}{hwm:10.1f} MiB   target < 64 MiB: {mark(hwm < 64)}")
    if age_s is None:
        print("  age CLI not installed (apt-get install age): comparison skipped")
    else:
        age_mibps = args.size_mib / age_s
        ratio = mibps / age_mibps
        print(f"  {'age -r (to a file)':<26}{age_s:10.2f} s   {age_mibps:.1f} MiB/s")
        print(f"  {'meldpunt / age':<26}{ratio:10.2f} x   target >= 0.5 x: {mark(ratio >= 0.5)}")
    print(f"  receipt: {receipt}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
