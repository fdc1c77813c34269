"""A township's own sheets, written as a clerk writes them (issue 18): a 30-row recruitment sheet with
its caption and 填报日期, Excel number cells for 出生年月, ID numbers, 学历, 备注 remarks; and a 40-row
task sheet with 任务内容, 交办部门, 镇街, 网格, 派单时间 and 是否在清单内 (是/否/不确定)."""
from __future__ import annotations

import random
from pathlib import Path

from gridlaw.idnumber import check_digit

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
REMARKS = ["", "", "", "", "", "曾被行政拘留", "失信被执行人", "2019年被开除", "未参加岗前培训", "户籍在本村", "无行政拘留记录"]
TASKS = [("入户走访独居老人", "民政办"), ("排查消防安全隐患并上报", "应急办"), ("采集实有人口信息", "派出所"),
         ("对焚烧秸秆当事人当场罚款", "综合执法局"), ("劝导占道经营摊贩并拍照上报", "城管中队"),
         ("协助执法人员查封违法经营场所", "市场监管所"), ("发放防汛宣传资料", "水利站"), ("核查低保户家庭收入", "民政办"),
         ("为群众代办居住证", "派出所"), ("对违章搭建下达限期拆除决定", "综合执法局")]


def recruitment_xlsx(path: Path, seed: int = 18) -> Path:
    import openpyxl

    r = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报名表"
    ws.append(["亭湖区文峰街道2024年专职网格员招聘报名登记表（填报日期：2024年5月10日）"])
    ws.append(["序号", "姓名", "性别", "身份证号", "出生年月", "学历", "政治面貌", "联系电话", "招聘方式", "是否中国公民",
               "政审结论", "体检结论", "是否受过刑事处罚", "是否曾被行政拘留", "是否失信被执行人", "备注"])
    for i in range(1, 31):
        y, m, d = r.randint(1975, 2006), r.randint(1, 12), r.randint(1, 28)
        first17 = f"320902{y}{m:02d}{d:02d}{r.randint(100, 999)}"
        number = first17 + check_digit(first17)
        birth = float(f"{y}.{m}") if m not in (1, 10) and i % 3 == 0 else f"{y}.{m:02d}"
        ws.append([i, r.choice(SURNAMES) + r.choice(GIVEN), r.choice("男女"), number, birth,
                   r.choice(["大专", "本科", "高中", "中专", ""]), r.choice(["群众", "党员", "团员"]),
                   f"1{r.choice('3589')}{r.randint(100000000, 999999999)}", "统一招聘", r.choice(["是", "是", ""]),
                   r.choice(["合格", "合格", ""]), r.choice(["合格", "合格", ""]), r.choice(["否", "否", "", "是"]),
                   r.choice(["否", "否", ""]), r.choice(["否", "否", ""]), r.choice(REMARKS)])
    ws.append(["注：出生年月按身份证填写"])
    wb.save(path)
    return path


def task_csv(path: Path, seed: int = 18) -> Path:
    r = random.Random(seed)
    lines = ["序号,任务内容,交办部门,所属镇街,所属网格,派单时间,是否在清单内"]
    for i in range(1, 41):
        text, dept = r.choice(TASKS)
        when = "" if i % 13 == 0 else f"2024/{r.randint(1, 6)}/{r.randint(1, 28)}"
        lines.append(f"{i},{text},{dept},文峰街道,文峰第{r.randint(1, 9)}网格,{when},{r.choice(['是', '否', '不确定', ''])}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path
