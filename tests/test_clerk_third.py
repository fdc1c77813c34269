"""Issue 18, a third clerk's ledger (the integrator's own acceptance pass): a signature line of bare labels
(登记人：  审核人：) is not a record, and a row that is short of facts AND assists a power act says both — what
to supply and what a reviewer must check — instead of calling the assisted article "settled"."""
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]


def ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "派单台账"
    ws.append(["某镇交办事项登记表（2024年第二季度）"])
    ws.merge_cells("A1:E1")
    ws.append(["日期", "事项", "交办单位", "网格名称", "是否清单事项"])
    ws.append(["2024.04.03", "配合城管拆除违章搭建的彩钢棚", "城管中队", "第2网格", None])
    ws.append(["2024.04.05", "对乱贴招租广告的房东罚款五十元", "城管中队", "第3网格", None])
    ws.append(["2024.04.07", "上门走访独居老人并登记健康状况", "民政办", "第1网格", "是"])
    ws.append([])
    ws.append(["登记人：", None, "审核人："])
    wb.save(path)
    return path


def test_signature_labels_are_not_a_record_and_review_is_said_with_the_open_facts(tmp_path):
    out = tmp_path / "r.jsonl"
    r = subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", str(ledger(tmp_path / "台账.xlsx")),
                        "--city", "盐城", "--kind", "assignment", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    assert "读入 3 行 = 已审查 3 + 未能审查 0" in r.stderr, r.stderr
    assert "注释行 1" in r.stderr
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(rows) == 3
    assisted, fined, visit = rows
    assert assisted["decision"] == "insufficient_facts"
    assert [x["article"] for x in assisted["review"]] == ["《盐城市城乡网格化服务管理实施细则》第十九条第二款第（二）项"]
    # the listing's advice for that row: what to supply, then the review still owed; the article under review
    # is not called "settled" (未见…所指情形)
    line = next(x for x in (r.stdout + r.stderr).splitlines() if x.startswith("事实不足"))
    assert "尚需核实：当地公布的网格服务管理事项清单；另需人工审查：《盐城市城乡网格化服务管理实施细则》第十九条第二款第（二）项" in line
    assert "未见" not in line
    assert fined["decision"] == "non_compliant"           # 对…的房东罚款: the worker fines
    assert visit["decision"] == "compliant"
