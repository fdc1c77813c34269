"""A publicity word (张贴, 宣传 …) inside 对…的<person> describes the person; the act after it is the worker's.

Found by the integrator on a ledger row written as a clerk writes it: 对违规张贴小广告的当事人罚款 was cleared as
service because 张贴 opened a publicity scope that swallowed 罚款. What is posted or taught stays publicity.
"""
import pytest

from gridlaw.lexicon import infer_nature


@pytest.mark.parametrize("text, nature", [
    ("对违规张贴小广告的当事人罚款", "penalty"),
    ("网格员对在电线杆上张贴广告的商户处以罚款", "penalty"),
    ("对乱张贴宣传单的人员没收宣传单", "penalty"),
    ("对私自张贴招租信息的房东罚款二十元", "penalty"),
])
def test_publicity_word_describing_the_person_does_not_hide_the_act(text, nature):
    assert infer_nature(text).value == nature


@pytest.mark.parametrize("text", [
    "宣传对违章户罚款的规定",
    "张贴对违法户罚款的公告",
    "向商户宣传乱贴广告将被罚款",
])
def test_what_is_posted_or_taught_stays_publicity(text):
    r = infer_nature(text)
    assert r.value != "penalty", (text, r.value)
