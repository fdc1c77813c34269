"""Engine behaviour: three-valued logic, loader errors with locations, decisions, schemas."""
import json
import shutil
from pathlib import Path

import pytest

import gridlaw
from gridlaw.conditions import compile_condition
from gridlaw.errors import InputError, PackError
from gridlaw.lexicon import infer_nature
from gridlaw.loader import compile_pack, pack_root
from gridlaw.packspec import Rule
from gridlaw.schema_models import SCHEMA_DIR, SCHEMA_MODELS, dump

ROOT = Path(__file__).resolve().parents[1]


def cond(data):
    return compile_condition(Rule.model_validate({
        "id": "x.art1.t", "act": "hire", "cite": {"article": 1}, "quote": "xx", "modality": "duty",
        "effect": "duty_unmet", "message": {"zh": "x"}, "require": data}).require)


@pytest.mark.parametrize("data, facts, expected", [
    ({"any": [{"fact": "a", "eq": True}, {"fact": "b", "eq": True}]}, {"a": True}, True),
    ({"any": [{"fact": "a", "eq": True}, {"fact": "b", "eq": True}]}, {"a": False}, None),
    ({"all": [{"fact": "a", "eq": True}, {"fact": "b", "eq": True}]}, {"a": True}, None),
    ({"all": [{"fact": "a", "eq": True}, {"fact": "b", "eq": True}]}, {"a": False}, False),
    ({"not": {"fact": "a", "eq": True}}, {}, None),
    ({"fact": "a", "known": True}, {}, False),
    ({"fact": "xs", "includes_all": ["p", "q"]}, {"xs": ["p", "q", "r"]}, True),
    ({"fact": "xs", "includes_any": ["s"]}, {"xs": ["p"]}, False),
    ({"fact": "n", "in": [1, 2]}, {"n": 3}, False),
])
def test_three_valued_logic(data, facts, expected):
    assert cond(data)(facts) is expected


def test_reading_grounds_frames_and_publicity():
    inf = infer_nature("对焚烧秸秆当事人当场罚款")
    assert (inf.value, inf.outcome, inf.words, inf.frame) == ("penalty", "power_act", ("罚款",), "worker")
    assert inf.ground == "《中华人民共和国行政处罚法》第九条第二项"
    assert infer_nature("查封、扣押违法物品").value == "coercion"
    # traditional script; the fine is what is publicised, not what the worker does (was "uncertain" before)
    pub = infer_nature("協助宣傳罰款規定")
    assert (pub.value, [(m.words, m.frame) for m in pub.matches]) == ("service", [("罚款", "publicity")])
    assert infer_nature("入户走访独居老人").value == "service"


def test_issue_examples_yancheng():
    act = {"kind": "assignment", "city": "yancheng", "date": "2024-05-01", "task": {"text": "对焚烧秸秆当事人当场罚款"}}
    d = gridlaw.check(act)
    assert d.decision == "non_compliant"
    # the city's ban and, under it, the national ban on entrusting a penalty to an individual
    assert sorted(f.rule.citation for f in d.deciding) == ["《中华人民共和国行政处罚法》第二十条第一款",
                                                           "《盐城市城乡网格化服务管理实施细则》第十九条第二款第（二）项"]
    assert {f.layer for f in d.deciding} == {"national", "city"}
    assert all(f.inferred[0].words == ("罚款",) for f in d.deciding)
    # before Yancheng's rules take effect the national ban in force that day still answers (issue 16 §2) …
    early = gridlaw.check({**act, "date": "2021-06-01"})
    assert (early.decision, early.deciding_rules) == ("non_compliant", ["penaltylaw.art18.no-entrusting-individuals"])
    # … and an act no law in force that day addresses is not_in_force
    assert gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2021-06-01", "role": "full_time",
                          "candidate": {"criminal_record": True}}).decision \
        == "not_in_force"


def test_decision_json_carries_stamp_and_citation_numbers():
    d = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
                       "candidate": {"criminal_record": True}})
    data = d.to_dict()
    assert data["decision"] == "non_compliant"
    f = next(f for f in data["findings"] if f["rule"] == "yancheng.art16.no-criminal-record")
    assert (f["citation"]["article"], f["citation"]["paragraph"], f["citation"]["item"]) == (16, 2, 1)
    assert set(data["stamp"]) == {"engine", "engine_code", "pack", "pack_hash", "version", "input_hash", "layers",
                                  "review"}     # review: issue 19, each pack against policies/reviewed.json
    assert [x["layer"] for x in data["stamp"]["layers"]] == ["national"] * 7 + ["city"]  # seven national laws (issue 16 §6)
    assert len(data["stamp"]["pack_hash"]) == 64


def test_input_errors_name_the_field():
    with pytest.raises(InputError) as exc:
        gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024年13月1日", "role": "full_time",
                       "candidate": {"criminal_recrod": True}})
    text = str(exc.value)          # Chinese, with what to do; English and a stable code beside it
    assert "date: 不是日期" in text and "2024年5月1日" in text
    assert "candidate.criminal_recrod: 未知字段；是否指 candidate.criminal_record？" in text
    by_path = {p.path: p for p in exc.value.problems}
    assert by_path["date"].code == "bad_date" and by_path["candidate.criminal_recrod"].code == "unknown_field"
    assert "did you mean 'candidate.criminal_record'" in by_path["candidate.criminal_recrod"].text("en")


def _broken_pack(tmp_path):
    dst = tmp_path / "yancheng"
    shutil.copytree(pack_root("yancheng"), dst)
    rules = dst / "rules" / "hire.yaml"
    text = rules.read_text("utf-8")
    text = text.replace("{fact: candidate.criminal_record, eq: true}", "{fact: candidate.criminal_recod, eq: true}")
    text = text.replace("quote: 曾被行政拘留、司法拘留的", "quote: 曾被行政拘留、司法拘留、强制隔离的")
    text = text.replace("modality: duty\n    effect: disqualified\n    require: {fact: candidate.education_ok",
                        "modality: dutty\n    effect: disqualified\n    require: {fact: candidate.education_ok")
    rules.write_text(text, "utf-8")
    return dst


def test_loader_reports_every_problem_with_file_and_line(tmp_path):
    with pytest.raises(PackError) as exc:
        compile_pack(_broken_pack(tmp_path), "yancheng")
    problems = exc.value.problems
    messages = [str(p) for p in problems]
    assert any("unknown fact 'candidate.criminal_recod'" in m and "did you mean 'candidate.criminal_record'" in m
               for m in messages)
    assert any("quote not found" in m for m in messages)
    assert any("modality" in (p.path or "") for p in problems)
    assert all(p.file == "yancheng/rules/hire.yaml" and p.line for p in problems if "hire.yaml" in p.file)


@pytest.mark.parametrize("name", SCHEMA_MODELS)
def test_committed_schemas_match_models(name):
    committed = (SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8")
    assert committed == dump(name), "schema drift: run python -m gridlaw.schema_models"


def test_act_schema_validates_examples():
    import jsonschema
    import yaml

    for kind in ("assignment", "hire", "exit", "notice", "admission", "grid"):
        act = yaml.safe_load((ROOT / "examples" / f"{kind}.yaml").read_text("utf-8"))
        schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text("utf-8"))
        jsonschema.validate(json.loads(json.dumps(act, default=str)), schema)


def test_cached_pack_equals_fully_validated(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDLAW_CACHE_DIR", str(tmp_path))
    fresh = compile_pack(pack_root("zigong"), "zigong", use_cache=True)   # validates, stores
    assert list(tmp_path.rglob("zigong-*.json"))
    cached = compile_pack(pack_root("zigong"), "zigong", use_cache=True)  # from the cache
    assert cached.hash == fresh.hash
    assert [(r.id, r.citation, r.line) for r in cached.rules] == [(r.id, r.citation, r.line) for r in fresh.rules]
    act = {"kind": "assignment", "city": "zigong", "date": "2024-06-01", "task": {"text": "对占道经营者处以罚款"}}
    from gridlaw.evaluate import evaluate
    from gridlaw.api import parse_act
    a, b = evaluate(fresh, parse_act(act)), evaluate(cached, parse_act(act))
    assert (a.decision, a.deciding_rules) == (b.decision, b.deciding_rules)


def test_age_and_birth_date_must_agree():
    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
           "candidate": {"age": 30, "birth_date": "1990-01-01"}}
    with pytest.raises(InputError, match="年龄 30 与出生日期 1990-01-01 不符") as exc:
        gridlaw.check(act)
    assert exc.value.problems[0].code == "age_mismatch" and "disagrees with birth date" in exc.value.problems[0].text("en")
    act["candidate"]["age"] = 34
    assert gridlaw.check(act).facts["candidate.age"] == 34
