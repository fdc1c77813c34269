"""A second clerk's sheets (issue 18 acceptance, round two), unlike tests/clerk_sheets.py in every habit:
other column names and order (编号 姓名 身份证号码 出生年月 文化程度 手机号 拟聘岗位 备注; 日期 事项 交办单位 网格名称
是否清单事项), the 填报单位 / 填报人 / 填报日期 lines ABOVE the header on separate rows, blank rows in the middle of
the table, a 合计 row and a 注 row, 1996.2-style months, 备注 written in this clerk's own words (拘留过, 上了失信
名单, 被单位辞退 …), and tasks in everyday wording (some power acts under other names, some listed services,
是否清单事项 marked √ / 是 / 否 / 不清楚 / blank). Each is written as .xlsx, .xls, .ods and GBK CSV.
Written by hand, row by row; not generated from the engine's vocabulary."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from clerk_sheets import id_number  # the same ID numbers, cut by Excel the same way

# 姓名, (place, birth yyyymmdd, seq) or None, 出生年月 as typed, 文化程度, 手机号, 拟聘岗位, 备注
PEOPLE = [
    ("方志强", ("330802", "19960218", "031"), 1996.2, "大专", "13757012345", "专职网格员", ""),
    ("毛丽萍", ("330802", "19881105", "042"), 1988.11, "高中", "13906701234", "专职网格员", "2017年因打架被拘留过"),
    ("徐卫东", ("330803", "19790930", "053"), 1979.9, "中专", "15857012345", "网格长", "村委委员"),
    ("祝小芳", ("330802", "19940512", "064"), 1994.5, "本科", "18857012345", "专职网格员", ""),
    ("郑国平", ("330802", "19830727", "075"), 1983.7, "初中", "13567012345", "兼职网格员", "上了失信名单"),
    ("姜慧", ("330802", "19970806", "086"), 1997.8, "大专", "15967012345", "专职网格员", ""),
    ("余建华", ("330802", "19850101", "097"), 1985.1, "高中", "13857012345", "专职网格员", "原单位辞退"),
    ("叶青", ("330802", "19990321", "108"), 1999.3, "本科", "17857012345", "专职网格员", ""),
    ("周海燕", ("330802", "19921010", "119"), 1992.1, "大专", "13967012345", "专职网格员", ""),   # .1 is October here
    ("汪涛", ("330802", "19870614", "120"), 1987.6, "大专", "15257012345", "专职网格员", "曾判过刑，缓刑已满"),
    ("鲁佳", ("330802", "20060915", "132"), 2006.9, "高中", "18757012345", "专职网格员", "应届毕业生"),  # 17 on 填报日期
    ("蓝天宇", ("330802", "19930202", "143"), 1993.2, "本科", "13757019876", "专职网格员", "岗前培训没参加"),
    ("程丹", ("330802", "19950808", "154"), 1995.8, "大专", "1375701234", "专职网格员", ""),       # phone lost a digit
    ("华建军", ("330802", "19800419", "165"), 1980.4, "高中", "13906709876", "网格长", "党员，现任村支委"),
    ("邵美玲", ("330802", "19910227", "176"), 1991.2, "大专", "15857019876", "专职网格员", "无不良记录"),
    ("傅强", ("330802", "19861212", "187"), 1986.12, "中专", "13567019876", "兼职网格员", "涉嫌诈骗，正在立案侦查"),
    ("黄晓东", ("330802", "19980101", "198"), 1998.1, "本科", "17857019876", "专职网格员", ""),     # .1 is January
    ("应红", ("330802", "19840704", "209"), 1984.7, "高中", "13857019876", "专职网格员", "体检未通过"),
    ("项伟", ("330802", "19900920", "210"), 1990.9, "大专", "15967019876", "专职网格员", "退役军人"),
    ("柴晓丽", ("330802", "19960506", "221"), 1996.5, "", "18857019876", "专职网格员", ""),          # 文化程度 blank
    ("吾明", None, 1989.3, "大专", "13757015555", "专职网格员", "身份证复印件未交"),                 # ID blank
    ("占芳", ("330802", "19930615", "232"), 1993.6, "本科", "13906705555", "专职网格员", "政审未通过"),
    ("潘杰", ("330802", "19820310", "243"), 1982.3, "高中", "15857015555", "兼职网格员", "外地户口，在本村暂住"),
    ("严琴", ("330802", "19971130", "254"), 1997.11, "大专", "13567015555", "专职网格员", ""),
    ("翁斌", ("330802", "19880818", "265", "number cell"), 1988.8, "大专", "17857015555", "专职网格员", ""),
    ("龚雪", ("330802", "19950404", "276"), 1995.4, "本科", "13857015555", "专职网格员", "被司法拘留过一次"),
    ("诸葛亮", ("330802", "19781224", "287"), 1978.12, "初中", "15967015555", "网格长", ""),
    ("姚婷", ("330802", "19940707", "298"), 1994.7, "大专", "18857015555", "专职网格员", "2020年被开除公职"),
    ("卢军", ("330802", "19910101", "309"), 1991.1, "高中", "13757016666", "专职网格员", ""),
    ("史佳怡", ("330802", "20001010", "310"), 2000.10, "本科", "13906706666", "专职网格员", ""),
]

HIRE_TITLE = "柯城区航埠镇2024年度网格员招聘报名花名册"
HIRE_ABOVE = ["填报单位：航埠镇社会治理中心", "填报人：周敏", "填报日期：2024年6月3日"]
HIRE_HEADER = ["编号", "姓名", "身份证号码", "出生年月", "文化程度", "手机号", "拟聘岗位", "备注"]
HIRE_NOTE = "注：本表由各村汇总后报镇社会治理中心，出生年月请按身份证填写。"
HIRE_BLANKS_AFTER = (10, 20)          # the clerk left an empty line after 编号 10 and 20


def hire_rows() -> list[list]:
    rows: list[list] = []
    for i, (name, idp, birth, edu, phone, post, remark) in enumerate(PEOPLE, 1):
        rows.append([i, name, id_number(idp), birth, edu, phone, post, remark])
        if i in HIRE_BLANKS_AFTER:
            rows.append([])
    return rows


# 事项 in the clerk's own words, 交办单位, 网格名称, 是否清单事项
TASKS = [
    ("到独居老人家里看看，有困难的登记下来", "镇民政办", "航埠村一网格", "√"),
    ("帮村里收一下今年的卫生费，不交的记下名字", "村委会", "航埠村二网格", "否"),
    ("沿街店面消防检查，有隐患的拍照报上来", "镇应急办", "航埠村一网格", "是"),
    ("乱扔垃圾的每次收50块钱，当作处罚", "镇城管中队", "航埠村三网格", "否"),
    ("协助派出所上门核对外来人口", "航埠派出所", "航埠村二网格", "是"),
    ("把占道摆摊的三轮车先拖到村委会扣着", "镇城管中队", "航埠村一网格", "否"),
    ("医保缴费通知到每户", "镇医保站", "航埠村三网格", "√"),
    ("给开民宿的办个经营许可证", "镇文旅办", "北淤村一网格", "否"),
    ("在村务公开栏通报不搞垃圾分类的户", "镇环卫所", "北淤村一网格", "否"),
    ("把无证小作坊的门封掉", "镇市场监管所", "北淤村二网格", "否"),
    ("摸排辖区内的出租房，登记租客信息", "航埠派出所", "北淤村二网格", "是"),
    ("宣传防溺水知识，发放宣传单", "镇教办", "北淤村三网格", "是"),
    ("跟着执法队员一起去拆违建的猪棚", "镇综合执法队", "北淤村三网格", "否"),
    ("帮老年人代办养老保险认证", "镇社保所", "孔家村一网格", "√"),
    ("对晒粮占公路的农户扣下粮食", "镇交通办", "孔家村一网格", "否"),
    ("调解两户人家的宅基地纠纷", "镇司法所", "孔家村二网格", "是"),
    ("统计60岁以上老人的疫苗接种情况", "镇卫生院", "孔家村二网格", "是"),
    ("责令养猪场三天内停业整顿", "镇农业办", "孔家村三网格", "否"),
    ("核实低保户的家庭收入", "镇民政办", "孔家村三网格", "是"),
    ("收集村民对道路修建的意见", "村委会", "孔家村一网格", ""),
    ("对违规燃放烟花的当事人罚款100元", "航埠派出所", "航埠村一网格", "否"),
    ("巡查河道，看到电鱼的劝离并上报", "镇水利站", "航埠村二网格", "是"),
    ("审批村民建房申请", "镇建设办", "航埠村三网格", "否"),
    ("发放森林防火告知书", "镇林业站", "北淤村一网格", "是"),
    ("清理楼道里的小广告", "物业", "北淤村二网格", "不清楚"),
    ("上门劝导电动车不要进楼充电", "镇应急办", "北淤村三网格", "是"),
    ("对拒不整改的商户停水停电", "镇城管中队", "孔家村一网格", "否"),
    ("登记返乡大学生信息", "团委", "孔家村二网格", ""),
    ("走访慰问困难党员", "镇党建办", "孔家村三网格", "√"),
    ("协助卫健部门入户核查发热病人", "镇卫生院", "航埠村一网格", "是"),
    ("代收村民的水费", "自来水公司", "航埠村二网格", "否"),
    ("排查危旧房屋并登记上报", "镇建设办", "航埠村三网格", "是"),
    ("对养犬不拴绳的住户没收狗", "镇城管中队", "北淤村一网格", "否"),
    ("宣传反电诈，帮村民装国家反诈APP", "航埠派出所", "北淤村二网格", "是"),
    ("给符合条件的困难户发临时救助金", "镇民政办", "北淤村三网格", "不清楚"),
    ("上报网格内矛盾纠纷", "镇综治办", "孔家村一网格", "是"),
    ("吊销不合格农家乐的营业执照", "镇市场监管所", "孔家村二网格", "否"),
    ("通知适龄青年参加兵役登记", "镇武装部", "孔家村三网格", "√"),
    ("对乱停车辆贴告知单并拍照", "交警中队", "航埠村一网格", ""),
    ("入户采集人口基础信息", "镇综治办", "航埠村二网格", "是"),
]

TASK_TITLE = "航埠镇网格事项交办登记簿"
TASK_ABOVE = ["填报单位：航埠镇人民政府", "填报人：王丽", "填报日期：2024年7月5日"]
TASK_HEADER = ["日期", "事项", "交办单位", "网格名称", "是否清单事项"]
TASK_NOTE = "注：是否清单事项一栏按镇公布的网格事项清单填写，不清楚的请注明。"
TASK_BLANKS_AFTER = (15, 30)


def task_date(i: int):
    """日期 as this clerk types it: an Excel date cell mostly, 2024.5.6 text every seventh, blank twice."""
    if i in (12, 33):
        return ""
    if i % 7 == 0:
        return f"2024.{4 + i % 3}.{i % 25 + 1}"
    return dt.datetime(2024, 4 + i % 3, i % 27 + 1)


def task_rows() -> list[list]:
    rows: list[list] = []
    for i, (text, unit, grid, listed) in enumerate(TASKS, 1):
        rows.append([task_date(i), text, unit, grid, listed])
        if i in TASK_BLANKS_AFTER:
            rows.append([])
    return rows


# ---------------------------------------------------------------- writers
def _cells(title: str, above: list[str], header: list[str], rows: list[list], below: list[list]) -> list[list]:
    return [[title]] + [[a] for a in above] + [header] + rows + below


def _xlsx(path: Path, title, above, header, rows, below) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册" if "编号" in header else "台账"
    for r, row in enumerate(_cells(title, above, header, rows, below), 1):
        for c, v in enumerate(row, 1):
            if v != "":
                cell = ws.cell(r, c, v)
                if isinstance(v, dt.datetime):
                    cell.number_format = "yyyy/m/d"
        if len(row) == 1 and r <= 1 + len(above):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
    wb.save(path)
    return path


def _xls(path: Path, title, above, header, rows, below) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy/m/d")
    for r, row in enumerate(_cells(title, above, header, rows, below)):
        if len(row) == 1 and r <= len(above):
            ws.write_merge(r, r, 0, len(header) - 1, row[0])
            continue
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, date_style)
            elif v != "":
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def _ods(path: Path, title, above, header, rows, below) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for row in _cells(title, above, header, rows, below):
        tr = TableRow()
        for v in row:
            if isinstance(v, dt.datetime):
                cell = TableCell(valuetype="date", datevalue=v.date().isoformat())
                cell.addElement(P(text=f"{v.year}/{v.month}/{v.day}"))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
            else:
                cell = TableCell(valuetype="string")
                if v != "":
                    cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _csv_gbk(path: Path, title, above, header, rows, below) -> Path:
    def cell(v) -> str:
        if isinstance(v, dt.datetime):
            return f"{v.year}/{v.month}/{v.day}"                 # how Excel saves a date cell to CSV
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, int) and v > 10 ** 15:
            return f"{v:.5E}"                                   # Excel saves a long number cell as 3.30802E+17
        return str(v)

    n = len(header)
    lines = [",".join(cell(v) for v in row) + "," * (n - len(row))
             for row in _cells(title, above, header, rows, below)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


WRITERS = {"xlsx": _xlsx, "xls": _xls, "ods": _ods, "csv": _csv_gbk}


def register(path: Path) -> Path:
    below = [["合计", f"共{len(PEOPLE)}人"], [HIRE_NOTE]]
    return WRITERS[path.suffix.lstrip(".")](path, HIRE_TITLE, HIRE_ABOVE, HIRE_HEADER, hire_rows(), below)


def ledger(path: Path) -> Path:
    below = [["合计", f"{len(TASKS)}件"], [TASK_NOTE]]
    return WRITERS[path.suffix.lstrip(".")](path, TASK_TITLE, TASK_ABOVE, TASK_HEADER, task_rows(), below)


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for ext in WRITERS:
        out[f"hire.{ext}"] = register(folder / f"航埠镇网格员报名花名册.{ext}")
        out[f"tasks.{ext}"] = ledger(folder / f"航埠镇交办登记簿.{ext}")
    return out


if __name__ == "__main__":
    import sys

    for k, p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/clerk2")).items():
        print(k, p)
