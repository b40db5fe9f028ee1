# -*- coding: utf-8 -*-
"""Write the planning and reporting documents (示例) of the bundled corpus.

Sample data written for the 产教通 demo corpus, consistent with the public facts of the
Qingyang district presentation of 2025-12-16 (corpus/consortium/) and with the Ministry's
市域产教联合体建设标准（试行） (corpus/standard/). Not official documents.

Outputs (each with a `<file name>.meta.json` sidecar):
  corpus/plans/成都市航空航天产教联合体建设期任务分解表（2024-2025）（示例）.xlsx
  corpus/plans/成都市航空航天产教联合体2025年度工作计划（示例）.docx
  corpus/reports/成都市航空航天产教联合体指标台账（示例）.xlsx
  corpus/reports/成都市航空航天产教联合体2024年度建设自评报告（示例）.docx

Every figure is held once, in TASKS / LEDGER_EXTRA below, so that the three documents agree.
Conventions:
  * 2024年目标 / 2025年目标 are the new additions planned for that year; 建设期目标 is the
    two-year total (rates: the threshold).
  * a24 is what was done in 2024 (the consortium was founded on 2023-12-22, so it is also
    the cumulative figure at 2024-12-31); a25 is the cumulative figure at 2025-11-30 (the
    figures of the 2025-12-16 presentation). Always a24 <= a25 for counts.

Deterministic: run `.venv/bin/python corpus/_build/make_reports.py` from the repo root; the
files are byte-identical from run to run (fixed document properties and zip timestamps).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "corpus" / "plans"
REPORTS = ROOT / "corpus" / "reports"

ISSUER = "成都市航空航天产教联合体秘书处"
CONSORTIUM = "成都市航空航天产教联合体"
PARK = "成都青羊经开区"
CAC = "成都飞机工业（集团）有限责任公司"
CAU = "成都航空职业技术大学"
SAMPLE_LINE = "说明：本文件为产教通演示用示例文件，数据为模拟数据，非正式公文。"

BREAKDOWN_TITLE = "成都市航空航天产教联合体建设期任务分解表（2024-2025）（示例）"
BREAKDOWN_FILE = "成都市航空航天产教联合体建设期任务分解表（2024-2025）（示例）.xlsx"
BREAKDOWN_DATE = "2024-03-15"
LEDGER_TITLE = "成都市航空航天产教联合体指标台账（建设标准观测点数据，2024-2025年）（示例）"
LEDGER_FILE = "成都市航空航天产教联合体指标台账（示例）.xlsx"
LEDGER_DATE = "2025-12-05"
REPORT_TITLE = "成都市航空航天产教联合体2024年度建设自评报告（示例）"
REPORT_FILE = "成都市航空航天产教联合体2024年度建设自评报告（示例）.docx"
REPORT_DATE = "2024-12-28"
PLAN_TITLE = "成都市航空航天产教联合体2025年度工作计划（示例）"
PLAN_FILE = "成都市航空航天产教联合体2025年度工作计划（示例）.docx"
PLAN_DATE = "2025-01-20"

REPORT_REF = "2024年度建设自评报告（示例）"

# 观测点 codes and names exactly as in 市域产教联合体建设标准（试行）.
OBS = {
    "1.1.1": "是否召开相关会议",
    "1.1.2": "是否出台相关文件",
    "1.2.1": "是否召开专题会议",
    "1.2.2": "是否出台支持市域产教联合体发展细化方案",
    "2.1.1": "产业园区等级:国家级、省级。",
    "2.1.2": "产业发展状况:园区总产值(亿元)以及在省内排名",
    "2.2.1": "园区主导产业及其类别",
    "2.3.1": "列入市域重点产业目录,占全市相应产业产值的比重(%)",
    "3.1.1": "是否为行业龙头企业、专精特新“小巨人”企业或省级及以上产教融合型企业",
    "3.2.1": "牵头企业近三年在产教融合领域的总投入(万元)",
    "3.3.1": "牵头企业提取职工教育经费比例(%)",
    "3.3.3": "市域产教联合体内学校承担的牵头企业高技能人才培训比例(%)",
    "4.1.1": "是否为国家级、省级高水平职业学校或专业群建设单位,或本科层次职业学校",
    "4.2.1": "牵头学校高水平专业群与产业园区产业匹配度(%)",
    "5.1.1": "园区牵头成立政府、企业、学校、科研机构等多方参与的理事会",
    "5.1.2": "学校涵盖中职、高职(含职教本科)学校和普通本科学校",
    "5.2.1": "市域产教联合体建设情况是否纳入产业园区工作考核指标",
    "5.3.1": "是否建立决策机制",
    "5.3.2": "是否出台议事规则",
    "5.4.1": "《市域产教联合体章程》是否完备",
    "5.4.2": "运营管理制度是否建立",
    "6.1.1": "是否安排专项经费",
    "6.1.2": "专项经费实际到位资金(万元)",
    "6.1.5": "是否安排日常经费",
    "6.1.6": "日常经费实际到位资金(万元)",
    "7.2.1": "企业参与共建现代产业学院(个)",
    "7.2.2": "企业参与共建开放型区域产教融合实践中心(个)",
    "8.1.1": "是否建立专业规划联动机制",
    "8.1.3": "共建专业数(个)",
    "8.1.4": "市域产教联合体特有专业方向数(个)",
    "8.2.1": "联合建设教学资源库数(个)",
    "8.2.2": "联合开发课程数(门)",
    "8.2.3": "入选国家级课程数(门)",
    "8.3.1": "联合编写教材数(本)",
    "8.3.2": "转化企业培训教材数(本)",
    "8.3.3": "入选国家规划教材数(本)",
    "8.4.1": "企业兼职教师(人次、课时)",
    "8.4.2": "校际兼职教师(人次、课时)",
    "8.4.3": "教师企业实践(人月)",
    "8.4.4": "教师教学团队获国家级奖励情况(项)",
    "8.5.1": "共建实训基地数(个)",
    "8.5.2": "共建实训基地工位数(个)",
    "8.5.3": "共建实训工位利用率(小时/周)",
    "8.5.4": "共建实训基地覆盖学生数(人)",
    "8.5.6": "是否出台实训基地共建共享管理细则",
    "9.1.2": "联合培养(人)",
    "9.1.4": "订单培养(人)",
    "9.1.5": "中国特色学徒制培养(人)",
    "9.1.6": "现场工程师培养(人)",
    "9.1.7": "市域产教联合体组织校企对接场次(次)",
    "9.2.1": "中高职贯通培养(人)",
    "9.2.2": "高本贯通培养(人)",
    "9.2.3": "市域产教联合体内普通本科学校招收中职、高职毕业生和企业一线优秀员工就读本科和专业学位研究生(人)",
    "9.2.4": "通过“文化素质+职业技能”考试招生学生升学比例(%)",
    "10.1.1": "是否建立市域产教联合体各主体共同参与的职业教育专业动态调整机制",
    "10.1.2": "专业与市域产教联合体产业匹配度(%)",
    "10.2.1": "是否定期梳理核心产品清单、技术需求清单、人才需求清单",
    "10.2.2": "市域产教联合体人才需求报告(份)",
    "11.1.2": "平台注册企业数(个)",
    "11.1.4": "发布就业岗位数(个)",
    "11.2.2": "书记校长访企拓岗企业数(个)",
    "11.2.4": "市域产教联合体内企业为学生提供实习实训量(人月)",
    "12.1.1": "就业率(%)",
    "12.1.2": "就业对口率(%)",
    "12.1.3": "本地就业率(%)",
    "13.1.2": "典型案例数(个)",
    "13.2.2": "技术需求清单发布次数(次)",
    "13.2.3": "技术服务合同金额(万元)",
    "13.2.4": "为市域产教联合体内企业提供技术咨询与服务次数(次)",
    "13.3.1": "发明专利数(个)",
    "13.3.4": "研究成果转化数(个)",
    "13.3.5": "研究成果转化经费(万元)",
    "14.1.1": "技能鉴定数量(人次)",
    "14.1.2": "技能大师工作室(个)",
    "14.1.3": "面向企业员工开展培训数(人日)",
    "14.1.4": "面向农民工、退役军人、下岗职工等开展培训数(人日)",
    "14.2.1": "学生获得技能等级证书(人次)",
    "14.2.2": "学生获得省级以上技能大赛等奖励(人次)",
    "15.1.1": "境外办学项目数(个)",
    "15.1.2": "招收留学生人数(人)",
    "15.1.3": "境外培训人数(人)",
    "15.2.3": "省级教育教学成果奖(项)",
    "16.3": "连续两年没有按计划落实经费投入",
}

# 一级指标 of the standard, by the number its 观测点 codes carry.
INDICATORS = {
    1: "1.省(市)级政府", 2: "2.产业园区", 3: "3.牵头企业", 4: "4.牵头学校",
    5: "5.主体责任", 6: "6.条件保障", 7: "7.办学形式", 8: "8.“五金”建设",
    9: "9.融通贯通", 10: "10.产专适应", 11: "11.人岗适应", 12: "12.区域适应",
    13: "13.产业发展", 14: "14.职业发展", 15: "15.职教发展", 16: "16.负面清单",
}

FUND = "提供经费支持"
NOFUND = "不匹配经费，但各学校需向联合体报送数据，提供佐证"
NO = "否"


@dataclass(frozen=True)
class Task:
    key: str
    cat: str          # 类别 in the task breakdown table
    name: str         # 任务/指标
    unit: str
    t24: object       # 2024年目标 (new in 2024)
    t25: object       # 2025年目标 (new in 2025)
    total: object     # 建设期目标(2024-2025)
    lead: str
    partner: str
    fund: str
    obs: str = ""     # 观测点 code, "" when the standard has none
    a24: object = None  # done in 2024 (= cumulative at 2024-12-31)
    a25: object = None  # cumulative at 2025-11-30
    proof: str = ""   # 佐证材料 named in the 2024 report
    note: str = ""    # 备注 in the task breakdown table
    src25: str = ""   # 数据来源 of the 2025 ledger row
    unit_ledger: str = ""


SCH = "联合体职业院校、本科高校"
ENT = "联合体成员企业"
SRC_CAU = f"{CAU}报送（2025-11-28）"
SRC_CAC = f"{CAC}报送（2025-11-20）"
SRC_PARK = "成都青羊经开区管委会报送（2025-11-25）"
SRC_SEC = "秘书处季度统计（2025-11-30）"

TASKS: list[Task] = [
    # 组织运行与条件保障（园区“政策咨询”类项目）
    Task("lishihui", "组织运行与条件保障", "召开理事会全体会议", "次", 1, 1, 2, PARK, "秘书处", NO,
         "", 1, 2, "第一届理事会第二次全体会议纪要", "理事会每年至少召开一次全体会议"),
    Task("zhidu", "组织运行与条件保障", "出台联合体运营管理制度", "项", 4, 2, 6, PARK, "秘书处、项目委员会", NO,
         "5.4.2", 5, 7, "《联合体项目包管理办法》等5项制度文本", "", SRC_SEC),
    Task("gongsi", "组织运行与条件保障", "合资组建实体化运营公司", "个", 1, 0, 1, PARK, f"{CAC}、{CAU}", NO,
         "", 1, 1, "公司营业执照、出资协议", "搭建联合体实体运行载体"),
    Task("zhuanxiang", "组织运行与条件保障", "市级专项建设经费到位", "万元", 1200, 800, 2000, PARK, "成都市教育局、青羊区财政局", NO,
         "6.1.2", 1200, 1800, "资金拨付文件、专账凭证",
         "成都市支持联合体建设经费2000万元，按《成都市产教融合及产业人才培养专项资金项目管理办法(试行)》管理", SRC_PARK),
    Task("richang", "组织运行与条件保障", "日常运行经费到位（青羊区配套）", "万元", 120, 150, 270, PARK, "青羊区财政局", NO,
         "6.1.6", 120, 250, "青羊区配套经费拨付文件", "", SRC_PARK),
    Task("xiangmubao", "组织运行与条件保障", "发布标准化项目包（揭榜挂帅）", "个", 60, 46, 106, "秘书处", "三个项目委员会", FUND,
         "", 62, 106, "项目包榜单、揭榜方案、项目任务书", "建设任务拆解为106个标准化项目包，实行“揭榜挂帅”竞争性分配"),
    Task("qingdan", "组织运行与条件保障", "收集发布企业、学校需求及供给清单", "项", 250, 250, 500, "秘书处", ENT + "、" + SCH, NO,
         "", 286, 512, "公共信息平台“供需清单”栏目截图", "人才、技术、服务“三张清单”"),
    Task("zhuce", "组织运行与条件保障", "技能人才供需信息平台注册企业", "个", 100, 100, 200, "秘书处", ENT, NO,
         "11.1.2", 126, 218, "平台后台统计报表", "", SRC_SEC),
    # 合作办学
    Task("xueyuan", "合作办学", "共建产业学院", "个", 10, 12, 22, CAU, ENT, FUND,
         "7.2.1", 5, 7, "产业学院共建协议、理事会章程", "", SRC_CAU),
    Task("jidi", "合作办学", "共建实训基地", "个", 40, 45, 85, CAU, ENT + "、联合体中职学校", FUND,
         "8.5.1", 21, 36, "实训基地共建协议、挂牌照片", "", SRC_CAU),
    Task("gongwei", "合作办学", "共建实训基地工位", "个", 1000, 1000, 2000, CAU, ENT, FUND,
         "8.5.2", 1012, 1731, "实训基地工位清单", "", SRC_CAU),
    Task("keyan", "合作办学", "共建实验室、研究院、科研工坊等科研平台", "个", 15, 15, 30, CAC, SCH, FUND,
         "", 17, 26, "科研平台共建协议"),
    Task("zhongxin", "合作办学", "共建开放型区域产教融合实践中心", "个", 1, 1, 2, PARK, f"{CAU}、{CAC}", FUND,
         "7.2.2", 1, 1, "实践中心建设方案、挂牌文件", "", SRC_PARK),
    Task("gongzuozhan", "合作办学", "建设教师企业实践工作站", "个", 5, 5, 10, CAC, SCH, NO,
         "", 5, 8, "工作站授牌文件"),
    # 院校“五金建设”
    Task("biaozhun", "院校“五金建设”", "共建技能人才培养标准", "个", 8, 11, 19, CAU, ENT, NOFUND,
         "", 6, 13, "人才培养标准文本"),
    Task("zhuanye", "院校“五金建设”", "校企共建专业", "个", 30, 20, 50, CAU, SCH + "、" + ENT, NOFUND,
         "8.1.3", 31, 48, "共建专业协议、人才培养方案", "", SRC_CAU),
    Task("fangxiang", "院校“五金建设”", "设置联合体特有专业方向", "个", 4, 4, 8, CAU, SCH, NOFUND,
         "8.1.4", 5, 9, "专业方向设置备案表", "", SRC_CAU),
    Task("ziyuanku", "院校“五金建设”", "联合建设教学资源库", "个", 3, 3, 6, CAU, ENT, FUND,
         "8.2.1", 3, 5, "资源库平台链接、建设任务书", "", SRC_CAU),
    Task("kecheng", "院校“五金建设”", "联合开发课程", "门", 20, 20, 40, CAU, ENT, FUND,
         "8.2.2", 22, 41, "课程标准、课程资源清单", "含重构核心课程", SRC_CAU),
    Task("hexin", "院校“五金建设”", "重构航空航天核心课程", "门", 8, 7, 15, CAU, CAC, FUND,
         "", 8, 13, "核心课程标准", "全国航空航天装备领域职业教育专业课程改革试点"),
    Task("guojiake", "院校“五金建设”", "入选国家级课程", "门", 1, 2, 3, CAU, SCH, NOFUND,
         "8.2.3", 1, 2, "入选公示文件", "", SRC_CAU),
    Task("jiaocai", "院校“五金建设”", "联合编写教材（含新形态教材、工作手册式教材）", "本", 30, 30, 60, CAU, ENT, FUND,
         "8.3.1", 31, 58, "教材出版信息、书号清单", "", SRC_CAU),
    Task("zhuanhua", "院校“五金建设”", "转化企业培训教材", "本", 6, 6, 12, CAC, SCH, NOFUND,
         "8.3.2", 6, 11, "企业培训教材目录", "", SRC_CAC),
    Task("guihua", "院校“五金建设”", "入选国家规划教材", "本", 4, 4, 8, CAU, SCH, NOFUND,
         "8.3.3", 5, 9, "国家规划教材公布文件", "", SRC_CAU),
    # 师资共建共享
    Task("jianzhi", "师资共建共享", "企业兼职教师", "人次", 2000, 3000, 5000, CAC, ENT + "、" + SCH, NOFUND,
         "8.4.1", 1860, 4200, "兼职教师聘书、授课记录", "含企业派遣兼职教师", SRC_CAC),
    Task("xiaoji", "师资共建共享", "校际兼职教师", "人次", 200, 300, 500, CAU, SCH, NOFUND,
         "8.4.2", 168, 356, "校际互聘协议、课表", "", SRC_CAU),
    Task("qiyeshijian", "师资共建共享", "教师企业实践", "人月", 5500, 7500, 13000, CAC, SCH, NOFUND,
         "8.4.3", 4860, 10350, "教师企业实践考核表", "", SRC_CAC),
    Task("jiangli", "师资共建共享", "教师教学团队获国家级奖励", "项", 2, 4, 6, CAU, SCH, NOFUND,
         "8.4.4", 1, 2, "获奖文件", "", SRC_CAU),
    Task("dashi", "师资共建共享", "建设技能大师工作室", "个", 4, 3, 7, CAC, SCH, FUND,
         "14.1.2", 4, 6, "工作室授牌文件", "", SRC_CAC),
    # 联合培养（院校共建共享情况）
    Task("xuetu", "联合培养", "中国特色学徒制培养", "人", 1500, 2000, 3500, CAC, ENT + "、" + SCH, NOFUND,
         "9.1.5", 1320, 2860, "学徒制培养协议、学徒名册", "", SRC_CAC),
    Task("gcs", "联合培养", "理论工程师培养", "人", 500, 750, 1250, CAU, CAC, NOFUND,
         "9.1.6", 430, 1010, "培养方案、学员名册", "对应观测点9.1.6现场工程师培养", SRC_CAU),
    Task("qita", "联合培养", "其他联合培养", "人", 300, 420, 720, CAU, SCH, NOFUND,
         "9.1.2", 286, 610, "联合培养协议、学生名册", "", SRC_CAU),
    Task("dingdan", "联合培养", "订单培养", "人", 700, 800, 1500, CAC, SCH, NOFUND,
         "9.1.4", 680, 1500, "订单班协议、学生名册", "", SRC_CAC),
    Task("zhonggao", "联合培养", "中高职贯通培养", "人", 400, 450, 850, CAU, "联合体中职学校", NOFUND,
         "9.2.1", 412, 831, "贯通培养招生计划、学籍名册", "", SRC_CAU),
    Task("gaoben", "联合培养", "高职本科贯通培养", "人", 30, 40, 70, CAU, "联合体本科高校", NOFUND,
         "9.2.2", 30, 60, "贯通培养招生计划、学籍名册", "", SRC_CAU),
    Task("duijie", "联合培养", "组织校企对接活动", "场次", 15, 20, 35, "秘书处", ENT + "、" + SCH, NO,
         "9.1.7", 18, 37, "活动通知、签到表", "", SRC_SEC, "次"),
    # 合作就业
    Task("xinshe", "合作就业", "新设航空航天相关专业", "个", 8, 6, 14, CAU, SCH, NOFUND,
         "", 8, 14, "专业设置备案文件", "同步撤销不适应产业需求专业"),
    Task("xuqiubaogao", "合作就业", "发布联合体人才需求报告", "份", 1, 1, 2, "秘书处", CAU, NO,
         "10.2.2", 1, 2, "人才需求报告文本", "", SRC_SEC),
    Task("gangwei", "合作就业", "平台发布就业岗位", "个", 3000, 4000, 7000, "秘书处", ENT, NO,
         "11.1.4", 3260, 6840, "平台岗位发布记录", "", SRC_SEC),
    Task("fangqi", "合作就业", "书记校长访企拓岗企业", "个", 70, 80, 150, CAU, SCH, NO,
         "11.2.2", 75, 142, "访企拓岗工作台账", "", SRC_CAU),
    Task("shixi", "合作就业", "企业为学生提供实习实训量", "人月", 9000, 12000, 21000, CAC, ENT, NO,
         "11.2.4", 9800, 21500, "实习协议、实习管理平台数据", "", SRC_CAC),
    Task("jiuye", "合作就业", "毕业生就业率", "%", "≥95", "≥95", "≥95", CAU, SCH, NO,
         "12.1.1", 95.6, 94.8, "毕业生就业质量年度报告", "比率类指标，建设期目标为年度下限",
         f"{CAU}报送（2025-08-31）"),
    # 合作发展（企业“技术开发与服务”）
    Task("daokuan", "合作发展", "技术服务到款额（横向科研经费到账）", "万元", 600, 900, 1500, CAC, SCH, FUND,
         "13.2.3", 680, 1560, "技术服务合同、到账凭证", "以横向科研经费实际到账额计", SRC_CAU),
    Task("fuwu", "合作发展", "为联合体内企业开展技术服务", "项", 10, 12, 22, CAC, SCH, FUND,
         "13.2.4", 9, 22, "技术服务合同、验收报告", "", SRC_CAC, "次"),
    Task("chengguo", "合作发展", "科技成果转化（含专利转化）", "项", 12, 18, 30, CAC, SCH, FUND,
         "13.3.4", 14, 32, "成果转化合同、专利转让登记", "", SRC_CAC, "个"),
    Task("zhuanli", "合作发展", "校企联合申请获授权发明专利", "个", 10, 15, 25, CAC, SCH, NOFUND,
         "13.3.1", 12, 27, "专利证书", "", SRC_CAC),
    Task("tuandui", "合作发展", "联合打造创新团队", "个", 8, 8, 16, CAU, ENT, FUND,
         "", 9, 16, "团队组建文件"),
    Task("zhuanjia", "合作发展", "共聘共享专家", "人", 5, 5, 10, CAC, SCH, NO,
         "", 5, 9, "专家聘书"),
    Task("peixun", "合作发展", "为企业开展职业培训", "人次", 18000, 22000, 40000, CAU, ENT, NOFUND,
         "14.1.3", 18650, 40430, "培训通知、签到表、结业名册", "以人次统计", SRC_CAU, "人次"),
    Task("shehui", "合作发展", "面向社会开展技能培训", "人日", 2000, 3000, 5000, CAU, "青羊区人社局", NOFUND,
         "14.1.4", 2200, 5000, "培训台账", "面向农民工、退役军人、下岗职工等", SRC_CAU),
    Task("jianding", "合作发展", "技能鉴定（职业技能等级认定）", "人次", 2400, 3000, 5400, CAC, SCH, NOFUND,
         "14.1.1", 2450, 5600, "等级认定结果公示", "", SRC_CAC),
    Task("zhengshu", "合作发展", "学生获得技能等级证书", "人次", 3500, 4000, 7500, CAU, SCH, NOFUND,
         "14.2.1", 3860, 8120, "证书发放名册", "", SRC_CAU),
    Task("dasai", "合作发展", "学生获省级以上技能大赛奖励", "人次", 40, 50, 90, CAU, SCH, NOFUND,
         "14.2.2", 46, 103, "获奖证书", "", SRC_CAU),
    Task("jinsai", "合作发展", "举办联合体航空制造技能大赛", "场", 1, 1, 2, CAC, SCH, FUND,
         "", 1, 2, "大赛方案、获奖名单"),
    Task("anli", "合作发展", "形成产教融合典型案例", "个", 3, 3, 6, "秘书处", "全体成员单位", NO,
         "13.1.2", 3, 6, "典型案例汇编", "", SRC_SEC),
    Task("jingwai", "合作发展", "服务企业“走出去”境外培训", "人", 0, 50, 50, CAU, CAC, NO,
         "15.1.3", 0, 45, "境外培训项目协议", "2025年启动", SRC_CAU),
    Task("chengguojiang", "合作发展", "省级教育教学成果奖", "项", 0, 2, 2, CAU, SCH, NO,
         "15.2.3", 0, 3, "获奖文件", "2025年省级评审", SRC_CAU),
]
T = {t.key: t for t in TASKS}

# Ledger rows that are not tasks: (code, 年度, 数值 or None, 单位, 数据来源, 填报单位, 备注).
# None means no data: the row is left empty with 备注 "暂无数据".
R1 = f"{REPORT_REF}第二部分（一）"
R2 = f"{REPORT_REF}第二部分（二）"
R3 = f"{REPORT_REF}第二部分（三）"
R4 = f"{REPORT_REF}第二部分（四）"
R5 = f"{REPORT_REF}第二部分（五）"
R6 = f"{REPORT_REF}第二部分（六）"
LEDGER_EXTRA = [
    ("1.1.1", 2024, "是", "", R1, "秘书处", "四川省委教育工作领导小组专题研究产教融合工作"),
    ("1.1.1", 2025, "是", "", SRC_SEC, "秘书处", ""),
    ("1.2.1", 2024, "是", "", R1, "成都青羊经开区", "成都市委教育工作领导小组专题研究联合体建设"),
    ("1.2.1", 2025, "是", "", SRC_PARK, "成都青羊经开区", ""),
    ("1.2.2", 2024, "是", "", R1, "成都青羊经开区", "《成都市产教融合及产业人才培养专项资金项目管理办法(试行)》等系列政策"),
    ("1.2.2", 2025, "是", "", SRC_PARK, "成都青羊经开区", ""),
    ("2.1.1", 2024, "省级", "", R1, "成都青羊经开区", "成都青羊工业经济技术发展区"),
    ("2.1.2", 2024, 900, "亿元", R1, "成都青羊经开区", "以2024年航空产业营收计（突破900亿元）；省内排名暂无数据"),
    ("2.2.1", 2024, "航空航天（新兴产业壮大）", "", R1, "成都青羊经开区", ""),
    ("2.3.1", 2024, "60以上", "%", R1, "成都青羊经开区", "航空产业营收占全市规模60%以上，占全省航空与燃机产业规模35%以上"),
    ("3.1.1", 2024, "是", "", R1, CAC, "行业龙头企业"),
    ("3.2.1", 2024, 1350, "万元", R1, CAC, "2022—2024年累计，含共建生产性实训基地和捐赠设备"),
    ("3.3.1", 2024, 2.5, "%", R1, CAC, ""),
    ("3.3.3", 2024, None, "%", "", CAC, "暂无数据"),
    ("3.3.3", 2025, None, "%", "", CAC, "暂无数据"),
    ("4.1.1", 2024, "是", "", R1, CAU, "本科层次职业学校"),
    ("4.2.1", 2024, 85, "%", R1, CAU, ""),
    ("5.1.1", 2024, "是", "", R2, "秘书处", "2023年12月成立理事会"),
    ("5.1.2", 2024, "是", "", R2, "秘书处", "职业院校15所、本科高校7所"),
    ("5.2.1", 2024, "是", "", R2, "成都青羊经开区", ""),
    ("5.3.1", 2024, "是", "", R2, "秘书处", "理事会—秘书处—项目委员会—办公室四级架构"),
    ("5.3.2", 2024, "是", "", R2, "秘书处", ""),
    ("5.4.1", 2024, "是", "", R2, "秘书处", "《成都市航空航天产教联合体章程》"),
    ("5.4.1", 2025, "是", "", SRC_SEC, "秘书处", "2025年3月28日修订"),
    ("6.1.1", 2024, "是", "", R2, "成都青羊经开区", ""),
    ("6.1.5", 2024, "是", "", R2, "成都青羊经开区", ""),
    ("8.1.1", 2024, "是", "", R3, CAU, ""),
    ("8.5.3", 2024, None, "小时/周", "", CAU, "暂无数据"),
    ("8.5.3", 2025, 26, "小时/周", SRC_CAU, CAU, "2025年9—11月抽样统计"),
    ("8.5.4", 2024, 6800, "人", R3, CAU, ""),
    ("8.5.4", 2025, 12600, "人", SRC_CAU, CAU, ""),
    ("8.5.6", 2024, "是", "", R3, "秘书处", "《联合体实训基地共建共享管理细则》"),
    ("9.2.3", 2024, None, "人", "", "联合体本科高校", "暂无数据"),
    ("9.2.3", 2025, 38, "人", f"{CAU}报送（2025-06-30）", "联合体本科高校", "截至2025-06-30"),
    ("9.2.4", 2024, None, "%", "", CAU, "暂无数据"),
    ("9.2.4", 2025, None, "%", "", CAU, "暂无数据"),
    ("10.1.1", 2024, "是", "", R4, CAU, ""),
    ("10.1.2", 2024, 82, "%", R4, CAU, ""),
    ("10.1.2", 2025, 86, "%", SRC_CAU, CAU, ""),
    ("10.2.1", 2024, "是", "", R4, "秘书处", "累计形成需求及供给清单286项"),
    ("10.2.1", 2025, "是", "", SRC_SEC, "秘书处", "累计形成需求及供给清单512项"),
    ("12.1.2", 2024, 81.3, "%", R4, CAU, "2024届毕业生"),
    ("12.1.2", 2025, 82.0, "%", f"{CAU}报送（2025-08-31）", CAU, "2025届毕业生初次统计"),
    ("12.1.3", 2024, 62.4, "%", R4, CAU, "2024届毕业生"),
    ("12.1.3", 2025, None, "%", "", CAU, "暂无数据"),
    ("13.2.2", 2024, 2, "次", R5, "秘书处", ""),
    ("13.2.2", 2025, 4, "次", SRC_SEC, "秘书处", ""),
    ("13.3.5", 2024, 210, "万元", R5, CAC, ""),
    ("13.3.5", 2025, 520, "万元", SRC_CAC, CAC, ""),
    ("15.1.1", 2024, 0, "个", R5, CAU, ""),
    ("15.1.1", 2025, 1, "个", SRC_CAU, CAU, ""),
    ("15.1.2", 2024, None, "人", "", CAU, "暂无数据"),
    ("15.1.2", 2025, 12, "人", SRC_CAU, CAU, ""),
    ("16.3", 2024, "否", "", R6, "秘书处", "否定性指标自查"),
]

# 2024 use of the city's special construction funds (sums to T["zhuanxiang"].a24).
FUND_USE_2024 = [
    ("项目包奖补", 620, "按项目包绩效评价结果拨付启动资金和奖补资金"),
    ("实训基地建设", 350, "共建实训基地设备购置和工位建设"),
    ("公共信息平台建设", 130, "平台开发、运维和数据对接"),
    ("师资培训", 100, "教师企业实践和企业兼职教师教学能力培训"),
]

# 2025 budget of the city's special construction funds (sums to T["zhuanxiang"].t25).
FUND_PLAN_2025 = [
    ("项目包奖补", 420, "第二批项目包启动资金和2024年项目包绩效奖补"),
    ("实训基地建设", 230, "新增共建实训基地设备购置和工位建设"),
    ("公共信息平台建设", 70, "平台功能完善和数据对接"),
    ("师资培训", 80, "教师企业实践和兼职教师教学能力培训"),
]

# Which part of the 2024 report each 一级指标 is reported in (for 数据来源 of ledger rows).
PART_OF_INDICATOR = {1: R1, 2: R1, 3: R1, 4: R1, 5: R2, 6: R2, 7: R2, 8: R3, 9: R3,
                     10: R4, 11: R4, 12: R4, 13: R5, 14: R5, 15: R5, 16: R6}


def indicator_of(code: str) -> int:
    return int(code.split(".")[0])


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def rate(t: Task) -> str:
    """完成率 of 2024: done / target, one decimal; '—' when there is no numeric target."""
    if not isinstance(t.t24, (int, float)) or not isinstance(t.a24, (int, float)) or t.t24 == 0:
        if isinstance(t.t24, str) and t.t24.startswith("≥"):
            return "达标" if t.a24 >= float(t.t24[1:]) else "未达标"
        return "—"
    return f"{100.0 * t.a24 / t.t24:.1f}%"


def check_data() -> None:
    assert sum(x[1] for x in FUND_USE_2024) == T["zhuanxiang"].a24
    assert sum(x[1] for x in FUND_PLAN_2025) == T["zhuanxiang"].t25
    for t in TASKS:
        if isinstance(t.t24, int) and isinstance(t.t25, int):
            assert t.t24 + t.t25 == t.total, t.key
        if t.unit != "%" and isinstance(t.a24, (int, float)):
            assert t.a24 <= t.a25, t.key
        if t.obs:
            assert t.obs in OBS, t.obs
    for row in LEDGER_EXTRA:
        assert row[0] in OBS, row[0]


# --------------------------------------------------------------------------- writing

FIXED_TIME = datetime(2025, 12, 5, 9, 0, 0)
ZIP_TIME = (2025, 12, 5, 9, 0, 0)


def _normalize_zip(path: Path) -> None:
    """Rewrite an Office file with fixed timestamps so that reruns are byte-identical."""
    with zipfile.ZipFile(path) as z:
        items = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>2025-12-05T09:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            out.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _sidecar(path: Path, title: str, doc_type: str, date: str) -> None:
    meta = {"title": title, "doc_type": doc_type, "issuer": ISSUER, "date": date, "is_sample": True}
    path.with_name(path.name + ".meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _xlsx_sheet(ws, title: str, header: list[str], rows: list[list], widths: list[int], notes: list[str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for c, name in enumerate(header, start=1):
        cell = ws.cell(row=2, column=c, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    r = len(rows) + 3
    for note in notes:
        ws.cell(row=r, column=1, value=note)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
        r += 1
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A3"


def write_breakdown(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    header = ["序号", "类别", "任务/指标", "单位", "2024年目标", "2025年目标", "建设期目标(2024-2025)",
              "牵头单位", "配合单位", "是否纳入资金支持", "备注"]
    rows = []
    for i, t in enumerate(TASKS, start=1):
        note = t.note
        if t.obs and "观测点" not in note:
            note = f"对应观测点{t.obs}" + (f"；{note}" if note else "")
        rows.append([i, t.cat, t.name, t.unit, t.t24, t.t25, t.total, t.lead, t.partner, t.fund, note])
    notes = [
        "填表说明：年度目标为当年新增量，建设期目标为2024—2025年两年合计；比率类指标填年度下限。",
        "未纳入资金支持的统计类任务，各成员单位于每年11月30日前向秘书处报送数据并提供佐证材料。",
        f"编制单位：{ISSUER}　编制日期：2024年3月15日　{SAMPLE_LINE}",
    ]
    _xlsx_sheet(ws, BREAKDOWN_TITLE, header, rows, [6, 18, 34, 7, 10, 10, 12, 30, 30, 22, 40], notes)
    wb.properties.creator = ISSUER
    wb.properties.title = BREAKDOWN_TITLE
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(str(path))
    _normalize_zip(path)
    _sidecar(path, BREAKDOWN_TITLE, "plan", BREAKDOWN_DATE)


def ledger_rows() -> list[list]:
    rows = []
    for t in TASKS:
        if not t.obs:
            continue
        unit = t.unit_ledger or t.unit
        ind = indicator_of(t.obs)
        note24 = "2024年完成数（截至2024-12-31）"
        if t.key == "jianzhi":
            note24 += "；其中企业派遣兼职教师352人次"
        rows.append((t.obs, 2024, t.a24, unit, EV_PART.get(t.key, PART_OF_INDICATOR[ind]), t.lead, note24))
        note25 = "建设以来累计（截至2025-11-30）"
        if t.unit == "%":
            note25 = "2025届毕业生初次统计"
        if t.key == "jianzhi":
            note25 += "；其中企业派遣兼职教师791人次"
        rows.append((t.obs, 2025, t.a25, unit, t.src25 or SRC_SEC, t.lead, note25))
    rows += LEDGER_EXTRA

    def key(r):
        return (tuple(int(x) for x in r[0].split(".")), r[1])

    out = []
    for code, year, value, unit, src, who, note in sorted(rows, key=key):
        if value is None:
            note = "暂无数据"
            src = ""
        out.append([code, OBS[code], year, value, unit, src, who, note])
    return out


def write_ledger(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "观测点台账"
    header = ["观测点编号", "观测点名称", "年度", "数值", "单位", "数据来源", "填报单位", "备注"]
    notes = [
        "说明：2024年度数据为2024年完成数（联合体2023年12月成立，即截至2024-12-31累计）；"
        "2025年度数据为建设以来累计数，统计截至2025-11-30（比率类为当年数）。数值为空的观测点暂无数据，须在自评报告中说明。",
        f"编制单位：{ISSUER}　更新日期：2025年12月5日　{SAMPLE_LINE}",
    ]
    _xlsx_sheet(ws, LEDGER_TITLE, header, ledger_rows(), [11, 46, 7, 10, 8, 40, 34, 40], notes)
    wb.properties.creator = ISSUER
    wb.properties.title = LEDGER_TITLE
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(str(path))
    _normalize_zip(path)
    _sidecar(path, LEDGER_TITLE, "report", LEDGER_DATE)


# --------------------------------------------------------------------------- Word

def _new_document(title: str):
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    for style_name in ["Normal", "Title", "Heading 1", "Heading 2", "Heading 3"]:
        st = d.styles[style_name]
        st.font.name = "Times New Roman"
        rpr = st.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), "仿宋" if style_name == "Normal" else "黑体")
    d.styles["Normal"].font.size = Pt(12)
    d.core_properties.title = title
    d.core_properties.author = ISSUER
    d.core_properties.created = FIXED_TIME
    d.core_properties.modified = FIXED_TIME
    d.core_properties.last_modified_by = ISSUER
    d.core_properties.revision = 1
    d.add_paragraph(title, style="Title")
    return d


def _table(d, header: list[str], rows: list[list[str]]) -> None:
    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for c, name in enumerate(header):
        table.rows[0].cells[c].text = name
    for row in rows:
        cells = table.add_row().cells
        for c, v in enumerate(row):
            cells[c].text = fmt(v)
    d.add_paragraph("")


EVIDENCE_HEADER = ["指标", "观测点", "2024年目标", "2024年完成", "完成率", "佐证材料"]
# 一级指标 of the tasks the standard has no 观测点 for.
TASK_INDICATOR = {"keyan": 7, "gongzuozhan": 8, "biaozhun": 8, "hexin": 8, "xinshe": 10, "tuandui": 13,
                  "zhuanjia": 13, "jinsai": 14, "xiangmubao": 5, "qingdan": 10, "lishihui": 5, "gongsi": 5}
EV_PART: dict[str, str] = {}   # task key -> part of the 2024 report whose table shows it
_part = [""]


def _ev(key: str) -> list[str]:
    t = T[key]
    ind = INDICATORS[indicator_of(t.obs) if t.obs else TASK_INDICATOR[key]]
    obs = f"{t.obs}{OBS[t.obs]}" if t.obs else f"{t.name}({t.unit})（任务分解表指标）"
    EV_PART.setdefault(key, _part[0])
    return [ind, obs, fmt(t.t24), fmt(t.a24), rate(t), t.proof]


def _ev_yes(code: str, done: str, proof: str, target: str = "是") -> list[str]:
    return [INDICATORS[indicator_of(code)], f"{code}{OBS[code]}", target, done, "—", proof]


def a(key: str) -> str:
    return fmt(T[key].a24)


def tg(key: str, year: int = 2024) -> str:
    t = T[key]
    return fmt(t.t24 if year == 2024 else t.t25)


def write_report(path: Path) -> None:
    d = _new_document(REPORT_TITLE)
    P = d.add_paragraph
    H = d.add_heading
    P(SAMPLE_LINE)
    P("教育部职业教育与成人教育司、四川省教育厅：")
    P(f"根据《教育部办公厅关于公布第一批市域产教联合体名单的通知》（教职成厅函〔2023〕23号）关于每年12月31日前报送建设自评报告的要求，"
      f"对照《教育部办公厅关于加强市域产教联合体建设的通知》（教职成厅函〔2024〕20号）附件《市域产教联合体建设标准（试行）》，"
      f"{ISSUER}会同各项目委员会，按指标逐项对{CONSORTIUM}2024年度建设情况进行了自评，现将有关情况报告如下。")

    H("一、基本情况", level=1)
    H("（一）联合体概况", level=2)
    P(f"{CONSORTIUM}是教育部公布的第一批市域产教联合体，依托成都青羊工业经济技术发展区，由{PARK}、{CAC}、{CAU}共同牵头，"
      f"联合93家企业、科研机构，15所职业院校、7所本科高校共同组成，成员单位共115家。2023年12月，联合体成立大会在成都市青羊区航空新城举行，"
      f"审议通过了《成都市航空航天产教联合体章程》《成都市航空航天产教理事会选举办法》。")
    P("青羊航空新城是天府动力源三大核心片区之一，是全国重要的防务整机研发制造基地。2024年，园区航空产业营收突破900亿元，"
      "占全市航空产业规模60%以上，占全省航空与燃机产业规模35%以上，为联合体开展人才培养和技术服务提供了坚实的产业基础。")
    _table(d, ["成员类别", "数量", "代表单位", "在联合体中的作用"], [
        ["园区", "1", PARK, "牵头单位，承担秘书处日常工作，统筹政策与经费"],
        ["企业、科研机构", "93", CAC, "牵头企业，承担企业“技术开发与服务”类项目"],
        ["职业院校", "15", CAU, "牵头学校，承担院校“五金建设”类项目"],
        ["本科高校", "7", "联合体本科高校", "参与高职本科贯通培养和协同攻关"],
    ])
    H("（二）组织架构与运行机制", level=2)
    P("联合体建立理事会—秘书处—项目委员会—办公室四级架构，构建“高层共识、中层对接、基层落实”的联动工作机制。理事会负责管理决策，"
      "秘书处设在成都青羊经开区管理委员会、负责日常工作，理事会下按园区“政策咨询”、企业“技术开发与服务”、院校“五金建设”三类项目体系设三个项目委员会，"
      "项目委员会下设办公室负责项目日常联络和数据收集。")
    P(f"2024年，联合体召开第一届理事会第二次全体会议，审议通过2024年度工作计划和经费预算；在{PARK}合资组建实体化运营公司，搭建联合体实体运行载体；"
      f"出台《联合体项目包管理办法》等运营管理制度{a('zhidu')}项。秘书处将建设任务拆解为{fmt(T['xiangmubao'].a25)}个标准化项目包，"
      f"实行“三化六有”制度，2024年通过“揭榜挂帅”竞争性分配发布项目包{a('xiangmubao')}个，根据成员单位任务承担和完成绩效进行奖补。")
    H("（三）年度目标完成总体情况", level=2)
    numeric = [t for t in TASKS if isinstance(t.t24, (int, float)) and t.t24 > 0 and isinstance(t.a24, (int, float))]
    met = [t for t in numeric if t.a24 >= t.t24]
    P(f"按照《{BREAKDOWN_TITLE.replace('（示例）', '')}》，2024年度共设定可量化年度目标{len(numeric)}项，已完成或超额完成{len(met)}项，"
      f"未完成{len(numeric) - len(met)}项。未完成的主要是共建产业学院、共建实训基地、中国特色学徒制培养、教师企业实践等建设周期较长的指标，"
      f"原因分析和改进措施见本报告第三、四部分。")
    P("全年重点工作按计划推进：3月，秘书处印发建设期任务分解表，将建设目标分解到牵头单位和配合单位；5月，发布第一批项目包榜单，"
      "成员单位自主揭榜；7月，联合体公共信息平台上线试运行；9月，举办联合体航空制造技能大赛；10月，开展年度中期督办，"
      "对进度滞后的实训基地和产业学院项目约谈牵头单位；11月30日前，各成员单位向秘书处报送年度建设数据和佐证材料，秘书处逐项核验后形成本报告。")

    H("二、建设成效", level=1)
    P("以下按《市域产教联合体建设标准（试行）》的基础性指标、实质性指标（合作办学、合作育人、合作就业、合作发展）和否定性指标逐项报告，"
      "每项列出观测点、2024年目标、2024年完成情况和佐证材料。2024年完成数均为截至2024年12月的数据。")

    # (一) 基础性指标
    H("（一）基础性指标", level=2)
    _part[0] = R1
    H("1.省(市)级政府", level=3)
    P("四川省委教育工作领导小组专题研究产教融合和市域产教联合体工作。成都市印发了《成都市产教融合及产业人才培养专项资金项目管理办法(试行)》等系列政策，"
      "成都市委教育工作领导小组专题研究联合体规划建设，园区、教育、发展改革、财政等部门建立协调联动机制，支持联合体2000万元建设经费，"
      "为联合体实体运行提供了政策、经费支撑。")
    H("2.产业园区", level=3)
    P("联合体依托的成都青羊工业经济技术发展区为省级经济技术开发区，主导产业为航空航天，属新兴产业壮大类。2024年航空产业营收突破900亿元，"
      "占全市航空产业规模60%以上，列入成都市重点产业目录，高于建设标准30%的要求。")
    H("3.牵头企业", level=3)
    P(f"{CAC}（以下简称成飞公司）是我国航空装备领域的行业龙头企业，近三年在产教融合领域累计投入1350万元，高于建设标准100万元的要求；"
      "按职工工资总额的2.5%提取职工教育经费。联合体内学校承担的牵头企业高技能人才培训比例尚未建立统计口径。")
    H("4.牵头学校", level=3)
    P(f"{CAU}为本科层次职业学校，高水平专业群与园区航空产业匹配度为85%。联合体职业院校建成国家级专业群4个。")
    H("基础性指标完成情况表", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev_yes("1.1.1", "是", "省委教育工作领导小组会议纪要"),
        _ev_yes("1.2.2", "是", "《成都市产教融合及产业人才培养专项资金项目管理办法(试行)》"),
        [INDICATORS[2], "2.3.1" + OBS["2.3.1"], "30", "60以上", "—", "青羊区航空产业统计公报"],
        [INDICATORS[3], "3.2.1" + OBS["3.2.1"], "100", "1350", "—", "牵头企业投入明细"],
        [INDICATORS[4], "4.2.1" + OBS["4.2.1"], "—", "85", "—", "专业群建设方案"],
    ])

    # (二) 合作办学
    H("（二）实质性指标：合作办学", level=2)
    _part[0] = R2
    H("5.主体责任", level=3)
    P("联合体成立了政府主导，企业、学校、科研机构等多方参与的理事会，成员学校涵盖中职、高职（含职教本科）学校和普通本科学校。"
      "联合体建设情况已纳入成都青羊经开区工作考核指标。理事会管理决策、秘书处日常工作、项目委员会和办公室执行的职责分工明晰，"
      f"章程完备，2024年出台运营管理制度{a('zhidu')}项，人员聘用及评价体系、绩效考核体系正在建立。")
    P("2024年1月，第一届理事会第二次全体会议审议通过联合体2024年度工作计划、经费预算和项目包管理办法；"
      "三个项目委员会全年共召开工作调度会12次，各办公室每季度末向项目委员会报告项目进度，形成“理事会定方向、秘书处抓统筹、项目委员会抓落实”的运行格局。")
    H("6.条件保障", level=3)
    P(f"成都市安排联合体专项建设经费2000万元，2024年实际到位{a('zhuanxiang')}万元，到位率100%，主要用于项目包奖补、实训基地建设、"
      f"公共信息平台建设和师资培训；青羊区安排日常运行经费{a('richang')}万元，全部到位。经费实行专款专用、单独核算。")
    P("2024年专项经费使用情况如下表，年底前已委托第三方机构开展经费使用审计。")
    H("专项经费使用情况表", level=3)
    _table(d, ["经费用途", "金额（万元）", "占比", "说明"], [
        [use, str(amount), f"{100 * amount / T['zhuanxiang'].a24:.1f}%", why] for use, amount, why in FUND_USE_2024
    ])
    H("7.办学形式", level=3)
    P(f"坚持“实体嵌入、平台整合”的建设理念，2024年校企共建产业学院{a('xueyuan')}个（年度目标{tg('xueyuan')}个），"
      f"共建实验室、研究院、科研工坊等科研平台{a('keyan')}个，共建开放型区域产教融合实践中心{a('zhongxin')}个。"
      f"收集联合体内企业对人才、技术和服务方面的“三张清单”，形成企业、学校需求及供给清单{a('qingdan')}项，促进校企各类需求精准对接。")
    P("产业学院按照“一院一企一方案”建设，由牵头企业提供真实生产项目和技术骨干，学校提供场地和师资，实行理事会领导下的院长负责制。"
      "未按期建成的产业学院主要卡在共建协议的出资比例和资产权属约定上，秘书处已会同法律顾问拟定协议范本。")
    H("合作办学指标完成情况表", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev_yes("5.1.1", "是", "理事会成立文件、理事名单"),
        _ev_yes("5.4.1", "是", "《成都市航空航天产教联合体章程》"),
        _ev("zhidu"),
        _ev("zhuanxiang"),
        _ev("richang"),
        _ev("xueyuan"),
        _ev("zhongxin"),
        _ev("keyan"),
        _ev("xiangmubao"),
        _ev("qingdan"),
    ])

    # (三) 合作育人
    H("（三）实质性指标：合作育人", level=2)
    _part[0] = R3
    H("8.“五金”建设", level=3)
    P(f"专业建设方面，建立学校专业设置与园区产业协调联动机制，校企共建专业{a('zhuanye')}个，设置联合体特有专业方向{a('fangxiang')}个，"
      f"共建技能人才培养标准{a('biaozhun')}个（年度目标{tg('biaozhun')}个）。")
    P(f"课程建设方面，协同推进全国航空航天装备领域职业教育专业课程改革试点，围绕飞机数字化装配、航空复合材料成型、航空发动机装配调试、无人机应用等岗位群，重构基于航空航天技术链及应用场景的核心课程{a('hexin')}门，"
      f"联合开发课程{a('kecheng')}门，联合建设教学资源库{a('ziyuanku')}个，{a('guojiake')}门课程入选国家级课程。")
    P("教学资源库建设以航空制造类专业为重点，引入企业真实生产案例、工艺视频和虚拟仿真资源，面向联合体全体成员学校开放共享。")
    P(f"教材建设方面，联合编写工作手册式教材、新形态教材{a('jiaocai')}本，转化企业培训教材{a('zhuanhua')}本，其中{a('guihua')}本入选国家规划教材。")
    P(f"师资队伍方面，推进校企人员“互兼互聘”，共享企业兼职教师{a('jianzhi')}人次，其中企业派遣兼职教师352人次；校际兼职教师{a('xiaoji')}人次；"
      f"建成教师企业实践工作站{a('gongzuozhan')}个，教师企业实践{a('qiyeshijian')}人月；建设技能大师工作室{a('dashi')}个；"
      f"教师教学团队获国家级奖励{a('jiangli')}项。")
    P(f"实习实训方面，共建实训基地{a('jidi')}个，工位{a('gongwei')}个，覆盖学生6800人，出台《联合体实训基地共建共享管理细则》。"
      f"实训基地数量仅完成年度目标{tg('jidi')}个的{rate(T['jidi'])}，是本年度差距最大的指标之一。")
    H("“五金”建设指标完成情况表（专业、课程、教材）", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev("zhuanye"), _ev("fangxiang"), _ev("biaozhun"), _ev("hexin"), _ev("ziyuanku"), _ev("kecheng"), _ev("guojiake"),
        _ev("jiaocai"), _ev("zhuanhua"), _ev("guihua"),
    ])
    H("“五金”建设指标完成情况表（师资、实训基地）", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev("jianzhi"), _ev("xiaoji"), _ev("qiyeshijian"), _ev("jiangli"), _ev("dashi"), _ev("gongzuozhan"),
        _ev("jidi"), _ev("gongwei"),
        _ev_yes("8.5.6", "是", "《联合体实训基地共建共享管理细则》"),
    ])
    H("9.融通贯通", level=3)
    P("学徒制培养方面，牵头企业按生产线岗位需求确定学徒岗位，实行“招生即招工、入校即入厂、校企双师带徒”，学徒在企业完成不少于一学年的岗位培养。")
    P(f"广泛开展委托培养、订单培养和学徒制培养。2024年中国特色学徒制培养{a('xuetu')}人（年度目标{tg('xuetu')}人），"
      f"理论工程师培养{a('gcs')}人（对应观测点9.1.6现场工程师培养），订单培养{a('dingdan')}人，其他联合培养{a('qita')}人；"
      f"秘书处组织校企对接活动{a('duijie')}场次。一体化设计高技能人才培养体系，中高职贯通培养{a('zhonggao')}人，高职本科贯通培养{a('gaoben')}人。")
    H("融通贯通指标完成情况表", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev("xuetu"), _ev("gcs"), _ev("dingdan"), _ev("qita"), _ev("duijie"), _ev("zhonggao"), _ev("gaoben"),
    ])

    # (四) 合作就业
    H("（四）实质性指标：合作就业", level=2)
    _part[0] = R4
    H("10.产专适应", level=3)
    P(f"建立联合体各主体共同参与的职业教育专业动态调整机制，推动区域职业教育结构和专业布局同航空航天市场需求相适应。"
      f"2024年新设航空航天相关专业{a('xinshe')}个，撤销不适应产业需求的专业2个，专业与联合体产业匹配度达到82%。"
      f"定期梳理核心产品清单、技术需求清单、人才需求清单，发布联合体人才需求报告{a('xuqiubaogao')}份。")
    H("11.人岗适应", level=3)
    P(f"建成联合体公共信息平台，设“查政策、查需求、找成果、找课程”功能，注册企业{a('zhuce')}个，发布就业岗位{a('gangwei')}个。"
      f"开展“书记校长访企拓岗”活动，走访企业{a('fangqi')}个；联合体内企业为学生提供实习实训量{a('shixi')}人月。")
    H("12.区域适应", level=3)
    P("联合体职业院校毕业生主要去向为航空整机制造、航空零部件加工、航空维修和无人机等企业，"
      "牵头企业和成员企业通过订单班、学徒制等方式提前锁定毕业生，毕业生在青羊航空新城及成都市内就业的比例逐步提高。")
    P(f"2024届毕业生就业率为{a('jiuye')}%，就业对口率为81.3%，本地就业率为62.4%，毕业生技术适应性和社会适应性不断增强。")
    H("合作就业指标完成情况表", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev_yes("10.1.1", "是", "专业动态调整工作方案"),
        _ev("xinshe"), _ev("xuqiubaogao"), _ev("zhuce"), _ev("gangwei"), _ev("fangqi"), _ev("shixi"), _ev("jiuye"),
        [INDICATORS[12], "12.1.3" + OBS["12.1.3"], "—", "62.4", "—", "毕业生就业质量年度报告"],
    ])

    # (五) 合作发展
    H("（五）实质性指标：合作发展", level=2)
    _part[0] = R5
    H("13.产业发展", level=3)
    P(f"依托联合体与本科高校、企业共建科研平台，联合打造创新团队{a('tuandui')}个，共聘共享专家{a('zhuanjia')}人。"
      f"2024年为联合体内企业开展技术服务{a('fuwu')}项，横向科研经费到账{a('daokuan')}万元（年度目标{tg('daokuan')}万元），"
      f"联合开展科技成果转化{a('chengguo')}项、成果转化经费210万元，校企联合获授权发明专利{a('zhuanli')}个，校企合作产生直接经济效益1900万元。"
      f"发布技术需求清单2次，形成产教融合典型案例{a('anli')}个。")
    P("技术服务聚焦企业生产一线实际需求，主要方向为航空零部件数控加工工艺优化、复合材料构件无损检测、工装夹具设计和生产线数字化改造。"
      "依托青羊创新中心和成航大学科技园，构建全链条中试服务体系，形成“前端聚焦、中间协同、后端转化”的科技创新格局。")
    H("14.职业发展", level=3)
    P(f"统筹各成员单位的培训资源和需求，为企业开展职业培训{a('peixun')}人次，面向社会开展技能培训{a('shehui')}人日，"
      f"技能鉴定{a('jianding')}人次。学生获得技能等级证书{a('zhengshu')}人次，获省级以上技能大赛奖励{a('dasai')}人次；"
      f"举办联合体航空制造技能大赛{a('jinsai')}场。")
    P("职工培训以牵头企业新员工岗前培训、在岗职工技能提升培训和班组长管理培训为主，技能鉴定覆盖数控车工、钳工、航空器铆装工、"
      "电工等职业（工种），联合体内学校承接企业员工继续教育的能力明显增强。")
    H("15.职教发展", level=3)
    P("2024年联合体尚未开展境外办学和境外培训，服务企业“走出去”的项目正在与牵头企业对接，计划2025年启动境外培训。")
    H("合作发展指标完成情况表", level=3)
    _table(d, EVIDENCE_HEADER, [
        _ev("fuwu"), _ev("daokuan"), _ev("chengguo"), _ev("zhuanli"), _ev("anli"),
        _ev("tuandui"), _ev("zhuanjia"),
        _ev("peixun"), _ev("shehui"), _ev("jianding"), _ev("zhengshu"), _ev("dasai"), _ev("jinsai"),
        _ev("jingwai"), _ev("chengguojiang"),
    ])

    # (六) 否定性指标
    H("（六）否定性指标自查", level=2)
    _part[0] = R6
    P("对照建设标准第16项负面清单逐项自查：2024年联合体未在招生、就业、安全等领域发生重大违法违规事件，申报和建设过程中不存在造假行为，"
      "市级专项经费按计划落实，政府出台了有效政策，企业落实了“四个合作”相关工作，未触及否定性指标。")
    H("（七）特色与创新", level=2)
    P("一是突破组织虚化，坚持实体嵌入。在成都青羊经开区合资组建实体化公司，秘书处实体运行，保证联合体“有人办事、有钱办事、有章理事”。")
    P("二是突破散点状态，坚持平台整合。系统构建“三共、三融、四链”共生协同长效机制，建立公共信息平台，精准对接技术、人才、服务需求。")
    P("三是突破无序运行，坚持项目驱动。建立园区“政策咨询”、企业“技术开发与服务”、院校“五金建设”三类项目体系，"
      "项目包实行“揭榜挂帅”竞争性分配，形成“任务明确、责任清晰、绩效挂钩”的项目驱动机制。")
    P("四是突破利益离散，坚持双赢为要。构建“产教军融合、校地企合作”的两园共生运行模式，整合政、军、行、企、校优质资源。")

    H("三、存在问题", level=1)
    P("对照建设标准和年度工作计划，联合体2024年建设还存在以下问题：")
    behind = sorted((t for t in numeric if t.a24 < t.t24), key=lambda t: t.a24 / t.t24)
    P(f"（1）部分年度目标未完成。共建实训基地完成{a('jidi')}个，仅为年度目标的{rate(T['jidi'])}；共建产业学院完成{a('xueyuan')}个，"
      f"仅为年度目标的{rate(T['xueyuan'])}。未完成年度目标的指标共{len(behind)}项，按完成率从低到高依次为："
      + "、".join(f"{t.name}（{rate(t)}）" for t in behind) + "。")
    P("（2）资源整合难度较大。联合体处于初创阶段，实体功能发挥需在实践中系统探索，各成员单位资源禀赋、价值追求差异较大，"
      "中小企业参与共建的积极性不高，需要牵头单位发挥引领示范作用，带动资源整合、共享和互补。")
    P("（3）机制运行需进一步疏通。实际运行中存在沟通不畅、协同不足等问题，项目委员会与成员单位之间的数据报送不及时，影响整体效率和运行效果，"
      "需要完善组织架构和运行机制，找准功能发挥切入点。")
    P("（4）运行保障支撑力度需加强。项目建设需要大量资金支持，单靠政府拨款难以为继，社会资本和产业资金投入不足，"
      "需要打通政策关卡，提升联合体筹资能力，保障长久运行。")
    P("（5）人才培养供给与企业需求仍有差距。中国特色学徒制和理论工程师培养规模未达年度目标，企业学徒岗位数量和带徒师傅激励机制有待完善。")
    P("（6）数据统计口径不完善。共建实训工位利用率、通过“文化素质+职业技能”考试招生学生升学比例、"
      "联合体内学校承担的牵头企业高技能人才培训比例等观测点尚未建立统计口径，暂无数据。")

    H("四、2025年工作计划", level=1)
    P("2025年是联合体建设期的收官之年。联合体将对照任务分解表，聚焦未完成指标，重点做好以下工作：")
    P(f"（1）加快实训基地和产业学院建设。2025年新增共建实训基地{tg('jidi', 2025)}个、共建产业学院{tg('xueyuan', 2025)}个，"
      "将实训基地建设项目包优先纳入揭榜挂帅，对进度滞后的项目实行季度督办。")
    P(f"（2）扩大联合培养规模。2025年中国特色学徒制培养{tg('xuetu', 2025)}人，理论工程师培养{tg('gcs', 2025)}人，"
      f"订单培养{tg('dingdan', 2025)}人，其他联合培养{tg('qita', 2025)}人。")
    P(f"（3）深化师资共建共享。2025年企业兼职教师{tg('jianzhi', 2025)}人次、校际兼职教师{tg('xiaoji', 2025)}人次，"
      f"教师企业实践{tg('qiyeshijian', 2025)}人月。")
    P(f"（4）提升技术服务能力。2025年技术服务到款额{tg('daokuan', 2025)}万元，科技成果转化{tg('chengguo', 2025)}项，"
      f"为企业开展职业培训{tg('peixun', 2025)}人次，启动服务企业“走出去”境外培训{tg('jingwai', 2025)}人。")
    P("（5）完善运行保障和数据统计。推动出台人员聘用及评价、绩效考核、运营质量保障体系；建立全部观测点的统计口径和季度数据报送制度，"
      "于2025年1月31日前报送2025年度工作计划。")
    P("（6）拓展职教出海和社会影响。配合牵头企业“走出去”开展境外培训，总结提炼产教融合典型案例，培育省级教育教学成果奖。")
    P(ISSUER)
    P("2024年12月28日")
    d.save(str(path))
    _normalize_zip(path)
    _sidecar(path, REPORT_TITLE, "report", REPORT_DATE)


def write_plan(path: Path) -> None:
    d = _new_document(PLAN_TITLE)
    P = d.add_paragraph
    H = d.add_heading
    P(SAMPLE_LINE)
    P(f"根据教育部关于市域产教联合体每年1月31日前报送年度工作计划的要求，结合《{REPORT_TITLE.replace('（示例）', '')}》和建设期任务分解表，"
      f"{ISSUER}制定本计划，经理事会审议通过后报四川省教育厅审核。")
    numeric = [t for t in TASKS if isinstance(t.t24, (int, float)) and t.t24 > 0 and isinstance(t.a24, (int, float))]
    met = [t for t in numeric if t.a24 >= t.t24]
    P(f"2024年，联合体共设定可量化年度目标{len(numeric)}项，已完成或超额完成{len(met)}项，未完成{len(numeric) - len(met)}项。"
      f"全年共建产业学院{a('xueyuan')}个、共建实训基地{a('jidi')}个，中国特色学徒制培养{a('xuetu')}人，为企业开展职业培训{a('peixun')}人次，"
      f"横向科研经费到账{a('daokuan')}万元。实训基地、产业学院、学徒制培养和教师企业实践等指标未完成年度目标，是2025年工作的重点。")
    H("一、总体目标", level=1)
    P("2025年是联合体建设期的收官之年。以服务成都世界级航空先进制造业集群建设为导向，对照《市域产教联合体建设标准（试行）》，"
      "聚焦2024年未完成的实训基地、产业学院、学徒制培养等指标，全面完成建设期任务分解表确定的目标，"
      "推动联合体由“建机制”向“见成效”转变。")
    P("坚持以教促产、以产助教，深化合作办学、合作育人、合作就业、合作发展，全面推进专业、课程、教材、师资、实习实训“五金”建设，"
      "确保2025年底前各项建设期目标完成率不低于90%，为迎接教育部年度计划执行复核做好准备。")
    H("二、主要任务与年度目标", level=1)
    H("（一）合作办学", level=2)
    P(f"新增共建产业学院{tg('xueyuan', 2025)}个、共建实训基地{tg('jidi', 2025)}个、实训工位{tg('gongwei', 2025)}个，"
      f"新增共建开放型区域产教融合实践中心{tg('zhongxin', 2025)}个，发布标准化项目包{tg('xiangmubao', 2025)}个。")
    P(f"2024年共建实训基地仅完成年度目标的{rate(T['jidi'])}、共建产业学院仅完成{rate(T['xueyuan'])}，2025年将其列为一号督办事项："
      "实训基地建设项目包优先纳入“揭榜挂帅”，推行产业学院共建协议范本，明确出资比例和资产权属，每季度通报进度。")
    H("（二）合作育人", level=2)
    P(f"新增共建技能人才培养标准{tg('biaozhun', 2025)}个，联合开发课程{tg('kecheng', 2025)}门，联合编写教材{tg('jiaocai', 2025)}本；"
      f"中国特色学徒制培养{tg('xuetu', 2025)}人，理论工程师培养{tg('gcs', 2025)}人，企业兼职教师{tg('jianzhi', 2025)}人次，"
      f"教师企业实践{tg('qiyeshijian', 2025)}人月。")
    P("深化全国航空航天装备领域职业教育专业课程改革试点，完成剩余核心课程重构；推动牵头企业按生产线岗位需求扩大学徒岗位，"
      "建立带徒师傅津贴和考核办法；依托教师企业实践工作站，有组织地选派教师到企业生产车间实岗锻炼。")
    H("（三）合作就业", level=2)
    P(f"新设航空航天相关专业{tg('xinshe', 2025)}个，平台发布就业岗位{tg('gangwei', 2025)}个，书记校长访企拓岗企业{tg('fangqi', 2025)}个，"
      f"毕业生就业率不低于95%。")
    P("发布2025年联合体人才需求报告，完善专业动态调整机制，对接航空航天市场需求新设专业、撤销不适应产业需求的专业；"
      "公共信息平台按季度发布人才需求清单和就业岗位信息。")
    H("（四）合作发展", level=2)
    P(f"技术服务到款额{tg('daokuan', 2025)}万元，科技成果转化{tg('chengguo', 2025)}项，为企业开展职业培训{tg('peixun', 2025)}人次，"
      f"技能鉴定{tg('jianding', 2025)}人次，启动境外培训{tg('jingwai', 2025)}人。")
    P("依托青羊创新中心和成航大学科技园完善中试服务体系，发布核心产品清单和技术需求清单，组织职业学校、本科高校与企业协同攻关；"
      "配合牵头企业“走出去”，启动首个境外培训项目。")
    H("（五）组织运行与数据台账", level=2)
    P("召开第一届理事会第三次全体会议，修订联合体章程；出台人员聘用及评价体系、绩效考核体系和运营质量保障体系；"
      f"再出台运营管理制度{tg('zhidu', 2025)}项。秘书处按建设标准观测点建立指标台账，成员单位每季度报送数据，"
      "对暂无数据的观测点年内全部建立统计口径，为2025年度建设自评报告提供逐项佐证。")
    H("（六）2025年主要指标汇总", level=2)
    keys = ["xueyuan", "jidi", "biaozhun", "kecheng", "jiaocai", "jianzhi", "xiaoji", "qiyeshijian",
            "xuetu", "gcs", "qita", "dingdan", "daokuan", "chengguo", "peixun", "jingwai"]
    deadline = {"xueyuan": "2025-10-31", "jidi": "2025-10-31", "jingwai": "2025-11-30"}
    _table(d, ["任务", "单位", "2025年目标", "2024年完成", "牵头单位", "完成时限"], [
        [T[k].name, T[k].unit, fmt(T[k].t25), fmt(T[k].a24), T[k].lead, deadline.get(k, "2025-11-30")] for k in keys
    ])
    H("三、重点工作安排", level=1)
    P("全年工作按月推进，具体安排如下：")
    _table(d, ["时间", "工作事项", "责任单位"], [
        ["1月", "召开理事会全体会议，审议2025年度工作计划和经费预算", "秘书处"],
        ["3月", "修订联合体章程，发布2025年第一批项目包", "秘书处、项目委员会"],
        ["4月", "发布2025年联合体人才需求报告和技术需求清单", "秘书处、" + CAU],
        ["6月", "开展年中进度督办，对完成率低于50%的项目约谈牵头单位", "秘书处"],
        ["9月", "举办联合体航空制造技能大赛", CAC],
        ["10月", "完成产业学院和实训基地年度建设任务验收", CAU],
        ["11月30日前", "成员单位报送年度建设数据和佐证材料", "全体成员单位"],
        ["12月", "形成2025年度建设自评报告，12月31日前报送", "秘书处"],
    ])
    H("四、保障措施", level=1)
    P("（一）组织保障。理事会每季度听取秘书处工作汇报，项目委员会按月调度项目进度；各牵头单位明确一名分管领导和一名专职联络员，"
      "对本单位牵头任务的进度和数据质量负责。")
    P(f"（二）经费保障。2025年市级专项建设经费计划到位{tg('zhuanxiang', 2025)}万元，青羊区日常运行经费{tg('richang', 2025)}万元；"
      "积极吸引社会资本和产业资金投入。专项经费预算安排如下：")
    _table(d, ["经费用途", "2025年预算（万元）", "说明"], [[u, str(v), w] for u, v, w in FUND_PLAN_2025])
    P("（三）数据保障。建立观测点统计口径和季度数据报送制度，补齐实训工位利用率等暂无数据的观测点。")
    P("（四）考核激励。项目包实行绩效评价，评价结果分为优秀、良好、合格、不合格四个等级，按等级核定奖补资金；"
      "对连续两个季度进度滞后的牵头单位，由秘书处提请理事会通报。")
    P(ISSUER)
    P("2025年1月20日")
    d.save(str(path))
    _normalize_zip(path)
    _sidecar(path, PLAN_TITLE, "plan", PLAN_DATE)


def main() -> None:
    check_data()
    PLANS.mkdir(parents=True, exist_ok=True)
    REPORTS.mkdir(parents=True, exist_ok=True)
    write_breakdown(PLANS / BREAKDOWN_FILE)
    write_report(REPORTS / REPORT_FILE)  # first: it records where each figure is reported
    write_plan(PLANS / PLAN_FILE)
    write_ledger(REPORTS / LEDGER_FILE)
    for p in [PLANS / BREAKDOWN_FILE, PLANS / PLAN_FILE, REPORTS / LEDGER_FILE, REPORTS / REPORT_FILE]:
        print(p.relative_to(ROOT))


if __name__ == "__main__":
    main()
