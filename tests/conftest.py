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
