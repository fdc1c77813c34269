"""Hostile inputs, round three (issue 19): each one built here, run through the CLI, the library and
the HTTP API under ``/usr/bin/time -v`` with a 30 s limit; max RSS and wall time per input.

    python benchmarks/hostile.py                 # every case, every channel; a table on stdout
    python benchmarks/hostile.py -k ods          # the cases whose name holds "ods"
    python benchmarks/hostile.py --channels cli  # CLI only

Each run is judged, not only timed: it must end within 30 s, stay under 1 GB, exit with a
documented code (0, 1, 3, 4), print no traceback and no "Exception ignored", print no line in
Chinese mode without Chinese in it (after its location), and no unmasked ID number may appear
in anything it printed or wrote. A case may add its own check (rows accounted for, a record
read after the damage). The table marks each failed check; exit status 1 if any.

Inputs go to a temporary folder (``--keep DIR`` keeps them). Wall times are of a shared 2-core
machine: the load average is printed with the table.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
HEAD = ["序号", "姓名", "身份证号", "拟任岗位", "报名日期", "备注"]
ID = "320902199001011234"          # a well-formed ID number: must never appear unmasked
LIMIT_S = 30
LIMIT_KB = 1 << 20                 # 1 GB
_ID_RE = re.compile(r"(?<![0-9０-９])[1-9][0-9]{16}[0-9Xx](?![0-9])")


def row(i: int, note: str = "") -> list[str]:
    return [f"R{i}", "张伟", ID, "专职网格员", "2024年5月6日", note]


def csv_text(rows: list[list[str]], sep: str = ",", nl: str = "\n") -> str:
    return nl.join(sep.join(r) for r in [HEAD, *rows]) + nl


@dataclass
class Case:
    name: str
    cls: str                       # the class it belongs to
    build: Callable[[Path], Path]  # makes the input under the folder; returns its path
    mode: str = "audit"            # audit | check (an act file) | checklist (check with --checklist)
    expect_rows: int | None = None  # result rows the audit must write (every record accounted for)
    channels: tuple[str, ...] = ("cli", "lib", "api")
    extra: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- builders

def _w(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        p = d / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p
    return build


def _lazy(name: str, make: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        p = d / name
        p.write_bytes(make())
        return p
    return build


def _xlsx(name: str, sheet_xml: Callable[[], bytes], extra_parts: dict[str, bytes] | None = None,
          ) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.append(HEAD)
        base = io.BytesIO()
        wb.save(base)
        src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
        p = d / name
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                if info.filename == "xl/worksheets/sheet1.xml":
                    with z.open(info.filename, "w", force_zip64=True) as f:
                        f.write(sheet_xml())
                elif info.filename == "[Content_Types].xml" and extra_parts and "xl/sharedStrings.xml" in extra_parts:
                    ct = src.read(info.filename).replace(
                        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
                    z.writestr(info, ct)
                elif info.filename == "xl/_rels/workbook.xml.rels" and extra_parts and "xl/sharedStrings.xml" in extra_parts:
                    rels = src.read(info.filename).replace(
                        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
                    z.writestr(info, rels)
                else:
                    z.writestr(info, src.read(info.filename))
            for part, data in (extra_parts or {}).items():
                z.writestr(part, data)
        return p
    return build


_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cells(r: int, values: list[str]) -> str:
    return "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))


def _sheet(rows_xml: str, pre: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>' + pre + _NS + b"<sheetData>"
            + f'<row r="1">{_cells(1, HEAD)}</row>'.encode() + rows_xml.encode() + b"</sheetData></worksheet>")


def _shared_bomb() -> tuple[bytes, dict[str, bytes]]:
    """One 30,000-character shared string referenced by every name cell of 20,000 rows."""
    big = "张" * 30_000
    ss = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
          b'main" count="1" uniqueCount="1"><si><t>' + big.encode() + b"</t></si></sst>")
    rows = "".join(f'<row r="{r}">' + _cells(r, [f"R{r}"]) + f'<c r="B{r}" t="s"><v>0</v></c></row>'
                   for r in range(2, 20_002))
    return _sheet(rows), {"xl/sharedStrings.xml": ss}


def _shared_many() -> dict[str, bytes]:
    """A shared-string table of 2,000,000 entries that no cell uses."""
    body = b"<si><t>x</t></si>" * 2_000_000
    return {"xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
            b'org/spreadsheetml/2006/main">' + body + b"</sst>"}


def _ods(rows_repeated: int, cols_repeated: int, record_after: bool) -> bytes:
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">
<table:table-row>{''.join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in HEAD)}</table:table-row>
<table:table-row>{''.join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in row(1))}</table:table-row>
<table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell table:style-name="ce1" table:number-columns-repeated="{cols_repeated}"/></table:table-row>
{'<table:table-row>' + ''.join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in row(2)) + '</table:table-row>' if record_after else ''}
</table:table></office:spreadsheet></office:body></office:document-content>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _xls(n: int) -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    for r, values in enumerate([HEAD, *(row(i) for i in range(1, n + 1))]):
        for c, v in enumerate(values):
            ws.write(r, c, v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parquet(kind: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = io.BytesIO()
    if kind == "wide":
        pq.write_table(pa.table({f"c{i}": [str(i)] for i in range(5000)}), out)
    elif kind == "bigcell":
        pq.write_table(pa.table({h: [v] * 50 for h, v in zip(HEAD, row(1))} | {"备注": ["注" * 2_000_000] * 50}), out)
    else:
        pq.write_table(pa.table({h: [v] for h, v in zip(HEAD, row(1))}), out)
    data = out.getvalue()
    if kind == "corrupt":
        data = data[:4] + b"\x00" * 40 + data[44:]
    return data


def _act(**over: object) -> dict:
    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
           "candidate": {"name": "张伟", "id_number": ID, "age": 30}}
    act.update(over)
    return act


def _deep_yaml(n: int) -> bytes:
    return ("kind: hire\ncity: yancheng\ndate: 2024-05-01\nnote: " + "[" * n + "]" * n + "\n").encode()


def cases() -> list[Case]:
    big_rows = [row(i) for i in range(1, 2001)]
    c: list[Case] = [
        # ---- sizes and shapes of text
        Case("csv-nul-bytes-in-one-row", "NUL bytes", _w("nul.csv", csv_text(big_rows[:50]).replace("R25,", "R2\x00\x005,")),
             expect_rows=50),
        Case("csv-huge-single-line-200MB", "huge single line", _lazy("line.csv", lambda: csv_text([]).encode()
                                                                      + b"x" * (200 << 20))),
        Case("csv-one-row-of-1M-fields", "huge single line", _lazy("wide_row.csv", lambda: (csv_text(big_rows[:3])
                                                                  + "R9" + "," * 1_000_000 + "\n" + ",".join(row(10)) + "\n").encode()),
             expect_rows=5),
        Case("csv-10k-char-cell", "10k-character cells", _w("cell10k.csv", csv_text([row(1, "注" * 10_000), row(2)])),
             expect_rows=2),
        Case("csv-100k-char-cell", "10k-character cells", _w("cell100k.csv", csv_text([row(1, "注" * 100_000), row(2)])),
             expect_rows=2),
        Case("csv-zero-bytes", "0-byte file", _w("empty.csv", b"")),
        Case("xlsx-zero-bytes", "0-byte file", _w("empty.xlsx", b"")),
        Case("jsonl-zero-bytes", "0-byte file", _w("empty.jsonl", b"")),
        Case("csv-only-newlines-1M", "0-byte file", _w("newlines.csv", "\n" * 1_000_000)),
        # ---- encodings, BOMs, line endings
        Case("csv-utf8-bom-twice", "BOM variants", _w("bom2.csv", b"\xef\xbb\xbf\xef\xbb\xbf" + csv_text(big_rows[:5]).encode()),
             expect_rows=5),
        Case("csv-utf16le-bom", "BOM variants", _w("u16le.csv", b"\xff\xfe" + csv_text(big_rows[:5], "\t", "\r\n").encode("utf-16-le")),
             expect_rows=5),
        Case("csv-utf16be-bom", "BOM variants", _w("u16be.csv", b"\xfe\xff" + csv_text(big_rows[:5], "\t", "\r\n").encode("utf-16-be")),
             expect_rows=5),
        Case("csv-utf32-bom", "BOM variants", _w("u32.csv", csv_text(big_rows[:5]).encode("utf-32"))),
        Case("csv-utf16-without-bom", "BOM variants", _w("u16nobom.csv", csv_text(big_rows[:5], "\t").encode("utf-16-le"))),
        Case("csv-mixed-line-endings", "mixed line endings",
             _w("mixed.csv", ",".join(HEAD) + "\r\n" + ",".join(row(1)) + "\n" + ",".join(row(2)) + "\r" + ",".join(row(3))
                + "\r\n" + ",".join(row(4)) + "\n")),
        Case("csv-utf16-stray-byte", "UTF-16 misaligned",
             _lazy("u16mis.csv", lambda: b"\xff\xfe" + csv_text(big_rows[:3], "\t", "\r\n").encode("utf-16-le") + b"\x00"
                   + csv_text(big_rows[3:6], "\t", "\r\n").split("\r\n", 1)[1].encode("utf-16-le")), expect_rows=6),
        # ---- filesystem
        Case("a-directory-as-input", "a directory as input", lambda d: (d / "folder.csv").mkdir() or d / "folder.csv"),
        Case("symlink-loop", "symlink loops", lambda d: (os.symlink("loop_b.csv", d / "loop_a.csv"),
                                                        os.symlink("loop_a.csv", d / "loop_b.csv"), d / "loop_a.csv")[2]),
        Case("unreadable-file", "unreadable permissions", lambda d: _unreadable(d)),
        Case("name-with-escape-and-newline", "hostile file names",
             _w("evil\x1b[31mred\nline.csv", csv_text(big_rows[:2])), expect_rows=2),
        # ---- workbooks
        Case("xlsx-invalid-xml-mid-sheet", "invalid XML inside xlsx",
             _xlsx("badxml.xlsx", lambda: _sheet("".join(f'<row r="{r}">{_cells(r, row(r))}</row>' for r in range(2, 12))
                                                 + '<row r="12"><c r="A12"><v>1</c></row>'))),
        Case("xlsx-entity-bomb", "invalid XML inside xlsx",
             _xlsx("laughs.xlsx", lambda: _sheet(f'<row r="2">{_cells(2, ["&l9;"])}</row>', pre=(
                 b'<!DOCTYPE w [<!ENTITY l0 "ha">' + b"".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">'.encode()
                                                          for i in range(1, 10)) + b"]>")))),
        Case("xlsx-external-entity", "invalid XML inside xlsx",
             _xlsx("xxe.xlsx", lambda: _sheet(f'<row r="2">{_cells(2, ["&x;"])}</row>',
                                               pre=b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'))),
        Case("xlsx-shared-string-30k-in-20k-rows", "sharedStrings bombs",
             lambda d: _xlsx("ssbomb.xlsx", lambda: _shared_bomb()[0], _shared_bomb()[1])(d), expect_rows=20_000),
        Case("xlsx-2M-unused-shared-strings", "sharedStrings bombs",
             _xlsx("ssmany.xlsx", lambda: _sheet(f'<row r="2">{_cells(2, row(2))}</row>'), _shared_many()), expect_rows=1),
        Case("xlsx-1M-styled-empty-rows", "empty styled rows",
             _xlsx("empty1m.xlsx", lambda: _sheet(f'<row r="2">{_cells(2, row(2))}</row>' + "".join(
                 f'<row r="{r}"><c r="A{r}" s="0"/><c r="B{r}" s="0"/></row>' for r in range(3, 1_000_003))
                 + f'<row r="1000003">{_cells(1_000_003, row(3))}</row>')), expect_rows=2),
        Case("xlsx-header-16384-columns", "wide headers",
             _xlsx("xfd.xlsx", lambda: _sheet(f'<row r="2">{_cells(2, row(2))}</row>'.replace("<row", "<row") +
                                              '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'))),
        Case("xlsx-nested-zip-as-sheet", "nested zips",
             _xlsx("nested.xlsx", lambda: _nested_zip())),
        Case("zip-of-xlsx-named-xlsx", "nested zips", lambda d: _zip_of_xlsx(d)),
        Case("xls-corrupt", ".xls", _w("bad.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))),
        Case("xls-5000-rows", ".xls", _lazy("ok.xls", lambda: _xls(5000)), expect_rows=5000),
        Case("ods-1M-repeated-rows-16k-cols", ".ods", _lazy("rep.ods", lambda: _ods(1_048_000, 16_384, False)), expect_rows=1),
        Case("ods-record-after-repeated-rows", ".ods", _lazy("rep2.ods", lambda: _ods(100_000, 6, True)), expect_rows=2),
        Case("ods-corrupt", ".ods", _w("bad.ods", b"PK\x03\x04" + b"\x00" * 100)),
        # ---- JSON, JSONL, parquet
        Case("json-array-of-20k-records", "JSON", _lazy("arr.json", lambda: json.dumps(
            [dict(zip(HEAD, row(i))) for i in range(20_000)], ensure_ascii=False).encode()), expect_rows=20_000),
        Case("jsonl-line-nested-100k", "JSON", _w("deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n"
                                                  + json.dumps(dict(zip(HEAD, row(2))), ensure_ascii=False) + "\n"),
             expect_rows=2),
        Case("jsonl-nan-infinity-1e400", "JSON", _w("nan.jsonl", "\n".join(
            json.dumps(dict(zip(HEAD, row(i))), ensure_ascii=False)[:-1] + f', "年龄": {v}}}'
            for i, v in enumerate(["NaN", "Infinity", "-Infinity", "1e400", "30"], 1)) + "\n"), expect_rows=5),
        Case("jsonl-50MB-string", "JSON", _lazy("big.jsonl", lambda: (json.dumps(dict(zip(HEAD, row(1))), ensure_ascii=False)[:-1]
                                                                        + ', "备注": "' + "注" * (17 << 20) + '"}\n').encode()
                                                                       + (json.dumps(dict(zip(HEAD, row(2))), ensure_ascii=False)
                                                                          + "\n").encode()), expect_rows=2),
        Case("jsonl-1M-blank-lines", "JSON", _w("blank.jsonl", "\n" * 1_000_000 + json.dumps(dict(zip(HEAD, row(1))),
                                                                                              ensure_ascii=False) + "\n"),
             expect_rows=1),
        Case("parquet-corrupt", "parquet", _lazy("bad.parquet", lambda: _parquet("corrupt"))),
        Case("parquet-5000-columns", "parquet", _lazy("wide.parquet", lambda: _parquet("wide"))),
        Case("parquet-2M-char-cells", "parquet", _lazy("bigcell.parquet", lambda: _parquet("bigcell")), expect_rows=50),
        # ---- act files (check)
        Case("yaml-flow-nested-100k", "deeply nested YAML flow", _lazy("deep.yaml", lambda: _deep_yaml(100_000)),
             mode="check"),
        Case("yaml-utf16-act", "BOM variants", _w("u16.yaml", b"\xff\xfe" + "kind: hire\ncity: yancheng\ndate: 2024-05-01\n"
                                                  .encode("utf-16-le")), mode="check"),
        Case("yaml-nul-bytes", "NUL bytes", _w("nul.yaml", "kind: hire\ncity: yan\x00cheng\ndate: 2024-05-01\n"),
             mode="check"),
        Case("json-act-id-in-every-field", "ID in free text", _w("pii.json", json.dumps(_act(
            note=f"身份证{ID}", role=f"专职网格员{ID}", candidate={"name": f"张伟{ID}", "id_number": ID, "age": 30,
                                                                 "remarks": f"{ID[:6]} {ID[6:14]} {ID[14:]}"}),
            ensure_ascii=False)), mode="check"),
        Case("yaml-10MB-scalar", "10k-character cells", _lazy("big.yaml", lambda: (
            "kind: hire\ncity: yancheng\ndate: 2024-05-01\nnote: " + "注" * (3 << 20) + "\n").encode()), mode="check"),
        Case("checklist-xlsx-empty-rows", "empty styled rows",
             _xlsx("cl.xlsx", lambda: _sheet("".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(2, 1_000_002)))),
             mode="checklist"),
    ]
    return c


def _unreadable(d: Path) -> Path:
    p = d / "secret.csv"
    p.write_text(csv_text([row(1)]), "utf-8")
    p.chmod(0)
    return p


def _nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"<a/>" * 100_000)
    return inner.getvalue()


def _zip_of_xlsx(d: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    wb.active.append(row(1))
    inner = io.BytesIO()
    wb.save(inner)
    p = d / "outer.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        for i in range(50):
            z.writestr(f"copy{i}.xlsx", inner.getvalue())
    return p


# ---------------------------------------------------------------- channels

_LIB = r"""
import sys, json
from pathlib import Path
mode, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
from gridlaw.errors import GridlawError
try:
    if mode == "audit":
        from gridlaw.audit.run import AuditConfig, run_audit
        run_audit(AuditConfig(file=Path(path), kind="hire", city="yancheng", out=Path(out), lang="zh", listing="none"))
    else:
        from gridlaw.api import read_act_file, check
        acts = read_act_file(path)
        for a in (acts if isinstance(acts, list) else [acts]):
            d = check(a)
            print(json.dumps(d.to_dict(), ensure_ascii=False))
except GridlawError as exc:
    for p in exc.problems:
        print("错误:", p.text("zh"), file=sys.stderr)
    sys.exit(4)
"""

_API = r"""
import sys, json, time
from pathlib import Path
mode, path, work = sys.argv[1], sys.argv[2], sys.argv[3]
from fastapi.testclient import TestClient
from gridlaw.web.app import create_app
from gridlaw.web.settings import Settings
settings = Settings(workdir=Path(work))
Path(work).mkdir(exist_ok=True)
data = Path(path).read_bytes()
types = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".jsonl": "application/x-ndjson", ".json": "application/x-ndjson"}
with TestClient(create_app(settings)) as c:
    if mode == "audit":
        ctype = types.get(Path(path).suffix, "text/csv")
        r = c.post("/api/v1/audit?kind=hire&city=yancheng", content=data, headers={"content-type": ctype})
        print(r.status_code, r.text[:2000])
        if r.status_code == 202:
            url = r.json().get("status_url") or r.headers["location"]
            for _ in range(600):
                s = c.get(url)
                st = s.json().get("status")
                if st in ("done", "failed", "error"):
                    break
                time.sleep(0.05)
            print(s.text[:4000])
            if st == "done":
                print(c.get(url + "/results").text)
    else:
        try:
            body = json.loads(data.decode("utf-8"))
        except Exception:
            import yaml
            try:
                body = yaml.safe_load(data.decode("utf-8", "replace"))
            except Exception as exc:
                body = {"raw": data.decode("utf-8", "replace")[:1000]}
        r = c.post("/api/v1/check", json={"act": body})
        print(r.status_code, r.text)
"""


@dataclass
class Run:
    case: str
    cls: str
    channel: str
    rc: int | None
    wall: float
    rss_kb: int
    failures: list[str]


def _judge(case: Case, channel: str, rc: int | None, out: str, err: str, written: str) -> list[str]:
    bad: list[str] = []
    if rc is None:
        bad.append("timeout")
    elif channel != "api" and rc not in (0, 1, 3, 4):
        bad.append(f"exit {rc}")
    text = out + err + written
    if "Traceback" in text or "Exception ignored" in text:
        bad.append("traceback")
    if _ID_RE.search(text):
        bad.append("unmasked ID")
    if channel != "api":
        for line in err.splitlines():
            body = line.split(": ", 1)[-1] if ": " in line else line
            if line.strip() and not re.search(r"[\u4e00-\u9fff]", body) and re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", body):
                bad.append("English in zh: " + line[:80])
                break
    if channel == "api" and rc is not None and re.search(r"^500 ", out, re.M):
        bad.append("HTTP 500")
    if case.expect_rows is not None and case.mode == "audit" and channel in ("cli", "lib") and rc in (0, 1, 3):
        got = sum(1 for x in written.splitlines() if x.strip())
        if got != case.expect_rows:
            bad.append(f"rows {got} != {case.expect_rows}")
    return bad


def run_one(case: Case, path: Path, channel: str, work: Path) -> Run:
    out_file = work / f"{case.name}.{channel}.out.jsonl"
    if channel == "cli":
        if case.mode == "audit":
            cmd = [PY, "-m", "gridlaw.cli", "audit", str(path), "--kind", "hire", "--city", "yancheng",
                   "-o", str(out_file), *case.extra]
        elif case.mode == "checklist":
            cmd = [PY, "-m", "gridlaw.cli", "check", str(ROOT / "examples" / "assignment.yaml"), "--checklist", str(path)]
        else:
            cmd = [PY, "-m", "gridlaw.cli", "check", str(path), "-f", "json"]
    elif channel == "lib":
        cmd = [PY, "-c", _LIB, "audit" if case.mode == "audit" else "check", str(path), str(out_file)]
    else:
        cmd = [PY, "-c", _API, "audit" if case.mode == "audit" else "check", str(path), str(work / f"web-{case.name}")]
    timing = work / "time.txt"
    start = time.monotonic()
    # its own process group, so a run past the limit is ended whole (time, python and any child) by its id
    p = subprocess.Popen(["/usr/bin/time", "-v", "-o", str(timing), *cmd], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=work, start_new_session=True)
    try:
        o, e = p.communicate(timeout=LIMIT_S)
        rc: int | None = p.returncode
    except subprocess.TimeoutExpired:
        import signal

        os.killpg(p.pid, signal.SIGKILL)
        o, e = p.communicate()
        rc = None
    out, err = o.decode("utf-8", "replace"), e.decode("utf-8", "replace")
    wall = time.monotonic() - start
    rss = 0
    if timing.exists():
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing.read_text())
        rss = int(m.group(1)) if m else 0
        timing.unlink()
    written = out_file.read_text("utf-8", "replace") if out_file.exists() else ""
    fails = _judge(case, channel, rc, out, err, written)
    if rss > LIMIT_KB:
        fails.append(f"RSS {rss // 1024} MB")
    return Run(case.name, case.cls, channel, rc, wall, rss, fails)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    ap.add_argument("--channels", default="cli,lib,api")
    ap.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="gridlaw-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    channels = a.channels.split(",")
    print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")
    runs: list[Run] = []
    for case in cases():
        if a.k and a.k not in case.name:
            continue
        d = work / case.name
        d.mkdir(exist_ok=True)
        path = case.build(d)
        for ch in channels:
            if ch not in case.channels:
                continue
            r = run_one(case, path, ch, d)
            runs.append(r)
            print(f"| {r.case} | {r.cls} | {r.channel} | {r.rc} | {r.wall:.1f} | {r.rss_kb / 1024:.0f} | "
                  f"{'; '.join(r.failures) or 'ok'} |", flush=True)
    print(f"load average at end: {open('/proc/loadavg').read().split()[:3]}")
    if not a.keep:
        for p in work.rglob("*"):
            try:
                p.chmod(0o700)
            except OSError:
                pass
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(r.failures for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
