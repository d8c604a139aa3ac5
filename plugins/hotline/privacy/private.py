"""Private values: what a case file declares private, which of it can be
guarded, and what the anonymiser removes and the output guard looks for.

A `PrivateValue` never reaches an output; it exists so that the guard can
prove that. It names the case and the field it came from so that a hit can
be reported to a person, always masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hotline.model import Compact
from hotline.privacy.names import HAN_NAME, name_parts, pinyin_names, split_name
from hotline.privacy.spelling import canonical

NUMBER = "number"  # phones, ID and bank card numbers: matched on their digits
TEXT = "text"  # names, addresses, employers, e-mails, plates, redact terms
LATIN = "latin"  # a name in pinyin, letters only: matched on whole words
# A number this long still names its owner without a digit at either end:
# an ID's first 17 digits fix its checksum, a mobile cut short by one leaves
# ten, and the first digit is as good as known (1 of a mobile, 0 of a
# landline's area code, an ID's region 1–6, a UnionPay card's 6).
LONG_NUMBER = 11
MIN_NUMBER = 7  # digits of the shortest number the guard can tell from dates and counts
MIN_DIGIT_TEXT = 5  # digits of the shortest digit text (a room 3-2-401) it can
MIN_TEXT = 2  # characters of the shortest word it can
MIN_STRONG_TEXT = 3  # a shorter word (老王) is looked for in its own case only
MIN_STRONG_LATIN = 6  # letters of the shortest pinyin name looked for everywhere
# Words that say nothing: a value that is one of these is no information to keep.
EMPTY_WORDS = frozenset(
    "无 没有 不详 未知 保密 匿名 暂无 空 略 同上 见上 市民 群众 本人 未提供 未留 没留 不清楚 不知道 拒绝透露 null none n/a".split()
)
# Words for a kind of person or place, not one: they stand in every other text.
GENERIC_WORDS = frozenset("退休 无业 待业 失业 农民 工人 职工 学生 个体 个体户 自由职业 家庭主妇 医院 学校 公司 工厂 单位 政府 社区".split())
# How `caller.phone` separates several numbers: signs, words, labels, lines.
PHONE_LIST = re.compile(r"\s*(?:[/、,，;；|\n]|或者?|和|及|手机|座机|电话|家里|单位|办公室|[:：])\s*")
# A landline's area code and extension: 0376-6221234转801 is also written 6221234.
_AREA_CODE_PART = re.compile(r"^(?:\(?0[0-9]{2,3}\)?)[\s\-]*(?=[0-9])")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|-)\s*[0-9]{1,5}$", re.I)
# An address in parts: each ends at a place word or a number's unit.
_ADDRESS_PART = re.compile(r".+?(?:小区|社区|街道|新村|大道|大街|号楼|号院|单元|[省市区县镇乡村组路街巷道弄楼栋幢室号院排层户])|.+$")
_NUMBER_OF_ROOM = re.compile(r"[0-9０-９]{3}")
# A part with a number: 3号楼, 三单元, 501室, 3#楼.
_NUMBERED = re.compile(r"[0-9０-９〇零一二三四五六七八九十百]+\s*(?:号|楼|栋|幢|单元|室|排|层|户|#|＃)|[0-9０-９]{3}")
_EMAIL = re.compile(r"([^@\s]+)@([^@\s]+\.[A-Za-z]{2,})")
# How an e-mail address is written to fool a robot: heli at qq dot com.
_EMAIL_AT = ("@", " at ", "(at)", "{at}", "(a)", "艾特", "圈", "小老鼠", "#")
_EMAIL_DOT = (".", " dot ", "(dot)", "{dot}", "点")
_DIGIT = re.compile(r"[0-9]")
# A number as written in a short value: digits, or Chinese numerals alone
# (四十五), not the financial numerals that are also surnames (陆, 伍).
_WRITTEN_NUMBER = re.compile(r"[0-9０-９]|^[〇零一二三四五六七八九十百两]+$")
_NOT_ID_CHAR = re.compile(r"[^0-9X]")


_AREA_CODE = re.compile(r"(?:0|86|0086)[0-9]{2,3}")
# The digits of a mobile, with or without the country code (+86, 0086).
_MOBILE_KEY = re.compile(r"(?:0086|86)?1[3-9][0-9]{9}")


def public_number_owner(key: str, public: dict[str, str]) -> str | None:
    """Who owns the public number `key` (a department), alone or after an area
    code (0376-6381234), or None; a mobile that merely ends with it is not it.
    `public`: number key -> owner."""
    for number, owner in public.items():
        if key == number or key.endswith(number) and _AREA_CODE.fullmatch(key[: -len(number)]):
            return owner
    return None


def number_key(value: str) -> str:
    """Canonical form of a number: digits (any script, Chinese numerals) and the ID checksum X only."""
    folded = canonical(value).upper()
    return _NOT_ID_CHAR.sub("", folded)


def number_forms(key: str) -> set[str]:
    """The digits a text may write for the number `key` (a `number_key`) and
    still name its owner: a mobile without its country code (+86, 0086) and,
    for a number of LONG_NUMBER digits or more, it without its last or its
    first digit (3837612045 for 13837612045)."""
    if _MOBILE_KEY.fullmatch(key):
        key = key[-11:]
    return {key, key[:-1], key[1:]} if len(key) >= LONG_NUMBER else {key}


@dataclass(frozen=True, slots=True)
class PrivateValue(Compact):
    """One private value of one record.

    `strong` values are looked for in every output file. Weak ones (a
    given name like 建国, which is also part of 建国路) only in the outputs
    that carry this one case's text alone, where a hit can only be a leak.
    """

    value: str
    case_id: str
    field: str  # contract path: caller.name, caller.phone, redact[0], complaint …
    kind: str = TEXT
    strong: bool = True
    derived: bool = False  # made by the build from a written value (an address's part, a pinyin spelling)

    def masked(self) -> str:
        """The value as a message may show it: 何** / 138****2045 / 622****.
        At most half of it, never more than three characters, is shown."""
        if self.kind == NUMBER:
            d = number_key(self.value)
            keep_start = 3 if len(d) >= 11 else 0
            keep_end = 4 if len(d) >= 11 else min(2, len(d) // 3)
            return d[:keep_start] + "*" * (len(d) - keep_start - keep_end) + d[len(d) - keep_end:]
        v = self.value.strip()
        shown = 1 if len(v) >= 3 else 0
        return v[:shown] + "*" * (len(v) - shown)


def kind_of(value: str) -> str:
    """NUMBER for a value mostly of digits (a phone, an ID), else TEXT."""
    key = number_key(value)
    return NUMBER if len(key) >= 5 and len(key) * 2 >= len(re.sub(r"\s", "", value)) else TEXT


def address_parts(address: str) -> list[str]:
    """The pieces of an address a text may name on their own: every run of
    its parts that holds a number (大拱桥小区3号楼, 3号楼2单元501室, 501室)."""
    parts = [p for p in _ADDRESS_PART.findall(address.strip()) if p]
    runs = []
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            run = "".join(parts[i:j])
            if run != address and _NUMBERED.search(run) and (j - i >= 2 or _NUMBER_OF_ROOM.search(run)):
                if not canonical(run).isdigit():  # 20-1-303 alone spells 2013-03 too; the room pattern removes it
                    runs.append(run)
    return runs


def email_spellings(value: str) -> list[str]:
    """heli@qq.com as it is written to fool a robot: heli at qq dot com, heli艾特qq点com."""
    m = _EMAIL.fullmatch(value.strip())
    if not m:
        return []
    local, domain = m.groups()
    return [local + at + domain.replace(".", dot) for at in _EMAIL_AT for dot in _EMAIL_DOT][1:]


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    elif value is not None and not isinstance(value, bool):
        text = str(value).strip()
        if text:
            yield text


def caller_values(caller: dict[str, Any], case_id: str, prefix: str) -> list[PrivateValue]:
    """The private values one caller's mapping declares, `prefix` naming it (caller, callers[1])."""
    values = []
    for key, value in caller.items():
        if key == "gender":
            continue
        field = f"{prefix}.{key}"
        if key == "name" and isinstance(value, str):
            values += name_values(value.strip(), case_id, field)
            continue
        for text in _flatten(value):
            pieces = phone_numbers(text) if key == "phone" else [text]
            for piece in filter(None, pieces):
                values.append(PrivateValue(piece, case_id, field, kind_of(piece)))
                derived = [(p, LATIN, len(p) >= MIN_STRONG_LATIN) for p in sorted(_pinyin_of_a_name(piece))]
                derived += [(p, TEXT, True) for p in address_parts(piece) if key == "address"]
                derived += [(p, TEXT, True) for p in email_spellings(piece)]
                derived += [(p, NUMBER, True) for p in landline_forms(piece) if key == "phone"]
                values += [PrivateValue(p, case_id, field, kind, strong, derived=True) for p, kind, strong in derived]
    return values


def phone_numbers(text: str) -> list[str]:
    """The numbers a phone field holds: "13837612045 / 0376-6221234转8" ->
    13837612045, 0376-6221234转8. Numbers written one after another with
    only spaces between are told apart by length."""
    numbers = []
    for piece in filter(None, (p.strip() for p in PHONE_LIST.split(text))):
        groups = piece.split()
        if len(groups) >= 2 and all(len(number_key(g)) >= MIN_NUMBER for g in groups):
            numbers += groups  # 13837612045 6221234: two numbers, not one
        else:
            numbers.append(piece)
    return numbers


def landline_forms(number: str) -> list[str]:
    """A landline as it is also written: without its extension, without its
    area code (0376-6221234转801 -> 0376-6221234, 6221234). A mobile has
    neither: 0086-135-4503-7010 does not end in an extension 7010."""
    if _MOBILE_KEY.fullmatch(number_key(number)):
        return []
    short = _EXTENSION.sub("", number)
    local = _AREA_CODE_PART.sub("", short)
    return [n for n in dict.fromkeys((short, local)) if n != number and len(number_key(n)) >= MIN_NUMBER]


def _pinyin_of_a_name(text: str) -> set[str]:
    """A value that looks like a Chinese name (2 to 4 characters: a spouse's,
    a third party's in `redact`) in pinyin, whole names only."""
    return pinyin_names(text)[0] if 2 <= len(text) <= 4 and HAN_NAME.fullmatch(text) else set()


def name_values(name: str, case_id: str, field: str) -> list[PrivateValue]:
    """A caller's name as the guard looks for it: the whole name everywhere;
    the given name, the parts of a name in parts, and short pinyin only in
    the caller's own case."""
    # A two-character name (文明, 安全) is also an ordinary word: its own case only.
    values = [PrivateValue(name, case_id, field, strong=len(canonical(name)) >= MIN_STRONG_TEXT)]
    surname, given = split_name(name)
    for part in [given, *name_parts(name)]:
        if len(canonical(part)) >= MIN_TEXT and part != name:
            values.append(PrivateValue(part, case_id, field, strong=False))
    full, givens = pinyin_names(name)
    values += [PrivateValue(p, case_id, field, LATIN, strong=len(p) >= MIN_STRONG_LATIN) for p in sorted(full)]
    values += [PrivateValue(p, case_id, field, LATIN, strong=False) for p in sorted(givens - full) if len(p) >= 3]
    return values


def redact_values(terms: Iterable[str], case_id: str) -> list[PrivateValue]:
    """`redact` terms: a short one (老王) is looked for in its own case only."""
    values = []
    for i, term in enumerate(terms):
        strong = len(canonical(term)) >= MIN_STRONG_TEXT or kind_of(term) == NUMBER
        values.append(PrivateValue(term, case_id, f"redact[{i}]", kind_of(term), strong=strong))
        values += [PrivateValue(p, case_id, f"redact[{i}]", LATIN, strong=strong and len(p) >= MIN_STRONG_LATIN, derived=True)
                   for p in sorted(_pinyin_of_a_name(term))]
    return values


def record_values(record: Any) -> list[PrivateValue]:
    """Every private value a record declares: its callers' and its `redact` terms."""
    values = []
    for i, caller in enumerate(record.callers):
        values += caller_values(caller, record.id, record.caller_field(i))
    return values + redact_values(record.redact, record.id)


def unguardable(value: PrivateValue) -> str | None:
    """Why the guard cannot protect `value` (too short, too common), or None.
    For the clerk: what to write instead."""
    text = value.value.strip()
    key = canonical(text)
    if text.lower() in EMPTY_WORDS or key in EMPTY_WORDS:
        return f"“{text}”不是需要保密的信息；不知道或没有时，请把这一项整行删去"
    if key in GENERIC_WORDS:
        return f"“{text}”说的是一类人或地方，公开文字里到处都有，无法保护也不能全部涂掉；请写具体的名称（如单位全称），或删去这一项"
    if value.field.endswith(".phone") and not _DIGIT.search(key):
        return "不是电话号码；没有号码时请把这一项整行删去"
    if value.kind == NUMBER or key.isdigit():
        digits = len(number_key(text))
        if value.field.endswith(".phone") and digits < MIN_NUMBER:
            return f"电话号码只有 {digits} 位，不是完整的号码；请写完整（手机 11 位，固定电话带区号，如 0376-6221234），不知道时整行删去"
        if digits < MIN_DIGIT_TEXT:
            return (f"只有 {digits} 位数字，太短：公开文字里的日期、件数都可能含有它，无法保护也不能全部涂掉。"
                    "请删去这一项；如是门牌，写进完整的 address（如 浉河区某某小区3号楼501室）")
        return None
    if _WRITTEN_NUMBER.search(text) and len(key) <= 4:  # 45岁, 3楼, 四十五 (not 陆辉林: 陆 is a surname)
        return "太短（一个数加一两个字）：公开文字里的年龄、楼层、件数都可能是这样，无法保护也不能全部涂掉。请删去这一项"
    if len(key) < MIN_TEXT:
        return "只有一个字，太短：无法在公开文字中保护，也不能把所有文字里的这个字都涂掉。请写完整的词（如全名），或删去这一项"
    return None
