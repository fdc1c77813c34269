"""The pages legal staff and HR use: one form per act kind, the answer as the decision report
renders it, the five-city comparison, batch audit with progress, and the regulations."""
from __future__ import annotations

import functools
import re
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from ..errors import Problem
from .forms import KINDS, VALUE_LABELS, act_from_form, form_fields, sections
from .security import CSRF_FIELD, FILEPICK_JS, csrf_ok, csrf_token, set_csrf_cookie

router = APIRouter(include_in_schema=False)

NAV = [("/assignment", "任务指派审查"), ("/hire", "人员资格审查"), ("/exit", "人员退出审查"), ("/notice", "公示检查"),
       ("/admission", "事项准入审查"), ("/audit", "批量审计"), ("/laws", "法规浏览")]
ROLES = ["grid_leader", "full_time", "part_time", "grid_instructor", "micro_grid_leader"]
PATHS = {"assignment": "/assignment", "hire": "/hire", "exit": "/exit", "notice": "/notice", "admission": "/admission"}


@functools.lru_cache(maxsize=1)
def _env():
    import jinja2

    from ..labels import label

    env = jinja2.Environment(loader=jinja2.PackageLoader("gridlaw.web", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["label"] = label
    env.filters["value_label"] = lambda v: VALUE_LABELS.get(v, v)
    env.globals.update(nav=NAV, csrf_field=CSRF_FIELD, filepick_js=Markup(FILEPICK_JS))
    return env


def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    token, new = csrf_token(request)
    html = _env().get_template(template).render(request_path=request.url.path, csrf=token, **ctx)
    resp = HTMLResponse(html, status)
    if new:
        set_csrf_cookie(resp, token)
    return resp


def _cities() -> list[tuple[str, str]]:
    from ..labels import label
    from ..loader import available_packs, load_pack

    return [(c, f"{label(c)}（{load_pack(c).meta.title}）") for c in available_packs()]


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def embed(document: str) -> dict:
    """The body and styles of a report rendered as a whole HTML document (the renderer escapes it),
    its ``body`` style scoped to the answer box."""
    body = _BODY.search(document)
    css = "\n".join(_STYLE.findall(document))
    css = re.sub(r"(^|})\s*body\s*\{", r"\1.report{", css)
    return {"html": body.group(1) if body else document, "css": css}


def _documents(view: dict) -> list[dict]:
    """Documents to request, each with the facts it settles (an undecided hire: 补正材料)."""
    docs: dict[str, list[str]] = {}
    for m in view["missing_facts"]:
        docs.setdefault(m["evidence"] or "（需说明）", []).append(m["label"])
    return [{"document": d, "facts": f} for d, f in docs.items()]


def _form_values(form: Any) -> dict[str, Any]:
    """What the page shows back in the form: never the personal fields (they stay out of pages)."""
    from ..mask import mask_tree

    personal = {"candidate.name", "candidate.id_number", "candidate.phone"}
    # an ID number or phone typed into a free-text field is masked in the echo too (issue 19)
    return mask_tree({k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k)
                      for k in form.keys() if k not in personal and k != CSRF_FIELD and not hasattr(form.get(k), "read")})


def _compare_link(kind: str, form: Any) -> str:
    keep = [(k, v) for k in form.keys() for v in form.getlist(k)
            if isinstance(v, str) and v and k not in (CSRF_FIELD, "show_personal_data")
            and not any(f.name == k and f.personal for f in form_fields(kind))]
    from ..mask import mask_text

    return "/compare?" + urlencode([("kind", kind), *((k, mask_text(v)) for k, v in keep)])   # a URL lands in logs


def _kind_page(request: Request, kind: str, values: dict, **ctx: Any) -> HTMLResponse:
    role = values.get("role")
    ctx = {"answer": None, "decision": None, "documents": [], "compare_link": None, "problems": [], **ctx}
    return page(request, "act.html.j2", kind=kind, title=KINDS[kind], sections=sections(form_fields(kind)),
                cities=_cities(), values=values, roles=ROLES if kind == "hire" else [], role=role,
                allow_personal=request.app.state.settings.allow_personal_data, **ctx)


def _defaults(kind: str, request: Request) -> dict:
    values: dict[str, Any] = {"city": "yancheng", "date": _today()}
    for k in request.query_params.keys():
        v = request.query_params.getlist(k)
        values[k] = v if len(v) > 1 else v[0]
    if kind == "hire":
        values.setdefault("role", "full_time")
    return values


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


async def _answer(request: Request, kind: str) -> HTMLResponse:
    from ..api import check as run_check
    from ..api import parse_act
    from ..errors import GridlawError
    from ..report import render, view

    form = await request.form()
    if not csrf_ok(request, form):
        return page(request, "error.html.j2", 403, title="表单校验失败",
                    message="表单已过期或来源不明（跨站请求校验未通过）。请刷新页面后重新提交。")
    values = _form_values(form)
    act, problems = act_from_form(kind, form)
    checklist = None
    upload = form.get("checklist_file")
    if kind == "assignment" and hasattr(upload, "read") and upload.filename:
        checklist, more = await _checklist(upload)
        problems += more
    decision = None
    if not problems:
        try:
            decision = run_check(parse_act(act, "表单"), checklist)
        except GridlawError as exc:
            problems = exc.problems
    if problems:
        return _kind_page(request, kind, values, problems=[_problem(p) for p in problems], status=422)
    settings = request.app.state.settings
    show = settings.personal(form.get("show_personal_data") == "on")
    lang = "en" if form.get("lang") == "en" else "zh"
    answer = embed(render(decision, "html", lang, show))
    v = view(decision, lang, show)
    return _kind_page(request, kind, values, answer=answer, decision=v, documents=_documents(v),
                      compare_link=_compare_link(kind, form))


def _problem(p: Problem) -> dict:
    from ..mask import mask_text

    return {"field": p.path or "", "message": mask_text(p.message), "line": p.line}  # a message may quote an ID


async def _checklist(upload: Any) -> tuple[Any, list[Problem]]:
    """A checklist file from the form (YAML, JSON, CSV in UTF-8 or GBK, XLSX, XLS, ODS), parsed in
    memory (never written to disk) by the reader ``check --checklist`` uses."""
    from ..checklist import checklist_from_bytes
    from ..errors import InputError

    name = PurePath(upload.filename or "checklist").name
    raw = await upload.read(1024 * 1024 + 1)
    if len(raw) > 1024 * 1024:
        return None, [Problem(name, "事项清单文件超过 1 MB", None, "checklist_file")]
    try:
        return checklist_from_bytes(name, raw), []
    except InputError as exc:
        return None, [Problem(name, p.message, p.line, "checklist_file" + (f".{p.path}" if p.path else ""))
                      for p in exc.problems]


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return page(request, "index.html.j2", title="网格化服务管理合规审查")


def _register(kind: str) -> None:
    path = PATHS[kind]

    async def show(request: Request) -> HTMLResponse:
        return _kind_page(request, kind, _defaults(kind, request))

    async def submit(request: Request) -> HTMLResponse:
        return await _answer(request, kind)

    router.add_api_route(path, show, methods=["GET"], response_class=HTMLResponse, name=f"{kind}_form")
    router.add_api_route(path, submit, methods=["POST"], response_class=HTMLResponse, name=f"{kind}_answer")


for _kind in PATHS:
    _register(_kind)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request) -> HTMLResponse:
    """The same act under the five cities (a GET link from an answer; no personal data in it)."""
    from ..api import parse_act
    from ..compare import compare_act, render_comparison
    from ..errors import GridlawError

    kind = request.query_params.get("kind", "assignment")
    if kind not in KINDS:
        return page(request, "error.html.j2", 422, title="无法比较", message=f"未知的行为类型 {kind!r}")
    act, problems = act_from_form(kind, request.query_params)
    try:
        if problems:
            raise GridlawError(problems)
        results = compare_act(parse_act(act, "链接"))
    except GridlawError as exc:
        return page(request, "error.html.j2", 422, title="无法比较",
                    message="；".join(f"{p.path + '：' if p.path else ''}{p.message}" for p in exc.problems))
    table = embed(render_comparison(results, "html", "zh"))
    task = act.get("task", {}).get("text") or act.get("matter", {}).get("text") or ""
    back = PATHS[kind] + "?" + urlencode([(k, v) for k in request.query_params.keys() if k != "kind"
                                          for v in request.query_params.getlist(k)])
    return page(request, "compare.html.j2", title="五市对比", table=table, kind=kind, task=task,
                date=act.get("date"), rows=[(c, d.decision, d.deciding_rules) for c, d in results], back=back)


# ---------------------------------------------------------------------------------------- audit

@router.get("/audit", response_class=HTMLResponse)
def audit_form(request: Request) -> HTMLResponse:
    return page(request, "audit.html.j2", title="批量审计", cities=_cities(), roles=ROLES, values={}, problems=[],
                limit_mb=request.app.state.settings.max_upload_bytes // (1024 * 1024),
                allow_personal=request.app.state.settings.allow_personal_data)


@router.post("/audit", response_class=HTMLResponse)
async def audit_submit(request: Request) -> Response:
    from .jobs import INPUT_SUFFIXES, RESULT_FORMATS

    form = await request.form()
    if not csrf_ok(request, form):
        return page(request, "error.html.j2", 403, title="表单校验失败",
                    message="表单已过期或来源不明（跨站请求校验未通过）。请刷新页面后重新提交。")
    upload = form.get("file")
    problems = []
    name = PurePath(getattr(upload, "filename", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if not hasattr(upload, "read") or not name:
        problems.append({"field": "file", "message": "请选择要审计的文件（Excel 表格、CSV 或 JSONL）"})
    elif suffix not in INPUT_SUFFIXES:
        problems.append({"field": "file", "message": f"不支持的文件类型 {suffix or '（无扩展名）'}；请上传 Excel 表格（XLSX、XLS）、ODS、CSV 或 JSONL"})
    fmt = form.get("format") or "csv"
    if fmt not in RESULT_FORMATS:
        problems.append({"field": "format", "message": "结果格式为 csv、xlsx 或 jsonl"})
    day = None
    if form.get("date"):
        from ..audit.values import BadValue, parse_date

        try:
            day = parse_date(form.get("date"))
        except BadValue:
            day = None
        if day is None:
            problems.append({"field": "date", "message": f"不是日期：{form.get('date')!r}（写作 2024-05-01）"})
    kind = form.get("kind") or None
    if kind is not None and kind not in ("hire", "exit", "assignment", "notice", "admission", "grid"):
        problems.append({"field": "kind", "message": f"未知的记录类型 {kind!r}"})
    settings = request.app.state.settings
    if problems:
        return page(request, "audit.html.j2", 422, title="批量审计", cities=_cities(), roles=ROLES,
                    values=_form_values(form), problems=problems,
                    limit_mb=settings.max_upload_bytes // (1024 * 1024), allow_personal=settings.allow_personal_data)
    from .jobs import Busy

    jobs = request.app.state.jobs
    try:
        job = jobs.create(name, suffix, {"kind": kind, "city": form.get("city") or None,
                                         "role": form.get("role") or None, "date": day, "format": fmt, "lang": "zh",
                                         "show_personal": settings.personal(form.get("show_personal_data") == "on")})
    except Busy:
        return page(request, "error.html.j2", 429, title="请稍后再试", message="审计任务已满，请等当前任务完成后再上传。")
    with open(job.options["input"], "wb") as out:
        while chunk := await upload.read(1 << 20):
            out.write(chunk)
    jobs.start(job)
    return RedirectResponse(f"/audit/jobs/{job.id}", status_code=303)


def _job_or_404(request: Request, job_id: str):
    job = request.app.state.jobs.get(job_id)
    if job is None:
        return None, page(request, "error.html.j2", 404, title="没有该审计任务", message="任务不存在或已过期，请重新上传。")
    return job, None


@router.get("/audit/jobs/{job_id}", response_class=HTMLResponse)
def audit_job(request: Request, job_id: str) -> HTMLResponse:
    job, missing = _job_or_404(request, job_id)
    if missing:
        return missing
    from ..labels import label

    totals = [(label(k) if k not in ("rejected", "unreadable") else "未能审查（数据无法读取）", n) for k, n in job.totals.items()]
    return page(request, "job.html.j2", title="批量审计 · " + job.filename, job=job, totals=totals)


@router.get("/audit/jobs/{job_id}/report", response_class=HTMLResponse)
def audit_job_report(request: Request, job_id: str) -> Response:
    job, missing = _job_or_404(request, job_id)
    if missing:
        return missing
    if job.status != "done":
        return RedirectResponse(f"/audit/jobs/{job.id}", status_code=303)
    return HTMLResponse(job.report_path.read_text("utf-8"))


@router.get("/audit/jobs/{job_id}/results")
def audit_job_results(request: Request, job_id: str) -> Response:
    from fastapi.responses import FileResponse

    from .api import MEDIA

    job, missing = _job_or_404(request, job_id)
    if missing:
        return missing
    if job.status != "done":
        return RedirectResponse(f"/audit/jobs/{job.id}", status_code=303)
    fmt = job.options["format"]
    stem = PurePath(job.filename).stem or "audit"
    return FileResponse(job.results_path, media_type=MEDIA[fmt], filename=f"{stem}-results.{fmt}")


# ---------------------------------------------------------------------------------------- laws

_INSTRUMENTS = {"law": "法律", "local_regulation": "地方性法规", "government_rule": "地方政府规章",
                "normative_document": "规范性文件", "administrative_regulation": "行政法规"}


@functools.lru_cache(maxsize=None)
def _law_packs() -> tuple[tuple[str, Any], ...]:
    """Every instrument a report may cite: the five cities' packs, then each national law in each version
    (key: city, or law id with its version index), so the browser holds every citation's text."""
    from ..layers import national
    from ..loader import available_packs, load_pack

    out: list[tuple[str, Any]] = [(c, load_pack(c)) for c in available_packs()]
    for law in national():
        for i, p in enumerate(law.packs):
            out.append((law.id if len(law.packs) == 1 else f"{law.id}.{i + 1}", p))
    return tuple(out)


def _law_name(key: str, pack: Any) -> str:
    from ..labels import label
    from ..loader import CITIES

    return label(key) if key in CITIES else "国家法律"


@functools.lru_cache(maxsize=None)
def _articles(key: str) -> list[dict]:
    """A pack's articles as a mainland reader expects them (simplified script, full-width punctuation,
    第十九条), each with its normalised text (for search) and the provisions encoded from it."""
    from ..labels import label
    from ..textnorm import int_to_cn, normalize, reading_text

    p = dict(_law_packs())[key]
    by_article: dict[int, list[dict]] = {}
    for r in p.rules:
        s = r.spec
        by_article.setdefault(s.cite.article, []).append(
            {"id": s.id, "citation": r.citation, "modality": label(s.modality), "effect": label(s.effect),
             "quote": reading_text(s.quote), "message": s.message.zh})
    cov = p.coverage()
    out = []
    for n, a in sorted(p.source.articles.items()):
        status, what = cov.get(n, ("missing", ""))
        out.append({"number": n, "numeral": int_to_cn(n), "chapter": reading_text(a.chapter) if a.chapter else "",
                    "paragraphs": [reading_text(pp.text) for pp in a.paragraphs],
                    "original": [pp.text for pp in a.paragraphs],
                    "norm": normalize(a.text), "rules": by_article.get(n, []),
                    "not_modelled": what if status == "not_modelled" else None})
    return out


@router.get("/laws", response_class=HTMLResponse)
def laws(request: Request, city: str = "", q: str = "", script: str = "simplified") -> HTMLResponse:
    from ..textnorm import normalize

    packs = _law_packs()
    keys = [k for k, _ in packs]
    q = q[:100]
    needle = normalize(q) if q else ""
    chosen = [city] if city in keys else ([] if not q else keys)
    shown = []
    for key in chosen:
        pack = dict(packs)[key]
        arts = [a for a in _articles(key) if not needle or needle in a["norm"]]
        if needle and not arts:
            continue                    # a search lists the instruments that hold the words, not empty panels
        if script == "original":
            arts = [{**a, "paragraphs": a["original"]} for a in arts]
        shown.append({"key": key, "name": _law_name(key, pack), "title": pack.meta.title,
                      "version": pack.meta.version, "articles": arts})
    rows = [{"key": k, "name": _law_name(k, p), "title": p.meta.title, "version": p.meta.version,
             "instrument": _INSTRUMENTS.get(p.meta.instrument, p.meta.instrument), "effective": p.meta.effective,
             "articles": len(p.source.articles), "total": p.meta.articles, "rules": len(p.rules)} for k, p in packs]
    choices = [(r["key"], f"{r['name']}《{r['title']}》" + (f"（{r['version']}）" if r["version"] else "")) for r in rows]
    return page(request, "laws.html.j2", title="法规浏览", choices=choices, city=city, q=q, script=script,
                shown=shown, rows=rows, searched=bool(q))
