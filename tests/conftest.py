"""Shared fixtures. ``client`` is the web app as a township clerk reaches it: a fresh work folder per test module,
the CSRF cookie set by a first visit; ``post`` submits a form the way the page's own form does (with the token)."""
import pytest


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from gridlaw.web.app import create_app
    from gridlaw.web.settings import Settings

    with TestClient(create_app(Settings(workdir=tmp_path_factory.mktemp("web")))) as c:
        c.get("/")
        yield c


@pytest.fixture
def post(client):
    def submit(path, fields, files=None):
        return client.post(path, data={"csrf_token": client.cookies.get("gridlaw_csrf"), **fields}, files=files)
    return submit


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """`gridlaw serve` on a free port, as a browser test reaches it; stopped after the module."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gridlaw.cli", "serve", "--port", str(port)],
                            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError("gridlaw serve exited: " + proc.stdout.read().decode())
                time.sleep(0.1)
        else:
            raise AssertionError("gridlaw serve did not answer within 30 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
