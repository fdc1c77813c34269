"""Render decisions as text, JSON, Markdown or self-contained HTML (Chinese by default).

Every format reads the same view (:func:`view`): findings grouped by provision
(one citation = one provision, however many rules encode it), each finding's
text already chosen for its outcome and language.
"""
from __future__ import annotations

import functools
import json
from typing import Any

from .labels import label, text_of
from .mask import mask_act, mask_text, mask_tree, names_in
from .verdicts import CODE

FORMATS = ("text", "json", "md", "html")
_ORDER = {outcome: -code for outcome, code in CODE.items()}   # the decision's precedence: what decides first

# What a satisfied finding says: the provision is met. Its message describes the
# breach (or what needs review), so printing it under 符合 would contradict the badge.
_MET = {
    "zh": {"prohibition": "未见这一禁止所指的情形。", "duty": "这一要求已满足。",
           "default_norm": "符合这一般性要求。", "permission": "符合这一规定。", "encouragement": "符合这一规定。"},
    "en": {"prohibition": "Nothing this rule forbids was found.", "duty": "This requirement is met.",
           "default_norm": "Within this default rule.", "permission": "Consistent with this rule.",
           "encouragement": "Consistent with this rule."},
}


def view(decision: Any, lang: str = "zh", show_personal: bool = False, original_quotes: bool = False,
         engine_code: bool = True) -> dict:
    """The JSON-able dict of a decision, with personal data masked unless asked.

    Each finding gains ``says`` (the one sentence shown for its outcome), ``why_review``,
    ``what_to_do``, ``lacking`` (what the act lacks, by name) and ``quote_shown``; ``quote``
    stays verbatim for verification."""
    from .shortfall import lacking
    from .textnorm import reading_text

    data = decision.to_dict(engine_code=engine_code)
    act = dict(_act_tree(decision.facts))
    data["act"] = act if show_personal else mask_act(act)
    rules = {f.rule_id: f.rule for f in decision.findings}
    for f in data["findings"]:
        if not show_personal:
            f["message"] = {k: mask_text(v) for k, v in f["message"].items()}
        outcome = f["outcome"]
        if outcome == "satisfied":
            f["says"] = _MET[lang].get(f["modality"], _MET[lang]["duty"])
        else:
            f["says"] = text_of(f["message"], lang)
        f["why_review"] = text_of(f["judgment"], lang) if outcome == "review" else ""
        f["what_to_do"] = text_of(f["remedy"], lang) if outcome == "violated" else ""
        f["lacking"] = lacking(rules[f["rule"]], decision.facts, lang) if outcome == "violated" else []
        f["unmet"] = []
        if f["lacking"] and f.get("structure") == "eligibility":
            # a person's status stated as 否 (not a citizen) is a condition not met, not an item to supply:
            # no 缺少 / 请补齐 for it (display only: the JSON's ``lacking`` is what an act can add)
            f["unmet"], f["lacking"] = [x.removeprefix("是否") for x in f["lacking"]], []
        if f["lacking"] and not f["what_to_do"]:
            posted = data["kind"] == "notice"
            f["what_to_do"] = ((f"请在公示中补充：" if posted else "请补齐：") + "、".join(f["lacking"]) + "。"
                               if lang == "zh" else
                               ("Add to the posting: " if posted else "Supply: ") + ", ".join(f["lacking"]) + ".")
        f["quote_shown"] = f["quote"] if original_quotes else reading_text(f["quote"])
    _mark_set_aside(data, lang)
    data["findings"].sort(key=lambda f: _ORDER.get(f["outcome"], 9))  # what decided first
    data["lang"] = lang
    from .packreview import warning

    data["pack_warning"] = warning(data["stamp"]["review"], lang)   # a pack changed since review says so
    if not show_personal:
        # the one masking pass: every string of the answer (record id, inferred clauses, messages, act
        # echo …), by pattern and by the act's own names, whichever format is rendered from it
        data = mask_tree(data, names_in(act))
    return data


_ASIDE = {"zh": {"conflict": "与上位规定冲突，不予适用", "displaced": "已由下位规定替代",
                 "conflict_says": "本条比{higher}宽松，适用时以上位规定为准。",
                 "displaced_says": "本条在此由{lower}替代，不计入结论。",
                 "note": "{lower}（{lo}）{what}{higher}（{hi}），{after}。",
                 "refines": "比", "displaces": "替代", "permission": "允许的行为为",
                 "refines_tail": "宽松", "displaces_tail": "，两者结论不同", "permission_tail": "所禁止"},
          "en": {"conflict": "conflicts with a higher norm: not applied", "displaced": "displaced by a lower norm",
                 "conflict_says": "Looser than {higher}; the higher norm prevails.",
                 "displaced_says": "Displaced here by {lower}; not counted in the decision.",
                 "note": "", "refines": "", "displaces": "", "permission": "",
                 "refines_tail": "", "displaces_tail": "", "permission_tail": ""}}


_LOWER = ("县级规定", "a county norm")


def public(v: dict) -> dict:
    """A view without its display-only keys (``aside``, a conflict's ``shown``): the published JSON schema."""
    for f in v["findings"]:
        f.pop("aside", None)
        f.pop("unmet", None)
    for c in v.get("conflicts", []):
        c.pop("shown", None)
    return v


def _mark_set_aside(data: dict, lang: str) -> None:
    """A lower provision in conflict with a higher one, and a higher one a lower one displaces, are not
    what decides: they get their own badge and sentence instead of a green 符合 (``aside``), and each
    conflict a sentence naming both provisions by citation (``shown``), never by rule id."""
    t = _ASIDE["en" if lang == "en" else "zh"]
    cite = {f["rule"]: f["citation"]["text"] if lang != "en" else f["citation"]["text_en"] for f in data["findings"]}
    lower = {c["lower"]: c for c in data.get("conflicts", []) if c["kind"] in ("refines", "permission")}
    for f in data["findings"]:
        f["aside"] = None
        c = lower.get(f["rule"])
        if c is not None and f["outcome"] in ("satisfied", "not_applicable"):
            f["aside"] = t["conflict"]
            f["says"] = t["conflict_says"].format(higher=cite.get(c["higher"], c["higher"]))
        elif f.get("displaced_by") and f["outcome"] != "not_applicable":
            f["aside"] = t["displaced"]
            f["says"] = t["displaced_says"].format(lower=cite.get(f["displaced_by"], _LOWER[lang == "en"]))
    for c in data.get("conflicts", []):
        if lang == "en":
            c["shown"] = (c["text"].get("en") or "").removeprefix("Conflict of norms: ")
            continue
        from .layers import layer_label

        after = "需人工审查下位规定是否在上位规定授权范围内" if c["kind"] == "displaces" else "以上位规定为准"
        c["shown"] = t["note"].format(lower=cite.get(c["lower"], "下位规定"), lo=layer_label(c["lower_layer"], lang),
                                      what=t[c["kind"]], higher=cite.get(c["higher"], "上位规定"),
                                      hi=layer_label(c["higher_layer"], lang), after=t[c["kind"] + "_tail"] and after)
        c["shown"] = c["shown"].replace("（" + layer_label(c["higher_layer"], lang) + "），",
                                        "（" + layer_label(c["higher_layer"], lang) + "）" + t[c["kind"] + "_tail"] + "，")


def _place_checklist_notes(v: dict, lang: str) -> None:
    """A checklist look-up that could not settle the task (可能在清单内) is explained once, under the first
    finding that waits on it (the checklist question), not also as a reading line and in the list of facts
    needed (it was printed three times). Reports only: the JSON keeps every reason where it was."""
    reasons = {inf["fact"]: inf["reason"] for inf in v["inferences"]
               if inf.get("source") == "checklist" and inf.get("value") is None and inf.get("reason")}
    placed: dict[str, str] = {}
    for f in v["findings"]:
        f.setdefault("note", "")
        for m in f["missing"]:
            if m["fact"] not in reasons:
                continue
            if m["fact"] not in placed:
                f["note"] = reasons[m["fact"]]
                placed[m["fact"]] = f["citation"]["text"] if lang == "zh" else f["citation"]["text_en"]
            m["evidence"] = ""
    if not placed:
        return
    v["inferences"] = [inf for inf in v["inferences"] if not (inf.get("source") == "checklist" and inf["fact"] in placed)]
    for m in v["missing_facts"]:
        if m["fact"] in placed:
            m["evidence"] = (f"请对照所附事项清单确认（比对结果见{placed[m['fact']]}）" if lang == "zh" else
                             f"confirm against the checklist given (see {placed[m['fact']]})")


def _merged(findings: list[dict]) -> list[dict]:
    """Findings of one provision that would read alike (three 符合：未见这一禁止所指的情形。 under
    第十九条第二款第（二）项, one per power the item names) shown once; ``also`` keeps the other rule ids."""
    keys = ("outcome", "says", "aside", "quote_shown", "layer", "displaced_by", "lacking", "unmet", "effect",
            "why_review", "what_to_do", "note")
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for f in findings:
        k = tuple(repr(f.get(x)) for x in keys)
        if k in seen and not f["missing"] and not seen[k]["missing"]:
            seen[k].setdefault("also", []).append(f["rule"])
            continue
        f.setdefault("also", [])
        seen[k] = f
        out.append(f)
    return out


def provisions(findings: list[dict]) -> list[dict]:
    """Findings grouped by citation, worst outcome first: a provision encoded by two rules
    (one breached, one met) reads as one provision with its outcome and each rule under it."""
    groups: dict[str, dict] = {}
    for f in findings:
        c = f["citation"]
        g = groups.setdefault(c["text"], {"citation": c, "outcome": f["outcome"], "findings": [], "quotes": [],
                                          "aside": f.get("aside")})
        g["findings"].append(f)
        if not f.get("aside"):
            g["aside"] = None          # the provision's badge is set aside only when all its rules are
        if f["quote_shown"] not in g["quotes"]:
            g["quotes"].append(f["quote_shown"])
        if _ORDER.get(f["outcome"], 9) < _ORDER.get(g["outcome"], 9):
            g["outcome"] = f["outcome"]
    out = sorted(groups.values(), key=lambda g: _ORDER.get(g["outcome"], 9))
    for g in out:
        g["findings"].sort(key=lambda f: _ORDER.get(f["outcome"], 9))
        g["findings"] = _merged(g["findings"])
        # one quote heads the provision; different words of it go with the rule that quotes them
        g["shared_quote"] = g["quotes"][0] if len(g["quotes"]) == 1 else None
    return out


def _act_tree(facts: dict) -> dict:
    tree: dict = {}
    for key, value in facts.items():
        node = tree
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value.isoformat() if hasattr(value, "isoformat") else value
    return tree


@functools.lru_cache(maxsize=1)
def _env():
    import jinja2  # only md/html need it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gridlaw", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["label"] = label
    env.filters["nature_text"] = nature_text
    env.filters["shown_inference"] = shown_inference
    env.filters["text"] = text_of
    env.filters["layer_tag"] = lambda f, lang="zh": _layer_tag(f, lang).strip()
    env.globals["nature_text"] = nature_text
    env.globals["stamp_line"] = stamp_line
    return env


def render(decision: Any, fmt: str = "text", lang: str = "zh", show_personal: bool = False,
           original_quotes: bool = False) -> str:
    return render_many([decision], fmt, lang, show_personal, original_quotes)


def render_many(decisions: list[Any], fmt: str = "text", lang: str = "zh", show_personal: bool = False,
                original_quotes: bool = False) -> str:
    """One report for one or several acts (a file holding a list): one JSON value or list,
    one HTML page with an article per act, text and Markdown one after another."""
    if fmt == "json" and len(decisions) > 100:
        # a long list: one act a line (the C encoder; indenting runs in Python, 5x slower), each view
        # made and dropped in turn
        return "[\n" + ",\n".join(json.dumps(public(view(d, lang, show_personal, original_quotes)), ensure_ascii=False,
                                               default=str) for d in decisions) + "\n]"
    # the engine's code hash is shown in JSON only (the reports print version, pack and input hashes)
    views = [view(d, lang, show_personal, original_quotes, engine_code=fmt == "json") for d in decisions]
    if fmt == "json":
        views = [public(v) for v in views]
        return json.dumps(views[0] if len(views) == 1 else views, ensure_ascii=False, indent=2, default=str)
    from .answer_lines import answer_of

    for d, v in zip(decisions, views):   # what each report opens with (not part of the JSON decision)
        v["answer"] = answer_of(d, v, lang, masked=not show_personal)
        _place_checklist_notes(v, lang)
    if fmt == "text":
        return "\n\n".join(render_text(v, lang) for v in views)
    if fmt == "html":
        items = [(v, provisions(v["findings"])) for v in views]
        return _env().get_template("decision.html.j2").render(items=items, lang=lang)
    tpl = _env().get_template(f"decision.{fmt}.j2")
    # Markdown passes inline HTML through: text from the act (a record id, a task) is escaped first
    views = [mask_tree(v, fn=_md_escape) for v in views]
    return "\n\n".join(tpl.render(d=v, lang=lang, groups=provisions(v["findings"])) for v in views)


def _md_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if any(c in text for c in "<>&") else text


_FRAMES_EN = {"worker": "done by the grid worker", "assists": "the worker assists an official", "referred": "only reported or handed on",
              "other_actor": "done by another body", "negated": "negated", "status": "a status or past event",
              "publicity": "what is publicised", "applicant": "a citizen's application",
              "topic": "a topic or paper, not an act", "on_worker": "done to the grid worker", "mention": "a title or quotation", "look_alike": "a look-alike word",
              "by_citizen": "done by the person persuaded or helped"}


def shown_inference(inf: dict) -> bool:
    """The nature reading, a true assists flag, and checklist look-ups are shown; a false flag is not news."""
    return (inf["fact"].endswith("nature") or inf.get("source") == "checklist" or inf["value"] is True
            or bool(inf.get("disputes")))


def nature_text(inf: Any, lang: str = "zh") -> str:
    """One line saying how a fact was read from the task text or the checklist, and what was discounted
    (``inf``: an Inference or its dict)."""
    from .lexicon import FRAMES_ZH

    if not isinstance(inf, dict):
        inf = inf.brief()

    zh = lang == "zh"
    outcome, value = inf.get("outcome"), inf["value"]
    if inf.get("disputes"):
        return inference_text(inf, lang)
    if inf.get("source") == "checklist":
        return inf.get("reason") or (f"{inf['ground']}：{inf['term']}" if inf.get("term") else inf["ground"])
    if inf["fact"] == "task.assists_power_act":
        return inf.get("reason") or ""
    clause, term, ground = inf.get("clause"), inf.get("term"), inf.get("ground")
    if outcome == "power_act":
        words = "、".join(inf["words"])
        line = (f"任务性质由文本推定为{label(value, lang)}：“{clause}”一句中的“{words}”由网格员实施（{'、'.join(inf['grounds'])}）。"
                if zh else f"Task nature read as {value}: in “{clause}” the grid worker is to do “{words}” ({', '.join(inf['grounds'])}).")
        more = inf.get("natures", ())[1:]  # every other counted power act, each with its own ground (issue 17)
        if more:
            line += ("另由网格员实施：" + "；".join(f"{label(n['nature'], lang)}“{'、'.join(n['words'])}”（{'、'.join(n['grounds'])}）"
                                              for n in more) + "。" if zh else
                     " Also by the worker: " + "; ".join(f"{n['nature']} “{', '.join(n['words'])}” ({', '.join(n['grounds'])})"
                                                       for n in more) + ".")
    elif outcome == "assists":
        line = (f"网格员协助行政机关工作人员实施权力行为：“{clause}”一句中的“{term}”（{ground}）由行政机关工作人员实施，"
                f"网格员协助；按服务事项读，协助的方式和范围需审查。" if zh else
                f"The worker assists an official's power act: “{term}” in “{clause}” ({ground}); read as service, for review.")
    elif outcome == "forbids_only":
        line = (f"任务性质由文本推定为一般服务事项：文本只禁止网格员实施“{'、'.join(inf['words'])}”，未将许可、处罚、强制等行为交由网格员。"
                if zh else f"Task read as no power act: the text only forbids the worker to do “{', '.join(inf['words'])}”.")
    elif outcome == "unclassified" and inf.get("reason"):
        line = (inf["reason"] if zh else f"Task nature not read from the text: “{', '.join(inf['words'])}” by the worker "
                "may be a penalty or coercion; state the nature.")
    elif outcome == "service":
        line = (f"任务性质由文本推定为一般服务事项：服务用语“{'、'.join(inf['words'])}”，未见由网格员实施的许可、处罚、强制或其他行政行为。"
                if zh else f"Task read as an ordinary service ({', '.join(inf['words'])}); no power act by the grid worker in the text.")
    else:
        line = ("任务性质未能由文本推定：文本既未将许可、处罚、强制等行为交由网格员实施，也未见服务用语；请说明任务性质。"
                if zh else "Task nature not read from the text: no power act by the worker and no service verb; state it.")
    gone = [m for m in inf.get("matches", ()) if not m["counted"] and not (outcome == "assists" and m["frame"] == "assists")]
    if gone:
        parts = [f"“{m['words']}”（{FRAMES_ZH[m['frame']]}：“{m['clause']}”）" if zh else
                 f"“{m['words']}” ({_FRAMES_EN[m['frame']]})" for m in gone]
        line += ("未计入：" if zh else " Not counted: ") + ("；".join(parts) if zh else "; ".join(parts)) + ("。" if zh else ".")
    return line


def _layer_tag(f: dict, lang: str) -> str:
    """Which layer of law a finding comes from (city findings stay unmarked)."""
    from .layers import layer_label

    tag = "" if f.get("layer", "city") == "city" else f"  〔{layer_label(f['layer'], lang)}〕"
    if f.get("displaced_by") and not f.get("aside"):      # aside: the badge and sentence say it already
        tag += f"  〔{'已由下位规定替代，不计入结论' if lang == 'zh' else 'displaced by ' + f['displaced_by']}〕"
    return tag


def inference_text(inf: dict, lang: str = "zh") -> str:
    """Any inference in one line: the task's nature, the assists flag, or a fact read from the checklist."""
    if inf.get("disputes"):   # a stated nature the text contradicts (issue 16 §5)
        return inf["reason"] if lang == "zh" else (f"The stated nature ({inf['disputes']}) is contradicted by the text: "
                                                   f"{', '.join(map(str, inf['value']))}; for review.")
    if inf["fact"].endswith("nature") or inf["fact"] == "task.assists_power_act" or inf.get("source") == "checklist":
        return nature_text(inf, lang)
    value = label("yes" if inf["value"] is True else "no" if inf["value"] is False else str(inf["value"]), lang)
    src = "、".join(inf["words"])
    return (f"{label(inf['fact'], lang)}：{value}（依据{src}）" if lang == "zh" else
            f"{inf['fact']}: {value} (from {src})")


def render_text(d: dict, lang: str = "zh") -> str:
    zh = lang == "zh"
    colon = "：" if zh else ": "
    a = d.get("answer")
    head = a["headline"] if a else label(d["decision"], lang)
    lines = [(f"{head}  " if zh else f"{head} ({d['decision']})  ") +
             f"{d['regulation']['title'] if zh else label(d['city'], lang)} · {label(d['kind'], lang)} · "
             f"{'审查基准日 ' if zh else 'review date '}{d['date']}"]
    if a:
        if a["subject"]:
            lines.append(("审查对象：" if zh else "Reviewed: ") + ("；" if zh else "; ").join(a["subject"]))
        lines.append(("逐项结论：" if zh else "By question: ") + a["verdict_line"])
        lines.append("各层级规定在审查基准日的施行情况：" if zh else "Layers of law on the review date:")
        lines += [f"  {x}" for x in a["layers"]]
    if d.get("pack_warning"):
        lines.append(d["pack_warning"])
    if d["decision"] == "not_in_force":
        lines.append(("本规定自 {} 起施行，该行为发生在施行之前。" if zh else "In force from {}; the act predates it.")
                     .format(d["regulation"]["effective"]))
    for inf in d["inferences"]:
        if shown_inference(inf):
            lines.append(inference_text(inf, lang))
    for g in provisions(d["findings"]):
        c = g["citation"]
        lines.append(f"  [{label(g['outcome'], lang)}] {c['text'] if zh else c['text_en']}")
        if g["shared_quote"]:
            lines.append(f"      “{g['shared_quote']}”")
        many = len(g["findings"]) > 1
        for f in g["findings"]:
            pad = "      "
            if not g["shared_quote"]:
                lines.append(f"{pad}· “{f['quote_shown']}”")
            if many:
                lines.append(f"{pad}{'  ' if not g['shared_quote'] else '· '}{label(f['outcome'], lang)}{colon}"
                             f"{f['says']}{_layer_tag(f, lang)}")
                pad += "  "
            else:
                lines.append(f"{pad}{f['says']}{_layer_tag(f, lang)}")
            if f["lacking"]:
                lines.append(f"{pad}{'缺少' if zh else 'lacking'}{colon}{('、' if zh else ', ').join(f['lacking'])}")
            if f.get("unmet"):
                lines.append(f"{pad}{'不符合的条件' if zh else 'condition not met'}{colon}{('、' if zh else ', ').join(f['unmet'])}")
            if f.get("note"):
                lines.append(f"{pad}{f['note']}")
            if f["effect"] and f["outcome"] == "violated":
                lines.append(f"{pad}{'法律后果' if zh else 'effect'}{colon}{label(f['effect'], lang)}")
            if f["why_review"]:
                lines.append(f"{pad}{'审查理由' if zh else 'why review'}{colon}{f['why_review']}")
            if f["what_to_do"]:
                lines.append(f"{pad}{'处理建议' if zh else 'what to do'}{colon}{f['what_to_do']}")
    if d["missing_facts"]:
        lines.append("需补充的事实及材料：" if zh else "Facts needed, and the documents that settle them:")
        for m in d["missing_facts"]:
            # fact keys stay in JSON (issue 18): the line names the fact and the document that settles it
            lines.append(f"  - {m['label'] if zh else m['fact']}" + (f"{colon}{m['evidence']}" if m["evidence"] else ""))
    for c in d.get("conflicts", []):
        lines.append(("规范冲突：" + c["shown"] if zh else "Conflict of norms: " + c["shown"]) if c.get("shown")
                     else c["text"].get(lang) or c["text"]["zh"])
    s = d["stamp"]
    laws = a["national_versions"] if a else [f"{x['title']}（{x['version']}）" for x in s.get("layers", [])
                                              if x["layer"] == "national" and x["version"]]
    if laws:
        lines.append(("适用的国家法律版本：" if zh else "national law versions: ") + "、".join(laws))
    # a layer answers only on the dates it is in force (issue 16 §2): say which were not, and from when
    idle = [(f"《{x['title']}》（{x['effective']}起施行）" if zh else f"{x['title']} (in force from {x['effective']})")
            for x in d.get("layers", []) if not x["in_force"]]
    if idle:
        lines.append(("行为日期尚未施行、未予适用：" if zh else "not yet in force on the act's date, not applied: ")
                     + ("、" if zh else "; ").join(idle))
    lines.append(stamp_line(d, lang))
    return "\n".join(lines)


def stamp_line(d: dict, lang: str = "zh") -> str:
    """The report's reproducibility line. The pack is named in words in Chinese (its id is in the JSON
    stamp); the hashes identify the exact pack and input."""
    from .labels import LABELS

    s = d["stamp"]
    if lang == "zh":
        name = LABELS["zh"].get(s["pack"]) or d["regulation"]["title"]
        return f"网格事项合规审查 {s['engine']} · 规则包 {name} {s['pack_hash'][:12]} · 输入 {s['input_hash'][:12]}"
    return f"gridlaw {s['engine']} · pack {s['pack']}@{s['pack_hash'][:12]} · input {s['input_hash'][:12]}"
