"""The HTTP API through the ASGI app: the same decisions as the CLI, located errors, limits, masking."""
import csv as csv_module
import json
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gridlaw.cli import app as cli
from gridlaw.web.app import create_app
from gridlaw.web.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
STRAW = {"kind": "assignment", "city": "yancheng", "date": "2024-05-01", "task": {"text": "对焚烧秸秆当事人当场罚款"}}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def open_client():
    """A server started with --allow-personal-data."""
    with TestClient(create_app(Settings(allow_personal_data=True))) as c:
        yield c


def example(name: str) -> dict:
    """An example act as a platform would send it: JSON, dates as strings."""
    return json.loads(json.dumps(yaml.safe_load((EX / f"{name}.yaml").read_text("utf-8")), default=str))


def test_check_straw_fine_in_yancheng_is_non_compliant_citing_art19(client):
    r = client.post("/api/v1/check", json={"act": STRAW})
    assert r.status_code == 200
    d = r.json()
    assert d["decision"] == "non_compliant"
    assert "yancheng.art19.no-licensing-penalty-coercion" in d["deciding_rules"]
    f = next(f for f in d["findings"] if f["rule"] == "yancheng.art19.no-licensing-penalty-coercion")
    assert f["outcome"] == "violated" and f["effect"] == "prohibited"
    assert (f["citation"]["article"], f["citation"]["paragraph"], f["citation"]["item"]) == (19, 2, 2)
    assert "行政處罰" in f["quote"]  # verbatim, in the script of the published text


@pytest.mark.parametrize("name", ["assignment", "hire", "notice", "admission", "exit", "grid"])
def test_check_answer_is_the_cli_json(client, name):
    cli_out = CliRunner().invoke(cli, ["check", str(EX / f"{name}.yaml"), "-f", "json"])
    r = client.post("/api/v1/check", json={"act": example(name)})
    assert r.status_code == 200
    assert r.json() == json.loads(cli_out.stdout)


def test_check_with_checklist_and_english(client):
    checklist = json.loads(json.dumps(yaml.safe_load((EX / "checklist.yaml").read_text("utf-8")), default=str))
    listed = {**STRAW, "task": {"text": "协助排查化解矛盾纠纷"}}  # a matter on 亭湖区's list
    without = client.post("/api/v1/check", json={"act": listed}).json()
    assert without["decision"] == "insufficient_facts" and without["deciding_rules"] == ["yancheng.art19.checklist-only"]
    r = client.post("/api/v1/check", json={"act": listed, "checklist": checklist, "lang": "en"})
    d = r.json()
    assert r.status_code == 200 and d["lang"] == "en" and d["decision"] == "compliant"
    assert "yancheng.art19.checklist-only" in d["deciding_rules"]  # now satisfied: the list settles it


def test_bad_field_is_422_with_its_location(client):
    act = {**example("hire"), "date": "2024-05-01"}
    act["candidate"] = {**act["candidate"], "birth_date": "1990-13-01", "criminal_recrd": False}
    r = client.post("/api/v1/check", json={"act": act})
    assert r.status_code == 422
    where = {e["location"]: e["message"] for e in r.json()["errors"]}
    assert "act.candidate.birth_date" in where and "2024-05-01" in where["act.candidate.birth_date"]
    assert "criminal_record" in where["act.candidate.criminal_recrd"]  # did you mean


@pytest.mark.parametrize("body, status, location", [
    ({"act": {**STRAW, "kind": "assignmnt"}}, 422, "act.kind"),
    ({"act": STRAW, "colour": 1}, 422, "colour"),
    ({}, 422, "act"),
    ({"act": STRAW, "lang": "fr"}, 422, "lang"),
    ({"act": STRAW, "checklist": {"matters": []}}, 422, "checklist.matters"),
    ([1, 2], 422, "body"),
])
def test_malformed_requests_are_located(client, body, status, location):
    r = client.post("/api/v1/check", json=body)
    assert r.status_code == status
    assert location in [e["location"] for e in r.json()["errors"]]


def test_broken_json_and_wrong_content_type(client):
    r = client.post("/api/v1/check", content=b'{"act": {', headers={"content-type": "application/json"})
    assert r.status_code == 400 and "第 1 行" in r.json()["errors"][0]["message"]
    # a cross-site HTML form can only send these types; the API refuses them
    r = client.post("/api/v1/check", data={"act": "x"})
    assert r.status_code == 415 and r.json()["errors"][0]["location"] == "header.content-type"


def test_request_size_limit(client):
    big = {"act": {**STRAW, "task": {"text": "罚款" * 600_000}}}
    r = client.post("/api/v1/check", json=big)
    assert r.status_code == 413 and "1 MB" in r.json()["errors"][0]["message"]


def test_personal_data_masked_unless_asked_and_allowed(client, open_client):
    hire = example("hire")
    masked = client.post("/api/v1/check", json={"act": hire}).json()
    assert masked["act"]["candidate"]["id_number"] == "3209**********1236"
    assert masked["act"]["candidate"]["name"] == "王**"
    # asked, but this server was not started to allow it
    r = client.post("/api/v1/check", json={"act": hire, "show_personal_data": True})
    assert r.json()["act"]["candidate"]["id_number"] == "3209**********1236"
    assert r.headers["x-gridlaw-personal-data"] == "masked"
    # allowed by the server but not asked
    assert open_client.post("/api/v1/check", json={"act": hire}).json()["act"]["candidate"]["phone"] == "138****5678"
    shown = open_client.post("/api/v1/check", json={"act": hire, "show_personal_data": True})
    assert shown.json()["act"]["candidate"]["id_number"] == "320902199001011236"


def test_compare_gives_five_cities(client):
    r = client.post("/api/v1/compare", json={"act": STRAW})
    rows = {row["city"]: row for row in r.json()}
    assert set(rows) == {"binzhou", "yancheng", "quzhou", "zigong", "jiaxing"}
    assert rows["yancheng"]["decision"] == "non_compliant"
    assert "yancheng.art19.no-licensing-penalty-coercion" in rows["yancheng"]["deciding_rules"]


def test_packs_rules_schemas(client):
    packs = client.get("/api/v1/packs").json()
    assert [p["city"] for p in packs] == ["binzhou", "yancheng", "quzhou", "zigong", "jiaxing"]
    yc = client.get("/api/v1/packs/yancheng").json()
    art19 = next(a for a in yc["articles"] if a["article"] == 19)
    assert "yancheng.art19.no-licensing-penalty-coercion" in art19["rules"]
    rules = client.get("/api/v1/rules", params={"city": "yancheng", "article": 19}).json()
    assert {r["citation"]["article"] for r in rules} == {19} and len(rules) >= 2
    one = client.get("/api/v1/rules/yancheng.art19.no-licensing-penalty-coercion").json()
    assert one["modality"] == "prohibition" and "task.nature" in one["facts"]
    assert client.get("/api/v1/rules/yancheng.art99.nothing").status_code == 404
    assert client.get("/api/v1/packs/shanghai").json()["errors"][0]["location"] == "path.city"
    assert "hire" in client.get("/api/v1/schemas").json()
    schema = client.get("/api/v1/schemas/hire").json()
    assert "candidate" in schema["properties"]
    matrix = client.get("/api/v1/packs/matrix").json()
    assert 19 in matrix["forbidden_tasks"]["yancheng"]


def test_openapi_describes_acts(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/check", "/api/v1/compare", "/api/v1/audit", "/api/v1/packs", "/api/v1/rules",
            "/api/v1/schemas"} <= set(spec["paths"])
    body = spec["components"]["schemas"]["CheckBody"]
    assert {"Hire", "Assignment", "Checklist"} <= set(spec["components"]["schemas"])
    assert body["required"] == ["act"]


def _wait(client, url):
    for _ in range(300):
        status = client.get(url).json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"audit job did not finish: {status}")


def test_audit_job_accounts_for_every_row(client):
    csv = (EX / "audit" / "applicants.csv").read_bytes()
    r = client.post("/api/v1/audit", params={"kind": "hire", "city": "yancheng", "format": "csv"},
                    content=csv, headers={"content-type": "text/csv"})
    assert r.status_code == 202
    status = _wait(client, r.headers["location"])
    assert status["status"] == "done" and status["rows"] == 20
    # examples/audit/README.md: 5 compliant, 10 non_compliant, 2 insufficient_facts, 1 not_in_force, 2 unreadable
    assert status["totals"] == {"compliant": 5, "non_compliant": 10, "insufficient_facts": 2, "not_in_force": 1,
                                "unreadable": 2}
    results = client.get(status["links"]["results"])
    lines = results.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 21
    report = client.get(status["links"]["report"])
    assert report.status_code == 200 and "王*" in report.text
    sheet = list(csv_module.DictReader(csv.decode("utf-8").splitlines()))
    for person in sheet:  # no name, ID number or phone of any applicant, in either output
        for secret in (person["姓名"], person["身份证号"], person["联系电话"]):
            assert secret not in report.text and secret not in results.text


def test_audit_job_reports_a_file_it_cannot_read(client):
    r = client.post("/api/v1/audit", params={"kind": "hire", "city": "yancheng"},
                    content="甲,乙\n1,2\n".encode("utf-8"), headers={"content-type": "text/csv"})
    status = _wait(client, r.headers["location"])
    assert status["status"] == "failed" and status["errors"][0]["message"]
    assert client.get(f"/api/v1/audit/{status['job']}/results").status_code == 409
    assert client.post("/api/v1/audit", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
    assert client.get("/api/v1/audit/nope").status_code == 404


def test_unknown_host_is_refused(client):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the API
    assert client.get("/api/v1/packs", headers={"host": "evil.example"}).status_code == 400


def test_audit_refuses_work_beyond_the_queue(tmp_path):
    from gridlaw.web.jobs import MAX_PENDING, Job

    with TestClient(create_app(Settings(workdir=tmp_path))) as c:
        jobs = c.app.state.jobs
        for i in range(MAX_PENDING):  # jobs waiting for the single audit worker
            jobs.jobs[f"q{i}"] = Job(f"q{i}", tmp_path, "x.csv", {"format": "csv"})
        r = c.post("/api/v1/audit", content=b"a,b\n1,2\n", headers={"content-type": "text/csv"})
        assert r.status_code == 429 and r.json()["errors"][0]["message"] == "审计任务已满，请稍后再试"


def test_audit_of_a_real_spreadsheet(client, tmp_path):
    """The HR sheet saved from a spreadsheet program (XLSX, the same rows): the same totals as the CSV."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "报名表"
    for row in csv_module.reader((EX / "audit" / "applicants.csv").read_text("utf-8").splitlines()):
        ws.append(row)
    path = tmp_path / "applicants.xlsx"
    wb.save(path)
    r = client.post("/api/v1/audit", params={"kind": "hire", "city": "yancheng"}, content=path.read_bytes(),
                    headers={"content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    status = _wait(client, r.headers["location"])
    assert status["status"] == "done", status["errors"]
    assert status["totals"] == {"compliant": 5, "non_compliant": 10, "insufficient_facts": 2, "not_in_force": 1,
                                "unreadable": 2}
    lines = client.get(status["links"]["results"]).text.strip().splitlines()
    assert len(lines) == 20 and all(json.loads(line)["row"] for line in lines)  # JSONL: one result per row
