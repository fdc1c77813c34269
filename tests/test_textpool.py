"""Task texts read by two processes (textpool.py) give what one process gives: the same readings,
field for field, the same explanation lines and the same audit results, byte for byte."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from gridlaw import textpool
from gridlaw.audit.config import AuditConfig
from gridlaw.audit.run import run_audit
from gridlaw.lexicon import infer_many
from gridlaw.report import nature_text

_POWER = ["对违建实施强拆", "没收其经营工具", "吊销营业执照", "对商户处以罚款", "查封仓库", "为村民办理准迁手续并核发准迁证"]
_SERVICE = ["上门走访独居老人", "协助社区做好垃圾分类宣传", "巡查上报安全隐患", "登记出租房屋信息", "把政策讲给居民听"]
_WHO = ["网格员", "网格长", "执法队员", "网格员协同执法队员"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = [rng.choice(_WHO) + rng.choice(_POWER + _SERVICE) for _ in range(rng.randint(1, 3))]
        out.append("，".join(parts) + f"。#{i}")        # every text distinct
    return out


@pytest.fixture
def many_pieces(monkeypatch):
    """Force the two-process path on a small input: small pieces, no lower bound."""
    monkeypatch.delenv("GRIDLAW_PROCESSES", raising=False)
    monkeypatch.setattr(textpool, "PIECE", 7)
    monkeypatch.setattr(textpool, "MIN_TEXTS", 1)
    shipped = []
    real = textpool._shipped

    def counting(got, lang):
        shipped.append(len(got))
        return real(got, lang)
    monkeypatch.setattr(textpool, "_shipped", counting)
    return shipped


def test_readings_by_two_processes_are_those_of_one(many_pieces):
    texts = _texts(300, 1)
    with textpool.two_cores(nature_text, "zh"):
        two = textpool.read_texts(texts, "task.nature")
    one = infer_many(texts, "task.nature", textpool.PIECE)
    assert many_pieces, "the child read no piece"
    assert len(two) == len(one) == 300
    for a, b in zip(two, one):
        assert a == b
        assert {f.name: getattr(a, f.name) for f in dataclasses.fields(b)} == \
               {f.name: getattr(b, f.name) for f in dataclasses.fields(b)}
    assert [textpool.shipped_line(a, "zh") for a in two if textpool.shipped_line(a, "zh") is not None] == \
           [nature_text(b, "zh") for a, b in zip(two, one) if textpool.shipped_line(a, "zh") is not None]
    assert {b.outcome for b in one} >= {"power_act", "service"}


def _sheet(path: Path, n: int) -> Path:
    rng = random.Random(7)
    lines = ["记录编号,交办日期,所属镇街,任务内容,是否列入清单"]
    for i, t in enumerate(_texts(n, 2)):
        if i % 50 == 3:        # a quote not doubled: that row is rejected, the same way on both paths
            t = t.replace("，", '，对"三合一"场所', 1)
        lines.append(f'a{i},2024-0{rng.randint(5, 9)}-1{rng.randint(0, 9)},新兴镇,"{t}",{rng.choice("是否")}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_audit_on_two_processes_writes_the_same_results(tmp_path, monkeypatch, many_pieces):
    src = _sheet(tmp_path / "tasks.csv", 400)

    def audit(out: Path):
        return run_audit(AuditConfig(file=src, kind="assignment", city="yancheng", out=out, progress=False))
    two = audit(tmp_path / "two.jsonl")
    assert many_pieces, "the child read no piece"
    monkeypatch.setenv("GRIDLAW_PROCESSES", "1")
    many_pieces.clear()
    one = audit(tmp_path / "one.jsonl")
    assert not many_pieces
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert two.collector.rejected == one.collector.rejected > 0
    assert {k: v.tolist() for k, v in two.collector.by_city.items()} == \
           {k: v.tolist() for k, v in one.collector.by_city.items()}
    body = (tmp_path / "one.jsonl").read_text(encoding="utf-8")
    assert "任务性质由文本推定" in body
