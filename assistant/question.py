"""How a question is read: once, into a typed `QuestionSpec` that every later step reads.

Retrieval, reranking, the answer/refuse decision, extraction and the routing to records,
the coverage matrix or passages all need the same things about a question — what it asks
for (a number, a date, a list, a count), what it is about, and which constraints (a place,
a year, a grade, a 文号, an 观测点 code, a negation) an answer must respect. Reading them
once, here, keeps those steps from each parsing the question its own way. The words it
reads with are data (`ingest/vocab/`: cues.txt, record_kinds.txt, grades.txt, …); this
module holds the reading. It does not search: it knows nothing of the index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest import vocabulary
from ingest.clean import is_foreign
from ingest.metadata import DOC_NUMBER, normalize_doc_number
from ingest.numbers import as_quantity, in_words, plain, quantities_in, spoken_codes, to_number
from ingest.synonyms import alternatives
from ingest.tokens import (
    A_NOT_A,
    YEAR,
    About,
    Case,
    Either,
    codes_in,
    compact,
    concept_spans,
    counts_back,
    in_dictionary,
    is_number,
    normalize,
    parts,
    tagged,
)

# What a question asks for. "fact" is the default: a passage or clause states the answer.
INTENTS = (
    "fact",  # a rule, a definition, a clause
    "number",  # an amount, a rate, a quantity (多少, 比例, 几年)
    "date",  # when a document was issued, takes effect, expires; its title or 文号
    "list",  # which items (有哪些课程)
    "count",  # how many items (有几门)
    "comparison",  # two values side by side (比原来涨了多少, 新旧有什么不同)
    "yes_no",  # whether (能不能, 是否, 吗)
    "coverage",  # the state of indicators / 观测点 against their targets
)

# The document-level facts a question may ask (see doc_facts for where they are stated).
ISSUE_DATE = "issue_date"
VALIDITY = "validity"
TITLE = "title"
DOC_NO = "doc_number"


@dataclass(frozen=True)
class Concept:
    """A content word of the question and its search-mode parts ("职工教育经费" → 职工,
    教育, 经费…): a passage holds the concept when it holds the word, in any of its forms."""

    word: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSpec:
    """A question, read. Immutable; made by `read_question` and passed down."""

    text: str
    norm: str  # normalised: NFKC, lower case, no spaces
    language: str = "zh"  # "zh" or "foreign" (English and other scripts)
    intent: str = "fact"
    concepts: tuple[Concept, ...] = ()
    asked: tuple[Concept, ...] = ()  # the attribute asked for: "学费" in "…的学费是多少"
    asks_quantity: bool = False  # the answer is a number (多少, 比例, 几年)
    asked_unit: str = ""  # the unit that number is asked in: "个" (几个), "学时", "元" (多少钱)
    facts: tuple[str, ...] = ()  # document facts asked: issue_date, validity, title, doc_number
    subject: str = ""  # without the words asking for a document fact: what names the document
    places: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()  # a place outside the document's own: "外省", "市外"
    issuing_places: tuple[str, ...] = ()  # places named as a document's issuer (广东省…条例)
    years: tuple[int, ...] = ()
    numbers: tuple[str, ...] = ()  # numbers an answer must speak of ("2025", "600"), 文号 aside
    since: str = ""  # ISO date: the start of a period the question asks about
    until: str = ""  # ISO date: its end
    labels: tuple[str, ...] = ()  # grades and categories: "三级", "e类", "国家级"
    doc_numbers: tuple[str, ...] = ()  # 文号, normalised
    codes: tuple[str, ...] = ()  # 观测点 codes: "8.5.2"
    quoted: tuple[str, ...] = ()  # phrases in quotation marks, meant literally
    clauses: tuple[str, ...] = ()  # articles named: "第五条", "第三章", "(二)" (normalised)
    record_kind: str = ""  # course/training/demand/supply/achievement/policy, when named
    negated: bool = False  # "哪些没完成", "不包括哪些"
    orgs: tuple[str, ...] = ()  # organisations named: a school, a firm (in the form written)
    titles: tuple[str, ...] = ()  # names in 《》: a course, a document, a standard
    parts: tuple[str, ...] = ()  # the sub-questions of a question asking several things
    versions: bool = False  # a comparison of a policy's old and new versions (调整后, 原来)
    choices: tuple[str, ...] = ()  # the options of a choice question ("线上还是线下")

    @property
    def is_foreign(self) -> bool:
        return self.language == "foreign"

    @property
    def concept_words(self) -> tuple[str, ...]:
        return tuple(c.word for c in self.concepts)

    @property
    def sides(self) -> tuple[str, ...]:
        """The question once for each of two or more things of one kind it names — schools,
        文号, titles, places, grades — each without the others ("甲校和乙校的物联网工程专
        业各招多少人" → one question about 甲校, one about 乙校): a passage about one side
        shares the other side's words with neither, so one search ranks it below passages
        that happen to name both. Empty when the question names one thing of each kind."""
        for named in (self.orgs, self.doc_numbers, self.titles, self.places, self.labels):
            values = tuple(dict.fromkeys(named))
            if len(values) < 2 or len(values) > MAX_SIDES:
                continue
            text = compact(self.text)
            forms = [compact(v) for v in values]
            if not all(f in text for f in forms):
                continue  # read into another form (a 文号 normalised): cannot be cut out
            if not _coordinated(text, forms):
                continue  # "成都市青羊区": one place inside another, not two to compare
            return tuple(_without(text, [f for f in forms if f != keep]) for keep in forms)
        if _has_cue(self.norm, "comparison") or _has_cue(self.norm, "sides"):
            # two things named by common nouns, asked about alike ("管理人员和教辅人员分别…")
            pair = _coordinated_nouns(self.norm)
            if pair:
                (a, b), (c, d) = pair  # each side without the other, where it stands
                # "1996年版和2022年版职业教育法…": the second side's head is the first's
                # too; the first side loses only the part of the second that answers to it
                shared = _parallel(self.norm[a:b], self.norm[c:d])
                if shared:
                    d = c + shared
                # each side without the other and the conjunction between them
                return (self.norm[:b] + self.norm[d:], self.norm[:a] + self.norm[c:])
        return ()

    @property
    def parts_read(self) -> tuple[str, ...]:
        """The sub-questions as each is judged: the first as asked, each later one with the
        first's subject carried over ("示例竞赛的裁判共几人？任期几年？" → "示例 竞赛 裁判，
        任期几年"): a later part names only what it asks, and read alone it is about
        nothing. The subject is the content words of the first part's first clause before
        its question word (all of the first part's when that holds none), without figures:
        they are the first part's constraints, not the later one's."""
        if not self.parts:
            return ()
        first = _ASK_END.split(self.parts[0])[0]
        asked = _ASKING.search(first)
        carried = []
        for head in (first[: asked.start()] if asked else first, self.parts[0]):
            spans = concept_spans(head)
            carried = [w for w, _, _, _ in spans if not (is_number(w) or to_number(w))]
            if carried:
                break
        out = [self.parts[0]]
        for part in self.parts[1:]:
            own = {w for w, _, _, _ in concept_spans(part)}
            kept = carried
            if carried and _same_kind(carried[-1], own):
                # "示例大赛一等奖奖金多少？二等奖奖金呢": the later part names its own 奖金 —
                # the first's (一等奖奖金, its head and the word before it) is not carried,
                # the rest of the subject (示例大赛) is
                kept = carried[:-2]
            subject = " ".join(w for w in kept if w not in own)
            out.append(f"{subject}，{part}" if subject else part)
        return tuple(out)

    @property
    def defines(self) -> str:
        """The term the question asks the meaning of ("什么是医疗救助" → 医疗救助, "…是指什么";
        `definition` in cues.txt), or "": the sentence saying "医疗救助是…" answers it."""
        first = _PART_END.split(self.norm)[0]
        for cue in _cues("definition"):
            if first.startswith(cue) and len(first) > len(cue):
                return first[len(cue) :]
            if first.endswith(cue) and len(first) > len(cue):
                return first[: -len(cue)]
        return ""

    @property
    def exact_targets(self) -> tuple[str, ...]:
        """Strings meant literally: 文号, 观测点 codes, quoted phrases (normalised)."""
        return tuple(compact(t) for t in (*self.doc_numbers, *self.codes, *self.quoted))


_HEAD = 2  # characters of a noun's end that name its kind (补助金, 培训, 学校)


def _same_kind(head: str, words: set[str]) -> bool:
    """Whether a later sub-question names a thing of the kind the first one's subject ends
    in ("…国家奖学金…？校级奖学金呢": another 奖学金; "…岗前培训…？转岗培训呢"):
    then it names its own subject, asked in parallel with the first's."""
    return len(head) >= _HEAD and any(len(w) >= _HEAD and w.endswith(head[-_HEAD:]) for w in words)


MAX_SIDES = 4  # more things than this named at once is a list, not sides to compare


def _coordinated(text: str, names: list[str]) -> bool:
    """Whether `names` stand side by side in `text`, joined by a conjunction or an enumeration
    comma ("甲校和乙校", "上海、青岛"), as things asked about alike are."""
    spans = sorted((text.find(n), text.find(n) + len(n)) for n in names)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        between = text[end:start]
        if not between or len(between) > 2 or between[0] not in _JOINS:
            return False
    return True


_JOINS = "和与及跟同、或"
# The conjunctions that join two sides, the likeliest first: "与" and "及" stand inside
# names too ("智能制造与高端装备产教联合体和某某产教联合体" compares the two 联合体).
_SIDE_JOINS = ("和", "以及", "跟", "同", "与", "及", "、", "或")
# The parts of speech a side is read over: nouns, and the verbs, adjectives and numerals
# jieba tags inside a noun phrase ("最低收入家庭", "实训拓展课程", "1996年职业教育法").
# A particle, preposition, localiser, adverb, pronoun or punctuation ends it ("…的",
# "对…", "…里", "分别"). Latin letters stand in names and grades ("CNC", "Ⅱ级" read as ii级).
_SIDE_TAGS = ("n", "j", "l", "v", "a", "b", "m", "q", "eng")


MAX_SIDE_WORDS = 3  # words after the conjunction the second side may end within


def _coordinated_nouns(norm: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Where the two sides joined by one conjunction stand ("专业基础课程和专业核心课程"),
    each read as far as its noun phrase goes; None when the question has none, or a side is
    a single character. A name in quotation marks is one noun ("甲校的“焊接工艺”和乙校的
    “钳工实训”")."""
    pieces = _quoted_whole(tagged(norm))
    for join in _SIDE_JOINS:
        for i in range(1, len(pieces) - 1):
            # a side ends on its noun, or on the word both sides end in ("三级伤残和八级伤
            # 残": jieba tags 伤残 an adjective) — two phrases built alike are two sides
            last = pieces[i - 1][0]
            parallel = len(last) >= 2 and any(
                p[0] == last for p in pieces[i + 2 : i + 2 + MAX_SIDE_WORDS]
            )
            if pieces[i][0] != join or not (
                (_ends_side(pieces, i - 1) or parallel) and _in_side(pieces[i + 1], join)
            ):
                continue
            a = i - 1
            while a > 0 and _in_side(pieces[a - 1], join):
                a -= 1
            b = i + 1
            while b + 1 < len(pieces) and _in_side(pieces[b + 1], join):
                b += 1
            while b > i and not (_ends_side(pieces, b) or (parallel and pieces[b][0] == last)):
                b -= 1  # a side ends with its noun ("…课程有什么") or the word both end in
            if b == i:
                continue
            if b == i + 1 and _bare_mark(pieces[b][0]) and _bare_mark(pieces[i - 1][0]):
                a = i - 1  # "培训班第一期和第二期": what comes before the first is both's
            a, b = _with_modifiers(pieces, a, b)
            first, second = (pieces[a][2], pieces[i][2]), (pieces[i][3], pieces[b][3])
            if min(first[1] - first[0], second[1] - second[0]) < 2:
                return None
            return first, second
    return None


def _quoted_whole(pieces) -> list:
    """`pieces` with each run from an opening to a closing quotation mark made one noun."""
    out: list = []
    opened = None
    for piece in pieces:
        if opened is None and piece[0] == "“":
            opened = [piece]
        elif opened is not None:
            opened.append(piece)
            if piece[0] == "”":
                word = "".join(p[0] for p in opened)
                out.append((word, "nz", opened[0][2], piece[3]))
                opened = None
        else:
            out.append(piece)
    return out + (opened or [])


def _with_modifiers(pieces: list, a: int, b: int) -> tuple[int, int]:
    """The sides `a`…`b` widened to two whole modified phrases when the first stands after a
    "的" and the second before one ("甲厂招的设计师和乙厂招的测量员"): the conjunction joins
    "甲厂招的设计师" and "乙厂招的测量员", not "设计师" and "乙厂招"."""
    after = b + 1
    if not (a >= 2 and pieces[a - 1][0] == "的" and after + 1 < len(pieces)):
        return a, b
    if pieces[after][0] != "的":
        return a, b
    head = after
    while head + 1 < len(pieces) and _in_side(pieces[head + 1], "的"):
        head += 1
    while head > after and not _nounish(pieces[head]):  # the head ends with its noun
        head -= 1
    if head == after:
        return a, b
    start = a - 1
    while start > 0 and _in_side(pieces[start - 1], "的") and pieces[start - 1][0] != "的":
        start -= 1
    if start == a - 1:
        return a, b  # nothing modifies the first: "…的A和B的C" is A and B of C
    return start, head


_DIGIT_RUN = re.compile(r"\d+")


def _parallel(first: str, second: str) -> int:
    """The length of the start of `second` written as `first` is but for its figures
    ("2022年版" in "2022年版职业教育法" after "1996年版"), when it is shorter than `second`
    and `first` holds a figure; or, when `first` is a bare ordinal or grade, of the one
    `second` starts with; else 0."""
    if _bare_mark(first):  # "第一批和第二批联合体": the rest of the second is both's
        mark = _ORDINAL.match(second) or _CLASS_LABEL.match(second)
        return mark.end() if mark and mark.end() < len(second) else 0
    if not _DIGIT_RUN.search(first):
        return 0
    shape = _DIGIT_RUN.sub("0", first)
    for end in range(len(second) - 1, 0, -1):
        if _DIGIT_RUN.sub("0", second[:end]) == shape and not second[end].isdigit():
            return end
    return 0


def _in_side(piece, join: str) -> bool:
    """Whether a piece goes on a side joined by `join`: another conjunction may stand
    inside a name ("智能制造与高端装备…"); a rate's "每…" ("每人每年") is said of both sides."""
    return (
        piece[0] != join
        and not piece[0].startswith("每")
        and (_nounish(piece) or piece[1].startswith(_SIDE_TAGS) or piece[0] in _JOINS)
    )


def _ends_side(pieces, k: int) -> bool:
    """Whether a side may end at piece `k`: on a noun, on a grade or class label
    ("超声检测Ⅱ级和射线检测Ⅱ级", "电工三级和焊工三级"), or on an ordinal ("…培训班第一期和
    第二期": two runs of one thing)."""
    if _nounish(pieces[k]):
        return True
    word = pieces[k][0]
    return bool(_CLASS_LABEL.fullmatch(word) or _ORDINAL.fullmatch(word)) or (
        k > 0 and bool(_CLASS_LABEL.fullmatch(pieces[k - 1][0] + word))
    )


def _bare_mark(word: str) -> bool:
    """An ordinal or a grade standing for a side by itself ("第二期", "四级")."""
    return bool(_ORDINAL.fullmatch(word) or _CLASS_LABEL.fullmatch(word))


# One of a series that recurs ("第二批" of a list, "第三期" of a course, "第十届"): a
# constraint like a grade, which a passage about another of the series does not meet.
_NUMERAL_CHARS = "〇零一二两三四五六七八九十百"
_NUMERALS = rf"[{_NUMERAL_CHARS}\d]+"
_SERIES = re.compile(rf"第({_NUMERALS})([期批届轮])")
# A grade, class or prize by its number ("八级", "8级", "二等奖"): written either way.
_NUMBERED_GRADE = re.compile(rf"({_NUMERALS})(级|类|等奖)")
# An ordinal and its measure word ("第一期", "第2批", "第三届"), however jieba tags it.
_ORDINAL = re.compile(rf"第{_NUMERALS}[\u4e00-\u9fff]")


def _nounish(piece) -> bool:
    """A noun, an abbreviation or a set phrase, or a word of our dictionary (tagged x)."""
    word, tag = piece[0], piece[1]
    if tag == "x":
        return all("\u4e00" <= ch <= "\u9fff" for ch in word)
    return tag.startswith(("n", "j", "l", "vn"))


def _without(text: str, names: list[str]) -> str:
    """`text` without `names` and the conjunction joining each to its neighbour ("第一期和
    第二期…" without 第二期 is "第一期…")."""
    joins = f"[{_JOINS}]"
    for name in sorted(names, key=len, reverse=True):
        name = re.escape(name)
        text = re.sub(f"{joins}{name}|{name}{joins}|{name}", "", text)
    return text


def read_question(text: str | QuestionSpec) -> QuestionSpec:
    """Read `text` into a QuestionSpec (cached: the same question is read once). A spec
    passes through unchanged, so callers may hand either down."""
    if isinstance(text, QuestionSpec):
        return text
    return _read(spoken_codes(text.strip()))


def reading_spec(
    spec: QuestionSpec,
    known: Callable[[str], int] | None = None,
    found_in: Sequence[str] = (),
) -> QuestionSpec:
    """The spec passages and sentences are judged against: an English question's Chinese
    domain terms (the glossary), the dictionary's words for the rest among those the
    documents use (`known`, the index's vocabulary; of a word's senses, the one the passages
    `found_in` hold most: see ingest.glossary.chinese_reading) and what it writes as the
    documents do (years, codes, Chinese names) stand for it, since its own words are in no
    Chinese passage."""
    from ingest.glossary import chinese_reading

    if spec.is_foreign and (terms := chinese_reading(spec.text, known, found_in=found_in)):
        return read_question("，".join(terms))  # each term apart: no name runs into the next
    return spec


def about_content(spec: QuestionSpec) -> QuestionSpec:
    """The question without the 文号 it names: what a sentence of that document must hold.
    The 文号 says which document (the retriever ranks its passages first); left in, its
    digits weigh as rare facts and the sentence that repeats the 文号 — the title line, a
    later notice citing it — outweighs the one that answers."""
    if not spec.doc_numbers or spec.facts:
        return spec
    rest = read_question(DOC_NUMBER.sub("，", spec.text))
    return rest if rest.concepts else spec


def _cues(section: str) -> tuple[str, ...]:
    return vocabulary.sections("cues.txt").get(section, ())


def _has_cue(norm: str, section: str) -> bool:
    """Whether a cue of `section` is in the question, other than as part of a longer cue
    of a section it yields to, or overlapping one: "几类" asks a count, but "哪几类" and
    "说几个" ask which ones — a list — and the "几" in them asks no quantity."""
    covers = [
        (i, i + len(c))
        for wider in (*_YIELDS_TO.get(section, ()), *_VAGUE_IN.get(section, ()))
        for c in _cues(wider)
        for i in _positions(norm, c)
    ]
    return any(
        not any(a < i + len(c) and i < b for a, b in covers)
        for c in _cues(section)
        for i in _positions(norm, c)
    )


def cue_words(section: str) -> tuple[str, ...]:
    """The cues of `section` of cues.txt."""
    return _cues(section)


def has_cue(norm: str, section: str) -> bool:
    """Whether a cue of `section` of cues.txt is in the question (as `_has_cue`)."""
    return _has_cue(norm, section)


def _positions(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


# The sections whose cues take in or overlap a cue of this one ("哪几" in "哪几类"; "第几"
# in "第几条": a position asked, not how many).
_YIELDS_TO = {"count": ("list", "ordinal"), "number": ("list", "ordinal")}
# Vague amounts ("好几项", "几十万") say how many, they do not ask it.
_VAGUE_IN = {"count": ("vague",), "number": ("vague",)}


def asks_yes_no(norm: str) -> bool:
    """Whether a question (or clause) asks yes or no: a cue (吗, 是否, 能否) or any verb
    asked as "X不X" or "X没X" (会不会, 占不占: `ingest.tokens.A_NOT_A`)."""
    return _has_cue(norm, "yes_no") or bool(A_NOT_A.search(norm))


def _asks_quantity(norm: str) -> bool:
    """Whether the answer is a number: a cue that asks one (多少, 几年), or a noun naming an
    amount (标准, 比例) in a clause that asks, unless a localiser follows it — "评价标准里"
    names a document, it does not ask for a figure — or the question asks which ones or
    how ("按哪些指标划分", "收费标准怎么定"): then the noun names what is decided, not the
    answer."""
    if _has_cue(norm, "number"):
        return True
    if _has_cue(norm, "which_or_how"):
        return False
    # a noun in a clause that only sets the scene asks nothing ("实训室的建设标准，市里和
    # 区里各管什么")
    asking = asking_clauses(norm) or norm
    for noun in _cues("number_nouns"):
        for i in _positions(asking, noun):
            after = tagged(asking[i + len(noun) :])[:1]
            if not (after and after[0][1] == "f"):
                return True
    return False


# Where an amount word (几, 多少) only tells of the scene: after a perfective 了 ("接了几个
# 学生"), an existential 有, a localiser ("下面几家子公司"), or at the start of a clause.
_SCENE_AMOUNT = re.compile(r"(?:(?<=[了有，,；;。？?！!])|(?<=下面|下属|里面)|^)(?:几|多少)")
_ANY_AMOUNT = re.compile(r"几|多少")
_OTHER_ASKING = re.compile(r"什么|啥|哪|怎么|咋|如何|为什么|是否|能否|可否|吗|谁")


def scene_amounts(norm: str) -> str:
    """The question with the amount words that ask nothing made indefinite (某): "几家医院
    合办培训班，要先报哪个部门", "公司下面几家分厂能不能一起申报", "厂里招了几个学徒，能
    申请补贴吗" ask which office and yes or no — not how many.

    An amount word tells of the scene where it stands after 了, 有 or a localiser, or opens
    a clause that is no question of its own (ending in ？), and the question asks something
    else after it: another question word, or an A-not-A, later in its clause or in a later
    one. "招多少人，在哪个校区" asks both. An amount before a yes-or-no of its own clause
    (A-not-A, `[yes_no_verbs]`: 是否, 能否) is what that asks about."""
    out = list(norm)
    for m in _ANY_AMOUNT.finditer(norm):
        # "补贴标准多少能否上调": an amount before a yes-or-no in its clause is its subject
        clause = _ASK_END.split(norm[m.end() :], maxsplit=1)[0]
        if A_NOT_A.search(clause) or _has_cue(clause, "yes_no_verbs"):
            for i in range(m.start(), m.end()):
                out[i] = "某"
    for m in _SCENE_AMOUNT.finditer(norm):
        rest = norm[m.end() :]
        end = _ASK_END.search(rest)
        if end and end.group(0) in ("?", "？"):
            continue  # its clause is a question of its own: "有几家分厂？分别在哪？"
        if _OTHER_ASKING.search(rest) or A_NOT_A.search(rest):
            for i in range(m.start(), m.end()):
                out[i] = "某"
    return "".join(out)


# "多少钱", "几块", "多少万": money, whatever unit the answer writes it in.
_MONEY_WORDS = ("钱", "块", "元", "万元", "万块", "万")
_ASK_TAIL = re.compile(r"[^，,；;。？?！!的]{1,6}")


def _names_money(after: str, before: str) -> bool:
    """Whether the thing asked "多少" of is a sum of money by its name ("多少押金",
    "交通补助是多少": `money_nouns` in cues.txt): it is answered in 元 or as a rate, as
    "多少钱" is."""
    nouns = tuple(_cues("money_nouns"))
    tail = _ASK_TAIL.match(after)
    named_after = tail is not None and tail.group(0).endswith(nouns)
    return named_after or before.removesuffix("是").endswith(nouns)


_HOW_MANY = re.compile(r"(?:多少|几)(个)?")


def _asked_unit(norm: str) -> str:
    """The unit a question asks its number in, read after 多少/几 ("几个月" → 月, "多少学时"
    → 学时, "多少钱" → 元; a bare "几个" → 个; "多久" → 多久, any unit of time), or "" when
    it names none ("多少")."""
    units = sorted(vocabulary.words("units.txt"), key=len, reverse=True)
    for m in _HOW_MANY.finditer(norm):
        rest = norm[m.end() :]
        if rest.startswith(_MONEY_WORDS):
            return "元"
        unit = next((u for u in units if rest.startswith(u)), "")
        if m.group(1) and not unit:
            # "多少个工作日", "几个小时": 个 counts the unit after it
            unit = next((u for u in units if u != "个" and rest[1:].startswith(u)), "")
        if unit or m.group(1):
            return unit or "个"
        if _names_money(rest, norm[: m.start()]):
            return "元"
    # "多久", "多长时间": a time, in whatever unit (unit_forms of 多久 in cues.txt)
    return next((cue for cue in _cues("duration") if cue in norm), "")


_CLAUSE = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章款]|\([一二三四五六七八九十]+\)")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")
_TITLE = re.compile(r"《([^《》]{2,60})》")
_QUOTATION = re.compile(r"[“「『\"][^”」』\"]*[”」』\"]")
# Where one sub-question ends: "…的解释权归哪个单位？什么日期生效？"
_PART_END = re.compile(r"[？?；;。！!]+")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*(?:年|届|学年|年度)|\D|$)")
_DOC_NUMBER_DIGITS = re.compile(r"[〔\[［【（(]\s*\d{4}\s*[〕\]］】）)]\s*\d{1,4}\s*号")
# Category labels a passage must name to speak of that category: "E类", "A级", and the
# grades of certificates, hospitals and honours ("特级", "三级", "国家级").
_CLASS_LABEL = re.compile(
    r"[a-z][类级型档]|(?:i{1,3}|iv|v|vi{1,3}|ix|x|\d)级|[特一二三四五六七八九十初中高]级"
    r"|国家级|省级|市级|区级"
)
# Where a question asks: the word before it (or right after "多少名") is what it asks for.
_ASKING = re.compile(
    r"是多少|多少|是什么|什么|是哪|有哪些|哪些|是几|几|怎么|如何|为什么|是否|能否|吗|是谁|谁"
    r"|哪一?[个款种家类位所项门条份]"
)
_ASK_END = re.compile(r"[，,；;。？?！!]")
# An asking clause this short holds the question word and little else ("会有啥后果",
# "行不行"): it asks about the clause before it.
_BARE_ASK = 6


def asking_clauses(norm: str) -> str:
    """The clauses of a question that ask (a question word, 吗, 能不能…), without those that
    only set the scene ("我们上月买了台设备，当月就用上了，从哪个月起计提折旧"): a user's
    circumstances are words no document uses. Empty when every clause asks, or none."""
    return "，".join(norm[a:b] for a, b, asks in _clauses(norm) if asks)


def scene_clauses(norm: str) -> list[tuple[int, int]]:
    """Where the clauses that only set the scene stand (see `asking_clauses`); none when
    every clause asks, or none does."""
    return [(a, b) for a, b, asks in _clauses(norm) if not asks]


def _clauses(norm: str) -> list[tuple[int, int, bool]]:
    """The clauses of `norm` as (start, end, whether it asks); none when every clause asks,
    or none does: then nothing tells the scene from the question."""
    # an amount word of the scene ("接了几个学生来实习") asks nothing: judged on the text with
    # it made indefinite, which keeps every clause's place
    asking = scene_amounts(norm)
    clauses, start = [], 0
    for m in [*_ASK_END.finditer(norm), None]:
        end = m.start() if m else len(norm)
        if end > start:
            mark = m.group(0) if m else ""
            said = asking[start:end]
            asks = mark in ("?", "？") or bool(_ASKING.search(said)) or asks_yes_no(said)
            clauses.append([start, end, asks])
        start = m.end() if m else len(norm)
    # a bare asking clause takes in the clause before it
    for i in range(1, len(clauses)):
        a, b, asks = clauses[i]
        if asks and b - a <= _BARE_ASK:
            clauses[i - 1][2] = True
    if all(asks for _, _, asks in clauses) or not any(asks for _, _, asks in clauses):
        return []
    return [(a, b, asks) for a, b, asks in clauses]


_AFTER_ASKING = re.compile(r"(?:多少|几)[名个位项家所门本次人条件种类]?")
_NOUN_TAGS = ("n", "vn", "j", "l", "nz", "eng")
_PLACE_SUFFIX = ("省", "市", "区", "县", "州")
_DOCUMENT_WORDS = "条例|办法|规定|通知|意见|政策|细则|措施|文件|规划|方案"
# Document facts: a date or validity asked of a document rather than of its content.
_ASKS_WHEN = re.compile(r"哪天|哪一天|哪日|何时|什么时候|什么时间|几月几[日号]|日期|哪年|哪一年")
_DOC_EVENT = re.compile(r"印发|发布|发文|出台|落款|签发|成文|公布|下发|颁布|发的|报送|签署")
_ASKS_VALIDITY = re.compile(
    r"有效期|还有效|是否有效|仍然有效|[还仍](?:能|可以|可)(?:申请|申报|享受|办理|领取|用)"
    r"|现在还|目前还|失效|废止|过期|作废|还在执行|是否执行|还执行|还适用|是否适用"
)
# The title of the document a 文号 names — asked right after the 文号 ("…〔2025〕6号是什么
# 文件"), not "…，政策依据是哪个文件" (a document the named one cites).
_ASKS_TITLE = re.compile(
    r"〕\d{1,4}号(?:文件|文)?(?:的)?(?:是|叫|指)?(?:什么|哪个|哪份|哪一个)?"
    r"(?:文件|通知|政策|办法|名字|名称|标题|全称)"
)
_ASKS_DOC_NUMBER = re.compile(r"(?:哪个|什么|哪一个)文号|文号(?:是|为)?(?:什么|多少|哪个)")
_TAKES_EFFECT = re.compile(r"施行|生效|执行|实施")
# Periods named in words: the months they cover.
_PERIODS = {
    "上半年": (1, 6),
    "下半年": (7, 12),
    "暑假": (7, 8),
    "暑期": (7, 8),
    "寒假": (1, 2),
    "第一季度": (1, 3),
    "第二季度": (4, 6),
    "第三季度": (7, 9),
    "第四季度": (10, 12),
}
_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(?!\d)")
_MONTH_END = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}


@lru_cache(maxsize=1024)
def _read(text: str) -> QuestionSpec:
    norm = compact(text)
    facts = _facts(norm)
    subject = _without_fact_words(norm) if facts else norm
    spans = concept_spans(text)
    codes = tuple(codes_in(text))
    kinds = set(_cues("code_kinds")) if codes else set()
    # "出自哪一部法律", "哪一个条例写了…": the kind of document asked for is what the
    # answer's title names, not a word its passage must hold
    if _asks_which_document(norm):
        kinds |= set(_cues("document_kinds"))
    bounds = _year_bounds(norm)
    spans = [
        (digits if (digits := as_quantity(w)) else w, p, a, b)
        for w, p, a, b in spans
        if w not in kinds and not (w.isdigit() and int(w) in bounds)
    ]
    full = normalize(text)
    choice_groups, choices = _choices(full, spans)
    groups = choice_groups + _parallel_numbers(full, spans)
    approximate = _approximate(full, spans)
    concepts = tuple(
        Concept(About(w) if w in approximate else w, () if is_number(w) else tuple(p))
        for w, p, _, _ in _grouped(spans, groups)
    )
    words = [c.word for c in concepts]
    labels = tuple(
        w for w in words if _CLASS_LABEL.fullmatch(w) or _is_grade(w) or _SERIES.fullmatch(w)
    )
    labels += _long_grades(norm, labels)
    named_places = tuple(w for w in words if _is_place(w))
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(_DOC_NUMBER_DIGITS.sub("", norm))))
    since, until = _period(norm, years, bounds)
    numbers = _numbers(text, bounds, [c.word for c in concepts if isinstance(c.word, Either)])
    numbers = tuple(About(n) if n in approximate else n for n in numbers)
    kind = _record_kind(norm, words)
    asking = scene_amounts(norm)
    # a passage quoted whole is what the question asks about, not how it asks: its 不同, 没有
    # or 哪些 are the document's words ("“…不同…”出自哪条" asks for a source, not a comparison)
    unquoted = _QUOTATION.sub("“”", asking)
    intent = _intent(unquoted, facts, words, bool(codes), kind)
    # the figures of the user's own case: all of a yes-or-no question's, and those told in
    # a clause that asks nothing ("实习了8个月，…最多能补多少个月"), held by a bound
    scene = [] if intent == "yes_no" else scene_clauses(full)
    told = [s for s in spans if any(a <= s[2] and s[3] <= b for a, b in scene)]
    if cases := _cases(full, spans if intent == "yes_no" else told, approximate):
        concepts = tuple(Concept(cases.get(c.word, c.word), c.parts) for c in concepts)
        numbers = tuple(cases.get(n, n) for n in numbers)
    # "有没有金额上限", "是多还是少": a yes-or-no or a choice asks a number only when it
    # says 多少/几, not because it names an amount (比例, 标准)
    asks_quantity = _asks_quantity(unquoted) and (
        (intent != "yes_no" and not choices) or _has_cue(unquoted, "number")
    )
    return QuestionSpec(
        text=text,
        norm=norm,
        language="foreign" if is_foreign(text) else "zh",
        intent=intent,
        concepts=concepts,
        # a document fact (its date, validity, title, 文号) is what such a question asks for;
        # "全称", "落款日期" are the fact's names, not attributes a passage must hold
        asked=() if facts else tuple(a for a in _asked_all(text) if a.word not in kinds),
        asks_quantity=asks_quantity,
        asked_unit=_asked_unit(asking) if asks_quantity else "",
        facts=facts,
        subject=subject,
        places=named_places,
        elsewhere=tuple(w for w in _cues("elsewhere") if w in norm),
        issuing_places=tuple(p for p in named_places if _issued_by(norm, p)),
        years=years,
        numbers=numbers,
        since=since,
        until=until,
        labels=labels,
        doc_numbers=tuple(_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(text)),
        codes=codes,
        quoted=tuple(m.group(1) for m in _QUOTED.finditer(text)),
        clauses=tuple(_CLAUSE.findall(norm)),
        record_kind=kind,
        negated=_has_cue(norm, "negation"),
        orgs=_orgs(text, norm),
        titles=tuple(dict.fromkeys(m.group(1) for m in _TITLE.finditer(text))),
        parts=_sub_questions(text),
        versions=_has_cue(norm, "versions"),
        choices=choices,
    )


# A year named as a bound ("2010年以前", "2020年以来", "2025年起"): the period it opens or
# closes is a filter, and the year itself no figure a passage must state. "前三季度",
# "后半年" are parts of that year.
_YEAR_BOUND = re.compile(
    r"((?:19|20)\d{2})\s*年?\s*(?:(之前|以前|前)(?![一二三四五六七八九十两\d半])"
    r"|(之后|以后|后)(?![一二三四五六七八九十两\d半])|(以来|起|至今))"
)


def _year_bounds(norm: str) -> dict[int, str]:
    """The years named as bounds, each with the side it bounds: "before", "after" (the
    years following it) or "since" (it and those following)."""
    out = {}
    for m in _YEAR_BOUND.finditer(norm):
        side = "before" if m.group(2) else "after" if m.group(3) else "since"
        out[int(m.group(1))] = side
    return out


# Where a clause of the question ends: a choice ("…是线上还是线下？") stands in one.
_CLAUSE_END = re.compile(r"[，,。？?！!；;：:]")
_OPTION_SEP = re.compile(r"、|或者|或是|或")
_CHOICE_WORD = "还是"
# What stands around an option but is not it: "是线上", "得线下", "线上就行呢".
_OPTION_LEAD = re.compile(r"^(?:是|得|要|就|会|都|算|按|用|属于|为)+")
_OPTION_TAIL = re.compile(r"(?:就行|就可以|就够|呢|吗|啊|呀|的|了)+$")
_LONGEST_LAST_OPTION = 6  # "状态还是“待审核”的项目有几个": a 还是 meaning "still", no choice


def _choices(
    full: str, spans: list
) -> tuple[list[tuple[list[int], tuple[str, ...]]], tuple[str, ...]]:
    """The options a choice question offers ("是线上还是线下", "初审、复审还是终审"): as
    groups (the indices into `spans` of the word each option names, and those words) and
    as the options' text. A passage holding any option answers: the documents state one,
    not every one. An option is read as one word: the last of the first option's clause
    (what comes before it leads in: "由区里初审"), the first of each later one (what comes
    after it is the clause's verb: "还是线下授课")."""
    groups: list[tuple[list[int], tuple[str, ...]]] = []
    texts: list[str] = []
    start = 0
    for clause in _choice_clauses(full):
        pieces = clause.split(_CHOICE_WORD)
        last = _option(pieces[-1])
        if len(pieces) > 1 and 0 < len(last) <= _LONGEST_LAST_OPTION and "的" not in last:
            picked: list[int] = []
            words: list[str] = []
            at = start
            for i, piece in enumerate(pieces):
                subs = _OPTION_SEP.split(piece) if i == 0 else [piece]
                sub_at = at
                for j, sub in enumerate(subs):
                    a, b = sub_at, sub_at + len(sub)
                    lead = i == 0 and j == 0
                    if lead:  # the first option is about as long as the last one
                        b = a + len(_OPTION_TAIL.sub("", sub.rstrip("，,")))
                        a = max(a, b - len(last) - 2)
                    inside = [k for k, (_, _, x, y) in enumerate(spans) if a <= x and y <= b]
                    if lead:  # a word both options share ("…授课还是线下授课") is not the option
                        inside = [k for k in inside if spans[k][0] not in pieces[-1]]
                    if inside:
                        k = inside[-1] if lead else inside[0]
                        picked.append(k)
                        words.append(spans[k][0])
                    elif option := _option(full[a:b]):
                        words.append(option[-len(last) :] if lead else option)
                    sub_at += len(sub) + 1
                at += len(piece) + len(_CHOICE_WORD)
            options = tuple(dict.fromkeys(words))
            if len(options) > 1:
                texts.extend(options)
                if len(set(picked)) > 1:
                    groups.append((picked, tuple(spans[k][0] for k in picked)))
        start += len(clause) + 1
    return groups, tuple(dict.fromkeys(texts))


def _choice_clauses(full: str) -> list[str]:
    """The question's clauses, a clause that opens with 还是 joined to the one before it with
    the mark between them ("钱是打到个人卡上，还是打给企业" offers both)."""
    out: list[str] = []
    at = 0
    for clause in _CLAUSE_END.split(full):
        mark = full[at - 1] if at else ""
        if out and clause.startswith(_CHOICE_WORD) and _CHOICE_WORD not in out[-1]:
            out[-1] += mark + clause
        else:
            out.append(clause)
        at += len(clause) + 1
    return out


def _option(text: str) -> str:
    return _OPTION_TAIL.sub("", _OPTION_LEAD.sub("", text.strip(" “”\"'"))).strip(" “”\"'")


# Between two numbers named in parallel ("2022年和2023年", "3月与6月"): a unit and a joining word.
_PARALLEL = re.compile(
    r"(?:年度|年|届|月|元|人|个)?\s*(?:和|与|及|以及|跟|同|、|或|还是|对比|比)\s*"
)
# Two years (YEAR) each naming a version ("2023年的老通知和2025年的新通知", "2022年版与2024年版"):
# a few words of the first may stand before the conjunction.
_PARALLEL_YEARS = re.compile(
    r"年(?:度|版)?[^，,。？?；;！!\d]{0,8}?(?:和|与|跟|同|、|还是|对比|比)\s*"
)


def _cases(full: str, spans: list, approximate: frozenset[str]) -> dict[str, Case]:
    """The figures of a yes-or-no question with their units ("五十二岁" → 52 in 岁), read as
    `Case`: whether a 52-year-old counts is answered by the rule's bound ("年满50周岁"), which
    never states 52. Years, approximate figures and figures asked in parallel stay as they
    are."""
    units = sorted(vocabulary.words("units.txt"), key=len, reverse=True)
    found: dict[str, Case] = {}
    for w, _, a, b in spans:
        if not is_number(w) or isinstance(w, Either) or w in approximate:
            continue
        figure = _FIGURE.match(full, a, b)  # the unit may stand inside the span ("四十岁")
        rest = full[figure.end() if figure else a :].lstrip()
        unit = next((u for u in units if rest.startswith(u)), "")
        if unit == "个":  # "8个月": 个 counts the months
            unit = next((u for u in units if rest[1:].startswith(u)), unit)
        if unit and not (unit == "年" and len(w) == 4):
            found[w] = Case(w, unit)
    return found


_FIGURE = re.compile(r"[\d.零〇一二两三四五六七八九十百千万亿]+")


def _approximate(full: str, spans: list) -> frozenset[str]:
    """The figures a question gives as approximate: after a word of approximation ("将近",
    "约"; `approximate` in cues.txt) or before one, past a unit of up to two characters
    ("两千元左右"), and the bound a user offers to be checked ("是不是不到八百";
    `offered_bounds`). Read as `About`: the document states the exact figure."""
    hedges = tuple(_cues("approximate"))
    offered = hedges + tuple(_cues("offered_bounds"))
    found = set()
    for w, _, a, b in spans:
        if not is_number(w) or isinstance(w, Either):
            continue
        before = full[:a].rstrip()
        after = full[b:].lstrip()
        if before.endswith(offered) or any(after[k:].startswith(hedges) for k in range(3)):
            found.add(w)
    return frozenset(found)


def _parallel_numbers(full: str, spans: list) -> list[tuple[list[int], tuple[str, ...]]]:
    """Numbers named side by side, as groups of indices into `spans`: "2022年和2023年的
    人数各是多少" asks two rows, each of which holds one year — a passage need not hold both;
    so do two years each naming a version ("2023年的老通知和2025年的新通知")."""
    groups: list[list[int]] = []
    previous = None
    for k, (w, _, a, _) in enumerate(spans):
        if not is_number(w):
            continue
        between = full[spans[previous][3] : a] if previous is not None else ""
        years = previous is not None and bool(
            YEAR.fullmatch(w) and YEAR.fullmatch(spans[previous][0])
        )
        if previous is not None and (
            _PARALLEL.fullmatch(between) or (years and _PARALLEL_YEARS.fullmatch(between))
        ):
            if groups and groups[-1][-1] == previous:
                groups[-1].append(k)
            else:
                groups.append([previous, k])
        previous = k
    return [(g, tuple(spans[k][0] for k in g)) for g in groups]


def _grouped(spans: list, groups: list[tuple[list[int], tuple[str, ...]]]) -> list:
    """`spans` with each group made one word (`Either` of its options) at its first word's
    place; the group's other words are dropped."""
    dropped = {k for g, _ in groups for k in g[1:]}
    first = {g[0]: (g, options) for g, options in groups}
    out = []
    for k, (w, p, a, b) in enumerate(spans):
        if k in dropped:
            continue
        if k in first:
            g, options = first[k]
            options = tuple(dict.fromkeys(options))
            if len(options) > 1:
                w, p = Either(options), []
        out.append((w, p, a, b))
    return out


def _intent(norm: str, facts: tuple[str, ...], words: list[str], has_code: bool, kind: str) -> str:
    """The one thing the question asks for, the most specific first. "有什么" asks for a
    list only of records ("有什么课程"); "有什么规定" asks for a clause."""
    about_indicators = has_code or "指标" in norm or "观测点" in norm
    if about_indicators and (_has_cue(norm, "coverage") or _has_cue(norm, "negation")):
        return "coverage"
    if facts:
        return "date"
    for intent in ("comparison", "count", "list", "yes_no", "number"):
        if intent == "number":
            asks = _asks_quantity(norm)
        elif intent == "yes_no":
            asks = asks_yes_no(norm)
        elif intent == "list":
            asks = _has_cue(norm, "list") or (
                _has_cue(norm, "list_nouns") and not _asks_quantity(norm) and not asks_yes_no(norm)
            )
        else:
            asks = _has_cue(norm, intent)
        if asks:
            return intent
        if intent == "list" and kind and _asks_for_records(norm, kind):
            return intent
    return "fact"


def _asks_for_records(norm: str, kind: str) -> bool:
    """Whether "有什么" asks for records of `kind`: only when the record's name follows it
    in the same clause ("有什么适合数控专业的开放课程"). "那条需求对精度有什么要求" asks
    for a field of one record, not a list."""
    names = vocabulary.mapping("record_kinds.txt")[kind]
    for cue in _cues("list_of_records"):
        for i in _positions(norm, cue):
            clause = _PART_END.split(norm[i + len(cue) :], maxsplit=1)[0]
            clause = re.split("[，,、]", clause, maxsplit=1)[0]
            if any(name in clause for name in names):
                return True
    return False


def _asks_which_document(norm: str) -> bool:
    """Whether the question asks which document says something: a cue of which_document
    ("出自", "哪部"), or 哪个/哪一个 right before a kind of document ("哪一个条例")."""
    if _has_cue(norm, "which_document"):
        return True
    return any(
        f"{which}{kind}" in norm for which in _cues("which_one") for kind in _cues("document_kinds")
    )


def _facts(norm: str) -> tuple[str, ...]:
    """The document-level facts asked: none, one, or several ("…哪天印发的？从哪天起施行？")."""
    facts = []
    if _ASKS_WHEN.search(norm) and _DOC_EVENT.search(norm):
        facts.append(ISSUE_DATE)
    if _ASKS_VALIDITY.search(norm) or (_ASKS_WHEN.search(norm) and _TAKES_EFFECT.search(norm)):
        facts.append(VALIDITY)
    if _ASKS_TITLE.search(norm):
        facts.append(TITLE)
    if _ASKS_DOC_NUMBER.search(norm):
        facts.append(DOC_NO)
    return tuple(facts)


def _without_fact_words(norm: str) -> str:
    """The question without its asking-for-a-date/validity words: what remains names the
    document, and that is what a passage must hold for the question to be answered."""
    for pattern in (
        _ASKS_VALIDITY,
        _ASKS_WHEN,
        _DOC_EVENT,
        _TAKES_EFFECT,
        _ASKS_TITLE,
        _ASKS_DOC_NUMBER,
    ):
        norm = pattern.sub("", norm)
    return norm


def _is_grade(word: str) -> bool:
    """A grade or level of grades.txt ("高级工", "三级")."""
    table = vocabulary.synonym_table("grades.txt")
    return vocabulary.fold(word) in table


def _long_grades(norm: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """Grades of four characters or more that jieba splits ("中等职业学校" → 中等/职业/
    学校): found in the question's text itself, unless a label already read names them."""
    table = vocabulary.synonym_table("grades.txt")
    found: list[str] = []
    for form in sorted(table, key=len, reverse=True):
        if len(form) < 4 or form not in norm or any(form in f for f in found):
            continue
        if any(
            vocabulary.fold(x) == form or form in table.get(vocabulary.fold(x), ()) for x in labels
        ):
            continue
        found.append(form)
    return tuple(found)


def _is_place(word: str) -> bool:
    """A place the question names — a province or a city by name ("河北", "青岛"), a city,
    district or zone by its suffix on a word of three or more characters ("广州市",
    "高新区")."""
    if word in vocabulary.words("provinces.txt") or word in vocabulary.words("cities.txt"):
        return True
    return (
        len(word) >= 3
        and word.endswith(_PLACE_SUFFIX)
        and word not in vocabulary.words("generic_places.txt")
    )


def _issued_by(norm: str, place: str) -> bool:
    """Whether the question names `place` as the issuer of a document ("广东省职业教育条例",
    "内江市的创业补贴政策") rather than as where the asker is ("四川的企业招用残疾人…")."""
    pattern = rf"{re.escape(place)}[^，。？！、,.?!\s]{{0,12}}?(?:{_DOCUMENT_WORDS})"
    return re.search(pattern, norm) is not None


def _numbers(text: str, bounds: dict[int, str], either: list[Either]) -> tuple[str, ...]:
    """Numbers an answer must speak of: digits and Chinese numerals of quantities ("五千元"
    → 5000, "三千五" → 3500), without a 文号's digits (matched whole elsewhere), 观测点
    codes or years named as bounds; numbers named in parallel as one (`Either`)."""
    bare = _DOC_NUMBER_DIGITS.sub("", normalize(text))
    for code in codes_in(bare):
        bare = bare.replace(code, " ")
    found = []
    for w, _, _, _ in concept_spans(bare):
        number = w if is_number(w) else as_quantity(w)
        if number and not (w.isdigit() and int(w) in bounds):
            found.append(number)
    found += quantities_in(bare)
    for group in either:
        if all(is_number(o) for o in group.options):
            found = [group if n == group else n for n in found if n not in group.options[1:]]
    return tuple(dict.fromkeys(found))


def _period(norm: str, years: tuple[int, ...], bounds: dict[int, str]) -> tuple[str, str]:
    """The dates a question's period covers: a year, a month of a year, a half, a season;
    open on one side after a bound ("2020年以来", "2010年以前")."""
    if bounds:
        since = until = ""
        for y, side in bounds.items():
            if side == "before":
                until = f"{y - 1}-12-31"
            else:
                since = f"{y + 1 if side == 'after' else y}-01-01"
        return since, until
    if len(years) != 1:
        return "", ""
    y = years[0]
    m = _MONTH.search(norm)
    if m:
        month = int(m.group(2))
        if 1 <= month <= 12:
            return f"{y}-{month:02d}-01", f"{y}-{month:02d}-{_MONTH_END.get(month, 31)}"
    for word, (first, last) in _PERIODS.items():
        if word in norm:
            return f"{y}-{first:02d}-01", f"{y}-{last:02d}-{_MONTH_END.get(last, 31)}"
    return f"{y}-01-01", f"{y}-12-31"


def _record_kind(norm: str, words: list[str]) -> str:
    """The kind of record a question is about, by the words that name it (record_kinds.txt):
    a word of two characters or more anywhere; a single character ("课") only as the end of
    a word of the question ("精品课")."""
    for kind, names in vocabulary.mapping("record_kinds.txt").items():
        for name in sorted(names, key=len, reverse=True):
            if len(name) > 1 and name in norm:
                return kind
            if len(name) == 1 and any(w.endswith(name) for w in words):
                return kind
    return ""


def _asked_all(text: str) -> tuple[Concept, ...]:
    """What each sentence of the question asks for, each once: "管饭吗？餐费多少？" asks
    餐费 (the yes/no sentence asks nothing a passage must name)."""
    text = _QUOTATION.sub("“”", text)  # a passage quoted is asked about, it does not ask
    pieces = [p for p in _PART_END.split(text) if p.strip()] or [text]
    found: dict[str, Concept] = {}
    for piece in pieces:
        for concept in _asked(normalize(piece)):
            found.setdefault(concept.word, concept)
    return tuple(found.values())


def _asked(norm: str) -> tuple[Concept, ...]:
    """What the question asks for: "学费" in "…课程的学费是多少？", "留学生" in "招收了多少名
    留学生？" — the noun before the question word, or right after "多少名". A passage that
    holds none of these (not even in part) does not answer it, however many of the
    question's other words it shares. Yes/no questions and abstract words ("比例",
    "条件") ask for nothing a passage must name."""
    m = _ASKING.search(norm)
    if m is None or asks_yes_no(norm):
        return ()
    stop = vocabulary.words("stopwords.txt")
    # words of a document itself ("哪个文件", "什么通知") ask for its title, not a word;
    # words framing the question are no more asked than they are concepts
    skip = (
        vocabulary.words("abstract.txt")
        | vocabulary.words("fillers.txt")
        | vocabulary.words("framing.txt")
        | set(_cues("document_words"))
    )
    nouns = [
        (w.strip(), a, b)
        for w, flag, a, b in tagged(norm)
        if len(w.strip()) > 1
        and flag.startswith(_NOUN_TAGS)
        and not flag.startswith("nr")
        and w.strip() not in stop
        and w.strip() not in skip
        and not counts_back(w.strip(), norm, b)
    ]
    before = [n for n in nouns if n[2] <= m.start()]
    after_m = _AFTER_ASKING.match(norm, m.start())
    after = [n for n in nouns if after_m and n[1] == after_m.end()]
    named = _named_after(norm, m)
    if named is not None:
        # "…部分有哪些考点", "设立什么样的学校": the noun the question word stands before
        # is what it asks; the one before is what it is about
        chosen = [n for n in nouns if n[1] == named[1]][:1]
    else:
        chosen = ([before[-1]] if before else []) + after[:1]
    by_name = set(_cues("answered_by_name"))
    return tuple(
        Concept(w, tuple(t for t in parts(w) if t not in stop))
        for w, _, _ in chosen
        if w not in by_name and in_dictionary(w)
    )


# What may stand between a question word and the noun it asks for: "什么样的学校", "哪些种".
_BETWEEN = ("的", "样", "样的", "种", "类", "些")


def _named_after(norm: str, m: re.Match) -> tuple[str, int, int] | None:
    """The noun right after a question word of which ("什么", "哪些", "哪个品牌"), or None:
    "什么" before "是" or at the end asks for a noun it does not name ("…的学费是什么")."""
    if not (m.group(0).endswith(("什么", "哪些", "哪")) or m.group(0).startswith("哪")):
        return None
    for w, flag, a, b in tagged(norm[m.end() :]):
        w = w.strip()
        if w in _BETWEEN:
            continue
        if w in vocabulary.words("abstract.txt") or (
            len(w) > 1 and flag.startswith(_NOUN_TAGS) and not flag.startswith("nr")
        ):  # "有什么要求" asks for a clause: the kind of answer, named after 什么
            return (w, m.end() + a, m.end() + b)
        return None
    return None


def label_forms(label: str) -> tuple[str, ...]:
    """A grade or category and its other ways of writing (三级 = 3级 = Ⅲ级 = 高级工; 第二批
    = 第2批)."""
    if m := _SERIES.fullmatch(label):
        value = to_number(m.group(1))
        digits = f"第{plain(value)}{m.group(2)}" if value is not None else label
        return tuple(dict.fromkeys((label, digits)))
    numbered = ()
    if (m := _NUMBERED_GRADE.fullmatch(label)) and (value := to_number(m.group(1))) is not None:
        # the grades a table of ten (伤残等级 一级…十级) writes in words and a user in digits
        numbered = (f"{plain(value)}{m.group(2)}", f"{in_words(value)}{m.group(2)}")
    return tuple(dict.fromkeys((label, *numbered, *alternatives(label))))


def holds_label(label: str, text: str) -> bool:
    """`text` names the category whole, in any of its forms: "i级" (Ⅰ级) is not held by
    "ii级" (Ⅱ级), nor "1级" by "11级" or "一级" by "十一级". A choice ("c类还是d类") is held
    by any option."""
    if isinstance(label, Either):
        return any(holds_label(o, text) for o in label.options)
    for form in label_forms(label):
        if re.search(rf"(?<![ivx0-9{_NUMERAL_CHARS}]){re.escape(normalize(form))}", text):
            return True
    return False


def holds_place(place: str, text: str) -> bool:
    """`text` names `place`, with or without its suffix ("成都" names 成都市)."""
    return place in text or (place.endswith(_PLACE_SUFFIX) and place[:-1] in text)


def _orgs(text: str, norm: str) -> tuple[str, ...]:
    """The organisations a question names: a name of orgs.txt in any of its forms ("成飞"),
    or the characters before an organisation word (org_suffix in cues.txt), read back to a
    particle (org_stop): "四川某某职业技术学院". What is left without the words naming a
    kind of organisation (org_generic) must say which one: "职业技术学院", "这所学校"
    name no one."""
    found: list[str] = []
    known = vocabulary.synonym_table("orgs.txt")
    # a known name stands as words of its own: the "成电" inside "集成电路" names no one
    pieces = tagged(norm)
    starts, ends = {a for _, _, a, _ in pieces}, {b for _, _, _, b in pieces}
    for name in sorted(known, key=len, reverse=True):
        if len(name) < 2 or any(name in f for f in found):
            continue
        at = [m.start() for m in re.finditer(re.escape(name), norm)]
        if any(a in starts and a + len(name) in ends for a in at):
            found.append(name)
    stops = set(_cues("org_stop"))
    generic = sorted(_cues("org_generic"), key=len, reverse=True)
    place_parts = set(_cues("org_place_parts"))
    suffixes = "|".join(re.escape(x) for x in sorted(_cues("org_suffix"), key=len, reverse=True))
    for m in re.finditer(suffixes, norm):
        start = _name_start(norm, m.start(), stops)
        name = _without_lead_in(norm[start : m.end()], m.end() - m.start())
        rest = name
        for g in generic:
            rest = rest.replace(g, "")
        # "职业技术学院", "青岛公办职业学校": a kind of body, no one body. A place and a kind
        # is one when nothing describes the kind ("绵阳职业技术学院", "河北大学"); "公办",
        # "重点", a level of schooling "中职" (org_descriptors) make it a kind of body there.
        descriptors = _cues("org_descriptors")
        bare = rest
        for d in descriptors:
            bare = bare.replace(d, "")
        kind_in_place = (
            any(d in name for d in descriptors)
            and len(name) > len(bare) + len(m.group(0))
            and bool(bare)
            and (_is_place(bare) or all(t == "ns" for _, t, _, _ in tagged(bare)))
        )
        # "绵阳中心城区": a place and 中心 alone is the middle of the place
        part_of_place = m.group(0) in place_parts and _is_place(name[: -len(m.group(0))])
        if len(rest) < 2 or kind_in_place or part_of_place or any(name in f for f in found):
            continue
        # a longer reading takes in a shorter one found at an inner suffix ("…铁道大学" in
        # "…铁道大学四方学院"), unless that is a known name (orgs.txt)
        if any(f in name and f in known for f in found):
            continue
        found = [f for f in found if f not in name]
        found.append(name)
    return tuple(found)


def _name_start(norm: str, end: int, stops: set[str]) -> int:
    """Where a name ending at `end` begins, read back word by word (at most 20 characters)
    to a stop (org_stop: "的", "和", "我们"…) or a character that is not Han. A stop
    character inside a name's word does not end it: the "家" of "石家庄". A verb taking the
    body as its object ends it too (org_pivot: "…要求学校开设", "鼓励企业参与")."""
    pivots = set(_cues("org_pivot"))
    window_start = max(0, end - 20)
    start = end
    for word, tag, a, _ in reversed(tagged(norm[window_start:end])):
        if any(not ("\u4e00" <= ch <= "\u9fff" or ch in "()（）") for ch in word):
            break
        if (
            (len(word) == 1 and word in stops)
            or (word[-1] in stops and not tag.startswith(("n", "j")))
            or word in pivots
        ):
            break
        start = window_start + a
    return start


# Parts of speech that do not begin a name: pronouns, prepositions, verbs, adverbs,
# numerals, measure words, particles, conjunctions, interjections, localisers.
_NOT_NAME_START = ("r", "p", "v", "d", "m", "q", "u", "c", "y", "e", "o", "f", "zg")
_NAME_BREAKS = ("u", "p", "c", "y", "e", "f")


def _without_lead_in(name: str, suffix_len: int) -> str:
    """`name` without the words before it that no name begins with: reading back from
    "学院" stops only at a particle, so "想问下德阳某某学院" reads "想问下" too. jieba's
    parts of speech say where the name starts ("德阳", a place); a verb or a pronoun there
    is the question's framing. The organisation word itself is never dropped."""
    pieces = tagged(name)
    cut = 0
    for i, (word, tag, _, end) in enumerate(pieces):
        # a lone character before a place is the question's verb however jieba tags it
        # ("想报沧州师范学院": 报 read as a noun); names begin with the place
        before_place = len(word) == 1 and i + 1 < len(pieces) and pieces[i + 1][1] == "ns"
        if (
            not (tag.startswith(_NOT_NAME_START) or before_place)
            or tag.startswith("vn")
            or end > len(name) - suffix_len
        ):
            break
        cut = end
    # Within what is left, a particle, preposition, conjunction or localiser ends whatever
    # came before ("…招了应届大学", "实训基地或产业学院"); a verb does not, names hold them
    # ("…航空装配有限公司"), but a verb right before a place is the question's: the name
    # begins with the place ("…考上河北某某学院").
    for i, (_, tag, _, end) in enumerate(pieces):
        if end <= cut or end > len(name) - suffix_len:
            continue
        verb_before_place = tag.startswith("v") and i + 1 < len(pieces) and pieces[i + 1][1] == "ns"
        if tag.startswith(_NAME_BREAKS) or verb_before_place:
            cut = end
    return name[cut:]


def _doc_number(raw: str) -> str:
    """A 文号 the question names, its issuer read back from the brackets as far as the words
    an issuer's abbreviation is made of go. The pattern takes every Han character before
    "〔" ("俺们厂想报青人社发〔2024〕8号", "…和青经信发〔2025〕15号"); an issuer is nouns and
    abbreviations (青人社, 川 府, 教职 成厅) ending in the verb or noun of issuing (发, 函),
    so a pronoun, another verb, a conjunction or a numeral before it is the question's."""
    number = normalize_doc_number(raw)
    issuer, bracket, rest = number.partition("〔")
    if not bracket:
        return number
    pieces = tagged(issuer)
    start = len(issuer)
    for i, (_, tag, begin, _) in enumerate(reversed(pieces)):
        if i and not tag.startswith(_ISSUER_PARTS):
            break
        start = begin
    issuer = issuer[start:] or issuer
    while len(issuer) > 2 and tagged(issuer[0])[0][1] in ("c", "p"):
        issuer = issuer[1:]  # "和川" read as one name: a conjunction alone is none
    return f"{issuer}〔{rest}"


# Parts of speech an issuer's abbreviation is made of before its last piece (which may be
# any: 发 and 办发 are read as verbs): nouns, abbreviations, place and organisation names.
_ISSUER_PARTS = ("n", "j", "nt", "ns", "a", "b")


def org_forms(org: str) -> tuple[str, ...]:
    """An organisation and its other names (成航大 = 成都航空职业技术大学), a company's in
    each of its legal forms (company_forms in cues.txt: "某某公司" is "某某有限公司")."""
    from ingest.aliases import forms

    named = (org, *forms(org, "orgs.txt"))
    return tuple(dict.fromkeys([*named, *(f for n in named for f in _company_forms(n))]))


def _company_forms(name: str) -> list[str]:
    """A company's name in every legal form (company_forms), its stem kept: none for a name
    that is not a company's or is its legal form alone."""
    kinds = _cues("company_forms")
    end = next((k for k in kinds if name.endswith(k)), "")
    stem = name[: -len(end)] if end else ""
    return [stem + k for k in kinds] if len(stem) >= 2 else []


def holds_org(org: str, text: str) -> bool:
    """`text` names the organisation in one of its forms."""
    text = compact(text)
    return any(compact(f) in text for f in org_forms(org))


# The items of a cell that lists several ("法学/知识产权", "成飞、成航大").
_CELL_ITEMS = re.compile(r"[/／、，,；;]")


def cell_names_org(org: str, cell: str) -> bool:
    """A table cell names the organisation when one of its items is the organisation, not a
    longer name that goes on from it to an organisation word of its own: the row of
    "某某大学华信学院" is another school's than "某某大学"'s, although it holds those words."""
    suffixes = tuple(_cues("org_suffix"))
    for item in _CELL_ITEMS.split(compact(cell)):
        for form in map(compact, org_forms(org)):
            at = item.find(form)
            if at < 0:
                continue
            rest = item[at + len(form) :]
            if not (rest and rest.endswith(suffixes)):
                return True
    return False


def _sub_questions(text: str) -> tuple[str, ...]:
    """The sub-questions of a question that asks several things at once ("这份细则的解释权
    归哪个单位？什么日期生效？"); empty for a question asking one. Each part must name
    something of its own: "是多少？" alone is not a part."""
    pieces = [p.strip() for p in _PART_END.split(text) if p.strip()]
    out = [p for p in pieces if any(not is_number(w) for w, _, _, _ in concept_spans(p))]
    return tuple(out) if len(out) > 1 else ()
