"""Read a task's text as a lawyer does: who is asked to do what (issue 7).

The text is read in simplified script with its punctuation kept: punctuation
ends a clause, so 检查，封闭式阳台 is never 查封. Mentions — 《titles》 and
quoted words — are set aside first. Every term of the vocabulary
(``vocabulary.yaml``) found in a clause gets a frame that says who acts:

=============  ==========================================================
worker         the grid worker does it (named, 由网格员, or the implied subject)
assists        the worker assists a named official or body (协助执法人员查封)
referred       the worker reports or hands it on (上报, 移交, 报执法局 …)
other_actor    another body does it (由执法局依法罚款, 城管负责处罚)
negated        it is forbidden or denied (不得, 严禁, 无权 …)
status         a status or past event (被罚款, 已查封, 强制隔离戒毒人员)
applicant      a citizen's application the worker helps with (申请建房审批)
publicity      it is what the worker tells or teaches (宣传…违者将被罚款)
mention        it stands in a title or quotation
look_alike     a longer word that only looks like it (没收到, 强制保险)
=============  ==========================================================

Only a term in the ``worker`` frame puts a power act on the worker. Three
outcomes, never a silent presumption: a power act (the strongest class
counted: coercion > penalty > licensing > other administrative act);
service (a positive service verb and no power act; ``assists`` is service
with ``task.assists_power_act`` set, for review); unclassified (neither), which
leaves the nature unknown so the decision names the missing fact.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .vocabulary import Vocabulary, default

RANK = {"coercion": 4, "penalty": 3, "licensing": 2, "other_administrative": 1}
POWER = ("licensing", "penalty", "coercion")
FRAMES_ZH = {
    "worker": "由网格员实施", "assists": "网格员协助行政机关工作人员实施", "referred": "网格员只上报、移交",
    "other_actor": "由其他机关实施", "negated": "被否定（不得、严禁、无权等）", "status": "状态或已发生的事",
    "publicity": "宣传、告知的内容", "applicant": "群众的申请事项（网格员帮办）", "mention": "引述（书名号、引号内）", "look_alike": "形近词，非该用语",
}
SERVICE_GROUND = "一般服务事项：文本未将行政许可、处罚、强制或其他行政行为交由网格员实施"
_MENTION = re.compile(r"《[^《》]*》|“[^“”]*”|\"[^\"]*\"|‘[^‘’]*’|「[^「」]*」|『[^『』]*』|〈[^〈〉]*〉")
_CLAUSE_END = "，,。；;！!？?：:\n\r"
_SENTENCE_END = "。；;！!？?\n\r"
_SPACE = re.compile(r"\s+")
_PLACES = "(?:县|镇|区|市|街道|乡|村|社区)?"


@dataclass(frozen=True, slots=True)
class Match:
    """One term found in one clause, with its frame and whether it counts."""

    term: str
    words: str
    cls: str
    clause_no: int
    clause: str
    frame: str
    ground: str
    note: str | None = None

    @property
    def counted(self) -> bool:
        return self.frame == "worker"

    def to_dict(self) -> dict:
        return {"term": self.term, "words": self.words, "class": self.cls, "clause_no": self.clause_no,
                "clause": self.clause, "frame": self.frame, "frame_zh": FRAMES_ZH[self.frame],
                "ground": self.ground, "counted": self.counted,
                "why": None if self.counted else FRAMES_ZH[self.frame]}


@dataclass(frozen=True, slots=True)
class Inference:
    """A fact filled from the task text (or a checklist), and how.

    ``clause``, ``term``, ``frame`` and ``ground`` name what decided the value;
    ``matches`` lists every term of every class found, counted or discounted."""

    fact: str
    value: object
    outcome: str                      # power_act | assists | service | unclassified | checklist
    clause: str | None = None
    term: str | None = None
    frame: str | None = None
    ground: str | None = None
    words: tuple[str, ...] = ()       # the deciding words
    grounds: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    service_verbs: tuple[str, ...] = ()
    source: str = "text"
    assists: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {"fact": self.fact, "value": self.value, "outcome": self.outcome, "source": self.source,
                "clause": self.clause, "term": self.term, "frame": self.frame, "ground": self.ground,
                "words": list(self.words), "grounds": list(self.grounds),
                "matches": [m.to_dict() for m in self.matches], "service_verbs": list(self.service_verbs),
                **self.extra}


class Reader:
    """The vocabulary compiled into one scanning regex and a few frame regexes."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        f = vocab.frames
        alts: list[tuple[int, str, str]] = []  # (priority, group, regex)
        for i, t in enumerate(vocab.terms):
            for j, g in enumerate(t.guards):
                alts.append((0, f"g{i}_{j}", g))
            alts.append((1 if not t.regex.replace("\\", "").isalnum() else 2, f"t{i}", t.regex))
        # guards first (longest first), then patterns, then literals longest first: at one position the
        # first alternative that matches wins, so a look-alike beats its term and 没收违法所得 beats 没收.
        alts.sort(key=lambda a: (a[0], -len(a[2])))
        self.scan = re.compile("|".join(f"(?P<{name}>{rx})" for _, name, rx in alts))
        agencies = (f"(?:{'|'.join(sorted(map(re.escape, f['agency_prefixes']), key=len, reverse=True))})"
                    f"(?:{'|'.join(sorted(map(re.escape, f['agency_nouns']), key=len, reverse=True))})|"
                    + "|".join(sorted(map(re.escape, f["agencies"]), key=len, reverse=True)))
        self.negators = _alt(f["negators"])
        self.referral = re.compile(f"(?:{'|'.join(map(re.escape, f['referral']))})|"
                                   f"(?:{'|'.join(map(re.escape, f['referral_to_agency']))}){_PLACES}(?:{agencies})")
        self.publicity = _alt(f["publicity"])
        self.by_agency = re.compile(f"由{_PLACES}(?:{agencies}|其)")
        self.assist = re.compile(f"(?<![不拒未])(?:{'|'.join(map(re.escape, f['assist']))}){_PLACES}(?:{agencies})")
        self.worker = _alt(f["worker"])
        self.assist_end = re.compile(f"(?<![不拒未])(?:{'|'.join(map(re.escape, f['assist']))})(?:做好|开展|实施|进行|做)?$")
        self.actor = re.compile(f"(?P<w>{'|'.join(map(re.escape, f['worker']))})|(?P<a>{_PLACES}(?:{agencies}))")
        self.passive_not = tuple(f["passive_not"])
        self.passive = tuple(f["passive"])
        self.before_status = tuple(f["before_status"])
        self.after_status = tuple(f["after_status"])
        self.conditions = _alt(f["conditions"])
        self.applications = re.compile(f"(?:{_alt(f['applications']).pattern})(?!作出|予以|给予)[^，,。；;]{{0,2}}$")
        self.topics = tuple(f["topics"])
        self.on_behalf = tuple(f["on_behalf"])
        vneg = "".join(f["verb_negators"])
        self.service = re.compile(f"(?<![{re.escape(vneg)}])(?:{'|'.join(sorted(map(re.escape, vocab.service), key=len, reverse=True))})")

    # ------------------------------------------------------------------ reading

    def read(self, text: str, fact: str = "task.nature") -> Inference:
        from .textnorm import to_simplified

        plain = _SPACE.sub("", to_simplified(text))
        masked, mentions = self._set_aside(plain)
        starts, ends = _clauses(masked)
        matches: list[Match] = []
        for a, b in mentions:  # terms inside titles and quotations: shown, never counted
            for m in self.scan.finditer(plain, a, b):
                mt = self._match(m, plain, starts, ends, "mention")
                if mt is not None:
                    matches.append(mt)
        scope = self._publicity_scope(masked, starts, ends)
        for m in self.scan.finditer(masked):
            k = bisect.bisect_right(starts, m.start()) - 1
            name = m.lastgroup or ""
            if name.startswith("g"):
                frame = "look_alike"
            elif k in scope:
                frame = "publicity"
            else:
                frame = self._frame(masked, starts[k], ends[k], m.start(), m.end())
            mt = self._match(m, plain, starts, ends, frame)
            if mt is not None:
                matches.append(mt)
        verbs = self._service(masked, starts, ends)
        return _decide(fact, matches, verbs, plain, starts, ends)

    def _match(self, m: re.Match, plain: str, starts: list[int], ends: list[int], frame: str) -> Match | None:
        name = m.lastgroup or ""
        idx = int(name[1:].split("_")[0])
        t = self.vocab.terms[idx]
        k = bisect.bisect_right(starts, m.start()) - 1
        return Match(t.shown, plain[m.start():m.end()], t.cls, k + 1, plain[starts[k]:ends[k]], frame, t.ground.text, t.note)

    @staticmethod
    def _set_aside(plain: str) -> tuple[str, list[tuple[int, int]]]:
        if not any(c in plain for c in "《“\"‘「『〈"):
            return plain, []
        spans = [(m.start(), m.end()) for m in _MENTION.finditer(plain)]
        if not spans:
            return plain, []
        out, last = [], 0
        for a, b in spans:  # keep the brackets, blank the inside: offsets stay, clauses do not break inside
            out += [plain[last:a + 1], "\x1f" * (b - a - 2), plain[b - 1:b]]
            last = b
        out.append(plain[last:])
        return "".join(out), spans

    def _publicity_scope(self, masked: str, starts: list[int], ends: list[int]) -> set[int]:
        """Clauses after 宣传…： / 告知…： up to the end of the sentence are what is said."""
        if ":" not in masked and "：" not in masked:
            return set()
        scope: set[int] = set()
        on = False
        for k, (a, b) in enumerate(zip(starts, ends)):
            if on:
                scope.add(k)
            end = masked[b:b + 1]
            if end in "：:" and self.publicity.search(masked, a, b):
                on = True
            elif end and end in _SENTENCE_END:
                on = False
        return scope

    def _frame(self, s: str, cs: int, ce: int, a: int, b: int) -> str:
        pre = s[cs:a]
        if self.negators.search(pre) or pre.endswith("不"):
            return "negated"
        for p in self.passive:
            i = pre.rfind(p)
            if i >= 0 and len(pre) - i - 1 <= 4 and not pre.startswith(self.passive_not, i):
                return "status"
        post = s[b:ce]
        if (pre.endswith(self.before_status) or post.startswith(self.after_status) or self.conditions.search(pre)
                or (not pre and post.startswith("的"))):
            return "status"
        if self.publicity.search(pre):
            return "publicity"
        if self.applications.search(pre):
            return "applicant"
        if post.startswith(self.topics):
            return "mention"
        ref = None
        for ref in self.referral.finditer(pre):
            pass
        if ref is not None and not self.worker.search(pre, ref.end()):  # 交给网格员罚款: the worker acts
            return "referred"
        if self.by_agency.search(s, cs, ce):
            return "other_actor"
        if self.assist.search(pre) or self.assist_end.search(pre):
            return "assists"
        return "other_actor" if self._last_actor(s, a) == "agency" else "worker"

    def _last_actor(self, s: str, a: int) -> str | None:
        """Who last acts before position a in its sentence: the worker, an agency, or no one named."""
        lo = max(s.rfind(c, 0, a) for c in _SENTENCE_END) + 1
        who = None
        for m in self.actor.finditer(s, lo, a):
            if m.lastgroup == "w":
                who = "worker"
                continue
            before = s[max(lo, m.start() - 2):m.start()]
            if before.endswith(self.on_behalf):
                who = "worker"        # 替城管开罚单: the worker acts in the agency's place
            elif before[-1:] and before[-1] in "报告知交送向给对找和与助合同传":
                continue              # the agency is an object: 报执法局, 协助城管, 向公安机关
            else:
                who = "agency"
        return who

    def _service(self, s: str, starts: list[int], ends: list[int]) -> list[tuple[str, int]]:
        out = []
        for m in self.service.finditer(s):
            k = bisect.bisect_right(starts, m.start()) - 1
            if not self.negators.search(s, starts[k], m.start()):
                out.append((m.group(), k))
        return out


def _alt(words) -> re.Pattern:
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


def _clauses(s: str) -> tuple[list[int], list[int]]:
    starts, ends, a = [], [], 0
    for i, ch in enumerate(s):
        if ch in _CLAUSE_END:
            starts.append(a)
            ends.append(i)
            a = i + 1
    starts.append(a)
    ends.append(len(s))
    return starts, ends


def _decide(fact: str, matches: list[Match], verbs: list[tuple[str, int]], plain: str,
            starts: list[int], ends: list[int]) -> Inference:
    counted = [m for m in matches if m.counted]
    verb_names = tuple(dict.fromkeys(v for v, _ in verbs))
    if counted:
        cls = max((m.cls for m in counted), key=RANK.__getitem__)
        deciding = [m for m in counted if m.cls == cls]
        first = deciding[0]
        return Inference(fact, cls, "power_act", first.clause, first.term, "worker", first.ground,
                         tuple(dict.fromkeys(m.words for m in deciding)),
                         tuple(dict.fromkeys(m.ground for m in deciding)), tuple(matches), verb_names)
    assisted = [m for m in matches if m.frame == "assists"]
    if assisted:
        first = assisted[0]
        return Inference(fact, "service", "assists", first.clause, first.term, "assists", first.ground,
                         tuple(dict.fromkeys(m.words for m in assisted)),
                         tuple(dict.fromkeys(m.ground for m in assisted)), tuple(matches), verb_names, assists=True)
    if verbs:
        verb, k = verbs[0]
        return Inference(fact, "service", "service", plain[starts[k]:ends[k]], verb, "worker", SERVICE_GROUND,
                         verb_names, (SERVICE_GROUND,), tuple(matches), verb_names)
    return Inference(fact, None, "unclassified", matches=tuple(matches))


@functools.lru_cache(maxsize=1)
def reader() -> Reader:
    return Reader(default())


def infer_nature(text: str, fact: str = "task.nature") -> Inference:
    """How the task text reads: a power act, service (maybe assisting), or unclassified (value None)."""
    return reader().read(text, fact)


def assists_inference(nature: Inference) -> Inference:
    """task.assists_power_act as the same reading says: true when the worker assists an official's power act."""
    if nature.assists:
        return Inference("task.assists_power_act", True, "assists", nature.clause, nature.term, "assists",
                         nature.ground, nature.words, nature.grounds)
    return Inference("task.assists_power_act", False, nature.outcome, nature.clause, nature.term, nature.frame,
                     nature.ground, extra={"reason": "文本未见网格员协助行政机关工作人员实施许可、处罚、强制等行为"})
