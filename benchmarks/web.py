"""The web app and API under load a township would give it: `gridlaw serve` is started on a free port
of 127.0.0.1 and timed from a client in this process (no concurrency: one clerk, one platform call at a time).

    python benchmarks/web.py            # 200 checks, 50 form answers, a 100,000-row audit
    python benchmarks/web.py --quick    # 20, 5, 2,000 rows

Prints: (w1) POST /api/v1/check, the Yancheng straw-fine act: median and 95th percentile wall time per call,
and calls/s; (w2) POST /assignment (the form, answer page rendered): median per page; (w3) POST /api/v1/audit of
a generated hire CSV (examples/audit/make_big.py) until the job is done: wall time from upload to done, and rows/s.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRAW = {"act": {"kind": "assignment", "city": "yancheng", "date": "2024-05-01",
                 "task": {"text": "对焚烧秸秆当事人当场罚款"}}}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_api, n_form, rows = (20, 5, 2_000) if args.quick else (200, 50, 100_000)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "gridlaw.cli", "serve", "--port", str(port), "--max-upload-mb", "500"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        body = json.dumps(STRAW).encode()

        def check() -> None:
            req = urllib.request.Request(base + "/api/v1/check", body, {"Content-Type": "application/json"})
            assert json.load(urllib.request.urlopen(req))["decision"] == "non_compliant"

        check()  # packs loaded, templates compiled
        t = sorted(_timed(check, n_api))
        print(f"(w1) POST /api/v1/check, straw fine, {n_api} calls: median {statistics.median(t) * 1000:.1f} ms, "
              f"p95 {t[int(len(t) * 0.95) - 1] * 1000:.1f} ms, {n_api / sum(t):.0f} calls/s")

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(base + "/assignment").read()
        token = next(c.value for c in jar if c.name == "gridlaw_csrf")
        form = urllib.parse.urlencode({"csrf_token": token, "city": "yancheng", "date": "2024-05-01",
                                       "task.text": "对焚烧秸秆当事人当场罚款"}).encode()

        def answer() -> None:
            assert b'data-decision="non_compliant"' in opener.open(base + "/assignment", form).read()

        t = _timed(answer, n_form)
        print(f"(w2) POST /assignment (form → answer page), {n_form} pages: median {statistics.median(t) * 1000:.1f} ms")

        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "hire.csv"
            subprocess.run([sys.executable, str(ROOT / "examples" / "audit" / "make_big.py"), str(rows), str(csv)],
                           check=True, stdout=subprocess.DEVNULL)
            data = csv.read_bytes()
            t0 = time.perf_counter()
            req = urllib.request.Request(base + "/api/v1/audit?kind=hire&city=yancheng&format=jsonl", data,
                                         {"Content-Type": "text/csv"})
            status = json.load(urllib.request.urlopen(req))
            while status["status"] not in ("done", "failed"):
                time.sleep(0.05)
                status = json.load(urllib.request.urlopen(base + status["links"]["status"]))
            took = time.perf_counter() - t0
            assert status["status"] == "done" and status["rows"] == rows, status
            print(f"(w3) POST /api/v1/audit, {rows:,}-row hire CSV ({len(data) / 2**20:.1f} MB), upload to done: "
                  f"{took:.2f} s, {rows / took:,.0f} rows/s")
        print(f"machine: nproc={os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
