# Shared helpers for the meldpunt benchmarks (bench/upload.py, bench/tips.py, bench/flood.py,
# bench/inbox.py): start a release build of the server on free loopback ports with a fresh
# temporary data folder (or a given one), read its memory figures from /proc, build multipart
# bodies, stop and clean up. Python 3.11 standard library only.
import html.parser
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO / "target" / "release" / "meldpunt"
RECEIPT_RE = re.compile(rb'id="receipt"[^>]*>\s*([^<\s][^<]*?)\s*<')
MIB = 1024 * 1024


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_binary(path):
    path = Path(path)
    if not (path.is_file() and os.access(path, os.X_OK)):
        sys.exit(f"error: {path} not found.\n"
                 "Build it first, from the repository root:  cargo build --release")
    return path


def proc_status_kib(pid, field):
    """VmHWM / VmRSS etc. of a process in KiB (None if it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


class Server:
    """Context manager: a meldpunt server in demo mode in a temporary folder, or on the data
    folder `data` (which is left as it is; only the log's temporary folder is removed)."""

    def __init__(self, binary=DEFAULT_BIN, env=None, ready_timeout=60, data=None):
        self.binary = require_binary(binary)
        self.extra_env = env or {}
        self.ready_timeout = ready_timeout
        self.data = Path(data) if data is not None else None
        self.proc = None
        self.tmp = None

    def __enter__(self):
        signal.signal(signal.SIGTERM, _raise_on_sigterm)
        self.tmp = Path(tempfile.mkdtemp(prefix="meldpunt-bench-"))
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        data = self.data
        if data is None:
            data = self.tmp / "data"
            data.mkdir()
        self.port = free_port()
        self.desk_port = free_port()
        self.log_path = self.tmp / "server.log"
        env = dict(os.environ, **self.extra_env)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.binary), "serve", "--data", str(data),
                 "--listen", f"127.0.0.1:{self.port}",
                 "--desk-listen", f"127.0.0.1:{self.desk_port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, start_new_session=True)  # Ctrl-C reaches us, we stop it
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with status {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                status, _, _ = self.request("GET", "/", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer GET / with 200 in "
                                   f"{self.ready_timeout} s:\n" + self.log_tail())
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def open_files(self):
        try:
            return len(os.listdir(f"/proc/{self.proc.pid}/fd"))
        except OSError:
            return None

    def log_tail(self, lines=20):
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
            return "\n".join("  | " + l for l in text[-lines:])
        except OSError:
            return ""

    def hwm_mib(self):
        kib = proc_status_kib(self.proc.pid, "VmHWM")
        return None if kib is None else kib / 1024

    def rss_mib(self):
        kib = proc_status_kib(self.proc.pid, "VmRSS")
        return None if kib is None else kib / 1024

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False


class _FormParser(html.parser.HTMLParser):
    """Collects the hidden inputs of the form that posts to /submit (e.g. a CSRF token)."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.hidden = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "submit" in (a.get("action") or "/submit"):
            self.in_form = True
        elif tag == "input" and self.in_form and (a.get("type") or "").lower() == "hidden":
            if a.get("name"):
                self.hidden.append((a["name"], a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def form_state(conn):
    """GET /submit on a keep-alive connection -> (hidden fields, Cookie header value)."""
    conn.request("GET", "/submit")
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"GET /submit answered {resp.status}")
    parser = _FormParser()
    parser.feed(body.decode("utf-8", "replace"))
    cookies = [c.split(";", 1)[0].strip() for c in resp.headers.get_all("Set-Cookie") or []]
    return parser.hidden, "; ".join(cookies)


def multipart(fields, files=(), boundary=None):
    """A multipart/form-data body: fields (name, str|bytes) in order, then file parts
    (name, filename, content type, path) read lazily in 1 MiB chunks.
    Returns (content type header, content length, iterator of byte chunks)."""
    boundary = boundary or "----meldpunt-bench-" + os.urandom(12).hex()
    b = boundary.encode()
    pieces = []
    for name, value in fields:
        value = value if isinstance(value, bytes) else value.encode()
        pieces.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="'
                      + name.encode() + b'"\r\n\r\n' + value + b"\r\n")
    for name, filename, ctype, path in files:
        pieces.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="'
                      + name.encode() + b'"; filename="' + filename.encode()
                      + b'"\r\nContent-Type: ' + ctype.encode() + b"\r\n\r\n")
        pieces.append(Path(path))
        pieces.append(b"\r\n")
    pieces.append(b"--" + b + b"--\r\n")
    length = sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in pieces)

    def chunks():
        for p in pieces:
            if isinstance(p, Path):
                with open(p, "rb") as f:
                    while chunk := f.read(MIB):
                        yield chunk
            else:
                yield p

    return f"multipart/form-data; boundary={boundary}", length, chunks()


def answer_of(conn, resp):
    """(status, body) of the page a browser shows for a POST's answer: a 303 is followed with a
    GET on the same connection (the receipt page, after post/redirect/get)."""
    body = resp.read()
    if resp.status != 303:
        return resp.status, body
    conn.request("GET", resp.getheader("Location"))
    page = conn.getresponse()
    return page.status, page.read()


# Hidden fields good for one submission only: a form sent again with them files nothing.
ONE_TIME_FIELDS = {"form_token"}


def reusable(hidden):
    """The hidden fields of a form that may be sent with many tips (the one-time token left out:
    without it the answer holds the receipt itself)."""
    return [(name, value) for name, value in hidden if name not in ONE_TIME_FIELDS]


def receipt_of(body):
    m = RECEIPT_RE.search(body)
    return m.group(1).decode("utf-8", "replace") if m else None


def mark(ok):
    return "ok" if ok else "MISSED"
