"""Schemathesis against the served OpenAPI spec: generated requests (valid and invalid) never get a 5xx.

The number of examples per operation is bounded so CI stays fast; the point is breadth over every
operation and field of the spec, not depth. Its first run found three engine crashes (an act whose
kind is not a string, an act without a date, an appraisal without its result)."""
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gridlaw.web.app import create_app
from gridlaw.web.settings import Settings

WORKDIR = Path(tempfile.mkdtemp(prefix="gridlaw-schemathesis-"))
app = create_app(Settings(workdir=WORKDIR))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    app.state.jobs.pool.shutdown(wait=True, cancel_futures=True)
    shutil.rmtree(WORKDIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
