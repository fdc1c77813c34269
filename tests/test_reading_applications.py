"""The worker who decides an application, or issues the licence after handling it, acts with power.

Written by the integrator after his own probe found both read as service (a 申请 before 进行审批 was taken
for the citizen's application the worker helps with; the 为…办理…证 look-alike swallowed a 并发放 that
follows). The lawful look-alikes beside them must stay service.
"""
import pytest

from gridlaw.lexicon import infer_nature


@pytest.mark.parametrize("text", [
    "网格员对村民的建房申请进行审批",
    "网格员负责对商户的占道经营申请加以审批",
    "网格员为个体户办理并核发营业执照",
    "网格员为申请人办理并颁发养犬许可证",
])
def test_deciding_an_application_or_issuing_the_licence_is_licensing(text):
    assert infer_nature(text).value == "licensing"


@pytest.mark.parametrize("text", [
    "网格员帮助居民申请审批建房",
    "网格员协助居民办理营业执照",
    "网格员对居民申请审批的进度进行跟踪",
    "网格员帮村民准备建房申请审批材料",
])
def test_helping_with_an_application_stays_service(text):
    assert infer_nature(text).value == "service"
