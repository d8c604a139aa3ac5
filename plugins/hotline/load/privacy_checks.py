"""Private values the build refuses, before anything is anonymised.

A value the guard cannot protect, or that the site must print anyway, is
refused with a message telling the clerk what to write instead, rather
than published, or blanked out of every text:
- a value too short or too common to guard (45, 无, a one-character word);
- a value that is, or is part of, a public name the site prints (an
  employer that is a handling department, a district, 满意, the office
  信阳市市长热线办公室 every page names, a hotline number 8912345);
- a caller's given name in a place name of the case's own text (建国乡 of
  张建国): it cannot be told apart from the name, and replacing it would
  make the place unreadable.
Messages never print a private value whole: only masked; nor a file name
that holds a caller's number (a case id XY-13837612777): it is masked too.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from hotline.model import SITE_WORDS, Registries
from hotline.privacy.private import (
    LATIN,
    MIN_NUMBER,
    NUMBER,
    PrivateValue,
    kind_of,
    number_key,
    public_number_owner,
    record_values,
    unguardable,
)
from hotline.privacy.spelling import Finder, canonical
from hotline.problems import Problem

# A given name followed by one of these is part of a place name: 建国路, 胜利乡.
PLACE_CHARS = "省市区县乡镇村组路街巷道桥园山河湖湾庄店岗寨集屯铺营港关坝沟塘坪岭洼场站苑楼院厂寺畈冲"
_FIELD_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")
_DIGIT_RUN = re.compile(r"[0-9]+")


def privacy_problems(record: Any, registries: Registries, site_words: tuple[str, ...] = ()) -> list[Problem]:
    """Every problem with the private values a valid record declares;
    `site_words`: what every page prints (`HotlineSettings.site_words`)."""
    values = record_values(record)
    problems = []
    for value in values:
        if value.derived or value.field.endswith(".name"):
            continue  # names are checked as names (names.name_problem); derived values are not what was written
        why = unguardable(value)
        if why:
            problems.append(_problem(record, value.field, why))
    problems += _public_collisions(record, values, registries, site_words)
    problems += _numbers_in_the_id(record, values)
    problems += _given_names_in_places(record, values)
    shown = _masked_file_name(record.source.name, values)
    return sorted({dataclasses.replace(p, file=shown) for p in problems})


def _masked_file_name(name: str, values: list[PrivateValue]) -> str:
    """`name` as a message may show it: each run of digits that holds a
    caller's number masked as the number is (XY-138****2777.yaml)."""
    numbers = [v for v in values if v.kind == NUMBER and len(number_key(v.value)) >= MIN_NUMBER]

    def masked(m: re.Match) -> str:
        run = m.group()
        for value in numbers:
            if number_key(value.value) in run:
                return PrivateValue(run, value.case_id, value.field, NUMBER).masked()
        return run

    return _DIGIT_RUN.sub(masked, name) if numbers else name


def _problem(record: Any, field: str, message: str) -> Problem:
    path = tuple(int(m.group(1)) if m.group(1) else m.group() for m in _FIELD_PART.finditer(field))
    return Problem(record.source.name, record.source.line(path), field, message)


def public_names(registries: Registries) -> dict[str, str]:
    """Every name the site prints whatever the cases say, canonical -> as written."""
    words = [*registries.department_by_name, *registries.category_by_name, *registries.district_by_name, *SITE_WORDS]
    return {canonical(w): w for w in words}


def _public_collisions(record: Any, values: list[PrivateValue], registries: Registries,
                       site_words: tuple[str, ...] = ()) -> list[Problem]:
    """Private values the site prints anyway: in a registry, the column's own
    words, or what every page says (the office, the hotline numbers)."""
    public = public_names(registries)
    every_page = {canonical(w): w for w in site_words if kind_of(w) != NUMBER and not canonical(w).isdigit()}
    public |= {k: w for k, w in every_page.items() if k not in public}
    joined = "|".join(public)
    phones = {number_key(d.phone): d.name for d in registries.departments if d.phone}
    hotlines = {number_key(w): w for w in site_words if canonical(w).isdigit()}
    problems = []
    reported = set()
    for value in values:
        if value.kind == NUMBER:
            key = number_key(value.value)
            owner = public_number_owner(key, phones)
            hotline = None if owner else public_number_owner(key, hotlines)
            if (owner or hotline) and value.field not in reported:  # once a field: 0376-6381234 and its 6381234
                reported.add(value.field)
                said = f"是{owner}公开的电话，会随办理部门一起公开" if owner else "是网站公开的热线号码，网站的每一页都印着它"
                problems.append(_problem(record, value.field, f"号码（{value.masked()}）{said}，"
                                         "无法保密；请写来电人自己的号码，或删去这一项"))
            continue
        key = canonical(value.value)
        if value.kind == LATIN or len(key) < 2 or key not in joined or value.field in reported:
            continue
        reported.add(value.field)  # once a field: 信阳市 and the parts of an address holding it
        word = next(w for k, w in public.items() if key in k)
        where = f"网站每一页都印着的“{word}”" if canonical(word) in every_page else f"网站公开的名称“{word}”"
        said = f"就是{where}" if canonical(word) == key else f"是{where}的一部分"
        problems.append(_problem(record, value.field, f"“{value.masked()}”{said}，会随之公开，"
                                 f"无法保密。{_more_specific(value.field)}"))
    return problems


def _more_specific(field: str) -> str:
    """What to write instead of a value the site prints anyway."""
    if field.endswith(".address"):
        return "住址请写到小区、楼号和门牌（如 浉河区某某小区3号楼501室），不知道时删去这一项"
    return "请写得更具体（如单位写到科室），或删去这一项"


def _numbers_in_the_id(record: Any, values: list[PrivateValue]) -> list[Problem]:
    """A case id is in every URL of the case: it must not hold a caller's number."""
    digits = re.sub(r"[^0-9]", "", record.id)
    for value in values:
        if value.kind == NUMBER and len(number_key(value.value)) >= 7 and number_key(value.value) in digits:
            return [_problem(record, "id", f"案件编号含有来电人的号码（{value.masked()}）：编号会出现在网址里。请换一个编号")]
    return []


def _given_names_in_places(record: Any, values: list[PrivateValue]) -> list[Problem]:
    """A caller's given name, in the case's own text, inside a place name
    (建国乡, 建国北路) or an ordinary word (国庆节, 美丽华夏): it cannot be told
    from the name there, and replacing it would make the text unreadable."""
    names = [v for v in values if v.kind != LATIN and v.field.endswith(".name")]
    is_whole = {v.value for v in names if v.value == record.caller_by_field(v.field).get("name", "").strip()}
    given = Finder((v.value, v) for v in names if v.value not in is_whole)
    if given.empty:
        return []
    whole = Finder((name, name) for name in is_whole)
    problems = []
    for field, text in _public_texts(record):
        within_names = [(start, end) for start, end, _ in whole.find(text)]
        for start, end, value in given.find(text):
            if any(a <= start and end <= b for a, b in within_names):
                continue  # part of the whole name, which is replaced whole
            place = next((c for c in text[end : end + 2] if c in PLACE_CHARS), None)
            word = None if place else _word_around(text, start, end)
            if place or word:
                shown = "*" * (end - start)
                where = f"地名“{shown}{text[end:text.index(place, end) + 1]}”" if place else f"词语“{word}”"
                problems.append(_problem(record, field, (
                    f"来电人的名字（{value.masked()}）出现在{where}里：分不清是名字还是{'地名' if place else '普通词语'}，"
                    "匿名化会把它换成来电人的称呼。请改写这里（地名可写“该路”“该乡”或上级地名）")))
    return problems


def _word_around(text: str, start: int, end: int) -> str | None:
    """The dictionary word that `text[start:end]` is only a part of (国庆节,
    美丽华夏), masked where it overlaps, or None; a person's name (何丽芳,
    another caller's) is no such word. jieba is loaded only here."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tags = jieba.posseg.dt.word_tag_tab
    low = max(0, start - 4)
    at = low
    for token in jieba.cut(text[low : end + 4], HMM=False):
        token_start, token_end = at, at + len(token)
        at = token_end
        if token_start < end and start < token_end and (token_start, token_end) != (start, end) and len(token) > 1:
            if jieba.get_FREQ(token) and not tags.get(token, "").startswith("nr"):  # a word, not another name
                words = text[min(token_start, start) : max(token_end, end)]
                return "".join("*" if start <= min(token_start, start) + i < end else c for i, c in enumerate(words))
    return None


def abbreviation_warnings(record: Any) -> list[Problem]:
    """Warnings for words of the case's public text that look like a short form
    of a caller's employer (市一院 for 信阳市第一人民医院): the guard knows the
    full name only, so a short form is published unless it is in `redact`."""
    warnings = []
    for value in record_values(record):
        if not value.field.endswith(".employer") or len(value.value) < 4:
            continue
        employer = value.value
        for field, text in _public_texts(record):
            for short in _short_forms(employer, text):
                warnings.append(_problem(record, value.field, (
                    f"警告：{field} 中的“{short}”像是来电人工作单位（{value.masked()}）的简称，输出检查只认得全称，"
                    f"简称会原样公开；如果是，请把“{short}”写进 redact")))
    return warnings


def _short_forms(employer: str, text: str) -> list[str]:
    """Words of `text`, two to six characters, that end as `employer` ends and
    take their other characters from it in order, but are not part of it."""
    found = []
    for end in (i + 1 for i, char in enumerate(text) if char == employer[-1]):
        for length in range(6, 1, -1):  # the longest first: 市一院, not 一院
            word = text[max(end - length, 0) : end]
            if len(word) == length and word not in employer and _in_order(word, employer) and word not in found:
                found.append(word)
                break
    return found


def _in_order(word: str, whole: str) -> bool:
    rest = iter(whole)
    return all(char in rest for char in word)


def _public_texts(record: Any) -> list[tuple[str, str]]:
    texts = [("complaint", record.complaint), ("place.area", record.area), ("caller_role", record.caller_role),
             ("reporter", record.reporter)]
    texts += [(f"headline[{i}]", h) for i, h in enumerate(record.headline)]
    for i, h in enumerate(record.handling):
        texts += [(f"handling[{i}].finding", h.finding), (f"handling[{i}].action", h.action)]
    if record.followup:
        texts.append(("followup.comment", record.followup.get("comment")))
    return [(f, t) for f, t in texts if t]
