"""Hostile files, round two (issue 19). Each test builds its input the way the issue's
description makes it (a FIFO, a symlink to /dev/zero, a key written twice, JSON nested
100,000 deep, 第一千条 …) and asserts the located Chinese refusal or the right answer.
Numbers in test names are the issue's item numbers."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
GRIDLAW = [sys.executable, "-m", "gridlaw.cli"]


def cli(*args: str, timeout: float = 60, stdin: bytes | None = None, cwd: Path | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*GRIDLAW, *args], capture_output=True, timeout=timeout, input=stdin, cwd=cwd,
                          env={**os.environ, **(env or {})})


def no_traceback(r: subprocess.CompletedProcess) -> None:
    err = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Exception ignored" not in err, err


def hire_act(**over) -> dict:
    act = yaml.safe_load((EX / "hire.yaml").read_text("utf-8"))
    act["date"] = str(act["date"])
    act["candidate"]["birth_date"] = str(act["candidate"]["birth_date"])
    act.update(over)
    return act


# ------------------------------------------------------------------ 4, 5: FIFOs, devices, /dev/zero

@pytest.fixture
def specials(tmp_path):
    fifo = tmp_path / "act.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    return fifo, zero


@pytest.mark.parametrize("which", ["fifo", "zero"])
def test_4_5_act_checklist_map_and_new_pack_from_a_fifo_or_dev_zero_are_refused_at_once(specials, tmp_path, which):
    bad = specials[0] if which == "fifo" else specials[1]
    kind = "命名管道（FIFO）" if which == "fifo" else "字符设备"
    runs = [("check", str(bad)),
            ("check", str(EX / "hire.yaml"), "--checklist", str(bad)),
            ("new-pack", "--from", str(bad), "--out", str(tmp_path / "newpack"))]
    for args in runs:
        r = cli(*args, timeout=30)          # a blocking open or an endless read would time out here
        no_traceback(r)
        assert r.returncode == 4, (args, r.stderr.decode())
        assert f"{bad}: 这是{kind}，不是普通文件" in r.stderr.decode(), args
    assert not (tmp_path / "newpack").exists()


def test_4_5_a_rules_file_that_is_a_fifo_or_dev_zero_is_named_not_read(tmp_path):
    import shutil

    pack = tmp_path / "examplecounty"
    shutil.copytree(EX / "examplecounty", pack)
    rules = pack / "rules" / "hire.yaml"
    rules.unlink()
    os.mkfifo(rules)
    r = cli("validate", str(pack), timeout=30)
    no_traceback(r)
    assert r.returncode == 1 and "hire.yaml: 这是命名管道（FIFO），不是普通文件" in r.stdout.decode()
    rules.unlink()
    rules.symlink_to("/dev/zero")
    r = cli("check", str(EX / "hire.yaml"), "--pack", str(pack), timeout=30)
    no_traceback(r)
    assert r.returncode in (4, 5) and "hire.yaml: 这是字符设备，不是普通文件" in r.stderr.decode()


def test_4_a_header_map_that_is_a_fifo_is_refused(specials):
    from gridlaw.audit.mapping import load_header_map
    from gridlaw.errors import InputError

    with pytest.raises(InputError) as exc:
        load_header_map(str(specials[0]))
    assert "这是命名管道（FIFO）" in exc.value.problems[0].message


def test_5_a_large_file_is_refused_by_its_size_before_reading(tmp_path):
    from gridlaw.errors import InputError
    from gridlaw.safefile import read_bounded

    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(17 << 20)          # sparse: 17 MB that cost nothing to make
    with pytest.raises(InputError) as exc:
        read_bounded(big, 16 << 20, str(big))
    assert exc.value.problems[0].code == "too_large" and "16 MB 的上限" in exc.value.problems[0].message


# ------------------------------------------------------------------ 6: many acts in one file

def test_6_each_act_of_a_long_list_gets_its_own_line(tmp_path):
    """The line table is grouped once (it was rescanned per act); each act's problem keeps its line."""
    acts = [hire_act() for _ in range(400)]
    for i in (7, 211, 399):
        acts[i]["candidate"]["age"] = "abc"
    text = yaml.safe_dump(acts, allow_unicode=True, sort_keys=False)
    path = tmp_path / "acts.yaml"
    path.write_text(text, "utf-8")
    from gridlaw.api import read_act_file
    from gridlaw.errors import InputError

    with pytest.raises(InputError) as exc:
        read_act_file(str(path))
    lines = text.splitlines()
    got = {p.path: p.line for p in exc.value.problems}
    assert set(got) == {"[7].candidate.age", "[211].candidate.age", "[399].candidate.age"}
    for where, line in got.items():
        assert lines[line - 1].strip() == "age: abc", where


def test_6_more_acts_than_the_limit_are_refused_with_the_limit_named(tmp_path):
    from gridlaw.api import MAX_ACTS

    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time"}
    path = tmp_path / "many.json"
    path.write_text(json.dumps([act] * (MAX_ACTS + 1)), "utf-8")
    r = cli("check", str(path), timeout=60)
    no_traceback(r)
    assert r.returncode == 4
    assert f"超过每个文件 {MAX_ACTS:,} 项的上限" in r.stderr.decode() and "gridlaw audit" in r.stderr.decode()


def test_6_a_long_json_list_is_answered_one_act_a_line(tmp_path):
    acts = [{"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
             "candidate": {"age": 20 + i % 30}} for i in range(150)]
    path = tmp_path / "acts.json"
    path.write_text(json.dumps(acts), "utf-8")
    r = cli("check", str(path), "-f", "json", timeout=120)
    no_traceback(r)
    out = json.loads(r.stdout)
    assert len(out) == 150 and all(d["kind"] == "hire" for d in out)
    assert len(r.stdout.decode().splitlines()) == 152


# ------------------------------------------------------------------ 15: duplicate keys

def test_15_a_key_written_twice_in_an_act_is_a_located_input_error(tmp_path):
    text = (EX / "hire.yaml").read_text("utf-8").replace("  dishonest_person: false\n",
                                                         "  dishonest_person: true\n  dishonest_person: false\n")
    path = tmp_path / "hire.yaml"
    path.write_text(text, "utf-8")
    line = text.splitlines().index("  dishonest_person: false") + 1
    r = cli("check", str(path))
    no_traceback(r)
    assert r.returncode == 4
    assert f"{path}:{line}: 键“dishonest_person”重复出现（第 {line - 1} 行已写过）" in r.stderr.decode()
    jpath = tmp_path / "hire.json"
    jpath.write_text('{"kind": "hire", "city": "yancheng", "date": "2024-05-01",\n'
                     ' "candidate": {"dishonest_person": true,\n "dishonest_person": false}}', "utf-8")
    r = cli("check", str(jpath), "-f", "json")
    assert r.returncode == 4
    problem = json.loads(r.stdout)["problems"][0]
    assert problem["code"] == "duplicate_key" and problem["line"] == 3


def test_15_duplicate_keys_in_a_checklist_a_header_map_and_a_pack_rule(tmp_path):
    from gridlaw.audit.mapping import load_header_map
    from gridlaw.checklist import load_checklist
    from gridlaw.errors import InputError

    cl = tmp_path / "cl.json"
    cl.write_text('{"county": "亭湖区", "county": "盐都区", "matters": ["环境卫生巡查"]}', "utf-8")
    with pytest.raises(InputError) as exc:
        load_checklist(cl)
    assert exc.value.problems[0].code == "duplicate_key"
    hm = tmp_path / "map.yaml"
    hm.write_text("headers:\n  姓名: candidate.name\n  姓名: candidate.phone\n", "utf-8")
    with pytest.raises(InputError) as exc:
        load_header_map(str(hm))
    assert exc.value.problems[0].code == "duplicate_key" and exc.value.problems[0].line == 3
    import shutil

    pack = tmp_path / "examplecounty"
    shutil.copytree(EX / "examplecounty", pack)
    rules = pack / "rules" / "hire.yaml"
    text = rules.read_text("utf-8")
    first = next(ln for ln in text.splitlines() if ln.strip().startswith("question:"))
    rules.write_text(text.replace(first, first + "\n" + first, 1), "utf-8")
    r = cli("validate", str(pack))
    assert r.returncode == 1 and "键“question”重复出现" in r.stdout.decode()


def test_15_duplicate_keys_in_an_api_body_are_a_400(client):
    body = '{"act": {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time", "role": "part_time"}}'
    r = client.post("/api/v1/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "键“role”重复出现" in r.json()["errors"][0]["message"]


_key = st.text(alphabet=st.sampled_from("abcxyz_"), min_size=1, max_size=6)
_scalar = st.one_of(st.booleans(), st.integers(-10, 10), st.text(alphabet="abc 网格", max_size=5))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_key, _scalar, min_size=1, max_size=8), st.data(), st.booleans())
def test_15_property_any_repeated_key_is_refused_in_yaml_and_json(mapping, data, as_json):
    """Whatever the mapping, writing one of its keys a second time (any value, any position after
    the first) is refused with duplicate_key; without the repeat the mapping reads back as written."""
    from gridlaw.yamlsrc import YAMLSyntaxError, load_json, load_yaml

    items = list(mapping.items())
    key = data.draw(st.sampled_from([k for k, _ in items]))
    where = data.draw(st.integers([k for k, _ in items].index(key) + 1, len(items)))
    twice = [*items[:where], (key, data.draw(_scalar)), *items[where:]]

    def dump(pairs):
        if as_json:
            return "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in pairs) + "\n}"
        return "".join(yaml.safe_dump({k: v}, allow_unicode=True) for k, v in pairs)

    load = (lambda t: load_json(t, "x.json")) if as_json else (lambda t: load_yaml(t, "x.yaml")[0])
    assert load(dump(items)) == mapping
    with pytest.raises(YAMLSyntaxError) as exc:
        load(dump(twice))
    assert exc.value.problem.code == "duplicate_key" and key in exc.value.problem.message
    assert exc.value.problem.line == where + (2 if as_json else 1)


# ------------------------------------------------------------------ 7: nesting 100,000 deep

@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from gridlaw.web.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/v1/check", "/api/v1/compare"])
def test_7_json_nested_100000_deep_is_a_400_not_a_500(client, path):
    deep = '{"act": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = client.post(path, content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "嵌套超过 64 层" in r.json()["errors"][0]["message"]
    deep = '{"act": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"
    r = client.post(path, content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400


# ------------------------------------------------------------------ 24, 25: words, new-pack

def test_24_unknown_city_is_bad_input_in_chinese():
    r = cli("check", str(EX / "hire.yaml"), "--city", "nowhere")
    no_traceback(r)
    assert r.returncode == 4 and "未知城市 'nowhere'" in r.stderr.decode() and "盐城（yancheng）" in r.stderr.decode()


def test_24_an_output_that_cannot_be_written_says_why_in_chinese(tmp_path):
    r = cli("check", str(EX / "hire.yaml"), "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    no_traceback(r)
    assert r.returncode == 4 and "无法写入：所在文件夹不存在" in r.stderr.decode()
    assert not any(tmp_path.rglob("*.part"))


def test_24_a_bad_header_map_is_refused_in_chinese(tmp_path):
    from gridlaw.audit.mapping import load_header_map
    from gridlaw.errors import InputError

    hm = tmp_path / "map.yaml"
    hm.write_text("headers:\n  姓名: candidate.nmae\nextra: 1\n", "utf-8")
    with pytest.raises(InputError) as exc:
        load_header_map(str(hm))
    assert "表头映射文件只能有 headers" in exc.value.problems[0].message
    hm.write_text("headers:\n  姓名: candidate.nmae\n", "utf-8")
    with pytest.raises(InputError) as exc:
        load_header_map(str(hm))
    assert "未知的事实名 'candidate.nmae'" in exc.value.problems[0].message


def _raw_with(n: int) -> str:
    from gridlaw.textnorm import int_to_cn

    return "某市网格化管理办法\n" + "".join(f"第{int_to_cn(i)}条 网格员应当履行第{i}项职责。\n" for i in range(1, n + 1))


def test_25_new_pack_keeps_article_one_thousand_and_later(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(_raw_with(1003), "utf-8")
    out = tmp_path / "bigcity"
    r = cli("new-pack", "--from", str(raw), "--out", str(out), timeout=120)
    no_traceback(r)
    assert r.returncode == 0 and "共 1003 条" in r.stdout.decode()
    from gridlaw.source import parse_source

    src = parse_source((out / "source.md").read_text("utf-8"))
    assert sorted(src.articles)[-4:] == [1000, 1001, 1002, 1003]
    assert src.articles[999].paragraphs[0].lead == "网格员应当履行第999项职责。"
    assert src.articles[1000].paragraphs[0].lead == "网格员应当履行第1000项职责。"
    assert "### 第一千零一条" in (out / "source.md").read_text("utf-8")
    v = cli("validate", str(out), "--lang", "en", timeout=120)
    assert "1003 of 1003 articles" in v.stdout.decode()


def test_25_new_pack_onto_an_existing_file_is_refused_without_a_traceback(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(_raw_with(3), "utf-8")
    existing = tmp_path / "abc"
    existing.write_text("mine", "utf-8")
    r = cli("new-pack", "--from", str(raw), "--out", str(existing))
    no_traceback(r)
    assert r.returncode == 4 and "已存在同名文件" in r.stderr.decode()
    assert existing.read_text("utf-8") == "mine"
    bad = cli("new-pack", "--from", str(raw), "--out", str(tmp_path / "Bad-Name"))
    assert bad.returncode == 4 and "只能用小写字母" in bad.stderr.decode()


# ------------------------------------------------------------------ 23: forged cache, edited pack

CRIMINAL = "kind: hire\ncity: yancheng\ndate: 2024-05-01\nrole: full_time\nrecruited_by: township_unified\n" \
           "candidate: {criminal_record: true}\n"


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRIDLAW_CONFIG_DIR", str(tmp_path / "config"))
    return {"GRIDLAW_CACHE_DIR": str(tmp_path / "cache"), "GRIDLAW_CONFIG_DIR": str(tmp_path / "config")}


def _check_json(act: Path, *args: str, env: dict) -> dict:
    r = cli("check", str(act), "-f", "json", *args, env=env)
    no_traceback(r)
    return json.loads(r.stdout)


def test_23_a_forged_cache_cannot_change_the_answer_even_with_the_key(tmp_path, own_cache):
    """The attacker of the issue edits a cached rule and recomputes the seal. Now the cache holds
    no rules at all; even an entry sealed with the real per-install key cannot add one."""
    act = tmp_path / "crim.yaml"
    act.write_text(CRIMINAL, "utf-8")
    want = _check_json(act, env=own_cache)
    assert want["decision"] == "non_compliant" and "yancheng.art16.no-criminal-record" in want["deciding_rules"]
    from gridlaw import packcache

    [entry] = (tmp_path / "cache").rglob("yancheng-*.json")
    data = json.loads(entry.read_text("utf-8"))
    data["body"]["rules"] = [{"id": "yancheng.art16.no-criminal-record", "require": {"fact": "candidate.criminal_record",
                                                                                    "eq": True}}]
    data["seal"] = packcache._seal(data["body"], packcache._secret())     # the key itself is known
    entry.write_text(json.dumps(data), "utf-8")
    got = _check_json(act, env=own_cache)
    assert (got["decision"], got["deciding_rules"]) == (want["decision"], want["deciding_rules"])
    assert got["stamp"]["pack_hash"] == want["stamp"]["pack_hash"]
    assert "rules" not in json.loads(entry.read_text("utf-8"))["body"]     # validated again, entry rewritten


def test_23_an_edited_pack_says_so_in_every_answer(tmp_path, own_cache):
    """A copy of the shipped Yancheng pack with one condition flipped (the edit is itself valid):
    every answer under it — text, JSON, Markdown, HTML, compare and API — says the pack differs
    from its reviewed state, and the stamp carries the edited pack's hash, not the genuine one."""
    import shutil

    pack = tmp_path / "yancheng"
    shutil.copytree(ROOT / "policies" / "yancheng", pack)
    act = tmp_path / "crim.yaml"
    act.write_text(CRIMINAL, "utf-8")
    genuine = _check_json(act, "--pack", str(pack), env=own_cache)
    assert genuine["pack_warning"] is None
    assert {"pack": "yancheng", "state": "reviewed"}.items() <= genuine["stamp"]["review"][-1].items()
    rules = pack / "rules" / "hire.yaml"
    text = rules.read_text("utf-8")
    assert "        - {fact: candidate.criminal_record, eq: true}" in text
    rules.write_text(text.replace("        - {fact: candidate.criminal_record, eq: true}",
                                  "        - {fact: candidate.criminal_record, eq: false}", 1), "utf-8")
    edited = _check_json(act, "--pack", str(pack), env=own_cache)
    assert edited["decision"] != "non_compliant"                  # the edit changed the answer …
    assert edited["stamp"]["pack_hash"] != genuine["stamp"]["pack_hash"]   # … under another hash
    assert edited["stamp"]["review"][-1]["state"] == "changed"
    assert edited["stamp"]["review"][-1]["changes"] == ["rules/hire.yaml: changed since review"]
    warn = "与审核时的状态不同，本结论不是依据审核过的规则作出的"
    assert warn in edited["pack_warning"]
    for fmt in ("text", "md", "html"):
        r = cli("check", str(act), "--pack", str(pack), "-f", fmt, env=own_cache)
        assert warn in r.stdout.decode(), fmt
    en = cli("check", str(act), "--pack", str(pack), "--lang", "en", env=own_cache)
    assert "differ from their reviewed state" in en.stdout.decode()


def test_23_the_manifest_covers_the_national_laws_too():
    from gridlaw.layers import national
    from gridlaw.packreview import load_manifest

    manifest = load_manifest()
    for law in national():
        for p in law.packs:
            assert p.review == [], (law.id, p.review)
    assert {"national/penaltylaw/1996", "national/penaltylaw/2021", "yancheng"} <= set(manifest)


# ------------------------------------------------------------------ 20, 21: one masking pass

PII_ID, PII_PHONE, PII_NAME = "320902199001011234", "13812345678", "王小明"
PII = f"{PII_NAME} 身份证{PII_ID} 电话{PII_PHONE}"
EVIL_ID = f"<script>alert(1)</script>{PII_ID}"


def _pii_act(kind: str) -> dict:
    """The example act of a kind with the ID number, phone and name in every text field the schema
    takes (free text included), the record id carrying a <script>, and the name field set."""
    import copy

    from gridlaw.api import parse_act
    from gridlaw.errors import InputError

    act = yaml.safe_load((EX / f"{kind}.yaml").read_text("utf-8"))

    def fits(a: dict) -> bool:
        from gridlaw.api import check

        try:
            parse_act(copy.deepcopy(a))
            check(copy.deepcopy(a))          # fields checked on evaluation too (ID number, phone format)
            return True
        except InputError:
            return False

    def walk(node):
        for k in list(node):
            v = node[k]
            if isinstance(v, dict):
                walk(v)
            elif isinstance(v, str) and k not in ("kind", "city", "role", "recruited_by"):
                node[k] = PII if k != "name" else PII_NAME
                if not fits(act):
                    node[k] = v
    walk(act)
    for key, value in (("id", EVIL_ID),):
        act[key] = value
        if not fits(act):
            del act[key]
    return act


def _leaks(text: str, names: bool) -> list[str]:
    found = [s for s in (PII_ID, PII_PHONE) if s in text]
    return found + ([PII_NAME] if names and PII_NAME in text else [])


@pytest.mark.parametrize("kind", ["hire", "exit", "assignment", "admission", "grid", "notice"])
def test_20_every_check_output_is_masked(kind, client):
    from gridlaw.api import check
    from gridlaw.ci_formats import junit, sarif
    from gridlaw.report import render_many

    act = _pii_act(kind)
    has_name = kind in ("hire", "exit")
    d = check(act)
    assert PII_ID in json.dumps(d.to_dict(), ensure_ascii=False) or kind in ("notice",)   # the input did carry it
    for fmt in ("json", "text", "md", "html"):
        out = render_many([d], fmt)
        assert not _leaks(out, has_name), (fmt, _leaks(out, has_name))
        if fmt == "md":
            assert "<script>" not in out
    for out in (junit([(d, "act.yaml")]), sarif([(d, "act.yaml")])):
        assert not _leaks(out, has_name)
    r = client.post("/api/v1/check", json={"act": json.loads(json.dumps(act, default=str))})
    assert r.status_code == 200 and not _leaks(r.text, has_name), _leaks(r.text, has_name)
    r = client.post("/api/v1/compare", json={"act": json.loads(json.dumps(act, default=str))})
    assert r.status_code == 200 and not _leaks(r.text, has_name)
    shown = render_many([d], "json", show_personal=True)      # asked for: shown
    if kind == "hire":
        assert PII_ID in shown and PII_NAME in shown


def test_20_the_cli_masks_the_record_and_the_inferred_clauses(tmp_path):
    act = _pii_act("assignment")
    path = tmp_path / "a.json"
    path.write_text(json.dumps(act, ensure_ascii=False, default=str), "utf-8")
    for fmt in ("json", "text", "md", "html", "junit", "sarif"):
        r = cli("check", str(path), "-f", fmt)
        no_traceback(r)
        assert not _leaks(r.stdout.decode(), False), fmt
        if fmt == "md":
            assert "<script>" not in r.stdout.decode()
    out = json.loads(cli("check", str(path), "-f", "json").stdout)
    assert out["record"].startswith("&lt;") is False and "3209" in out["record"]   # masked, not dropped


def test_21_a_web_audit_error_quoting_the_first_row_is_masked(tmp_path):
    from fastapi.testclient import TestClient

    from gridlaw.web.app import create_app
    from gridlaw.web.settings import Settings

    sheet = f"{PII_NAME},{PII_ID},{PII_PHONE}\n李四,320902199001015678,13912345678\n".encode("utf-8")
    settings = Settings(workdir=tmp_path / "web")
    settings.workdir.mkdir()
    with TestClient(create_app(settings)) as c:
        c.get("/audit")
        r = c.post("/audit", data={"csrf_token": c.cookies.get("gridlaw_csrf"), "city": "yancheng", "kind": "hire"},
                   files={"file": ("nohead.csv", sheet, "text/csv")}, follow_redirects=True)
        import time

        for _ in range(100):
            if "无法审计" in r.text or "审计结果" in r.text:
                break
            time.sleep(0.2)
            r = c.get(str(r.url))
        assert "无法审计" in r.text or "表头" in r.text, r.text[:500]
        assert not _leaks(r.text, True), _leaks(r.text, True)


# ------------------------------------------------------------------ 22: CSRF signed by the server

def test_22_a_csrf_token_the_client_invented_is_refused_and_the_servers_is_accepted(tmp_path):
    from fastapi.testclient import TestClient

    from gridlaw.web.app import create_app
    from gridlaw.web.settings import Settings

    settings = Settings(workdir=tmp_path / "web")
    settings.workdir.mkdir()
    fields = {"city": "yancheng", "date": "2024-05-01", "task.text": "巡查环境卫生"}
    with TestClient(create_app(settings)) as c:
        invented = "A" * 43
        c.cookies.set("gridlaw_csrf", invented)
        r = c.post("/assignment", data={"csrf_token": invented, **fields})
        assert r.status_code == 403
        forged = invented + "." + "0" * 64                       # the right shape, a made-up signature
        c.cookies.set("gridlaw_csrf", forged)
        assert c.post("/assignment", data={"csrf_token": forged, **fields}).status_code == 403
        c.cookies.clear()
        c.get("/")                                               # the server's own signed cookie
        token = c.cookies.get("gridlaw_csrf")
        assert token and "." in token
        r = c.post("/assignment", data={"csrf_token": token, **fields})
        assert r.status_code == 200
    with TestClient(create_app(settings)) as other:             # another server's key: its token is refused
        other.cookies.set("gridlaw_csrf", token)
        assert other.post("/assignment", data={"csrf_token": token, **fields}).status_code == 403


# ------------------------------------------------------------------ 16: one file for results and report

def test_16_the_same_file_for_results_and_report_is_refused(tmp_path):
    sheet = tmp_path / "in.csv"
    sheet.write_text("姓名,拟任岗位,报名日期\n张伟,专职网格员,2024年5月6日\n", "utf-8")
    out = tmp_path / "X.csv"
    for report in (out, Path(str(out) + ".manifest.json")):
        r = cli("audit", str(sheet), "--city", "yancheng", "--kind", "hire", "-o", str(out), "--report", str(report))
        no_traceback(r)
        assert r.returncode == 4 and "与结果文件（--out）相同" in r.stderr.decode()
        assert not out.exists()


def test_23_the_audit_stamp_carries_each_packs_review_state(tmp_path):
    sheet = tmp_path / "in.csv"
    sheet.write_text("姓名,拟任岗位,报名日期\n张伟,专职网格员,2024年5月6日\n", "utf-8")
    out = tmp_path / "r.jsonl"
    r = cli("audit", str(sheet), "--city", "yancheng", "--kind", "hire", "-o", str(out))
    no_traceback(r)
    manifest = json.loads(Path(str(out) + ".manifest.json").read_text("utf-8"))
    states = {x["pack"]: x["state"] for x in manifest["stamp"]["review"]}
    assert states["yancheng"] == "reviewed"


# ------------------------------------------------------------------ audit inputs (after the pipeline)

AUDIT_HEAD = "序号,姓名,拟任岗位,报名日期\n"


def _audit(path: Path, *extra: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = path.with_suffix(".out.jsonl")
    r = cli("audit", str(path), "--city", "yancheng", "--kind", "hire", "-o", str(out), *extra, timeout=timeout)
    no_traceback(r)
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()] if out.exists() else []
    return r, rows


def test_4_an_audit_input_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    r, _ = _audit(fifo, timeout=30)
    assert r.returncode == 4 and "这是命名管道（FIFO），不是普通文件" in r.stderr.decode()


def test_8_11_15_one_bad_jsonl_record_costs_only_its_row(tmp_path):
    good = '{"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time", "candidate": {"age": 30}}'
    lines = [good,
             good.replace('"age": 30', '"age": 1e+30'),
             good.replace('"age": 30', '"age": 123456789012345678901'),
             good.replace('"age": 30', '"age": 30, "name": "\\ud800x"'),
             good.replace('"role": "full_time"', '"role": "full_time", "role": "part_time"'),
             good]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    r, rows = _audit(path)
    assert r.returncode == 3
    by_row = {x["row"]: x for x in rows}
    assert sorted(by_row) == [1, 2, 3, 4, 5, 6]
    assert [by_row[i]["decision"] for i in (2, 3, 4, 5)] == ["unreadable"] * 4
    assert by_row[1]["decision"] != "unreadable" and by_row[6]["decision"] != "unreadable"
    assert "孤立的代理码位 U+D800" in by_row[4]["reason"] and "键“role”重复出现" in by_row[5]["reason"]


def test_8_a_twenty_digit_number_in_a_csv_cell_costs_only_its_row(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("序号,姓名,年龄,拟任岗位,报名日期\nR1,张伟,30,专职网格员,2024年5月6日\n"
                    "R2,李四,12345678901234567890,专职网格员,2024年5月6日\nR3,王五,1e+30,专职网格员,2024年5月6日\n", "utf-8")
    r, rows = _audit(path)
    assert [x["decision"] == "unreadable" for x in rows] == [False, True, True]


def test_10_one_gbk_line_in_a_small_utf8_csv_costs_only_its_row(tmp_path):
    lines = [f"R{i},张伟{i},专职网格员,2024年5月6日\n".encode() for i in range(1, 6)]
    lines.insert(2, "R9,王五,专职网格员,2024年5月6日\n".encode("gbk"))
    path = tmp_path / "in.csv"
    path.write_bytes(AUDIT_HEAD.encode() + b"".join(lines))
    r, rows = _audit(path)
    assert len(rows) == 6
    assert [x["row"] for x in rows if x["decision"] == "unreadable"] == [4]


def test_12_a_cr_only_csv_is_read_line_by_line(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes((AUDIT_HEAD + "R1,张伟,专职网格员,2024年5月6日\nR2,李四,专职网格员,2024年5月6日\n")
                     .replace("\n", "\r").encode("utf-8"))
    r, rows = _audit(path)
    assert [x["id"] for x in rows] == ["R1", "R2"] and all(x["decision"] != "unreadable" for x in rows)


def test_13_a_bom_in_mid_file_is_not_part_of_the_id(tmp_path):
    part = (AUDIT_HEAD + "R1,张伟,专职网格员,2024年5月6日\n").encode("utf-8-sig")
    path = tmp_path / "joined.csv"
    path.write_bytes(part + "R2,李四,专职网格员,2024年5月6日\n".encode("utf-8-sig"))
    r, rows = _audit(path)
    assert [x["id"] for x in rows] == ["R1", "R2"]


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_10_11_property_mixed_encodings_and_surrogates_per_row_cost_only_those_rows(tmp_path_factory, data):
    """A UTF-8 sheet where any row may be written in GBK, carry a lone surrogate (as the bytes
    Python's surrogateescape would write) or start with a BOM: every row is accounted for, rows
    that are UTF-8 (BOM or not) are read, and no row is lost or merged — as long as most rows are UTF-8."""
    n = data.draw(st.integers(20, 60))
    names = data.draw(st.lists(st.text(alphabet="张王李赵伟芳娜敏静", min_size=2, max_size=3), min_size=n, max_size=n))
    encs = data.draw(st.lists(st.sampled_from(["utf-8", "bom"]), min_size=n, max_size=n))
    for i in data.draw(st.sets(st.integers(0, n - 1), max_size=max(1, n // 20))):
        encs[i] = data.draw(st.sampled_from(["gbk", "surrogate"]))
    rows = list(zip(encs, names))
    tmp = tmp_path_factory.mktemp("mixed")
    body = []
    for i, (enc, name) in enumerate(rows, 1):
        line = f"R{i},{name},专职网格员,2024年5月6日\n"
        if enc == "gbk":
            body.append(line.encode("gbk"))
        elif enc == "surrogate":
            body.append(line.replace(name, name + "\udc80").encode("utf-8", "surrogateescape"))
        elif enc == "bom":
            body.append(b"\xef\xbb\xbf" + line.encode())
        else:
            body.append(line.encode())
    path = tmp / "in.csv"
    path.write_bytes(AUDIT_HEAD.encode() + b"".join(body))
    r, out = _audit(path)
    assert [x["row"] for x in out] == list(range(2, len(rows) + 2))
    for (enc, _), x in zip(rows, out):
        assert (x["decision"] == "unreadable") == (enc in ("gbk", "surrogate")), (enc, x)
        if enc in ("utf-8", "bom"):
            assert x["id"] == f"R{x['row'] - 1}"


# ------------------------------------------------------------------ 1: wide headers

def test_1_a_header_wider_than_the_limit_is_refused_naming_it(tmp_path):
    from gridlaw.audit.sourcefile import MAX_COLUMNS

    path = tmp_path / "wide.csv"
    n = 100_000
    path.write_text(",".join(["姓名", "拟任岗位", *(f"未知列{i}" for i in range(n))]) + "\n"
                    + ",".join(["张伟", "专职网格员", *("x" * n)]) + "\n", "utf-8")
    r, _ = _audit(path, timeout=30)
    assert r.returncode == 4 and f"超过 {MAX_COLUMNS:,} 列的上限" in r.stderr.decode()


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 990), st.integers(0, 10_000))
def test_1_property_wide_headers_within_the_limit_are_mapped_and_hinted_boundedly(width, seed):
    """Any number of unknown columns up to the limit: the known ones are still mapped, and at most
    MAX_HINTS unknown ones are fuzzy-matched for a hint (each hint costs a scan of the header table)."""
    import difflib

    from gridlaw.audit.mapping import MAX_HINTS, load_header_map

    hm = load_header_map()
    header = ["姓名", *(f"字段{seed}_{i}" for i in range(width)), "拟任岗位"]
    calls = []
    real = difflib.get_close_matches

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    difflib.get_close_matches = counting
    try:
        res = hm.resolve("hire", header)
    finally:
        difflib.get_close_matches = real
    assert set(res.facts.values()) >= {"candidate.name", "role"}
    assert len(res.ignored) == width and len(calls) <= MAX_HINTS


# ------------------------------------------------------------------ 2: zip bombs

def _workbook(rows: int, cell: str, cell_repeat: int = 1) -> bytes:
    """An .xlsx whose sheet XML is ``rows`` identical rows (or one cell ``cell`` × ``cell_repeat``):
    built with zipfile so that it stays small on disk however large it inflates."""
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "拟任岗位", "报名日期"])
    base = io.BytesIO()
    wb.save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info.filename))
                continue
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                        + "姓名".encode() + b"</t></is></c></row>")
                if cell_repeat > 1:
                    f.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                    chunk = cell.encode() * 65536
                    for _ in range(cell_repeat // 65536):
                        f.write(chunk)
                    f.write(b"</t></is></c></row>")
                row = (f'<row><c t="inlineStr"><is><t>{cell}</t></is></c></row>').encode()
                block = row * 1000
                for _ in range(rows // 1000):
                    f.write(block)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


@settings(max_examples=4, deadline=None)
@given(st.sampled_from(["rows", "cell"]), st.integers(17, 40))
def test_2_property_zip_bombs_built_here_are_refused_before_inflating(tmp_path_factory, shape, mb):
    """Small on disk, large inflated (17–40 MB of identical XML, hundreds of times the compressed
    size): refused from the zip directory, as an audit input and as a --checklist, in a few seconds
    and without inflating (the check reads no member)."""
    tmp = tmp_path_factory.mktemp("bomb")
    data = _workbook(mb * 20_000, "张伟") if shape == "rows" else _workbook(0, "x", mb << 20)
    assert len(data) < mb << 20 >> 6                      # more than 64 times smaller on disk
    path = tmp / "bomb.xlsx"
    path.write_bytes(data)
    r, _ = _audit(path, timeout=30)
    assert r.returncode == 4 and "压缩炸弹" in r.stderr.decode() and "100:1 的上限" in r.stderr.decode()
    r = cli("check", str(EX / "assignment.yaml"), "--checklist", str(path), timeout=30)
    no_traceback(r)
    assert r.returncode == 4 and "压缩炸弹" in r.stderr.decode()


def test_2_an_ordinary_workbook_passes_the_bounds(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "姓名", "拟任岗位", "报名日期"])
    for i in range(2000):
        wb.active.append([f"R{i}", "张伟", "专职网格员", "2024年5月6日"])
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    r, rows = _audit(path, timeout=60)
    assert len(rows) == 2000 and r.returncode == 3


# ------------------------------------------------------------------ 17, 18: runs sharing outputs, killed runs

def _sheet(path: Path, prefix: str, n: int) -> Path:
    rows = "".join(f"{prefix}{i},张伟,专职网格员,2024年5月6日\n" for i in range(n))
    path.write_text(AUDIT_HEAD + rows, "utf-8")
    return path


def _popen(src: Path, out: Path, report: Path) -> subprocess.Popen:
    return subprocess.Popen([*GRIDLAW, "audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(out),
                             "--report", str(report)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@settings(max_examples=3, deadline=None)
@given(st.integers(2, 3), st.lists(st.floats(0, 0.5), min_size=3, max_size=3))
def test_17_property_concurrent_audits_to_one_output_never_mix(tmp_path_factory, runs, delays):
    """Several audits of different inputs started together with the same --out and --report: each
    either finishes or is refused at once naming the busy file; the results, their manifest and the
    report left at the end all come from one and the same run."""
    import hashlib
    import time

    tmp = tmp_path_factory.mktemp("concurrent")
    out, report = tmp / "results.csv", tmp / "report.html"
    sources = [_sheet(tmp / f"in{chr(65 + k)}.csv", chr(65 + k), 3000) for k in range(runs)]
    procs = []
    for src, delay in zip(sources, delays):
        procs.append((src, _popen(src, out, report)))
        time.sleep(delay)
    finished = []
    for src, p in procs:
        _, err = p.communicate(timeout=120)
        text = err.decode()
        assert "Traceback" not in text
        if p.returncode == 4:
            assert "另一个审计正在写入这个文件" in text
        else:
            finished.append(src)
    assert finished                                   # the first one to take the lock finishes
    import csv as _csv

    with open(out, encoding="utf-8-sig") as f:
        ids = {r[1] for r in list(_csv.reader(f))[1:]}
    prefixes = {i[0] for i in ids}
    assert len(prefixes) == 1 and len(ids) == 3000
    prefix = prefixes.pop()
    winner = next(s for s in finished if s.name == f"in{prefix}.csv")    # runs that did not overlap all finish
    manifest = json.loads((tmp / "results.csv.manifest.json").read_text("utf-8"))
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert winner.name in report.read_text("utf-8")
    assert not list(tmp.glob(".*.part"))


@settings(max_examples=2, deadline=None)
@given(st.floats(0.3, 3.0))
def test_18_property_a_run_killed_at_any_point_leaves_no_part_file_after_a_rerun(tmp_path_factory, when):
    import signal
    import time

    tmp = tmp_path_factory.mktemp("killed")
    src = _sheet(tmp / "in.csv", "K", 30_000)
    out, report = tmp / "r.jsonl", tmp / "r.html"
    p = _popen(src, out, report)
    time.sleep(when)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    r = cli("audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(out), "--report", str(report),
            timeout=180)
    no_traceback(r)
    assert r.returncode == 3
    assert not [f for f in tmp.iterdir() if f.name.endswith(".part")]
    assert len(out.read_text("utf-8").splitlines()) == 30_000


def test_18_a_stale_part_file_of_a_dead_process_is_removed_and_a_live_ones_kept(tmp_path):
    from gridlaw.outfile import remove_stale_parts

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "r.csv"
    stale = tmp_path / f".r.csv.{dead.pid}.part"
    live = tmp_path / f".r.csv.{os.getpid()}.part"
    other = tmp_path / f".other.csv.{dead.pid}.part"
    for f in (stale, live, other):
        f.write_bytes(b"x" * 1000)
    assert remove_stale_parts(out) == [stale]
    assert live.exists() and other.exists() and not stale.exists()


def test_24_audit_output_messages_are_chinese(tmp_path):
    src = _sheet(tmp_path / "in.csv", "R", 3)
    r = cli("audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(tmp_path / "x.txt"))
    assert r.returncode == 4 and "--out 的文件名应以 .jsonl、.csv、.xlsx 或 .parquet 结尾" in r.stderr.decode()
    r = cli("audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(tmp_path / "r.csv"),
            "--report", "/proc/version/x.html")
    no_traceback(r)
    assert r.returncode == 4 and "无法写入" in r.stderr.decode() and "cannot" not in r.stderr.decode()


def test_19_ctrl_c_during_an_xlsx_audit_exits_promptly_and_cleanly(tmp_path):
    import signal
    import time

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["序号", "姓名", "拟任岗位", "报名日期"])
    for i in range(80_000):
        ws.append([f"R{i}", "张伟", "专职网格员", "2024年5月6日"])
    src = tmp_path / "big.xlsx"
    wb.save(src)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    out = tmp_path / "r.xlsx"
    p = subprocess.Popen([*GRIDLAW, "audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(out)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmpdir)})
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = p.communicate(timeout=60)
    assert time.monotonic() - start < 10
    text = err.decode()
    assert p.returncode == 130 and "已中断" in text
    assert "Traceback" not in text and "Exception ignored" not in text
    assert not out.exists() and not [f for f in tmp_path.iterdir() if f.name.endswith(".part")]
    assert not list(tmpdir.iterdir())          # openpyxl's temporary sheets were removed too


def test_14_a_gbk_line_of_the_wrong_width_past_the_first_megabyte_prints_no_ignored_exception(tmp_path):
    """pyarrow hands the bad row's text to our handler as str; a GBK line made that fail inside
    pyarrow and Python printed "Exception ignored … Traceback". The row is still accounted for."""
    body = AUDIT_HEAD + "".join(f"R{i},张伟,专职网格员,2024年5月6日\n" for i in range(60_000))
    path = tmp_path / "in.csv"
    path.write_bytes(body.encode() + "R9,王五,专职网格员,2024年5月6日,x\n".encode("gbk")
                     + "R10,李四,专职网格员,2024年5月6日\n".encode())
    r, rows = _audit(path, timeout=120)
    assert "Exception ignored" not in r.stderr.decode()
    assert len(rows) == 60_002 and [x["row"] for x in rows if x["decision"] == "unreadable"] == [60_002]
