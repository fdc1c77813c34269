"""Words for comparing a task with the matters of a grid checklist (engine/checklist.py).

Two small tables, each kept strict because a wrong answer either way is costly: a task wrongly
read as listed is cleared (合规) though it may lie outside the list; a task wrongly read as not
listed is 不合规 in Yancheng (19(2)(1)) and Zigong.

- ``VERBS``: classes of verbs that name the same act of grid work. Only true synonyms share a class
  (走访 = 探访 = 看望); related but different acts (走访 and 回访, 采集 and 登记) do not.
- ``DOMAINS``: the field of public affairs a matter belongs to, by its words. A checklist that is
  complete (no catch-all entry) and has no entry in the task's field does not list the task.
"""
from __future__ import annotations

VERBS: dict[str, tuple[str, ...]] = {
    "visit": ("走访", "探访", "探望", "看望", "拜访", "上门走访", "入户走访"),
    "console": ("慰问",),
    "collect": ("采集", "收集"),
    "register": ("登记",),
    "screen": ("排查", "摸排", "摸底排查"),
    "patrol": ("巡查", "巡逻", "巡视", "巡护"),
    "report": ("上报", "报送", "报告"),
    "publicise": ("宣传", "宣讲"),
    "mediate": ("调解", "化解"),
    "dissuade": ("劝导", "劝阻"),
    "verify": ("核实", "核查"),
    "count": ("统计",),
    "help": ("帮扶",),
    "care": ("关爱", "关心"),
    "errand": ("代办", "帮办"),
    "notify": ("通知", "告知"),
    "distribute": ("发放",),
    "update": ("更新",),
    "follow_up": ("回访",),
    "assist": ("协助", "配合"),
}

# field → (the name shown to a reader, the words that place a matter in it)
DOMAINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "population": ("人口与房屋信息", ("人口", "户籍", "户口", "出租房", "出租屋", "租户", "房屋租赁", "居住证", "暂住", "住户信息",
                                "人员信息", "基础信息", "楼栋")),
    "vulnerable": ("困难和特殊群体关爱", ("老人", "老年", "独居", "空巢", "困难群众", "困难家庭", "困难户", "低保", "特困", "残疾",
                                   "留守", "孤寡", "孤儿", "特殊群体", "困境儿童", "高龄", "优抚", "退役军人", "五保")),
    "safety": ("安全隐患排查", ("安全隐患", "消防", "燃气", "危险化学品", "危化品", "火灾", "安全生产", "电动自行车", "电动车",
                          "用电安全", "自建房", "隐患")),
    "disputes": ("矛盾纠纷化解", ("矛盾", "纠纷", "信访")),
    "order": ("社会治安与平安建设", ("治安", "反诈", "诈骗", "邪教", "吸毒", "涉毒", "毒品", "刑满释放", "社区矫正", "重点人员",
                             "精神障碍", "肇事肇祸", "平安建设", "扫黑")),
    "environment": ("生态环境与人居卫生", ("环境卫生", "人居环境", "生态环境", "垃圾", "河道", "河湖", "水域", "污染", "秸秆",
                                    "焚烧", "绿化", "排污", "污水")),
    "city_order": ("市容秩序与违法建设", ("占道", "流动摊贩", "摊点", "违章搭建", "违建", "违法建设", "乱搭", "乱贴", "乱堆",
                                   "市容", "户外广告", "停车")),
    "health": ("卫生健康与疫情防控", ("疫情", "防疫", "疫苗", "核酸", "传染病", "健康", "医疗", "爱国卫生")),
    "disaster": ("防汛防灾与应急", ("防汛", "汛期", "台风", "地质灾害", "灾害", "防灾", "减灾", "抗旱", "森林防火", "应急避险")),
    "social_security": ("社会保险", ("社保", "医保", "养老保险", "医疗保险", "参保", "社会保险")),
    "employment": ("就业与劳动保障", ("就业", "欠薪", "劳动保障", "用工")),
    "food_drug": ("食品药品安全", ("食品", "餐饮", "药品")),
    "traffic": ("交通安全", ("交通安全", "道路交通", "非机动车", "酒驾")),
    "enterprise": ("企业与商户服务", ("企业", "商户", "个体工商户", "门店", "店铺", "市场主体")),
    "property": ("物业与小区事务", ("物业", "业主", "小区停车", "维修基金")),
    "civil": ("婚育殡葬等民政事务", ("婚姻", "殡葬", "生育", "计生", "丧葬")),
}

# An entry with one of these words may take in any matter: a list holding one is never known to be complete.
CATCH_ALL = ("其他", "其它", "交办", "等事项", "各项", "有关事项", "相关事项", "临时性")
