"""A lawyer's probes (tests/lawyer_probes.yaml): acts written and labelled from the texts before they were
run; each asserts the decision, the deciding rule ids and the verdict on the questions the label names.
First-run disagreements are recorded in the YAML (`first_run`), and a relabelled case says why."""
from pathlib import Path

import pytest
import yaml

from gridlaw.api import check

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((Path(__file__).parent / "lawyer_probes.yaml").read_text("utf-8"))["cases"]


def test_the_probes_cover_every_city_kind_and_a_county():
    assert len(CASES) >= 40
    assert {c["act"]["city"] for c in CASES} == {"binzhou", "yancheng", "quzhou", "zigong", "jiaxing"}
    assert {c["act"]["kind"] for c in CASES} >= {"assignment", "hire", "exit", "notice", "admission"}
    assert any(c.get("pack") for c in CASES) and all(c.get("law") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"].split()[0] for c in CASES])
def test_probe(case):
    pack = str(ROOT / case["pack"]) if case.get("pack") else None
    d = check(case["act"], pack=pack)
    want = case["expect"]
    assert (d.decision, sorted(d.deciding_rules)) == (want["decision"], sorted(want["rules"]))
    verdicts = {q.question: q.verdict for q in d.questions}
    assert {q: verdicts.get(q) for q in want.get("questions", {})} == want.get("questions", {})


def test_no_power_act_is_cleared():
    """Issue 16: no power act cleared as compliant (the probes whose text is a penalty, coercion or licence)."""
    power = [c for c in CASES if c["act"]["kind"] == "assignment" and c["expect"]["rules"]
             and any(r.split(".")[0] in ("penaltylaw", "coercionlaw", "licensinglaw") for r in c["expect"]["rules"])]
    assert len(power) >= 8
    for c in power:
        assert check(c["act"]).decision != "compliant", c["name"]


def test_compliant_never_reads_as_eligible_where_the_city_sets_no_conditions():
    """The director's probe: Quzhou sets no hiring conditions (第十一条第二款: county measures). A candidate with a
    criminal record selected by the township meets what the law sets, and the report says eligibility is left open."""
    from gridlaw.report import render

    case = next(c for c in CASES if c["name"].startswith("P24"))
    d = check(case["act"])
    text = render(d, "text", "zh")
    head = text.splitlines()[0]
    assert not head.startswith("合规") and "资格条件：本市规定未涉及（第十一条第二款交由县级办法规定）" in head
    html = render(d, "html", "zh")
    assert '<span class="badge compliant">所设要求均满足</span>' in html and ">合规<" not in html
