"""The HTTP API under /api/v1: JSON in and out, the decision JSON of ``gridlaw check -f json``,
errors as ``{"errors": [{"location", "line", "message"}]}`` with 4xx codes."""
from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal, Optional, Union, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ..acts import ACT_MODELS, City
from ..checklist import Checklist
from ..mask import mask_text

router = APIRouter(prefix="/api/v1", tags=["gridlaw"])

AUDIT_TYPES = {"text/csv": ".csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
               "application/vnd.ms-excel": ".xls", "application/vnd.oasis.opendocument.spreadsheet": ".ods",
               "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl"}


class CheckBody(BaseModel):
    """One act to check (the same act as a ``gridlaw check`` file)."""
    act: Annotated[Union[tuple(ACT_MODELS.values())], Field(discriminator="kind")]  # type: ignore[valid-type]
    checklist: Optional[Checklist] = Field(None, description="local checklist (county, published, matters)")
    city: Optional[City] = Field(None, description="check under this city's regulation instead of the act's")
    lang: Literal["zh", "en"] = "zh"
    show_personal_data: bool = Field(False, description="unmask names, ID numbers, phones; honoured only when the "
                                                        "server was started with --allow-personal-data")


class CompareBody(BaseModel):
    """One act to compare under the five cities' regulations."""
    act: Annotated[Union[tuple(ACT_MODELS.values())], Field(discriminator="kind")]  # type: ignore[valid-type]
    checklist: Optional[Checklist] = None
    lang: Literal["zh", "en"] = "zh"


BODY_MODELS = (CheckBody, CompareBody)


def _body_spec(model: type[BaseModel]) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


class BadRequest(Exception):
    def __init__(self, status: int, errors: list[dict]):
        self.status, self.errors = status, errors


def _bad(status: int, location: str | None, message: str, line: int | None = None) -> BadRequest:
    return BadRequest(status, [{"location": location, "line": line, "message": message}])


async def _json(request: Request, fields: tuple[str, ...]) -> dict:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        # Also what keeps a cross-site form (urlencoded, multipart, text/plain) from calling the API.
        raise _bad(415, "header.content-type", "请求体须为 JSON，Content-Type: application/json")
    raw = await request.body()
    from ..yamlsrc import YAMLSyntaxError, load_json

    try:
        data = load_json(raw.decode("utf-8"), "body")   # bounded depth, a duplicate key refused
    except UnicodeDecodeError as exc:
        raise _bad(400, "body", f"请求体不是 UTF-8 文本（第 {exc.start} 字节）") from None
    except YAMLSyntaxError as exc:
        p = exc.problem
        raise _bad(413 if p.code == "too_large" else 400, "body", p.message, p.line) from None
    if not isinstance(data, dict):
        raise _bad(422, "body", "请求体须为 JSON 对象，含 act 字段")
    unknown = [k for k in data if k not in fields]
    if unknown:
        raise BadRequest(422, [{"location": k, "line": None, "message": f"未知字段；可用字段：{', '.join(fields)}"}
                               for k in unknown])
    if "act" not in data:
        raise _bad(422, "act", "缺少必填字段 act（一个行为：kind、city、date 等）")
    if data.get("lang", "zh") not in ("zh", "en"):
        raise _bad(422, "lang", "lang 为 zh 或 en")
    if not isinstance(data.get("show_personal_data", False), bool):
        raise _bad(422, "show_personal_data", "应为 true 或 false")
    return data


def _act_and_checklist(data: dict):
    from ..api import act_data, parse_act
    from ..errors import InputError

    errors: list[dict] = []
    act = checklist = None
    try:
        act = parse_act(data["act"], "act")
        act_data(act, "act")        # ID numbers, phones, a birth date after the act (gridlaw.idnumber): 422, not 500
    except InputError as exc:
        # a message may quote the value it rejects; an ID number or phone in it is masked
        errors += [{"location": "act" + ("." + p.path if p.path and not p.path.startswith("[") else p.path or ""),
                    "line": None, "message": mask_text(p.message)} for p in exc.problems]
    if data.get("checklist") is not None:
        try:
            checklist = Checklist.model_validate(data["checklist"])
        except ValidationError as exc:
            errors += [{"location": ".".join(["checklist", *map(str, e["loc"])]), "line": None, "message": e["msg"]}
                       for e in exc.errors(include_input=False)]
    city = data.get("city")
    if city is not None and city not in get_args(City):
        errors.append({"location": "city", "line": None, "message": f"未知城市 {city!r}；可用：{', '.join(get_args(City))}"})
    if errors:
        raise BadRequest(422, errors)
    return act, checklist


@router.post("/check", openapi_extra=_body_spec(CheckBody), summary="Check one act under its city's regulation")
async def check(request: Request) -> JSONResponse:
    """The decision JSON of ``gridlaw check -f json``: decision, findings with citations and quotes,
    deciding rules, missing facts with the documents that settle them, stamp."""
    from ..api import check as run_check
    from ..report import view

    data = await _json(request, tuple(CheckBody.model_fields))
    act, checklist = _act_and_checklist(data)
    settings = request.app.state.settings
    show = settings.personal(data.get("show_personal_data", False))
    decision = run_check(act, checklist, data.get("city"))
    from ..report import public

    body = public(view(decision, data.get("lang", "zh"), show))
    return JSONResponse(json.loads(json.dumps(body, ensure_ascii=False, default=str)),
                        headers={"X-Gridlaw-Personal-Data": "shown" if show else "masked"})


@router.post("/compare", openapi_extra=_body_spec(CompareBody), summary="One act under all five cities")
async def compare(request: Request) -> JSONResponse:
    """Per city: decision, deciding rules, citations, legal effects, missing facts (``gridlaw compare -f json``)."""
    from ..compare import compare_act, render_comparison

    data = await _json(request, tuple(CompareBody.model_fields))
    act, checklist = _act_and_checklist(data)
    return JSONResponse(json.loads(render_comparison(compare_act(act, checklist), "json", data.get("lang", "zh"))))


def _pack_summary(city: str) -> dict:
    from ..loader import load_pack

    p = load_pack(city)
    m = p.meta
    return {"city": city, "title": m.title, "instrument": m.instrument, "issuer": m.issuer,
            "effective": m.effective.isoformat(), "articles": m.articles, "rules": len(p.rules), "hash": p.hash}


@router.get("/packs", summary="The city packs")
def packs() -> list[dict]:
    from ..loader import available_packs

    return [_pack_summary(c) for c in available_packs()]


@router.get("/packs/matrix", summary="Which city governs which question, with article numbers")
def matrix() -> dict:
    from ..compare import question_matrix

    return question_matrix()


def _city(city: str) -> str:
    from ..loader import available_packs

    if city not in available_packs():
        raise _bad(404, "path.city", f"未知城市 {city!r}；可用：{', '.join(available_packs())}")
    return city


@router.get("/packs/{city}", summary="One pack: its articles and the rules that encode each")
def pack(city: str) -> dict:
    from ..loader import load_pack

    p = load_pack(_city(city))
    cov = p.coverage()
    articles = [{"article": n, "chapter": a.chapter, "text": a.text, "status": cov.get(n, ("missing", ""))[0],
                 "rules": [r for r in cov[n][1]] if cov.get(n, ("", ""))[0] == "rules" else [],
                 "not_modelled": cov[n][1] if cov.get(n, ("", ""))[0] == "not_modelled" else None}
                for n, a in sorted(p.source.articles.items())]
    return {**_pack_summary(city), "articles": articles}


def rule_dict(rule: Any) -> dict:
    s = rule.spec
    return {"id": s.id, "act": s.act, "citation": {"article": s.cite.article, "paragraph": s.cite.paragraph,
                                                   "item": s.cite.item, "text": rule.citation},
            "quote": s.quote, "modality": s.modality, "effect": s.effect, "roles": list(s.roles or []) or None,
            "message": s.message.model_dump(exclude_none=True), "judgment": s.judgment, "facts": list(rule.facts)}


@router.get("/rules", summary="Rules, filtered by city, act kind or article")
def rules(city: Optional[City] = None,
          act: Optional[Literal["assignment", "hire", "exit", "notice", "admission", "grid"]] = None,
          article: Annotated[Optional[int], Query(ge=1, le=999)] = None) -> list[dict]:
    from ..loader import available_packs, load_pack

    out = []
    for c in [city] if city else available_packs():
        for r in load_pack(c).rules:
            if (act is None or r.spec.act == act) and (article is None or r.spec.cite.article == article):
                out.append(rule_dict(r))
    return out


@router.get("/rules/{rule_id}", summary="One rule")
def rule(rule_id: str) -> dict:
    from ..loader import available_packs, load_pack

    city = rule_id.split(".", 1)[0]
    r = load_pack(city).rule(rule_id) if city in available_packs() else None
    if r is None:
        raise _bad(404, "path.rule_id", f"没有规则 {rule_id!r}")
    return rule_dict(r)


@router.get("/schemas", summary="Names of the published JSON Schemas")
def schemas() -> list[str]:
    from ..schema_models import SCHEMA_MODELS

    return list(SCHEMA_MODELS)


@router.get("/schemas/{name}", summary="A JSON Schema (act kinds, pack format, checklist)")
def schema(name: str) -> dict:
    from ..schema_models import SCHEMA_MODELS, schema_of

    if name not in SCHEMA_MODELS:
        raise _bad(404, "path.name", f"未知 schema {name!r}；可用：{', '.join(SCHEMA_MODELS)}")
    return schema_of(name)


_AUDIT_BODY = {"requestBody": {"required": True, "content": {
    t: {"schema": {"type": "string", "format": "binary"}} for t in AUDIT_TYPES}}}


@router.post("/audit", status_code=202, openapi_extra=_AUDIT_BODY, summary="Audit a file of records (asynchronous)")
async def audit(request: Request,
                kind: Optional[Literal["hire", "exit", "assignment", "notice", "admission", "grid"]] = None,
                city: Annotated[Optional[str], Query(max_length=20, description="yancheng, 盐城 … or all")] = None,
                role: Annotated[Optional[str], Query(max_length=40)] = None,
                date: Optional[dt.date] = None,
                format: Literal["csv", "xlsx", "jsonl"] = "jsonl",
                lang: Literal["zh", "en"] = "zh",
                show_personal_data: bool = False) -> JSONResponse:
    """The file is the body (text/csv, xlsx or JSON lines). Answers 202 with the job; poll its status URL,
    then fetch ``results`` and ``report``."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in AUDIT_TYPES:
        raise _bad(415, "header.content-type", "请求体须为文件：" + "、".join(AUDIT_TYPES))
    body = await request.body()
    if not body:
        raise _bad(422, "body", "文件为空")
    settings = request.app.state.settings
    jobs = request.app.state.jobs
    from .jobs import Busy

    suffix = AUDIT_TYPES[ctype]
    try:
        job = jobs.create("upload" + suffix, suffix,
                          {"kind": kind, "city": city, "role": role, "date": date, "format": format, "lang": lang,
                           "show_personal": settings.personal(show_personal_data)})
    except Busy:
        raise _bad(429, "body", "审计任务已满，请稍后再试") from None
    job.options["input"].write_bytes(body)
    jobs.start(job)
    return JSONResponse(job.public("/api/v1/audit"), 202, headers={"Location": f"/api/v1/audit/{job.id}"})


def _job(request: Request, job_id: str):
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise _bad(404, "path.job", "没有该审计任务（可能已过期）")
    return job


@router.get("/audit/{job_id}", summary="An audit job's status and totals")
def audit_status(request: Request, job_id: str) -> dict:
    return _job(request, job_id).public("/api/v1/audit")


def _finished(request: Request, job_id: str):
    job = _job(request, job_id)
    if job.status != "done":
        raise _bad(409, "path.job", f"审计任务尚未完成（{job.status}）")
    return job


MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/audit/{job_id}/results", summary="The results file, one row per input row")
def audit_results(request: Request, job_id: str) -> Response:
    job = _finished(request, job_id)
    fmt = job.options["format"]
    return FileResponse(job.results_path, media_type=MEDIA[fmt], filename=f"results.{fmt}")


@router.get("/audit/{job_id}/report", summary="The self-contained HTML report", response_class=HTMLResponse)
def audit_report(request: Request, job_id: str) -> Response:
    job = _finished(request, job_id)
    return HTMLResponse(job.report_path.read_text("utf-8"))
