"""Render decisions as text, JSON, Markdown or self-contained HTML (Chinese by default)."""
from __future__ import annotations

import functools
import json
from typing import Any

from .labels import label
from .mask import mask_act, mask_text

FORMATS = ("text", "json", "md", "html")


def view(decision: Any, lang: str = "zh", show_personal: bool = False) -> dict:
    """The JSON-able dict of a decision, with personal data masked unless asked."""
    data = decision.to_dict()
    act = {k: v for k, v in _act_tree(decision.facts).items()}
    data["act"] = act if show_personal else mask_act(act)
    if not show_personal:
        for f in data["findings"]:
            f["message"] = {k: mask_text(v) for k, v in f["message"].items()}
    data["findings"].sort(key=lambda f: _ORDER.get(f["outcome"], 9))  # what decided first
    data["lang"] = lang
    return data


_ORDER = {"violated": 0, "unknown": 1, "review": 2, "satisfied": 3, "not_applicable": 4}


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
    return env


def render(decision: Any, fmt: str = "text", lang: str = "zh", show_personal: bool = False) -> str:
    data = view(decision, lang, show_personal)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if fmt == "text":
        return render_text(data, lang)
    return _env().get_template(f"decision.{fmt}.j2").render(d=data, lang=lang)


_FRAMES_EN = {"worker": "done by the grid worker", "assists": "the worker assists an official", "referred": "only reported or handed on",
              "other_actor": "done by another body", "negated": "negated", "status": "a status or past event",
              "publicity": "what is publicised", "applicant": "a citizen's application",
              "topic": "a topic or paper, not an act", "on_worker": "done to the grid worker", "mention": "a title or quotation", "look_alike": "a look-alike word"}


def shown_inference(inf: dict) -> bool:
    """The nature reading, a true assists flag, and checklist look-ups are shown; a false flag is not news."""
    return inf["fact"].endswith("nature") or inf.get("source") == "checklist" or inf["value"] is True


def nature_text(inf: Any, lang: str = "zh") -> str:
    """One line saying how a fact was read from the task text or the checklist, and what was discounted
    (``inf``: an Inference or its dict)."""
    from .lexicon import FRAMES_ZH

    if not isinstance(inf, dict):
        inf = inf.brief()

    zh = lang == "zh"
    outcome, value = inf.get("outcome"), inf["value"]
    if inf.get("source") == "checklist":
        return inf.get("reason") or (f"{inf['ground']}：{inf['term']}" if inf.get("term") else inf["ground"])
    if inf["fact"] == "task.assists_power_act":
        return inf.get("reason") or ""
    clause, term, ground = inf.get("clause"), inf.get("term"), inf.get("ground")
    if outcome == "power_act":
        words = "、".join(inf["words"])
        line = (f"任务性质由文本推定为{label(value, lang)}：“{clause}”一句中的“{words}”由网格员实施（{'、'.join(inf['grounds'])}）。"
                if zh else f"Task nature read as {value}: in “{clause}” the grid worker is to do “{words}” ({', '.join(inf['grounds'])}).")
    elif outcome == "assists":
        line = (f"网格员协助行政机关工作人员实施权力行为：“{clause}”一句中的“{term}”（{ground}）由行政机关工作人员实施，"
                f"网格员协助；按服务事项读，协助的方式和范围需审查。" if zh else
                f"The worker assists an official's power act: “{term}” in “{clause}” ({ground}); read as service, for review.")
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
    if f.get("displaced_by"):
        tag += f"  〔{'已由' + f['displaced_by'] + '替代，不计入结论' if lang == 'zh' else 'displaced by ' + f['displaced_by']}〕"
    return tag


def render_text(d: dict, lang: str = "zh") -> str:
    zh = lang == "zh"
    lines = [f"{label(d['decision'], lang)} ({d['decision']})  "
             f"{d['regulation']['title'] if zh else d['city']} · {label(d['kind'], lang)} · {d['date']}"]
    if d["decision"] == "not_in_force":
        lines.append(("本规定自 {} 起施行，该行为发生在施行之前。" if zh else "In force from {}; the act predates it.")
                     .format(d["regulation"]["effective"]))
    for inf in d["inferences"]:
        if shown_inference(inf):
            lines.append(nature_text(inf, lang))
    for f in d["findings"]:
        c = f["citation"]
        where = _layer_tag(f, lang)
        lines.append(f"  [{label(f['outcome'], lang)}] {c['text'] if zh else c['text_en']}  {f['rule']}{where}")
        lines.append(f"      “{f['quote']}”")
        lines.append(f"      {f['message'].get(lang) or f['message']['zh']}")
        if f["effect"] and f["outcome"] == "violated":
            lines.append(f"      {'法律后果' if zh else 'effect'}: {label(f['effect'], lang)}")
        if f["judgment"] and f["outcome"] == "review":
            lines.append(f"      {'审查理由' if zh else 'why review'}: {f['judgment'].get(lang) or f['judgment']['zh']}")
        if f["outcome"] == "violated" and f["remedy"]:
            lines.append(f"      {'处理建议' if zh else 'what to do'}: {f['remedy'].get(lang) or f['remedy']['zh']}")
    if d["missing_facts"]:
        lines.append("需补充的事实及材料：" if zh else "Facts needed, and the documents that settle them:")
        for m in d["missing_facts"]:
            lines.append(f"  - {m['label'] if zh else m['fact']} ({m['fact']})" + (f"：{m['evidence']}" if m["evidence"] else ""))
    for c in d.get("conflicts", []):
        lines.append(c["text"].get(lang) or c["text"]["zh"])
    s = d["stamp"]
    laws = [f"{x['title']}（{x['version']}）" for x in s.get("layers", []) if x["layer"] == "national" and x["version"]]
    if laws:
        lines.append(("适用的国家法律版本：" if zh else "national law versions: ") + "、".join(laws))
    lines.append(f"gridlaw {s['engine']} · pack {s['pack']}@{s['pack_hash'][:12]} · input {s['input_hash'][:12]}")
    return "\n".join(lines)
