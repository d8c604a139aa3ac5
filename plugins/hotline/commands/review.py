"""Warnings about published cases: things that do not stop a build but
that an editor should look at before the column goes out (`hotline check`).

Each warning is a `Problem` at the line of the field in the case file.
The checks read only the public, already anonymised cases.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import defaultdict

from hotline.model import CaseSet, Position, PublicCase
from hotline.privacy.names import COMPOUND_SURNAMES
from hotline.problems import Problem

MIN_COPIED = 12  # a result at least this long, word for word in several cases, looks copied
# Results that say nothing about what was found and done.
BOILERPLATE = frozenset(
    "已安排处理 已安排 已处理 正在处理 处理中 已转交 已转办 已交办 已办理 已办结 已解决 已回复 已答复 "
    "已落实 已完成 已整改 已协调 已协调处理 已联系 已核实 已受理 已督办 已反馈 同意 按规定办理".split()
)
# Common surnames (about 95% of people); a word tagged as a name must start with one.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
    "蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# A surname followed by one of these (何女士, 张师傅) names a person as the column may: no warning.
TITLES_AFTER_SURNAME = ("先生", "女士", "某", "同志", "师傅", "老师", "大爷", "大妈", "阿姨", "老人")
# A word followed by (or ending in) one of these names a place: 肖王乡, 熊林村, 雷山.
PLACE_CHARS = "省市区县乡镇村组路街巷道桥园山河湖湾庄店岗寨集屯铺营港关坝沟塘坪岭洼场站苑楼院厂寺桥畈冲"
# jieba's dictionary tags many common words as names (高峰, 许可, 申请人); one it
# counts this often is taken for a word. Names it finds by itself are not in it.
COMMON_WORD = 50
_PLACE_SET = frozenset(PLACE_CHARS)
_CLAUSE = re.compile(r"[^，,。！？；!?;、：:\n（）()“”\"]+")
NAMED_FIELDS = re.compile(r"headline|complaint|handling\[\d+\]\.(finding|action)|followup\.comment")


def review(cases: CaseSet, headline_width: int) -> list[Problem]:
    """Every warning about the published cases, sorted by file and line;
    `headline_width`: the widest headline line the column takes (setting COLUMN_HEADLINE_WIDTH)."""
    warnings: list[Problem] = []
    public_words = _public_words(cases)
    results: dict[str, list[tuple[PublicCase, str]]] = defaultdict(list)
    for case in cases.cases:
        position = cases.positions[case.id]

        def warn(field: str, message: str, position: Position = position) -> None:
            warnings.append(Problem(position.file, position.line(field), field, "警告：" + message))

        for field, text in case.texts().items():
            if NAMED_FIELDS.fullmatch(field):
                for name in dict.fromkeys(suspected_names(text, public_words | {case.caller})):
                    warn(field, f"“{name}”像是人名，匿名化后仍会公开；若是人名请写进 redact 或改写（不是人名可以忽略）")
        for i, line in enumerate(case.headline):
            if width(line) > headline_width:
                warn(f"headline[{i}]", too_wide(line, headline_width))
        for i, h in enumerate(case.handling):
            if h.action and is_boilerplate(h.action):
                warn(f"handling[{i}].action", f"办理结果只有“{h.action.strip()}”，没有写查明了什么、怎么处理的")
            elif h.action and len(_plain(h.action)) >= MIN_COPIED:
                results[_plain(h.action)].append((case, f"handling[{i}].action"))
        if not any(h.action for h in case.handling):
            warn("handling", "没有写办理结果（handling 中的 action）")
        if case.followup is None:
            warn("resolved_at", "已办结的案件没有回访（followup）；请补上回访日期和结果")
    for copies in results.values():
        ids = list(dict.fromkeys(c.id for c, _ in copies))
        for case, field in copies if len(ids) > 1 else ():
            others = "、".join(i for i in ids if i != case.id)
            position = cases.positions[case.id]
            warnings.append(Problem(position.file, position.line(field), field, f"警告：办理结果与案件 {others} 的一字不差，像是复制的；请核对"))
    return sorted(warnings)


def too_wide(line: str, headline_width: int) -> str:
    """What is wrong with a headline line wider than the column takes."""
    return f"标题“{line}”超过 {headline_width} 个字，专栏里一行排不下；请缩短或分成两行"


def width(text: str) -> float:
    """Width in Chinese characters: letters, digits and half-width signs count half."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text.strip())


def is_boilerplate(text: str) -> bool:
    """True for a result such as 已安排处理。 or 已转交相关部门 that says nothing."""
    plain = _plain(text)
    plain = re.sub(r"^(经查|现|目前|该问题|此事|相关部门)", "", plain)
    plain = re.sub(r"(相关部门|有关部门|责任单位|承办单位)(处理|办理)?$", "", plain)
    return plain in BOILERPLATE


def _plain(text: str) -> str:
    """Text without spaces and punctuation, for comparing results."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@functools.cache
def _tagger():
    """jieba's part-of-speech tagger, its dictionary loaded once (about 2 s), quietly."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.initialize()
    return jieba.posseg.dt


def suspected_names(text: str, public_words: set[str]) -> list[str]:
    """Words of `text` that a segmenter tags as a person's name (`nr`), in order.

    Left out: the public form (何女士, 张某), words that start without a common
    surname, common words, place names (followed by 村, 路 …), and words
    within `public_words`. jieba's tagger is slow (its HMM tags every unknown
    run of characters), so it only reads clauses where its fast segmenter
    found a candidate: a rare word it knows as a name, or one new to it.
    """
    tagger = _tagger()
    found = []
    for clause in _CLAUSE.findall(text):
        if not any(_name_like(w, tagger) for w in tagger.tokenizer.cut(clause)):
            continue
        end = 0
        for pair in tagger.cut(clause):
            word = pair.word
            end += len(word)
            if pair.flag != "nr" or not _name_like(word, tagger):
                continue
            surname = word[:2] if word[:2] in COMPOUND_SURNAMES else word[:1]
            if word[len(surname):].startswith(TITLES_AFTER_SURNAME) or word[-1] in PLACE_CHARS:
                continue
            if clause[end : end + 1] in _PLACE_SET or any(word in w for w in public_words):
                continue
            found.append(word)
    return found


def _name_like(word: str, tagger) -> bool:
    """2 to 4 characters, a common surname, and new to jieba's dictionary or a rare word it knows as a name."""
    if not 2 <= len(word) <= 4 or not (word[0] in SURNAMES or word[:2] in COMPOUND_SURNAMES and len(word) > 2):
        return False
    freq = tagger.tokenizer.FREQ.get(word, 0)  # 0 also for the prefixes of its words it keeps
    return freq == 0 or freq < COMMON_WORD and tagger.word_tag_tab.get(word) == "nr"


def _public_words(cases: CaseSet) -> set[str]:
    """Registry names, districts and areas: public words a name-like word may be part of."""
    r = cases.registries
    words = {d.name for d in r.departments} | {a for d in r.departments for a in d.aliases}
    words |= {c.name for c in r.categories} | {d.name for d in r.districts} | {a for d in r.districts for a in d.aliases}
    return words | {c.area for c in cases.cases if c.area}
