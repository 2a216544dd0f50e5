"""Name pools and small data tables for the demo institution (``core.demo``).

Everything here is plain data: weights are rough shares, good enough for
demo rosters to look like real Suzhou rosters (common surnames dominate,
about a third of trainees come from other provinces, and so on).  Nothing
here is policy: the subsidy figures the demo needs live in ``core.demo_reference``
next to the DOMAIN.md reference they come from.
"""

from __future__ import annotations

# -- surnames ---------------------------------------------------------------
# (surname, weight in per-mille of the population; 2020 census order of
# magnitude).  A few compound surnames are included on purpose so that the
# demo has 3- and 4-character names, which search and print layouts must
# handle.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31),
    ("黄", 22), ("赵", 20), ("吴", 18), ("周", 17), ("徐", 13), ("孙", 12),
    ("马", 12), ("朱", 11), ("胡", 10), ("郭", 9.7), ("何", 9), ("林", 8.7),
    ("高", 8.6), ("罗", 8.4), ("郑", 8), ("梁", 7), ("谢", 6), ("宋", 5.5),
    ("唐", 5.4), ("许", 5.2), ("韩", 5), ("冯", 4.9), ("邓", 4.8), ("曹", 4.6),
    ("彭", 4.5), ("曾", 4.4), ("肖", 4.3), ("田", 4.1), ("董", 3.9), ("袁", 3.8),
    ("潘", 3.7), ("于", 3.6), ("蒋", 3.5), ("蔡", 3.4), ("余", 3.3), ("杜", 3.2),
    ("叶", 3.1), ("程", 3), ("苏", 2.9), ("魏", 2.8), ("吕", 2.7), ("丁", 2.6),
    ("任", 2.5), ("沈", 2.5), ("姚", 2.4), ("卢", 2.4), ("姜", 2.3), ("崔", 2.2),
    ("钟", 2.2), ("谭", 2.1), ("陆", 2.1), ("汪", 2), ("范", 2), ("金", 1.9),
    ("石", 1.9), ("廖", 1.8), ("贾", 1.7), ("夏", 1.7), ("韦", 1.6), ("付", 1.6),
    ("方", 1.6), ("白", 1.5), ("邹", 1.5), ("孟", 1.5), ("熊", 1.4), ("秦", 1.4),
    ("邱", 1.4), ("江", 1.4), ("尹", 1.3), ("薛", 1.3), ("闫", 1.2), ("段", 1.2),
    ("雷", 1.2), ("侯", 1.1), ("龙", 1.1), ("史", 1.1), ("陶", 1), ("黎", 1),
    ("贺", 1), ("顾", 1), ("毛", 0.9), ("郝", 0.9), ("龚", 0.9), ("邵", 0.9),
    ("万", 0.9), ("钱", 0.8), ("严", 0.8), ("武", 0.8), ("戴", 0.8), ("莫", 0.7),
    ("孔", 0.7), ("汤", 0.7), ("欧阳", 0.5), ("司马", 0.05), ("诸葛", 0.03),
)

# Surnames much more common among people born in Suzhou than nationally;
# their weight is multiplied by LOCAL_SURNAME_BOOST for Suzhou ID numbers.
LOCAL_SURNAMES = frozenset("顾陆沈钱朱徐周吴金蒋陶")
LOCAL_SURNAME_BOOST = 3.0

# -- given names ------------------------------------------------------------
# Second (or only) character, by sex (dict.fromkeys drops repeats).
GIVEN_MALE = tuple(dict.fromkeys(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国峰亮东成晨博宏"
    "振骏毅翔昊然轩睿哲航彬良坤荣新武斌康佳豪锋"
))
GIVEN_FEMALE = tuple(dict.fromkeys(
    "芳娜敏静丽艳娟霞燕玲兰萍红梅琳雪婷倩慧颖洁佳欣怡璐晶丹月蕾莉琴云凤露瑶悦涵琪萱"
    "妍雯蓉莹薇秀英桂珍洁"
))
# First character of two-character given names, by birth cohort: names
# follow fashions, and a 1965 "建国" next to a 2005 "梓涵" looks right.
GIVEN_FIRST_OLD = tuple("建国志永春秋玉秀桂金红立新卫爱海德文明小凤")
GIVEN_FIRST_MID = tuple("晓海俊建志文丽燕亚伟春小佳红静雪慧明家冬")
GIVEN_FIRST_YOUNG = tuple("子梓浩宇家嘉思一雨欣诗若俊睿语可沐晨佳心")

# -- birthplaces ---------------------------------------------------------------
# Suzhou's districts with towns/streets (街道、镇) for hukou addresses.
SUZHOU_TOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "320505": ("江苏省苏州市虎丘区", ("狮山街道", "枫桥街道", "横塘街道", "浒墅关镇", "通安镇")),
    "320506": ("江苏省苏州市吴中区", ("长桥街道", "木渎镇", "甪直镇", "胥口镇", "郭巷街道")),
    "320507": ("江苏省苏州市相城区", ("元和街道", "黄桥街道", "渭塘镇", "望亭镇", "黄埭镇")),
    "320508": ("江苏省苏州市姑苏区", ("平江街道", "沧浪街道", "金阊街道", "双塔街道", "虎丘街道")),
    "320509": ("江苏省苏州市吴江区", ("松陵街道", "同里镇", "震泽镇", "盛泽镇", "平望镇")),
    "320581": ("江苏省常熟市", ("虞山街道", "梅李镇", "海虞镇", "支塘镇", "沙家浜镇")),
    "320582": ("江苏省张家港市", ("杨舍镇", "金港街道", "塘桥镇", "锦丰镇", "凤凰镇")),
    "320583": ("江苏省昆山市", ("玉山镇", "周市镇", "陆家镇", "花桥镇", "张浦镇", "千灯镇")),
    "320585": ("江苏省太仓市", ("城厢镇", "沙溪镇", "浏河镇", "璜泾镇")),
}
# Relative weights of the Suzhou districts among local trainees.
SUZHOU_WEIGHTS: dict[str, float] = {
    "320505": 10, "320506": 14, "320507": 10, "320508": 16, "320509": 12,
    "320581": 10, "320582": 8, "320583": 14, "320585": 6,
}

# Typical home counties of migrant workers in Suzhou (northern Jiangsu,
# Anhui, Henan, Sichuan, Guizhou ...).  Some codes are retired ones (e.g.
# 522422, the old 毕节地区大方县): old ID cards keep them and stay valid.
MIGRANT_ORIGINS: tuple[tuple[str, str, float], ...] = (
    ("341221", "安徽省阜阳市临泉县", 9),
    ("341222", "安徽省阜阳市太和县", 6),
    ("341226", "安徽省阜阳市颍上县", 5),
    ("341322", "安徽省宿州市萧县", 4),
    ("410928", "河南省濮阳市濮阳县", 5),
    ("411424", "河南省商丘市柘城县", 5),
    ("411627", "河南省周口市太康县", 5),
    ("320321", "江苏省徐州市丰县", 6),
    ("320324", "江苏省徐州市睢宁县", 6),
    ("321323", "江苏省宿迁市泗阳县", 6),
    ("320830", "江苏省淮安市盱眙县", 4),
    ("320923", "江苏省盐城市阜宁县", 5),
    ("511302", "四川省南充市顺庆区", 3),
    ("511321", "四川省南充市南部县", 4),
    ("510722", "四川省绵阳市三台县", 3),
    ("522422", "贵州省毕节地区大方县", 4),
    ("360426", "江西省九江市德安县", 2),
    ("130503", "河北省邢台市桥西区", 2),
    ("430721", "湖南省常德市安乡县", 3),
    ("421023", "湖北省荆州市监利县", 3),
    ("370828", "山东省济宁市金乡县", 3),
    ("371325", "山东省临沂市费县", 2),
    ("500101", "重庆市万州区", 3),
    ("622424", "甘肃省定西地区通渭县", 2),
    ("450881", "广西壮族自治区桂平市", 1),
)
# Town and village names for rural hukou addresses (generic, common ones).
RURAL_TOWNS = tuple(
    "城关镇 新集镇 王集乡 高庙镇 陈集镇 张庄乡 李楼镇 马店镇 双河镇 石桥镇 "
    "杨桥乡 白庙镇 柳河镇 龙岗镇 三岔镇 黄岭乡".split()
)
VILLAGES = tuple(
    "大王庄 李楼 前营 后营 刘庄 张湾 新河 杨圩 赵庙 孙集 周庄 小李庄 东岗 西湖 "
    "南庄 北园 高台 枣林".split()
)
SUZHOU_VILLAGES = tuple(
    "金星 旺山 香山 新民 永丰 湖桥 南石 长浜 北庄 东浜 西塘 太湖 蒋墩 渔港 林渡".split()
)
STREETS = tuple(
    "人民路 干将路 十全街 东环路 长江路 嵩山路 玉山路 前进路 黄河路 虞山路 "
    "海虞路 杨舍路 苏州大道 金鸡湖大道 府前街 新华路".split()
)
COMMUNITIES = tuple(
    "新苑 阳光 锦华 幸福 康乐 金色家园 滨河 翠园 梅园 东港 湖滨 新城".split()
)

# -- mobile prefixes (DOMAIN.md §3.3: 13x 15x 17x 18x 19x segments) ----------
MOBILE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 198 199".split()
)

# -- employers --------------------------------------------------------------------
# Synthetic Suzhou company names: place + two-character brand + trade.
EMPLOYER_PLACES: tuple[tuple[str, str], ...] = (
    ("苏州", "320505"), ("苏州", "320506"), ("苏州", "320507"), ("苏州", "320508"),
    ("苏州", "320571"), ("苏州市吴江区", "320509"), ("常熟", "320581"),
    ("张家港", "320582"), ("昆山", "320583"), ("太仓", "320585"),
)
EMPLOYER_BRAND_CHARS = tuple("恒华金博新永瑞鑫宏通达泰盛昌联创德嘉宇顺佳丰源信诚捷科")
EMPLOYER_TRADES = (
    "精密机械", "电子科技", "汽车零部件", "物流", "纺织", "食品", "建筑安装", "物业管理",
    "餐饮管理", "家政服务", "医疗器械", "光电科技", "新材料", "半导体", "智能装备",
    "电梯工程", "环境工程", "酒店管理", "养老服务", "网络科技",
)
EMPLOYER_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司")

# -- persons ----------------------------------------------------------------------
EDUCATIONS = ("初中", "高中", "中专", "大专", "本科")
# Weights by birth cohort: older trainees left school earlier.
EDUCATION_WEIGHTS_OLD = (45, 30, 15, 8, 2)      # born before 1975
EDUCATION_WEIGHTS_MID = (25, 25, 22, 18, 10)    # born 1975-1994
EDUCATION_WEIGHTS_YOUNG = (8, 15, 30, 30, 17)   # born 1995 and later

# Weights of the first category (keys of models.PERSON_CATEGORIES) for local
# and migrant trainees.  Employees (skill upgrade) and migrant workers
# dominate subsidised training in Suzhou.
CATEGORY_WEIGHTS_LOCAL: dict[str, float] = {
    "employee": 45, "registered_unemployed": 14, "graduate_unemployed": 9,
    "school_leaver": 4, "entrepreneur": 7, "low_income": 4, "veteran": 4,
    "disabled": 3, "migrant_worker": 3, "other": 7,
}
CATEGORY_WEIGHTS_MIGRANT: dict[str, float] = {
    "migrant_worker": 55, "employee": 25, "registered_unemployed": 4,
    "graduate_unemployed": 3, "school_leaver": 2, "entrepreneur": 4,
    "low_income": 2, "veteran": 1, "disabled": 1, "other": 3,
}
# Proof documents recorded with a category (what a clerk files).
CATEGORY_PROOFS: dict[str, str] = {
    "migrant_worker": "户口簿",
    "graduate_unemployed": "毕业证书",
    "registered_unemployed": "就业失业登记证",
    "veteran": "退役军人证",
    "disabled": "残疾人证",
    "low_income": "低保证",
    "employee": "社保缴费证明",
    "entrepreneur": "创业意向登记表",
    "school_leaver": "毕业证书",
    "other": "",
}

# -- classes -------------------------------------------------------------------
# Special-ability projects (专项职业能力) with an assumed A/B/C category.
SPECIAL_ABILITIES: tuple[tuple[str, str], ...] = (
    ("母婴护理", "C"), ("小儿推拿", "C"), ("面点制作", "C"), ("苏帮菜制作", "C"),
    ("电子商务网店运营", "B"), ("直播销售", "B"), ("苏绣", "A"), ("手工电弧焊", "A"),
    ("工业机器人操作", "A"), ("电动自行车维修", "C"), ("插花", "C"), ("收纳整理", "C"),
)
THEORY_TOPICS = (
    "职业道德与安全生产", "相关法律法规", "基础知识", "专业理论（一）", "专业理论（二）",
    "专业理论（三）", "工艺与标准", "质量管理", "理论复习与模拟测试",
)
PRACTICE_TOPICS = (
    "工具设备使用", "基本操作训练", "实操训练（一）", "实操训练（二）", "实操训练（三）",
    "综合实训", "典型工作任务", "技能考核模拟",
)
GYB_TOPICS = ("认识创业", "创业者素质评价", "创业构思", "创业准备", "市场评估", "创业计划展示")
SYB_TOPICS = (
    "评价你是否适合创业", "建立一个好的企业构思", "评估你的市场", "企业的人员组织",
    "选择企业的法律形态", "法律环境和你的责任", "预测启动资金需求", "制定利润计划",
    "判断你的企业能否生存", "开办企业",
)
PRE_JOB_TOPICS = (
    "企业文化与规章制度", "安全生产教育", "岗位操作规程", "质量意识", "岗位实操", "师带徒实训",
)
CLASSROOMS = ("教学楼201教室", "教学楼301教室", "教学楼302教室", "综合楼多媒体教室", "报告厅")
TEACHER_TITLES = ("高级讲师", "讲师", "一级实习指导教师", "高级实习指导教师")
