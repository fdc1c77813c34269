"""Infer a task's legal nature from its text, when the act does not state it.

The lexicon is grounded in national law, each term with its source:
《中华人民共和国行政处罚法》第九条 (types of administrative penalty),
《中华人民共和国行政强制法》第九条 (administrative coercive measures) and
第十二条 (methods of coercive enforcement), and
《中华人民共和国行政许可法》第二条 (licensing: 准予其从事特定活动).
No hit presumes an ordinary service task. A hit is only a presumption: the finding says it was inferred and from which
words, and words that describe helping or publicising (协助, 宣传, 告知 …)
make the inference uncertain, so the nature stays unknown for a human to state.
"""
from __future__ import annotations

from dataclasses import dataclass

from .textnorm import normalize

PENALTY = "《中华人民共和国行政处罚法》第九条"
COERCION_MEASURE = "《中华人民共和国行政强制法》第九条"
COERCION_ENFORCEMENT = "《中华人民共和国行政强制法》第十二条"
LICENSING = "《中华人民共和国行政许可法》第二条"

# (term, nature, ground); longer terms first so 没收违法所得 wins over 没收.
TERMS: tuple[tuple[str, str, str], ...] = tuple(sorted((
    ("罚款", "penalty", PENALTY),
    ("没收违法所得", "penalty", PENALTY),
    ("没收非法财物", "penalty", PENALTY),
    ("没收", "penalty", PENALTY),
    ("通报批评", "penalty", PENALTY),
    ("暂扣许可证", "penalty", PENALTY),
    ("暂扣执照", "penalty", PENALTY),
    ("降低资质等级", "penalty", PENALTY),
    ("吊销", "penalty", PENALTY),
    ("限制开展生产经营活动", "penalty", PENALTY),
    ("责令停产停业", "penalty", PENALTY),
    ("责令关闭", "penalty", PENALTY),
    ("限制从业", "penalty", PENALTY),
    ("行政拘留", "penalty", PENALTY),
    ("拘留", "penalty", PENALTY),
    ("行政处罚", "penalty", PENALTY),
    ("处罚", "penalty", PENALTY),
    ("限制公民人身自由", "coercion", COERCION_MEASURE),
    ("查封", "coercion", COERCION_MEASURE),
    ("扣押", "coercion", COERCION_MEASURE),
    ("暂扣", "coercion", COERCION_MEASURE),
    ("冻结", "coercion", COERCION_MEASURE),
    ("行政强制", "coercion", COERCION_MEASURE),
    ("加处罚款", "coercion", COERCION_ENFORCEMENT),
    ("加处滞纳金", "coercion", COERCION_ENFORCEMENT),
    ("划拨存款", "coercion", COERCION_ENFORCEMENT),
    ("拍卖", "coercion", COERCION_ENFORCEMENT),
    ("排除妨碍", "coercion", COERCION_ENFORCEMENT),
    ("恢复原状", "coercion", COERCION_ENFORCEMENT),
    ("代履行", "coercion", COERCION_ENFORCEMENT),
    ("强制拆除", "coercion", COERCION_ENFORCEMENT),
    ("强制执行", "coercion", COERCION_ENFORCEMENT),
    ("强制", "coercion", COERCION_MEASURE),
    ("行政许可", "licensing", LICENSING),
    ("许可", "licensing", LICENSING),
    ("审批", "licensing", LICENSING),
    ("核发", "licensing", LICENSING),
    ("发证", "licensing", LICENSING),
    ("颁发", "licensing", LICENSING),
    ("准予", "licensing", LICENSING),
), key=lambda t: -len(t[0])))

# Words that put the task beside the power rather than exercising it.
HEDGES = ("协助", "配合", "宣传", "告知", "提醒", "劝导", "上报", "报告", "排查", "登记", "采集", "代办", "帮办", "咨询")
# When several natures match, the strongest decides (coercion > penalty > licensing).
_RANK = {"coercion": 3, "penalty": 2, "licensing": 1}


@dataclass(frozen=True, slots=True)
class Inference:
    fact: str
    value: object
    words: tuple[str, ...]
    grounds: tuple[str, ...]
    uncertain: tuple[str, ...] = ()  # hedging words that kept the value from being used

    def to_dict(self) -> dict:
        return {"fact": self.fact, "value": self.value, "words": list(self.words),
                "grounds": list(self.grounds), "uncertain": list(self.uncertain)}


def infer_nature(text: str, fact: str = "task.nature") -> Inference:
    """The legal nature suggested by the task text; ``service`` when no term matches."""
    norm = normalize(text)
    hits: list[tuple[str, str, str]] = []
    rest = norm
    for term, nature, ground in TERMS:
        if term in rest:
            hits.append((term, nature, ground))
            rest = rest.replace(term, "\0")  # a term is counted once, not again inside a longer one
    if not hits:
        return Inference(fact, "service", (), ())
    nature = max((h[1] for h in hits), key=_RANK.__getitem__)
    words = tuple(h[0] for h in hits if h[1] == nature)
    grounds = tuple(dict.fromkeys(h[2] for h in hits if h[1] == nature))
    hedges = tuple(w for w in HEDGES if w in norm)
    return Inference(fact, nature, words, grounds, hedges)
