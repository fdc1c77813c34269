"""Sheets made the way a township clerk makes them (issue 18 acceptance), with only the columns a clerk
actually keeps: a 30-row recruitment register (merged title, 填报单位/填报日期 line, 序号 姓名 性别 身份证号
出生年月 学历 政治面貌 联系电话 备注, a few blanks, a 合计 row and a 注 row) and a 40-row task ledger (交办日期 or
派单时间, 任务内容 in everyday words, 交办部门, 所属网格, 是否在清单内 with 是/否/不确定/blank). Each is written as
.xlsx, .xls and GBK CSV. Written by hand, row by row, not generated from the engine's vocabulary."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from gridlaw.idnumber import check_digit

# 序号, 姓名, 性别, (place, birth yyyymmdd, seq), 出生年月 as typed, 学历, 政治面貌, 联系电话, 备注
PEOPLE = [
    ("王晓燕", "女", ("320902", "19960214", "042"), 1996.2, "大专", "团员", "13815012345", ""),
    ("李建国", "男", ("320902", "19800503", "113"), 1980.5, "高中", "党员", "13905151234", "退役军人"),
    ("张伟", "男", ("320981", "19940817", "251"), 1994.8, "本科", "群众", "15851512345", ""),
    ("陈静", "女", ("320902", "19971120", "062"), 1997.11, "大专", "群众", "18762012345", ""),
    ("刘洋", "男", ("320902", "19900105", "071"), 1990.1, "本科", "党员", "13705151111", ""),   # .1 settled by ID
    ("赵敏", "女", ("320903", "20061201", "082"), 2006.12, "高中", "团员", "15195112345", ""),   # 17 on 填报日期
    ("孙磊", "男", ("320902", "19881009", "093"), 1988.10, "大专", "群众", "13851012345", "曾被行政拘留"),
    ("周芳", "女", ("320902", "19920306", "104"), 1992.3, "本科", "党员", "13951012345", ""),
    ("吴强", "男", ("320902", "19850722", "115"), 1985.7, "中专", "群众", "13651512345", "失信被执行人"),
    ("郑丽", "女", ("320902", "19930911", "126"), 1993.9, "大专", "群众", "", ""),              # no phone
    ("冯军", "男", ("320902", "19780415", "137"), 1978.4, "高中", "党员", "13805156789", "2019年被原单位开除"),
    ("何娟", "女", ("320902", "19950228", "148", "number cell"), 1995.2, "本科", "团员", "17751512345", ""),  # Excel cut it
    ("高杰", "男", ("320924", "19910619", "159"), 1991.6, "大专", "群众", "13915112345", "未参加岗前培训"),
    ("林艳", "女", ("320902", "19980830", "160"), 1998.8, "", "群众", "15751512345", ""),        # 学历 blank
    ("马涛", "男", ("320902", "19870101", "171"), 1987.1, "本科", "党员", "13651510000", ""),
    ("罗娜", "女", ("320902", "19990509", "182"), 1999.5, "大专", "团员", "18851512345", "无违法犯罪记录"),
    ("胡勇", "男", ("320902", "19830312", "193"), 1983.3, "高中", "群众", "13705150000", ""),
    ("朱婷", "女", ("320902", "19960716", "204"), 1996.7, "大专", "群众", "13815019999", ""),
    ("郭鹏", "男", ("320902", "19821225", "215"), 1982.12, "中专", "党员", "13905159999", "退役军人"),
    ("黄雪", "女", ("320902", "20000101", "226"), 2000.1, "本科", "团员", "15951519999", ""),
    ("徐斌", "男", ("320902", "19750606", "237"), 1975.6, "初中", "群众", "13615159999", ""),
    ("杨帆", "男", ("320902", "19940404", "248"), 1994.4, "本科", "群众", "15251519999", ""),
    ("宋佳", "女", ("320902", "19970909", "250"), 1997.9, "大专", "党员", "18251519999", ""),
    ("唐亮", "男", None, 1989.11, "大专", "群众", "13851519999", "身份证号待补"),           # blank ID
    ("韩梅", "女", ("320902", "19930303", "262"), 1993.3, "本科", "群众", "13951519999", ""),
    ("曹阳", "男", ("320902", "19910808", "273"), 1991.8, "大专", "团员", "1395151", ""),        # short phone
    ("邓琳", "女", ("320902", "19951111", "284"), 1995.11, "本科", "群众", "17851519999", ""),
    ("彭飞", "男", ("320902", "19860202", "295"), 1986.2, "高中", "党员", "13651519999", ""),
    ("曾玲", "女", ("320902", "19920707", "206"), 1992.7, "大专", "群众", "15851519999", ""),
    ("谢刚", "男", ("320902", "19890919", "317"), 1989.9, "本科", "群众", "13805158888", ""),
]

TITLE = "盐都区大冈镇2024年专职网格员招聘报名人员信息汇总表"
UNIT_LINE = "填报单位：大冈镇人民政府（盖章）                    填报日期：2024年5月10日"
HIRE_HEADER = ["序号", "姓名", "性别", "身份证号", "出生年月", "学历", "政治面貌", "联系电话", "备注"]
HIRE_NOTE = "注：1.出生年月按身份证填写；2.学历填最高学历；3.以上信息由报名人本人提供。"


def id_number(parts) -> str | int:
    if parts is None:
        return ""
    first17 = "".join(parts[:3])
    number = first17 + check_digit(first17)
    if len(parts) > 3:           # typed into a number cell: Excel keeps 15 significant digits
        return int(number[:15] + "000")
    return number


def hire_rows() -> list[list]:
    rows = []
    for i, (name, sex, idp, birth, edu, party, phone, remark) in enumerate(PEOPLE, 1):
        rows.append([i, name, sex, id_number(idp), birth, edu, party, phone, remark])
    return rows


# 任务内容 as a township writes it in its ledger; 交办部门; 是否在清单内
TASKS = [
    ("上门走访辖区独居老人，了解生活情况", "民政办", "是"),
    ("排查沿街门店消防隐患，发现问题拍照上报", "应急办", "是"),
    ("对乱倒建筑垃圾的当事人罚款200元", "城管中队", "否"),
    ("协助派出所核对流动人口信息", "派出所", "是"),
    ("通知居民参加医保缴费", "医保站", "是"),
    ("督促沿街商户落实门前三包", "城管中队", "不确定"),
    ("配合执法队拆除违章搭建的棚子", "综合执法局", "否"),
    ("巡查河道，劝阻私自捕鱼", "水务站", ""),
    ("收取村民有线电视费", "广电站", "否"),
    ("统计辖区养殖户数量并上报", "农业服务中心", "是"),
    ("扣押占道经营的三轮车", "城管中队", "否"),
    ("发放防汛宣传单", "水务站", "是"),
    ("帮助群众代办居住证", "派出所", "不确定"),
    ("对未戴头盔的电动车驾驶人进行劝导", "交警中队", ""),
    ("核查低保户家庭收入情况", "民政办", "是"),
    ("查封无证经营的小作坊", "市场监管所", "否"),
    ("采集网格内出租房屋信息", "派出所", "是"),
    ("组织开展文明城市创建宣传", "宣传办", "是"),
    ("上门催缴农村合作医疗保险费", "医保站", "不确定"),
    ("调解邻里纠纷", "司法所", "是"),
    ("对焚烧秸秆的农户当场罚款", "环保办", "否"),
    ("排查辖区内的危房并登记", "建设办", "是"),
    ("陪同卫健部门开展入户流调", "卫健办", ""),
    ("收集群众对村务公开的意见建议", "纪委", "是"),
    ("责令违规养犬户限期整改", "城管中队", "否"),
    ("统计适龄儿童疫苗接种情况", "卫健办", "是"),
    ("上报网格内重点人员动态", "综治办", "是"),
    ("对无证行医人员没收药品", "卫健办", "否"),
    ("协助开展人口普查入户登记", "统计站", "是"),
    ("劝导村民不要在公路上晒粮", "交通办", ""),
    ("给辖区企业发放安全生产告知书", "安监办", "是"),
    ("吊销违规经营户的营业执照", "市场监管所", "否"),
    ("走访慰问困难退役军人", "退役军人服务站", "是"),
    ("清理小广告", "城管中队", "不确定"),
    ("核实残疾人补贴申请人情况", "残联", "是"),
    ("对违规停放车辆贴罚单", "交警中队", "否"),
    ("排查电动车进楼入户充电", "应急办", "是"),
    ("宣传反诈知识", "派出所", "是"),
    ("拆除违法广告牌", "城管中队", "否"),
    ("登记返乡人员信息", "综治办", ""),
]

TASK_TITLE = "大冈镇网格事项交办登记台账（2024年第二季度）"
TASK_FOOTER = "填报人：王会计    审核人：李主任    填报日期：2024年7月3日"


def task_dates() -> list:
    """交办日期 as a clerk types them: datetime cells mostly, some text 2024.4.3, a few blanks."""
    out = []
    for i in range(1, 41):
        if i in (9, 27):
            out.append("")                                        # forgot to fill in
        elif i % 5 == 0:
            out.append(f"2024.{4 + i % 3}.{i % 27 + 1}")           # typed as text with dots
        else:
            out.append(dt.datetime(2024, 4 + i % 3, i % 28 + 1))  # an Excel date cell
    return out


def task_rows() -> list[list]:
    dates = task_dates()
    return [[i, dates[i - 1], text, dept, f"大冈村第{(i % 6) + 1}网格", ck]
            for i, (text, dept, ck) in enumerate(TASKS, 1)]


def task_header(date_col: str) -> list[str]:
    return ["序号", date_col, "任务内容", "交办部门", "所属网格", "是否在清单内"]


# ---------------------------------------------------------------- writers
def _xlsx(path: Path, title: str, above: list[str], header: list[str], rows: list[list], below: list[list]) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    for line in above:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
        c = ws.cell(ws.max_row, 2)
        if isinstance(c.value, dt.datetime):
            c.number_format = "yyyy\"年\"m\"月\"d\"日\""
    for extra in below:
        ws.append(extra)
        if len(extra) == 1:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
    wb.save(path)
    return path


def _xls(path: Path, title: str, above: list[str], header: list[str], rows: list[list], below: list[list]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write_merge(0, 0, 0, len(header) - 1, title)
    r = 1
    for line in above:
        ws.write_merge(r, r, 0, len(header) - 1, line)
        r += 1
    for c, h in enumerate(header):
        ws.write(r, c, h)
    for row in rows + below:
        r += 1
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, date_style)
            elif v != "":
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def _csv_gbk(path: Path, title: str, above: list[str], header: list[str], rows: list[list], below: list[list]) -> Path:
    def cell(v) -> str:
        if isinstance(v, dt.datetime):
            return f"{v.year}/{v.month}/{v.day}"                 # how Excel saves a date cell to CSV
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, int) and v > 10 ** 15:
            return f"{v:.5E}"                                   # Excel saves a long number cell as 3.20902E+17
        return str(v)

    n = len(header)
    lines = [title + "," * (n - 1)] + [a + "," * (n - 1) for a in above] + [",".join(header)]
    lines += [",".join(cell(v) for v in row) + "," * (n - len(row)) for row in rows + below]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


WRITERS = {"xlsx": _xlsx, "xls": _xls, "csv": _csv_gbk}


def recruitment(path: Path) -> Path:
    rows = hire_rows()
    below = [["合计", f"{len(rows)}人"], [HIRE_NOTE]]
    return WRITERS[path.suffix.lstrip(".")](path, TITLE, [UNIT_LINE], HIRE_HEADER, rows, below)


def tasks(path: Path, date_col: str = "交办日期") -> Path:
    rows = task_rows()
    below = [["合计", f"共{len(rows)}件"], [TASK_FOOTER]]
    return WRITERS[path.suffix.lstrip(".")](path, TASK_TITLE, [], task_header(date_col), rows, below)


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for ext in ("xlsx", "xls", "csv"):
        out[f"hire.{ext}"] = recruitment(folder / f"大冈镇网格员报名汇总.{ext}")
        out[f"tasks.{ext}"] = tasks(folder / f"大冈镇交办台账.{ext}", "交办日期" if ext != "csv" else "派单时间")
    return out


if __name__ == "__main__":
    import sys

    for k, p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/clerk")).items():
        print(k, p)
