"""Every pack loads clean, accounts for every article, and passes its own YAML cases."""
import pytest

from gridlaw.loader import available_packs, load_pack
from gridlaw.packtest import run_pack_tests

PACKS = available_packs()


def test_all_five_packs_ship():
    assert PACKS == ["binzhou", "yancheng", "quzhou", "zigong", "jiaxing"]


@pytest.mark.parametrize("city", PACKS)
def test_every_article_accounted_for(city):
    pack = load_pack(city)
    cov = pack.coverage()
    assert len(cov) == pack.meta.articles
    assert [n for n, (status, _) in cov.items() if status == "missing"] == []


@pytest.mark.parametrize("city", PACKS)
def test_pack_cases(city):
    report = run_pack_tests(city)
    failures = [f"{r.file}:{r.line} {r.name}: {r.detail}" for r in report.results if not r.ok]
    assert report.results, f"{city} has no test cases"
    assert failures == []
    assert report.uncovered == {}, f"rules without both kinds of case: {report.uncovered}"
