"""Callers' names: what counts as one person's name, and its public form.

A Chinese name is a surname and a given name: 何丽华 is published as 何女士
(compound surnames: 欧阳女士). A name without a surname, written in parts
(阿依古丽·买买提, a name in Latin letters), is one unit: none of its parts
is a surname, so it is published in a neutral form (某女士).
"""

from __future__ import annotations

import itertools
import re

from hotline.privacy.spelling import latin_letters, pinyin_spellings

# Two-character surnames (复姓), matched before one-character ones.
COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 梁丘 左丘 西门 第五 "
    "东里 东宫 仲长 子书 子桑 即墨 达奚 褚师".split()
)
HONORIFICS = {"male": "先生", "female": "女士", "unknown": "某"}
# The public form of a name that is one unit: no part of it is published.
NEUTRAL = {"male": "某先生", "female": "某女士", "unknown": "某某"}
# Words that make a name field more than a name: a title, a kinship, a role.
TITLES = re.compile(
    "(女士|先生|小姐|同志|师傅|老师|大爷|大妈|大娘|大叔|阿姨|老人|夫妇|之妻|之夫|之子|之女|家属|本人|某某?|等人?)$"
)
_HAN = r"[\u3400-\u9fff\U00020000-\U0003134f]"
HAN_NAME = re.compile(f"{_HAN}{{2,6}}")
# Parts joined by a middle dot (阿依古丽·买买提) or Latin words (Mary Ann Smith).
DOTTED_NAME = re.compile(f"{_HAN}+(?:[·•・.．]{_HAN}+)+")
LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?: [A-Za-z][A-Za-z'’\-]*){0,4}")
_PART = re.compile(r"[·•・.．\s]+")


# How a caller is called, not named: 老何, 小何, 阿华.
NICKNAME = re.compile(r"[老小阿][\u3400-\u9fff]")
NOT_NAMES = frozenset("匿名 不详 未知 无名 无名氏 保密 市民 群众 来电人 反映人".split())


def name_problem(name: str) -> str | None:
    """Why `name` is not one person's name, or None. For the clerk: what to write instead."""
    name = name.strip()
    if name in NOT_NAMES:
        return "不是姓名：请写来电人的真实姓名（公开时只写姓和称呼）；不知道姓名的来电不能按办结案件公开"
    if NICKNAME.fullmatch(name):
        return "是称呼，不是姓名：请写全名（如 何丽华），公开时写作“何女士”"
    if (re.search(r"[、,，;；/&＆+]|\s", name) or re.search("[和与及]", name[1:-1]) and len(name) >= 5) and not LATIN_NAME.fullmatch(name):
        return "只能写一个人的姓名，中间不加空格或标点；几位来电人请用 callers 列表，每人一项（- name: …）"
    if re.search(r"[（）()\[\]【】<>《》]", name):
        return "只写姓名，不加括号说明（性别写在 gender，身份写在 caller_role）"
    if re.search(r"[0-9０-９]", name):
        return "姓名里不能有数字（电话写在 phone，其他信息写在 caller 下另起一项）"
    if TITLES.search(name):
        return "只写姓名，不加称呼（“女士”“先生”由 gender 生成：写 name: 何丽华 和 gender: female）"
    if HAN_NAME.fullmatch(name) or DOTTED_NAME.fullmatch(name) or LATIN_NAME.fullmatch(name):
        return None
    if len(name) < 2:
        return "只有一个字，不是完整的姓名；请写全名，如 何丽华"
    return "不像一个人的姓名（应为 2–6 个汉字，如 何丽华；少数民族或外文姓名用间隔号或空格分开，如 阿依古丽·买买提）"


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name); ("", "") for a name that is one unit."""
    name = name.strip()
    if not HAN_NAME.fullmatch(name):
        return "", ""
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def name_parts(name: str) -> list[str]:
    """The parts of a name written in parts (阿依古丽, 买买提); [] for a Chinese name."""
    return [] if HAN_NAME.fullmatch(name.strip()) else [p for p in _PART.split(name.strip()) if p]


def public_name(name: str, gender: str | None) -> str:
    """何女士 / 张先生 / 何某 / 欧阳女士; 某女士 for a name that is one unit."""
    surname = split_name(name)[0]
    gender = gender if gender in HONORIFICS else "unknown"
    return surname + HONORIFICS[gender] if surname else NEUTRAL[gender]


def pinyin_names(name: str) -> tuple[set[str], set[str]]:
    """(whole names, given names or parts) in Latin letters, as `spelling.LatinFinder`
    matches them: 何丽华 -> ({helihua, lihuahe}, {lihua})."""
    surname, given = split_name(name)
    if surname:
        return pinyin_spellings(surname, given)
    parts = [{latin_letters(p)} if latin_letters(p) else pinyin_spellings(p, "")[0] for p in name_parts(name)]
    spelled = [sorted(p)[:4] for p in parts]  # every reading of 古 (gu, ku): a few each
    whole = {"".join(c) for c in itertools.product(*spelled)} | {"".join(reversed(c)) for c in itertools.product(*spelled)}
    return (whole if parts else set()), set().union(*parts) - whole if parts else set()
