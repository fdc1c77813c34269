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
topic          the term names a topic or paper, not an act (处罚种类, 开具证明的材料)
on_worker      done to the grid worker, not by him (对工作不力的网格员通报批评)
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
import gc
import heapq
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .textnorm import to_simplified
from .vocabulary import Vocabulary, default, expand_leading, first_literal

RANK = {"coercion": 4, "penalty": 3, "licensing": 2, "other_administrative": 1}
POWER = ("licensing", "penalty", "coercion")
FRAMES_ZH = {
    "worker": "由网格员实施", "assists": "网格员协助行政机关工作人员实施", "referred": "网格员只上报、移交",
    "other_actor": "由其他机关实施", "negated": "被否定（不得、严禁、无权等）", "status": "状态或已发生的事",
    "publicity": "宣传、告知的内容", "applicant": "群众的申请事项（网格员帮办）",
    "topic": "用作名词（处罚种类、证明材料），非行为", "on_worker": "针对网格员本人（考核、批评），非交办任务", "mention": "引述（书名号、引号内）", "look_alike": "形近词，非该用语",
    "by_citizen": "由当事人自行实施（网格员引导、督促、帮助）",
}
FORBIDS_GROUND = "文本只禁止网格员实施（不得、严禁等），未将许可、处罚、强制等行为交由网格员"
DOUBT_REASON = "任务性质未能由文本推定：“{words}”由网格员实施，可能是处罚、强制等行为，文本未说明；请说明任务性质。"
_PLACE_AFTER = ("门口", "门前", "大院", "附近", "周边", "大厅", "对面", "旁边", "楼下", "院内")
WRONG_ACT_NOTE = "对违规行为或违规者采取的行为，词表不能识别：可能是处罚、强制等行为"
_TOPIC_OPENERS = ("对", "针对", "凡", "如", "若", "如果", "凡是", "关于", "对于")
ESCALATION_NOTE = "劝导无效后网格员采取的行为，词表不能识别：可能是处罚、强制等行为"
_FAILED = re.compile("无效|未果|无果|不听|拒不|仍不|拒绝|不理睬|不予理睬")
WRONGDOER_NOTE = "对违规者实施：此处的用语是对其人身或财物采取的措施，视为相应的处罚、强制等行为"
SERVICE_GROUND = "一般服务事项：文本未将行政许可、处罚、强制或其他行政行为交由网格员实施"
_MENTION = re.compile(r"《[^《》\x1e]*》|“[^“”\x1e]*”|\"[^\"\x1e]*\"|‘[^‘’\x1e]*’|「[^「」\x1e]*」|『[^『』\x1e]*』|〈[^〈〉\x1e]*〉")
_SEP = "\x1e"  # joins texts read together; a clause and sentence end that no term, frame or quotation crosses
_SEP_RX = re.compile(_SEP)
_SPACES = re.compile(r"[^\S\n\r\x1e]+")  # whitespace inside a text is dropped; line breaks end clauses
_CLAUSE_END = "，,。；;！!？?：:\n\r\x1e"
_SENTENCE_END = "。；;！!？?\n\r\x1e"
_PLACE_WORDS = ("街道", "社区", "县", "镇", "区", "市", "乡", "村")
_PLACES = "(?:" + "|".join(_PLACE_WORDS) + ")?"
_SENTENCE = re.compile("[。；;！!？?\\n\\r\\x1e]")


class Match(NamedTuple):
    """One term found in one clause, with its frame and whether it counts (a tuple: cheap to make)."""

    term: str
    words: str
    cls: str
    clause_no: int
    clause: str
    frame: str
    ground: str
    note: str | None = None
    at: int = 0  # position in the text as read, for ordering only

    @property
    def counted(self) -> bool:
        return self.frame == "worker"

    def to_dict(self) -> dict:
        return {"term": self.term, "words": self.words, "class": self.cls, "clause_no": self.clause_no,
                "clause": self.clause, "frame": self.frame, "frame_zh": FRAMES_ZH[self.frame],
                "ground": self.ground, "counted": self.counted,
                "why": None if self.counted else FRAMES_ZH[self.frame]}


@dataclass(slots=True)
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
    # every power class the worker frame holds, strongest first (``value`` is the first), and per class
    # its words, grounds and first clause: several natures in one task each keep their own ground (C2)
    natures: tuple[str, ...] = ()
    by_nature: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = ()

    def nature_findings(self) -> list[dict]:
        return [{"nature": c, "words": list(w), "grounds": list(g), "clause": cl} for c, w, g, cl in self.by_nature]

    def brief(self) -> dict:
        """What a one-line explanation needs (report.nature_text), without building every match's dict:
        of the matches, only the discounted ones (the line names only those)."""
        return {"fact": self.fact, "value": self.value, "outcome": self.outcome, "source": self.source,
                "clause": self.clause, "term": self.term, "ground": self.ground, "words": self.words,
                "grounds": self.grounds, **self.extra, "natures": self.nature_findings(),
                "matches": [{"words": m[1], "frame": m[5], "clause": m[4], "counted": False}
                            for m in self.matches if m[5] != "worker"]}

    def to_dict(self) -> dict:
        return {"fact": self.fact, "value": self.value, "outcome": self.outcome, "source": self.source,
                "clause": self.clause, "term": self.term, "frame": self.frame, "ground": self.ground,
                "words": list(self.words), "grounds": list(self.grounds),
                "matches": [m.to_dict() for m in self.matches], "service_verbs": list(self.service_verbs),
                "natures": self.nature_findings(), **self.extra}


class Reader:
    """The vocabulary compiled into one scanning regex and a few frame regexes."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        f = vocab.frames
        alts: list[tuple[int, str, str]] = []  # (priority, group, regex)
        self.names: dict[str, tuple[int, bool]] = {}  # group -> (term index, is a guard)
        for i, t in enumerate(vocab.terms):
            for j, g in enumerate(t.guards):
                alts.append((0, f"g{i}_{j}", g))
                self.names[f"g{i}_{j}"] = (i, True)
            for j, g in enumerate(t.quiet):
                alts.append((0, f"q{i}_{j}", g))
                self.names[f"q{i}_{j}"] = (i, None)  # a guard not shown
            # at one position a power term beats a doubtful or assisted word (勒令停业 over 勒令)
            weak = 2 if t.cls in ("doubtful", "assisted") else 0
            alts.append(((1 if not t.regex.replace("\\", "").isalnum() else 2) + weak, f"t{i}", t.regex))
            self.names[f"t{i}"] = (i, False)
        # guards first (longest first), then patterns, then literals longest first: at one position the
        # first alternative that matches wins, so a look-alike beats its term and 没收违法所得 beats 没收.
        alts.sort(key=lambda a: (a[0], -len(a[2])))
        # a gap in a pattern ([^，。…]{0,14}) never crosses a line or the separator of texts read together
        alts_named = [(name, rx.replace("[^", "[^\\x1e\\n\\r")) for _, name, rx in alts]
        self.scan = Scanner(alts_named)
        for g in _GROUP_NAME.findall("".join(self.scan.sources)):  # t3x0, t3x1 … -> (term index, is a guard)
            self.names[g] = self.names[g.partition("x")[0]]
        self.ground_text = [t.ground.text for t in vocab.terms]
        self.term_data = [(t.shown, t.cls, t.ground.text, t.note) for t in vocab.terms]
        agency = _agency_regex(f)
        places = _PLACES
        marks: list[tuple[str, str]] = []   # (kind, regex), kinds: see _frame

        def add(kind: str, words) -> None:
            marks.extend((kind, re.escape(w)) for w in sorted(words, key=len, reverse=True))

        add("N", f["negators"])
        marks.append(("P", "被(?!" + "|".join(re.escape(w[1:]) for w in f["passive_not"] if w.startswith("被")) + ")"))
        add("P", [w for w in f["passive"] if w != "被"])
        add("C", f["conditions"])
        add("U", f["publicity"])
        marks += [("A", re.escape(w) + "(?!人|书|表)") for w in sorted(f["applications"], key=len, reverse=True)]
        add("D", f["agency_for"])
        marks.append(("D", "(?:帮|替|为|代)[^，,。；;：:！!？?\\x1e\\n\\r]{1,6}?(?:办理|申请|申报|递交|代办)"))  # 帮老人办理…年审
        marks += [("B", f"由{places}(?:{agency}|其)")]
        marks += [("S", f"{re.escape(v)}{places}(?:{agency})") for v in f["assist"]]
        marks += [("R", f"{re.escape(v)}{places}(?:{agency})") for v in f["referral_to_agency"]]
        add("R", f["referral"])
        add("T", f["contact"])
        add("W", f["worker"])
        add("K", f["persuasion"])
        # 帮住户关掉水闸, 替老人交电费: done for a person, on his own things, at his wish (not to him)
        marks.append(("H", "(?:帮助|帮忙|帮|替)(?:" + "|".join(sorted(map(re.escape, f["helped"]), key=len, reverse=True)) + ")"))
        add("J", f["conjunctions"])
        add("I", f["information"])
        marks += [("G", rx) for rx in _agency_entries(f)]
        self.kinds: dict[str, str] = {}
        named = []
        for n, (kind, rx) in enumerate(marks):
            self.kinds[f"m{n}"] = kind
            named.append((f"m{n}", rx))
        self.markers = Scanner(named)
        for g in _GROUP_NAME.findall("".join(self.markers.sources)):
            self.kinds[g] = self.kinds[g.partition("x")[0]]
        self.not_before = frozenset("不拒未绝意")  # 不配合, 拒绝配合, 同意配合: the citizen, not the worker
        self.assist_verbs = tuple(f["assist"])
        self.assist_end = tuple(v + tail for v in f["assist"] for tail in ("", "做好", "开展", "实施", "进行", "做"))
        self.before_status = tuple(f["before_status"])
        self.after_status = tuple(f["after_status"])
        self.topics = tuple(f["topics"])
        self.on_behalf = tuple(f["on_behalf"])
        self.object_before = frozenset("报告知交送向给对找和与助合同传")
        self.verb_negators = frozenset(f["verb_negators"])
        heads = "|".join(sorted(map(re.escape, f["attributive_heads"]), key=len, reverse=True))
        things = "|".join(sorted(map(re.escape, f["attributive_objects"]), key=len, reverse=True))
        # 查封扣押财物的去向 (a record of the act, at a distance), 查封的厂房 (a thing, right after the term)
        self.attributive = re.compile(f"[^，,。；;：:的\\x1e]{{0,8}}的(?:{heads})|(?:了|过|后)?的(?:{things})")
        service = [(None, re.escape(w)) for w in sorted(vocab.service, key=len, reverse=True)]
        self.service = Scanner(service, prefilter=True)
        # doubtful residue (issue 17): words that keep a worker's clause unexplained where no term or service
        # verb covers them (把渔网剪烂扔掉, 每户收取三百元): a service verb elsewhere then cannot clear the text
        res: list[tuple[int, str, str]] = []
        self.rnames: dict[str, tuple[int, bool]] = {}
        for i, t in enumerate(vocab.residue):
            for j, g in enumerate(t.guards):
                res.append((0, f"h{i}_{j}", g))
                self.rnames[f"h{i}_{j}"] = (i, True)
            res.append((1, f"r{i}", t.regex))
            self.rnames[f"r{i}"] = (i, False)
        res.sort(key=lambda a: (a[0], -len(a[2])))
        res_named = [(name, rx.replace("[^", "[^\\x1e\\n\\r")) for _, name, rx in res]
        self.rscan = Scanner(res_named, prefilter=True) if res_named else None
        if self.rscan is not None:
            for g in _GROUP_NAME.findall("".join(self.rscan.sources)):
                self.rnames[g] = self.rnames[g.partition("x")[0]]
        self.residue_data = [(t.shown, t.cls, t.ground.text, t.note) for t in vocab.residue]
        # issue 17, session 4: a doubtful word done to a wrongdoer (对乱停车的车主, 违规摆摊的) is the power act it
        # names (扣 → 扣押, 收…元 → 罚款, 公布…姓名 → 通报批评): the frame of a sanction, not the word, decides
        strong: dict[str, tuple[str, str]] = {}
        weak: dict[str, tuple[str, str]] = {}   # an anchor (把…) only where no other word names the act
        for t in (*vocab.terms, *vocab.residue):
            if t.power is not None:
                (weak if t.anchor else strong).setdefault(t.shown, (t.power[0], t.power[1].text))
        self.promote = (strong, weak)
        self.wrong = re.compile("|".join(sorted(map(re.escape, f["wrongdoing"]), key=len, reverse=True)))
        # permission (须经/凭 网格员 签字 … 方可/才): the worker's consent is what lets another act — a licence in all
        # but name — unless a body, a publicity or a negation word stands between the worker and the consent
        ends = "。；;！!？?\\n\\r\\x1e"
        block = "|".join(sorted(map(re.escape, (*f["negators"], *f["publicity"], *f["referral"], *f["contact"], *f["persuasion"])),
                                key=len, reverse=True))
        self.permission_block = re.compile(f"{block}|{agency}|[{ends}]")
        self.permission_worker = tuple(f["worker"][:4])  # 网格员, 网格长 …: named, not 大家/你们
        consent = "|".join(sorted(map(re.escape, f["consent"]), key=len, reverse=True))
        permitted = "|".join(sorted(map(re.escape, f["permitted"]), key=len, reverse=True))
        # consent … permitted first (rare), then the worker looked for just before it: one cheap pass per batch
        self.permission = re.compile(f"(?:{consent})[^{ends}]{{0,8}}?(?:{permitted})")
        self.permission_ground = vocab.grounds["licensing"].text
        self.doubt_ground = vocab.grounds["doubtful"].text
        self.persons = re.compile("有人|" + "|".join(sorted(map(re.escape, f["helped"]), key=len, reverse=True)))
        self.residue_anchor = [t.anchor for t in vocab.residue]
        self.residue_strong = [t.strong for t in vocab.residue]
        # clause readings are kept while no regex can match a clause end; where one could (a gap pattern
        # that allows a comma), ``crossing`` finds the texts to read whole; None: read every text whole.
        self._entries = alts_named + named + service + res_named
        self._words = [w for key in ("on_behalf", "verb_negators", "assist", "before_status", "after_status", "topics",
                                     "attributive_heads")
                       for w in f[key]]
        self.cache: dict[str, tuple] = {}
        self.known: dict[str, bool] = {}

    @functools.cached_property
    def crossing(self) -> list[re.Pattern] | None:
        """Built on the first batch (≈ 80 ms of regex parsing: kept off `gridlaw check`'s start-up)."""
        return _crossing_check(self._entries, self._words)

    # ------------------------------------------------------------------ reading

    def read(self, text: str, fact: str = "task.nature") -> Inference:
        return self.read_many([text], fact)[0]

    def read_many(self, texts: list[str], fact: str = "task.nature") -> list[Inference]:
        """Read many texts; each reading is exactly what ``read`` gives.

        A clause is read once and its reading kept (``_clause_readings``): what a term's frame depends
        on beyond its clause — who last acted earlier in the sentence, a 宣传…： that makes later clauses
        publicity — is kept per clause as data and put together here, text by text. A text is read
        whole (``_read_whole``) only where a quotation, or a term the vocabulary lets cross a comma,
        could span two clauses."""
        if not texts:
            return []
        # the separator is ours: inside a text (a stray control character) it ends a line, as \n does
        texts = [t.replace(_SEP, "\n") if _SEP in t else t for t in texts]
        plain = _SPACES.sub("", to_simplified(_SEP.join(texts)))
        count = len(texts)
        # a few texts (`gridlaw check`) are read whole: keeping clause readings pays off on batches
        if count < _FEW or self.crossing is None or plain.count(_SEP) != count - 1:  # or a separator inside a text
            return self._read_whole(plain, count, fact)
        pieces = _DELIM_SPLIT.split(plain)   # clause, delimiter, clause, … ; texts end at the separator
        whole, tstarts = self._spanning(plain)
        cache = self.cache
        if len(cache) > _CACHE_MAX:
            cache.clear()
        fresh = list(dict.fromkeys([c for c in pieces[::2] if c not in cache]))  # (not set - keys: that walks the cache)
        if fresh:
            cache.update(zip(fresh, self._clause_readings(fresh)))
        out: list = []
        matches: list[Match] = []
        verbs: list[tuple[str, str]] = []
        carry = None      # who last acted in the sentence so far (``_last_actor``)
        wrong = False     # the text names a wrongdoer (frames.wrongdoing, or a 的-topic: 乱停车的，)
        permits = self._permissions(plain)
        tstart = 0
        scope = False     # after 宣传…：, up to the end of the sentence (``_publicity_scope``)
        off = k = 0
        skip = 0 in whole
        tnew = tuple.__new__
        pieces.append(_SEP)
        it = iter(pieces)
        for c, d in zip(it, it):
            if not skip:
                k += 1
                r = cache[c]
                if r is not None:
                    ms, vs, end_actor, has_u, w = r
                    if w:
                        wrong = True
                    for ra, rb, kind, frame, local, shown, cls, ground, note in ms:
                        if kind == 1:
                            if scope:
                                frame = "publicity"
                            elif not frame:
                                frame = "other_actor" if (local if local is not None else carry) == "agency" else "worker"
                        matches.append(tnew(Match, (shown, c[ra:rb], cls, k, c, frame, ground, note, off + ra)))
                    if vs:
                        verbs += vs  # (verb, clause) pairs, made once per clause
                    if end_actor is not None:
                        carry = end_actor
                    if has_u and d in "：:":
                        scope = True
                if d in "，," and c.endswith("的"):
                    wrong = True   # 违规燃放烟花的，…: the 的-topic of a sanction
                if d in _SENTENCE_END:
                    scope = False
                    carry = None
            off += len(c) + 1
            if d == _SEP:
                if skip:
                    out.append(None)
                else:
                    if permits and tstart in permits:
                        matches.append(permits[tstart])
                    inf = _decide(fact, matches, verbs.copy, self.promote if wrong else None)
                    if inf.outcome == "service":  # about to be cleared: is an act left that nothing explains?
                        inf = self._unexplained(inf, plain, tstart, off - 1)
                    out.append(inf)
                    matches, verbs, k = [], [], 0
                skip = len(out) in whole
                wrong = False
                tstart = off
        if whole:
            idx = list(whole)
            if tstarts is None:
                tstarts = [0] + [m.end() for m in _SEP_RX.finditer(plain)] + [len(plain) + 1]
            sub = [plain[tstarts[i]:tstarts[i + 1] - 1] for i in idx]
            at = 0
            for i, tp, inf in zip(idx, sub, self._read_whole(_SEP.join(sub), len(sub), fact)):
                shift = tstarts[i] - at  # positions as if read with the whole batch (ordering only)
                if shift and inf.matches:
                    inf.matches = tuple(m._replace(at=m.at + shift) for m in inf.matches)
                out[i] = inf
                at += len(tp) + 1
        return out

    def _spanning(self, plain: str) -> tuple[dict[int, None], list[int] | None]:
        """The texts (by index) where a term or a quotation spans two clauses, and the texts' starts."""
        tstarts = None
        whole: dict[int, None] = {}   # texts where a term or a quotation spans two clauses
        for rx in self.crossing:
            for m in rx.finditer(plain):
                if _DELIM.search(plain, m.start(), m.end(m.lastindex)):  # type: ignore[arg-type]
                    if tstarts is None:
                        tstarts = [0] + [m.end() for m in _SEP_RX.finditer(plain)] + [len(plain) + 1]
                    whole[bisect.bisect_right(tstarts, m.start()) - 1] = None
        seen = -1
        for m in _OPEN.finditer(plain):
            if tstarts is None:
                tstarts = [0] + [m.end() for m in _SEP_RX.finditer(plain)] + [len(plain) + 1]
            i = bisect.bisect_right(tstarts, m.start()) - 1
            if i != seen and i not in whole:
                seen = i
                if any(_DELIM.search(plain, x, y) for x, y in _mention_spans(plain, tstarts[i], tstarts[i + 1] - 1)):
                    whole[i] = None
        return whole, tstarts

    def _clause_readings(self, clauses: list[str]) -> list[tuple]:
        """What each clause says on its own: its terms (position, term index, kind 0 guard / 1 term /
        2 mention, end, frame — "" when it is decided by who last acts —, who last acted before it in
        the clause), its positive service verbs, who last acts in it, and whether it has a publicity
        word. Read together, joined by the separator (each clause its own sentence)."""
        masked_src = _SEP.join(clauses)
        masked, mentions = self._set_aside(masked_src)
        starts, ends = _clauses(masked)
        marks = [(m.start(), m.end(), self.kinds[m.lastgroup])  # type: ignore[union-attr]
                 for m in self.markers.finditer(masked)]
        mpos = [m[0] for m in marks]
        per: list[list[tuple]] = [[] for _ in clauses]
        names = self.names
        for a, b in mentions:
            k = bisect.bisect_right(starts, a) - 1
            cs = starts[k]
            for m in self.scan.finditer(masked_src, a, b):
                idx, guard = names[m.lastgroup]  # type: ignore[index]
                if guard is not None:
                    per[k].append((m.start() - cs, m.end() - cs, 2, "mention", None) + self.term_data[idx])
        spans: list[tuple[int, int]] = []  # what a term (or a look-alike) explains
        for m in self.scan.finditer(masked):
            idx, guard = names[m.lastgroup]  # type: ignore[index]
            spans.append(m.span())
            if guard is None:
                continue
            a = m.start()
            k = bisect.bisect_right(starts, a) - 1
            cs = starts[k]
            if guard:
                per[k].append((a - cs, m.end() - cs, 0, "look_alike", None) + self.term_data[idx])
                continue
            frame = self._frame(masked, cs, ends[k], a, m.end(), marks, mpos)
            local = self._last_actor(masked, cs, a, marks, mpos) if frame == "" else None
            per[k].append((a - cs, m.end() - cs, 1, frame, local) + self.term_data[idx])
        verbs: list[list[str]] = [[] for _ in clauses]
        found = self._service(masked, starts, ends, marks, mpos)
        for v, k, _ in found:
            verbs[k].append(v)
        for a, b, k, frame, data in self._residue(masked, starts, ends, marks, mpos, spans, found):
            cs = starts[k]
            local = self._last_actor(masked, cs, a, marks, mpos) if frame == "" else None
            per[k].append((a - cs, b - cs, 1, frame, local) + data)
        actors: list[str | None] = [None] * len(clauses)
        publicity = [False] * len(clauses)
        wrong = [False] * len(clauses)
        for m in self.wrong.finditer(masked):
            wrong[bisect.bisect_right(starts, m.start()) - 1] = True
        done: set[int] = set()
        for p, _, kind in marks:
            if kind in "GBWU":
                k = bisect.bisect_right(starts, p) - 1
                if kind == "U":
                    publicity[k] = True
                elif k not in done:
                    done.add(k)
                    actors[k] = self._last_actor(masked, starts[k], ends[k], marks, mpos)
        return [(tuple(sorted(ms, key=_first)) if len(ms) > 1 else tuple(ms), tuple([(v, c) for v in vs]), who, u, w)
                if ms or vs or who or u or w else None
                for c, ms, vs, who, u, w in zip(clauses, per, verbs, actors, publicity, wrong)]

    def _read_whole(self, plain: str, count: int, fact: str) -> list[Inference]:
        """Read ``count`` texts (``plain``: simplified, spaces dropped, joined by the separator) in one
        pass of each regex; the reading before clause readings were kept, for texts whose quotations
        or terms may span clauses."""
        masked, mentions = self._set_aside(plain)
        tstarts = [0] + [m.end() for m in _SEP_RX.finditer(plain)]
        starts, ends = _clauses(masked)
        marks = [(m.start(), m.end(), self.kinds[m.lastgroup])  # type: ignore[union-attr]
                 for m in self.markers.finditer(masked)]
        mpos = [m[0] for m in marks]
        per_text: list[list[Match]] = [[] for _ in range(count)]
        first_clause = [bisect.bisect_right(starts, t) - 1 for t in tstarts]
        for a, b in mentions:  # terms inside titles and quotations: shown, never counted
            i = bisect.bisect_right(tstarts, a) - 1
            for m in self.scan.finditer(plain, a, b):
                if self.names[m.lastgroup][1] is not None:  # type: ignore[index]
                    per_text[i].append(self._match(m, plain, starts, ends, first_clause[i], "mention"))
        scope = self._publicity_scope(masked, starts, ends, marks) if (":" in masked or "：" in masked) else ()
        sentences: list[int] | None = None
        i = 0
        spans: list[tuple[int, int]] = []
        for m in self.scan.finditer(masked):
            a = m.start()
            spans.append(m.span())
            while i + 1 < len(tstarts) and tstarts[i + 1] <= a:
                i += 1
            k = bisect.bisect_right(starts, a) - 1
            idx, guard = self.names[m.lastgroup]  # type: ignore[index]
            if guard is None:
                continue
            if guard:
                frame = "look_alike"
            elif k in scope:
                frame = "publicity"
            else:
                frame = self._frame(masked, starts[k], ends[k], a, m.end(), marks, mpos)
                if frame == "":
                    if sentences is None:
                        sentences = [0] + [x.end() for x in _SENTENCE.finditer(masked)]
                    lo = sentences[bisect.bisect_right(sentences, a) - 1]
                    frame = "other_actor" if self._last_actor(masked, lo, a, marks, mpos) == "agency" else "worker"
            t = self.vocab.terms[idx]
            per_text[i].append(Match(t.shown, plain[a:m.end()], t.cls, k - first_clause[i] + 1, plain[starts[k]:ends[k]],
                                     frame, self.ground_text[idx], t.note, a))
        if self.rscan is not None:
            found = self._service(masked, starts, ends, marks, mpos)
            for a, b, k, frame, data in self._residue(masked, starts, ends, marks, mpos, spans, found):
                i = bisect.bisect_right(tstarts, a) - 1
                if k in scope:
                    frame = "publicity"
                elif frame == "":
                    if sentences is None:
                        sentences = [0] + [x.end() for x in _SENTENCE.finditer(masked)]
                    lo = sentences[bisect.bisect_right(sentences, a) - 1]
                    frame = "other_actor" if self._last_actor(masked, lo, a, marks, mpos) == "agency" else "worker"
                shown, cls, ground, note = data
                per_text[i].append(Match(shown, plain[a:b], cls, k - first_clause[i] + 1, plain[starts[k]:ends[k]],
                                         frame, ground, note, a))
        tends = [t - 1 for t in tstarts[1:]] + [len(masked)]
        wrong = [False] * count
        for m in self.wrong.finditer(masked):
            wrong[bisect.bisect_right(tstarts, m.start()) - 1] = True
        for k, e in enumerate(ends):
            if e and masked[e - 1] == "的" and masked[e:e + 1] in ("，", ","):
                wrong[bisect.bisect_right(tstarts, e - 1) - 1] = True
        permits = self._permissions(plain)
        for i, t in enumerate(tstarts):
            if t in permits:
                per_text[i] = sorted(per_text[i], key=_by_position) + [permits[t]]

        def find_verbs(i: int) -> list[tuple[str, str]]:
            # only where no power act by the worker was found: service verbs cannot change a power act
            return [(v, plain[starts[k]:ends[k]])
                    for v, k, _ in self._service(masked, starts, ends, marks, mpos, tstarts[i], tends[i])]

        out = [_decide(fact, ms if tstarts[i] in permits else sorted(ms, key=_by_position) if len(ms) > 1 else ms,
                       functools.partial(find_verbs, i), self.promote if wrong[i] else None)
               for i, ms in enumerate(per_text)]
        return [self._unexplained(inf, plain, tstarts[i], tends[i]) if inf.outcome == "service" else inf
                for i, inf in enumerate(out)]

    def _unexplained(self, inf: Inference, plain: str, lo: int, hi: int) -> Inference:
        """A service reading, unless the text holds an act nothing explains (``_escalation``): then unknown."""
        if _FAILED.search(plain, lo, hi) is None and self.wrong.search(plain, lo, hi) is None:
            return inf
        doubt = self._escalation(plain, lo, hi)
        if doubt is None:
            return inf
        return _doubtful(inf.fact, [doubt], [*inf.matches, doubt], inf.service_verbs)

    def _escalation(self, plain: str, lo: int, hi: int) -> Match | None:
        """After persuasion fails (劝导无效后, 不听劝的, 拒不…), a clause where the worker acts and nothing the
        vocabulary knows stands (no term, service verb, residue or frame word) is an act the reader cannot
        classify: it keeps the text from being cleared (issue 17, session 4: nothing unknown is cleared)."""
        text = plain[lo:hi]
        fail = _FAILED.search(text)
        if fail is None:
            return self._unexplained_wrong(text, lo) if self.wrong.search(text) else None
        at = fail.end()
        end = _DELIM.search(text, at)
        k = len(_DELIM.findall(text, 0, at))
        while end is not None:
            a = end.end()
            nxt = _DELIM.search(text, a)
            b = nxt.start() if nxt else len(text)
            k += 1
            c = text[a:b]
            if len(c) >= 2 and not self._known(c):
                return Match("劝导无效后的未知行为", c, "doubtful", k + 1, c, "worker", self.doubt_ground, ESCALATION_NOTE,
                             lo + a)
            end = nxt
        return self._unexplained_wrong(text, lo) if self.wrong.search(text) else None

    def _known(self, c: str) -> bool:
        """Whether anything the vocabulary knows (a term, service verb, frame word, residue) stands in clause c;
        kept per clause, as clause readings are."""
        known = self.known.get(c)
        if known is None:
            if len(self.known) > _CACHE_MAX:
                self.known.clear()
            known = self.known[c] = bool(self.scan.finditer(c) or self.service.finditer(c) or self.markers.finditer(c)
                                         or (self.rscan is not None and self.rscan.finditer(c)))
        return known

    def _unexplained_wrong(self, text: str, lo: int) -> Match | None:
        """A clause that names a wrongdoing and holds nothing the vocabulary knows — not a condition (…的,)
        nor a topic (对…) — is something the worker does about a wrongdoer that the reader cannot classify."""
        a = 0
        for k, part in enumerate(_DELIM.split(text)):
            c, a = part, a + len(part) + 1
            w = self.wrong.search(c) if len(c) >= 4 and not c.endswith("的") and not c.startswith(_TOPIC_OPENERS) else None
            if (w is not None and self.persons.search(c, 0, w.start()) is None  # 村里有人乱倒垃圾: another's act
                    and not self._known(c)):
                return Match("对违规者的未知行为", c, "doubtful", k + 1, c, "worker", self.doubt_ground, WRONG_ACT_NOTE,
                             lo + a - len(part) - 1)
        return None

    def _permissions(self, plain: str) -> dict[int, Match]:
        """Per text (by its start in ``plain``), the first permission frame found in it (须经网格员签字方可…)."""
        if "网格" not in plain:
            return {}
        out: dict[int, Match] = {}
        tstarts = None
        for m in self.permission.finditer(plain):
            if tstarts is None:
                tstarts = [0] + [x.end() for x in _SEP_RX.finditer(plain)]
            t = tstarts[bisect.bisect_right(tstarts, m.start()) - 1]
            if t in out:
                continue
            lo = max(t, m.start() - 18)  # the worker within 14 characters before the consent (网格员 is 3 long)
            w = max(plain.rfind(x, lo, m.start()) for x in self.permission_worker)
            if w < 0 or m.start() - w > 17:
                continue
            wend = w + max(len(x) for x in self.permission_worker if plain.startswith(x, w))
            if self.permission_block.search(plain, wend, m.start()):
                continue  # 网格员提醒其须经镇规划办同意方可: a body, a publicity or a negation word between
            head = plain[t:w]
            cs = max(head.rfind(c) for c in _CLAUSE_END) + 1 + t
            ce = _DELIM.search(plain, w)
            clause = plain[cs:ce.start() if ce else len(plain)]
            out[t] = Match("须经网格员同意方可", plain[w:m.end()], "licensing", len(_DELIM.findall(head)) + 1, clause, "worker",
                           self.permission_ground, "网格员的签字、同意是他人从事活动的前提：实为行政许可", w)
        return out

    def _match(self, m: re.Match, plain: str, starts: list[int], ends: list[int], k0: int, frame: str) -> Match:
        idx = self.names[m.lastgroup][0]  # type: ignore[index]
        t = self.vocab.terms[idx]
        k = bisect.bisect_right(starts, m.start()) - 1
        return Match(t.shown, plain[m.start():m.end()], t.cls, k - k0 + 1, plain[starts[k]:ends[k]], frame,
                     self.ground_text[idx], t.note, m.start())

    @staticmethod
    def _set_aside(plain: str) -> tuple[str, list[tuple[int, int]]]:
        if not any(c in plain for c in "《“\"‘「『〈"):
            return plain, []
        spans = [(m.start(), m.end()) for m in _MENTION.finditer(plain) if not _PAPER.search(plain, m.start(), m.end())]
        if not spans:
            return plain, []
        out, last = [], 0
        for a, b in spans:  # keep the brackets, blank the inside: offsets stay, clauses do not break inside
            out += [plain[last:a + 1], "\x1f" * (b - a - 2), plain[b - 1:b]]
            last = b
        out.append(plain[last:])
        return "".join(out), spans

    def _publicity_scope(self, masked: str, starts: list[int], ends: list[int], marks: list) -> set[int]:
        """Clauses after 宣传…： / 告知…： up to the end of the sentence are what is said."""
        scope: set[int] = set()
        on = False
        for k, (a, b) in enumerate(zip(starts, ends)):
            if on:
                scope.add(k)
            end = masked[b:b + 1]
            if end in "：:" and any(kind == "U" and a <= p < b for p, _, kind in marks):
                on = True
            elif end and end in _SENTENCE_END:
                on = False
        return scope

    def _frame(self, s: str, cs: int, ce: int, a: int, b: int, marks: list, mpos: list[int]) -> str:
        """The frame of the term at [a, b) in the clause [cs, ce); "" = decided by who last acts."""
        lo, hi = bisect.bisect_left(mpos, cs), bisect.bisect_left(mpos, a)
        before = [x for x in marks[lo:hi] if x[1] <= a] if hi > lo else ()
        kinds = {kind for _, _, kind in before} if before else ()
        if a > cs and s[a - 1] == "不":
            return "negated"
        if "N" in kinds:
            # 劝说摊主不要摆摊未果，把秤收掉: a failure (未果, 无效, 不听) or 后 ends what was negated;
            # 并 does not (严禁罚款并扣押 forbids both)
            last = max(e for _, e, kind in before if kind == "N")
            if _NEGATION_CONTENT.match(s, last, a):
                pass
            elif not any(kind == "J" and p >= last and s[p:e] not in _KEEPS_NEGATION and s[e:e + 1] != "的"
                       for p, e, kind in before):  # 执法后的处罚: a noun, not a new act
                return "negated"
        if "W" in kinds:  # 对工作不力的网格员予以通报批评: done to the worker, not by him
            for p, _, kind in before:
                if kind == "W" and (s[p - 1:p] == "对" or (s[p - 1:p] == "的" and "对" in s[cs:p])):
                    return "on_worker"
        if "P" in kinds and a - max(e for _, e, kind in before if kind == "P") <= 4:
            return "status"
        pre_end = s[max(cs, a - 3):a]
        post = s[b:ce]
        near_c = "C" in kinds and (post.startswith("的") or a - max(e for _, e, kind in before if kind == "C") <= 4)
        if (pre_end.endswith(self.before_status) or post.startswith(self.after_status) or near_c
                or (post.startswith("的") and not post.startswith(_TASK_HEADS, 1)
                    and (a == cs or "把" in s[cs:a] or "将" in s[cs:a] or "G" in kinds or "B" in kinds))  # 把…签发的通行证
                or (self.attributive.match(s, b, ce) and not pre_end.endswith(("作出", "作", "下达", "出具")))
                or (pre_end.endswith("的") and any(e == a - 1 and kind in "GB" for _, e, kind in before))):
            return "status"  # a status, or an attributive: 核发的残疾证, 执法局的处罚决定
        if "对" in s[cs:a] and _OF_PERSON.match(s, b, ce):
            return "status"  # 对拒不拆除违建的居民: the term describes the person the worker turns to
        if "U" in kinds:  # 宣传禁煤政策后把炉子没收: after 后 (or 并) the worker acts again
            first, last = max((p, e) for p, e, kind in before if kind == "U")
            # 对违规张贴小广告的当事人罚款: the word describes the person (对…的当事人), what follows is the act
            person = "对" in s[cs:first] and (m := _OF_PERSON.match(s, last, a)) is not None and m.end() <= a
            # 在村广播里点名, 公示栏上: the word names a place or a thing there, not what is said
            if (not person and s[last - 2:last + 1] not in _U_PLACE
                    and not any(kind == "J" and p >= last for p, _, kind in before)):
                return "publicity"
        if "H" in kinds or pre_end.endswith(_BY_ONESELF):  # 帮住户关掉水闸, 命令违建户自己拆掉: the person's own act
            last = max((e for _, e, kind in before if kind == "H"), default=a)
            if not any(kind == "J" and p >= last for p, _, kind in before):
                return "by_citizen"
        if "K" in kinds:  # 引导商家自行拆除: the one persuaded acts — unless 并 gives the clause back to the worker
            last = max(e for _, e, kind in before if kind == "K")
            if not any(kind == "J" and p >= last for p, _, kind in before):
                return "by_citizen"
        if "A" in kinds:
            e = max(e for _, e, kind in before if kind == "A")
            # 受理申请后批准: after 后 (or 并) the worker decides the application, he no longer helps make it
            if (a - e <= 2 and s[e:e + 2] not in ("作出", "予以", "给予", "决定", "不予", "进行", "加以")
                    and not ("对" in s[cs:e] and "申请" not in s[cs:max(cs, e - 2)]) and "后" not in s[e:a]
                    and not any(kind == "J" and p >= e for p, _, kind in before)):
                return "applicant"
        if post.startswith(self.topics) or (post[:1] == "》" and post.startswith(self.topics, 1)):
            return "topic"
        if "I" in kinds:  # 查询交通违章罚款: what is looked up or recorded — unless 后/并 starts a new act
            last = max(e for _, e, kind in before if kind == "I")
            if a - last <= 6 and "后" not in s[last:a] and not any(kind == "J" and p >= last for p, _, kind in before):
                return "topic"
        if "D" in kinds:  # 代办残疾证年审: the worker acts as the applicant's agent, up to a 并
            last = max(e for _, e, kind in before if kind == "D")
            if not any(kind == "J" and p >= last for p, _, kind in before):
                return "applicant"
        if "R" in kinds:  # 交给网格员罚款: the worker acts; 上报隐患并罚款: after 并 (or 后) he acts again
            last = max(e for _, e, kind in before if kind == "R")
            if not any(kind in "WJ" and p >= last for p, _, kind in before):
                return "referred"
        if "T" in kinds:  # 联系执法队处理: a referral; 通知车主…罚款: the worker contacts the person, then acts himself
            last = max(e for _, e, kind in before if kind == "T")
            if any(kind == "G" and p >= last for p, _, kind in before) and not any(
                    kind in "WJ" and p >= last for p, _, kind in before):
                return "referred"
        if any(kind == "B" for _, _, kind in marks[lo:bisect.bisect_left(mpos, ce)]):
            return "other_actor"
        if "S" in kinds:  # 协助城管拆除违建并没收工具: after 并 (past an object) the worker acts again;
            last = max(e for _, e, kind in before if kind == "S")  # 配合所里制止并查处: one act, assisted
            if not any(kind == "J" and p >= last + 4 for p, _, kind in before):
                return "assists"
        pre = s[max(cs, a - 5):a]
        if pre.endswith(self.assist_end):  # 配合执法, 协助做好强拆: assisting, no body named
            for tail in self.assist_end:
                if pre.endswith(tail) and (a - len(tail) <= cs or s[a - len(tail) - 1] not in self.not_before):
                    return "assists"
        return ""

    def _last_actor(self, s: str, lo: int, a: int, marks: list, mpos: list[int]) -> str | None:
        """Who last acts before position a in its sentence: the worker, an agency, or no one named."""
        who = None
        skipped = -1  # the end of a body read as an object: a body right after it is the same object (同派出所民警)
        wend = -1     # where the worker was last named: 网格员和到场民警一起… names a co-actor, the worker acts
        for p, e, kind in marks[bisect.bisect_left(mpos, lo):bisect.bisect_left(mpos, a)]:
            if kind == "W":
                who = "worker"
                wend = e
            elif kind in "GB":
                if who == "worker" and kind == "G" and 0 <= p - wend <= 6 and _WITH.search(s, wend, p):
                    skipped = e
                    continue
                if p == skipped:
                    skipped = e
                    continue
                if s.startswith(self.assist_verbs, e):
                    continue              # 城管配合: the body assists, it is not the one who acts
                before = s[max(lo, p - 2):p]
                if s.startswith(_PLACE_AFTER, e):
                    continue              # 在政府门口: a place, not an actor
                if before.endswith(self.on_behalf):
                    who = "worker"        # 替城管开罚单: the worker acts in the agency's place
                elif kind == "G" and before[-1:] and before[-1] in self.object_before:
                    skipped = e
                    continue              # the agency is an object: 报执法局, 协助城管, 向公安机关
                else:
                    who = "agency"
        return who

    def _residue(self, s: str, starts: list[int], ends: list[int], marks, mpos, spans: list[tuple[int, int]],
                 found: list[tuple[str, int, int]]) -> list[tuple[int, int, int, str, tuple]]:
        """Residue words (``vocabulary.yaml`` residue) that no term, look-alike or service verb explains:
        (start, end, clause, frame, term data). An anchor (把…, 对违规者…) counts only when nothing the
        vocabulary knows follows it in its clause; its words are then the rest of the clause."""
        if self.rscan is None:
            return []
        hits = [m for m in self.rscan.finditer(s) if not self.rnames[m.lastgroup][1]]  # type: ignore[index]
        if not hits:
            return []
        cov = bytearray(len(s) + 1)  # 1: a term or look-alike explains the place; 2: a service verb does
        heads = bytearray(len(s) + 1)
        for v, _, p in found:
            cov[p:p + len(v)] = b"\x02" * len(v)
            heads[p] = 1
        for a, b in spans:
            cov[a:b] = b"\x01" * (b - a)
            heads[a] = 1
        out = []
        for m in hits:
            a, b = m.span()
            idx = self.rnames[m.lastgroup][0]  # type: ignore[index]
            # a strong entry (张贴…照片, 强行) is not explained by a service verb standing on it
            if cov[a] == 1 or (cov[a] == 2 and not self.residue_strong[idx]):
                continue
            k = bisect.bisect_right(starts, a) - 1
            need = self.residue_anchor[idx]
            if need:
                if ends[k] - b < need or heads.find(1, b, ends[k]) >= 0:
                    continue
                b = ends[k]
            frame = self._frame(s, starts[k], ends[k], a, b, marks, mpos)
            if frame == "assists":  # assisting an official: a power term decides, not a residue word
                continue
            out.append((a, b, k, frame, self.residue_data[idx]))
        return out

    def _service(self, s: str, starts: list[int], ends: list[int], marks, mpos, lo: int = 0,
                 hi: int | None = None) -> list[tuple[str, int, int]]:
        out = []
        for m in self.service.finditer(s, lo, hi):
            p = m.start()
            if p and (s[p - 1] in self.verb_negators or s[p - 2:p] in _REFUSALS):
                continue  # 拒不配合, 未登记, 拒绝登记: not a positive service verb
            if s[m.end():m.end() + 1] in _SERVICE_PLACE and m.group() in _NOUN_VERBS:
                continue  # 在宣传栏上公开批评: 宣传栏 is a board
            k = bisect.bisect_right(starts, p) - 1
            lo, hi = bisect.bisect_left(mpos, starts[k]), bisect.bisect_left(mpos, p)
            if not any(kind == "N" and e <= p for _, e, kind in marks[lo:hi]):
                out.append((m.group(), k, p))
        return out


def _agency_regex(f: dict) -> str:
    """A body: a department prefix joined to an institution noun (市场监管所), or a body standing alone."""
    prefixes = "|".join(sorted(map(re.escape, f["agency_prefixes"]), key=len, reverse=True))
    nouns = "|".join(sorted(map(re.escape, f["agency_nouns"]), key=len, reverse=True))
    alone = "|".join(sorted(map(re.escape, f["agencies"]), key=len, reverse=True))
    return f"(?:{prefixes})(?:{nouns})|{alone}"


def _agency_entries(f: dict) -> list[str]:
    """The same bodies as entries that each begin with a literal character (for the Scanner)."""
    nouns = "|".join(sorted(map(re.escape, f["agency_nouns"]), key=len, reverse=True))
    agency = _agency_regex(f)
    out = [f"{re.escape(p)}(?:{nouns})" for p in sorted(f["agency_prefixes"], key=len, reverse=True)]
    out += [re.escape(w) for w in sorted(f["agencies"], key=len, reverse=True)]
    out += [f"{re.escape(p)}(?:{agency})" for p in _PLACE_WORDS]
    return out


def _buckets(entries: list[tuple[str | None, str]]) -> dict[str, list[str]]:
    """Alternatives grouped by their literal first character, order kept inside each group."""
    buckets: dict[str, list[str]] = {}
    for name, rx in entries:
        for k, alt in enumerate(expand_leading(rx)):
            head = first_literal(alt)
            if head is None:
                raise ValueError(f"a vocabulary regex must begin with a literal character: {alt!r}")
            ch, rest = head
            buckets.setdefault(ch, []).append(rest if name is None else f"(?P<{name}x{k}>{rest})")
    return buckets


class Scanner:
    """Leftmost, non-overlapping matches of many alternatives, as one alternation's ``finditer`` gives them.

    A single alternation of ~100 branches is slow in the regex engine (it tries them one by one at
    every candidate position), and one regex per first character means one pass per character.
    Between the two: the alternatives are grouped by first character, ``group`` characters to a regex
    (each regex then skips to candidates with a character-set test), and the groups' matches are
    merged leftmost-first. This is the hot loop of reading (issue 7, item 8)."""

    def __init__(self, entries: list[tuple[str | None, str]], group: int = 16, prefilter: bool = False):
        buckets = list(_buckets(entries).items())
        self.sources = ["|".join(re.escape(ch) + "(?:" + "|".join(alts) + ")" for ch, alts in buckets[i:i + group])
                        for i in range(0, len(buckets), group)]
        self.chars = [frozenset(ch for ch, _ in buckets[i:i + group]) for i in range(0, len(buckets), group)]
        self._rx: list[re.Pattern | None] = [None] * len(self.sources)
        self._one: re.Pattern | None = None
        # a lookahead on the first characters before the alternation: the regex engine then skips the places
        # no alternative can start at (measured: it pays for the residue and service words, not for the terms)
        self.prefilter = prefilter

    def _group(self, n: int) -> re.Pattern:
        """Compiled on first use: one `gridlaw check` of a short text compiles only the groups it needs."""
        rx = self._rx[n]
        if rx is None:
            rx = self._rx[n] = re.compile(self.sources[n])
        return rx

    @property
    def rx(self) -> list[re.Pattern]:
        return [self._group(n) for n in range(len(self.sources))]

    def finditer(self, s: str, pos: int = 0, endpos: int | None = None) -> list[re.Match]:
        end = len(s) if endpos is None else endpos
        if end - pos > 2000:  # a batch: one alternation of all groups is faster than merging their matches
            if self._one is None:
                one = "|".join(self.sources)
                if self.prefilter:
                    chars = "".join(sorted(set().union(*self.chars)))
                    one = f"(?=[{re.escape(chars)}])(?:{one})"
                self._one = re.compile(one)
            return list(self._one.finditer(s, pos, end))
        heads = []
        text = s if pos == 0 and end == len(s) else s[pos:end]
        for n, chars in enumerate(self.chars):
            if chars.isdisjoint(text):
                continue
            m = self._group(n).search(s, pos, end)
            if m is not None:
                heads.append((m.start(), n, m))
        if not heads:
            return []
        if len(heads) == 1:
            return list(heads[0][2].re.finditer(s, pos, end))
        heapq.heapify(heads)
        out: list[re.Match] = []
        at = pos
        while heads:
            start, n, m = heads[0]
            if start >= at:  # the leftmost match not overlapped by the one taken before: take it
                out.append(m)
                at = m.end()
            m = m.re.search(s, at, end)  # this group's next match, after what was taken
            if m is None:
                heapq.heappop(heads)
            else:
                heapq.heapreplace(heads, (m.start(), n, m))
        return out


_GROUP_NAME = re.compile(r"\(\?P<(\w+)>")
_DELIM = re.compile(f"[{re.escape(_CLAUSE_END)}]")
_DELIM_SPLIT = re.compile(f"([{re.escape(_CLAUSE_END)}])")
_OPEN = re.compile("[《“\"‘「『〈]")  # may open a quotation
_CACHE_MAX = 250_000  # clause readings kept (≈ 270 bytes each: ≈ 65 MB at most); emptied when full
_FEW = 32  # clause readings kept (a few hundred bytes each); cleared when full


def _mention_spans(s: str, pos: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MENTION.finditer(s, pos, end) if not _PAPER.search(s, m.start(), m.end())]


# 《居住证明》, 《残疾人证》: the name of a paper is the object of the verb before it (出具《…证明》), read as text
_PAPER = re.compile("《[^《》]*(?:证明|证|证书|执照|许可证|登记表|通知书|决定书|整改单|告知书)》$")


def _crossing_check(entries: list[tuple[str | None, str]], words: list[str]) -> list[re.Pattern] | None:
    """For every alternative of ``entries`` that can match a clause end (a gap like ``[^，。]`` that
    allows a colon, ``费[、，]?``), a regex that tests it at every place its first character stands
    (the rest in a lookahead, so no place is skipped); a match holding a clause end spans two clauses.
    None when one could match a line break or the separator, or a frame word holds a clause end: then
    no clause is read on its own."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    ends = set(_CLAUSE_END)
    if any(ends & set(w) for w in words):
        return None
    probes: dict[tuple, re.Pattern] = {}

    def matchable(p) -> set[str]:
        out: set[str] = set()
        for op, av in p:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
                key = (name, repr(av))
                rx = probes.get(key)
                if rx is None:
                    rx = probes[key] = _compiler.compile(_parser.SubPattern(p.state, [(op, av)]), re.DOTALL)
                out |= {c for c in ends if rx.fullmatch(c)}
            elif name == "BRANCH":
                for alt in av[1]:
                    out |= matchable(alt)
            elif name in ("SUBPATTERN", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT", "ASSERT", "ASSERT_NOT"):
                out |= matchable(av[-1])
            elif name == "ATOMIC_GROUP":
                out |= matchable(av)
            elif name != "AT":  # anything else (a back-reference, a conditional): assume the worst
                return set(ends)
        return out

    checks: dict[str, None] = {}
    for _, rx in entries:
        for alt in expand_leading(rx):
            hit = matchable(_parser.parse(alt))
            if not hit:
                continue
            head = first_literal(alt)
            if hit & set("\n\r\x1e") or head is None or head[0] in ends:
                return None
            checks[f"{re.escape(head[0])}(?=({head[1]}))"] = None
    # alternatives with a first character of their own share one regex (at a place only one can start);
    # those sharing it (帮…, 帮助…) each get their own, so none hides another
    heads = [c.split("(?=", 1)[0] for c in checks]
    alone = [c for c, h in zip(checks, heads) if heads.count(h) == 1]
    shared = [c for c, h in zip(checks, heads) if heads.count(h) > 1]
    return [re.compile(c) for c in (["|".join(alone)] if alone else []) + shared]


def _clauses(s: str) -> tuple[list[int], list[int]]:
    ends = [m.start() for m in _DELIM.finditer(s)]
    starts = [0] + [e + 1 for e in ends]
    ends.append(len(s))
    return starts, ends


def _by_position(m: Match) -> int:
    return m.at


def _first(m: tuple) -> int:
    return m[0]


_KEEPS_NEGATION = frozenset(("并", "并且", "同时"))
_NOUN_VERBS = frozenset(("宣传", "公示", "广播", "警示", "通知", "公布", "服务"))
_REFUSALS = frozenset(("拒绝", "不肯", "不愿", "没有", "未能", "不再"))
# 贴上禁止上路的标签: the negation is the content of a label or notice, not a ban on the worker's act
_NEGATION_CONTENT = re.compile("[^，,。；;：:！!？?的]{0,8}的(?:标签|牌子|标牌|牌|标志|标识|字样|告示|提示|通知|警示)")
_WITH = re.compile("[和与同跟]|会同|协同")
_BY_ONESELF = ("自行", "自己", "主动", "自觉")
_SERVICE_PLACE = frozenset("栏站车牌窗台墙册单品")  # 宣传栏, 公示牌: a thing, not the verb
_TASK_HEADS = ("事", "工作", "任务", "职责", "职能", "权")  # 负责罚款的工作: the act is the task, not an attributive
_OF_PERSON = re.compile("[^，,。；;：:！!？?的\x1e\n\r]{0,8}的(?:居民|村民|住户|群众|商户|摊贩|摊主|户主|当事人|人员|家庭|车主|业主|租户|农户|房东|店主|经营户|经营者|行为人|司机|驾驶员)")
_U_PLACE = frozenset(w + c for w in ("广播", "公示", "宣传", "警示") for c in "里中上栏站车牌窗台墙")
_ASSIST_VERBS = ("协助", "配合", "陪同")
_ASSIST_TAIL = re.compile("(?:协助|配合|陪同)(?:$|做好|开展|维持|维护|实施|进行|执法)")


def _decide(fact: str, matches: list[Match], find_verbs, promote: tuple | None = None) -> Inference:
    """Service verbs are looked for only when no power act by the worker was found (they cannot change it).

    Order: a power act by the worker; assisting an official; a doubtful word done by the worker (the nature
    stays unknown, whatever service verbs stand beside it); service; a text that only forbids power acts
    (service: it puts none on anyone); else unclassified."""
    if not matches:  # the common case in an audit: no term at all
        verbs = find_verbs()
        if verbs:
            verb_names = tuple(dict.fromkeys(v for v, _ in verbs))
            return Inference(fact, "service", "service", verbs[0][1], verbs[0][0], "worker", SERVICE_GROUND,
                             verb_names, (SERVICE_GROUND,), (), verb_names)
        return Inference(fact, None, "unclassified")
    # an official's inspection counts only where assisted; a doubtful word only when the worker does it
    if promote and any(m[2] == "doubtful" for m in matches):  # done to a wrongdoer, a doubtful word the
        matches = _promoted(matches, promote)                     # vocabulary ties to a power act is that act
    kept: list[Match] = []
    counted: list[Match] = []
    for m in matches:  # one pass (the hot path of an audit): m[2] is the class, m[5] the frame
        if m[2] in RANK:
            kept.append(m)
            if m[5] == "worker":
                counted.append(m)
        elif m[5] == "assists" or (m[5] == "worker" and m[2] == "doubtful"):
            kept.append(m)
    matches = kept
    if counted:
        first = counted[0]
        if len(counted) == 1:  # the common case, without the general bookkeeping below
            cls, words, ground = first[2], (first[1],), (first[6],)
            return Inference(fact, cls, "power_act", first[4], first[0], "worker", first[6], words, ground,
                             tuple(matches), natures=(cls,), by_nature=((cls, words, ground, first[4]),))
        groups: dict[str, tuple[dict, dict, Match]] = {}
        for m in counted:  # per class: its words and grounds (in order, once each) and its first match
            g = groups.get(m[2])
            if g is None:
                g = groups[m[2]] = ({}, {}, m)
            g[0][m[1]] = None
            g[1][m[6]] = None
        natures = tuple(sorted(groups, key=RANK.__getitem__, reverse=True))
        by_nature = tuple((c, tuple(groups[c][0]), tuple(groups[c][1]), groups[c][2][4]) for c in natures)
        cls, words, grounds, _ = by_nature[0]
        first = groups[cls][2]
        return Inference(fact, cls, "power_act", first[4], first[0], "worker", first[6],
                         words, grounds, tuple(matches), natures=natures, by_nature=by_nature)
    verbs = find_verbs()
    verb_names = tuple(dict.fromkeys(v for v, _ in verbs))
    assisted = [m for m in matches if m[5] == "assists"]
    if not assisted and any(v in _ASSIST_VERBS for v, _ in verbs):
        # 由镇执法办对违建户强制拆除，网格员协助: an agency's power act, the worker assisting (not 协助居民…)
        assisted = [m for m in matches if m[5] == "other_actor" and m[2] in RANK]
    if assisted:
        first = assisted[0]
        return Inference(fact, "service", "assists", first.clause, first.term, "assists", first.ground,
                         tuple(dict.fromkeys(m.words for m in assisted)),
                         tuple(dict.fromkeys(m.ground for m in assisted)), tuple(matches), verb_names, assists=True)
    doubt = [m for m in matches if m[5] == "worker"]  # only doubtful words are left in the worker's frame
    if doubt:
        return _doubtful(fact, doubt, matches, verb_names)
    if verbs:
        verb, clause = verbs[0]
        return Inference(fact, "service", "service", clause, verb, "worker", SERVICE_GROUND,
                         verb_names, (SERVICE_GROUND,), tuple(matches), verb_names)
    banned = [m for m in matches if m[5] == "negated" and m[2] in RANK]
    if banned:  # 严禁网格员罚款、扣押: a notice that only forbids puts no power act on anyone
        return Inference(fact, "service", "forbids_only", banned[0].clause, banned[0].term, "negated", FORBIDS_GROUND,
                         tuple(dict.fromkeys(m.words for m in banned)), (FORBIDS_GROUND,), tuple(matches))
    return Inference(fact, None, "unclassified", matches=tuple(matches))


def _doubtful(fact: str, doubt: list[Match], matches: list[Match], verb_names: tuple) -> Inference:
    words = tuple(dict.fromkeys(m.words for m in doubt))
    return Inference(fact, None, "unclassified", doubt[0].clause, doubt[0].term, "worker", doubt[0].ground,
                     words, (doubt[0].ground,), tuple(matches), verb_names,
                     extra={"reason": DOUBT_REASON.format(words="、".join(words))})


def _promoted(matches: list[Match], promote: tuple[dict, dict]) -> list[Match]:
    """Doubtful words done by the worker to a wrongdoer, read as the power act each names; an anchor (把…)
    only where no other word of the text names a power act."""
    strong, weak = promote
    out = [m._replace(cls=strong[m[0]][0], ground=strong[m[0]][1], note=WRONGDOER_NOTE)
           if m[2] == "doubtful" and m[5] == "worker" and m[0] in strong else m for m in matches]
    if weak and not any(m[5] == "worker" and m[2] in RANK for m in out):
        out = [m._replace(cls=weak[m[0]][0], ground=weak[m[0]][1], note=WRONGDOER_NOTE)
               if m[2] == "doubtful" and m[5] == "worker" and m[0] in weak else m for m in out]
    return out


@functools.lru_cache(maxsize=1)
def reader() -> Reader:
    return Reader(default())


def infer_many(texts: list[str], fact: str = "task.nature", chunk: int = 4096) -> list[Inference]:
    """The readings of many texts (as ``infer_nature`` gives each), read a chunk at a time."""
    r = reader()
    out: list[Inference] = []
    # Reading makes many small objects and no reference cycles: the cyclic collector, which would
    # walk every object kept so far again and again (readings, the clause cache), is paused meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        for i in range(0, len(texts), chunk):
            out += r.read_many(texts[i:i + chunk], fact)
    finally:
        if paused:
            gc.enable()
    return out


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
