"""Words people ask with and the words documents use for the same thing.

People ask about "医保", "三甲医院", "社保卡" and "顶岗实习"; policy documents write
"医疗保险", "三级甲等医疗机构", "社会保障卡" and, since 2022, "岗位实习". Keyword search
cannot bridge an abbreviation, and a dense model of this size often does not either, so
the question is widened by the forms below before it is searched, and a passage holds a
question's word when it holds any form of it.

Groups are equivalences (every member stands for the others); `ASKED_AS` is one-way,
colloquial → documentary, for words a document would never use to mean the formal term.
Only terms of the consortium's world are listed: welfare, tax, education, employment —
each pair one a reader of these documents would agree means the same thing.
"""

from __future__ import annotations

from functools import lru_cache

GROUPS: tuple[tuple[str, ...], ...] = (
    # social security and health insurance
    ("医保", "医疗保险"),
    ("社保", "社会保险"),
    ("社保卡", "社会保障卡"),
    ("城乡居保", "城乡居民基本养老保险", "城乡居民养老保险"),
    ("城乡居民医保", "城乡居民基本医疗保险"),
    ("职工医保", "职工基本医疗保险"),
    ("公积金", "住房公积金"),
    ("三甲", "三级甲等"),
    ("三乙", "三级乙等"),
    ("二甲", "二级甲等"),
    ("医院", "医疗机构"),
    ("起付线", "起付金", "起付标准"),
    ("身份证", "居民身份证"),
    # tax
    ("个税", "个人所得税"),
    ("高企", "高新技术企业"),
    ("研发费用", "研究开发费用"),
    ("税前扣除", "税前列支"),
    # education and training
    ("职校", "职业学校", "职业院校"),
    ("技校", "技工学校", "技工院校"),
    ("普高", "普通高中"),
    ("中职", "中等职业学校", "中等职业教育"),
    ("高职", "高等职业学校", "高等职业教育"),
    ("职教", "职业教育"),
    ("顶岗实习", "岗位实习"),
    ("双师", "双师型"),
    ("老师", "教师"),
    ("课时", "学时"),
    # money and procedure
    ("补贴", "补助"),
    ("申请", "申报"),
    ("电话", "联系电话", "联系方式"),
    ("工资", "薪酬", "薪金", "劳动报酬"),
)

ASKED_AS: dict[str, tuple[str, ...]] = {
    "厂里": ("企业",),
    "工厂": ("企业",),
    "厂": ("企业",),
    "公司": ("企业",),
    "付钱": ("报酬", "支付"),
    "给钱": ("报酬", "补贴"),
    "发钱": ("补贴", "发放"),
    "交钱": ("缴费", "缴纳"),
    "看病": ("就医", "医疗"),
    "住院费": ("住院医疗费",),
    "退休金": ("养老金", "基本养老金"),
}


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in GROUPS:
        for word in group:
            table.setdefault(word, []).extend(w for w in group if w != word)
    for word, forms in ASKED_AS.items():
        table.setdefault(word, []).extend(forms)
    return {w: tuple(dict.fromkeys(forms)) for w, forms in table.items()}


def alternatives(word: str) -> tuple[str, ...]:
    """Other forms of `word` a document may use (empty when none are known)."""
    return _table().get(word, ())


def forms(word: str) -> tuple[str, ...]:
    """`word` and its alternatives."""
    return (word, *alternatives(word))
