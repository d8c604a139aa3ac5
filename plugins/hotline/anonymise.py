"""Anonymisation: a private `Record` becomes a `PublicCase`.

The caller is published as surname + honorific (何女士, 张先生, 何某).
Every free-text field is scrubbed of
- the caller's full name and given name (→ the public form),
- every other caller value and every `redact` term of every record,
- numbers and identifiers found by pattern: mobile and landline phones,
  ID and bank card numbers, e-mail addresses, licence plates, QQ/WeChat
  ids, building and room numbers.
What was removed is returned as `PrivateValue`s for the output guard.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

import ahocorasick

from .output import fingerprint
from .private import LONG_NUMBER, NUMBER, TEXT, PrivateValue, number_key
from .public import District, Followup, Handling, PublicCase, Registries
from .validate import Record

# Common two-character (复姓) surnames, longest match first in `split_name`.
COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 "
    "公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 "
    "褚师 吴铭".split()
)
# A given name followed by one of these is a place (周胜利 and 胜利路) and stays.
PLACE_SUFFIXES = "路街道巷村镇乡区桥园湖山河"
HONORIFICS = {"male": "先生", "female": "女士", "unknown": "某"}
PLACEHOLDER = "×××"  # what a removed number, address or account becomes
REDACTED = "某某"  # what a `redact` term (a third party's name) becomes


def _REPLACEMENT_ORDER(replacement: str) -> tuple[int, str]:
    """A person's public form (何先生) before 某某 before ×××, then by text."""
    return ({REDACTED: 1, PLACEHOLDER: 2}.get(replacement, 0), replacement)

# Patterns see the text folded to ASCII digits, letters and signs (`_FOLD`:
# one character for one, so match offsets hold for the original text).
_FOLD = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_D = r"[0-9]"
_SEP = r"[ \-‐‑–—]?"
_NUM_CN = r"[0-9一二三四五六七八九十百零〇]"
# What the patterns find, by group name: (label in messages, kind). One regex
# with one alternative per pattern scans each text once; earlier alternatives
# win where two could start at the same place (an ID before a bank card).
PATTERN_KINDS = {
    "email": ("邮箱", TEXT),
    "id18": ("身份证号", NUMBER),
    "mobile": ("手机号", NUMBER),
    "card": ("银行卡号", NUMBER),
    "id15": ("身份证号", NUMBER),
    "landline": ("固定电话", NUMBER),
    "plate": ("车牌号", TEXT),
    "account": ("QQ或微信号", TEXT),
    "room": ("门牌号", TEXT),
}
PATTERNS = re.compile("|".join([
    r"(?P<email>[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})",
    rf"(?P<id18>(?<![0-9A-Za-z]){_D}{{6}}{_SEP}{_D}{{8}}{_SEP}{_D}{{3}}[0-9Xx](?![0-9A-Za-z]))",
    rf"(?P<mobile>(?<![0-9])(?:(?:\+|00)?86{_SEP})?(?:\(1[3-9]{_D}\)|1[3-9]{_D})(?:[ .\-‐‑–—]?{_D}){{8}}(?![0-9]))",
    rf"(?P<card>(?<![0-9]){_D}{{4}}(?:{_SEP}{_D}{{4}}){{2,3}}(?:{_SEP}{_D}{{1,3}})?(?![0-9]))",
    rf"(?P<id15>(?<![0-9]){_D}{{15}}(?![0-9]))",
    rf"(?P<landline>(?<![0-9])(?:[（(]0{_D}{{2,3}}[)）]|0{_D}{{2,3}}){_SEP}{_D}{{7,8}}(?![0-9]))",
    r"(?P<plate>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][ ·•・.\-]?"
    r"[A-Za-z0-9]{5,6}(?![A-Za-z0-9]))",
    r"(?P<account>(?i:qq|微信|wechat|weixin|vx|v信)(?:号码|号)?\s*[:：是为]?\s*(?P<account_id>[A-Za-z0-9_\-]{5,20}))",
    rf"(?P<room>{_NUM_CN}+(?:号楼|单元){_SEP}(?:{_NUM_CN}+(?:单元|门){_SEP})?(?:{_D}+(?:室|号|户)?)?"
    rf"|{_D}+(?:栋|幢){_SEP}(?:{_D}+(?:单元|门){_SEP})?(?:{_D}+(?:室|号|户)?)?"
    rf"|(?<![0-9\-]){_D}{{1,3}}-{_D}{{1,2}}-{_D}{{3,4}}(?![0-9\-])"
    rf"|(?<![0-9]){_D}{{3,4}}(?:室|房间|房))",
]))
_NUMBER_RUN = re.compile(rf"[0-9](?:{_SEP}[0-9Xx])+")


def _sub(pattern: re.Pattern, replace, text: str) -> str:
    """`pattern.sub` over the ASCII-folded text, applied to `text` itself.

    `replace(match)` returns the replacement, or None to keep the original.
    Matches are reported on the folded text; what is kept is the original.
    """
    out, last = [], 0
    for m in pattern.finditer(text.translate(_FOLD)):
        replacement = replace(m)
        if replacement is not None:
            out += [text[last : m.start()], replacement]
            last = m.end()
    return "".join(out) + text[last:] if out else text


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name). `阿依古丽·买买提` keeps its first part as the name."""
    name = re.sub(r"\s+", "", name.strip())
    if "·" in name or "•" in name or "・" in name:
        return re.split(r"[·•・]", name)[0], ""
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def public_name(name: str, gender: str | None) -> str:
    """何女士 / 张先生 / 何某 / 欧阳女士."""
    return split_name(name)[0] + HONORIFICS.get(gender or "unknown", "某")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _flatten(value: Any) -> Iterable[str]:
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


def _kind(value: str) -> str:
    key = number_key(value)
    return NUMBER if len(key) >= 5 and len(key) * 2 >= len(re.sub(r"\s", "", value)) else TEXT


def record_values(record: Record) -> list[PrivateValue]:
    """The private values a record declares: its caller and `redact` terms."""
    values = []
    for key, value in record.caller.items():
        if key == "gender":
            continue
        for text in _flatten(value):
            values.append(PrivateValue(text, record.id, f"caller.{key}", _kind(text)))
    name = record.caller.get("name")
    if isinstance(name, str):
        surname, given = split_name(name)
        parts = re.split(r"[·•・]", re.sub(r"\s+", "", name))[1:]
        for part in [given, *parts]:
            if len(part) >= 2:
                values.append(PrivateValue(part, record.id, "caller.name", TEXT, strong=False))
    values += [PrivateValue(t, record.id, f"redact[{i}]", _kind(t)) for i, t in enumerate(record.redact)]
    return values


def replace_given_name(text: str, given: str, public: str) -> str:
    """`given` replaced by `public` wherever no place suffix follows it
    (周胜利 -> 周先生, but 胜利路 stays): leftmost occurrences first, none
    overlapping, exactly as `re.sub` with a negative lookahead would do,
    without compiling a pattern for every caller."""
    out, start, at = [], 0, text.find(given)
    while at >= 0:
        end = at + len(given)
        if end < len(text) and text[end] in PLACE_SUFFIXES:
            at = text.find(given, at + 1)
            continue
        out += [text[start:at], public]
        start = end
        at = text.find(given, end)
    return "".join(out) + text[start:] if out else text


class Anonymiser:
    """Scrubs free text using the private values of every record at once.

    Built once per build: a value of one record (a caller's name, a
    `redact` term) is removed from every other record's text too.
    """

    def __init__(self, records: Iterable[Record], registries: Registries, districts: dict[str, District]):
        self._districts = districts
        self._public_words = set(districts) | set(registries.category_by_name) | set(registries.department_by_name)
        self._keep_numbers = {number_key(d.phone) for d in registries.departments if d.phone}
        self._numbers: dict[str, str] = {}
        replacements: dict[str, str] = {}
        for record in records:
            for value in record_values(record):
                if not value.strong or value.value in self._public_words:
                    continue
                if value.kind == NUMBER:
                    key = number_key(value.value)
                    self._numbers.setdefault(key, PLACEHOLDER)
                    if len(key) >= LONG_NUMBER:
                        self._numbers.setdefault(key[:-1], PLACEHOLDER)
                else:
                    # A word two records declare (one's redact term, another's name)
                    # gets the same replacement whatever order the files come in.
                    new = self._replacement(record, value)
                    old = replacements.setdefault(value.value, new)
                    replacements[value.value] = min(old, new, key=_REPLACEMENT_ORDER)
        self._literals = ahocorasick.Automaton()
        for word, replacement in replacements.items():
            self._literals.add_word(word, (len(word), replacement))
        if len(self._literals):
            self._literals.make_automaton()
        # Everything besides a record itself that its anonymised form depends on.
        self.key = fingerprint(sorted(self._districts.items()), sorted(self._public_words), sorted(self._keep_numbers),
                               sorted(self._numbers), sorted(self._literals.items()) if len(self._literals) else [])

    def values(self, record: Record) -> list[PrivateValue]:
        """The record's declared private values that are really private."""
        return [v for v in record_values(record) if v.value not in self._public_words]

    @staticmethod
    def _replacement(record: Record, value: PrivateValue) -> str:
        if value.field == "caller.name":
            return public_name(value.value, record.caller.get("gender"))
        return REDACTED if value.field.startswith("redact") else PLACEHOLDER

    def scrub(self, text: str, record: Record, found: list[PrivateValue], field: str) -> str:
        """`text` without private values; what the patterns found goes to `found`."""
        text = self._replace_literals(text)
        name = record.caller.get("name")
        if isinstance(name, str):
            given = split_name(name)[1]
            if len(given) >= 2:
                public = public_name(name, record.caller.get("gender"))
                text = replace_given_name(text, given, public)
        text = _sub(PATTERNS, lambda m: self._pattern_hit(m, record, found, field), text)
        return _sub(_NUMBER_RUN, self._number_hit, text)

    def _replace_literals(self, text: str) -> str:
        if not len(self._literals):
            return text
        out, last = [], 0
        for end, (length, replacement) in self._literals.iter_long(text):
            out += [text[last : end + 1 - length], replacement]
            last = end + 1
        return "".join(out) + text[last:] if out else text

    def _pattern_hit(self, m: re.Match, record: Record, found: list, field: str) -> str | None:
        label, kind = PATTERN_KINDS[m.lastgroup]
        whole = m.group(0)
        value = m.group("account_id") or whole
        key = number_key(value)
        if kind == NUMBER and (key in self._keep_numbers or any(key.endswith(k) for k in self._keep_numbers if len(k) >= 7)):
            return None
        if label == "银行卡号" and not luhn_valid(key):
            return None
        found.append(PrivateValue(value, record.id, f"{field}（{label}）", kind))
        return whole.replace(value, PLACEHOLDER) if value != whole else PLACEHOLDER

    def _number_hit(self, m: re.Match) -> str | None:
        key = number_key(m.group(0))
        for prefix in ("", "86", "0086"):
            if key.startswith(prefix) and self._numbers.get(key[len(prefix):]):
                return PLACEHOLDER
        return None

    def anonymise(self, record: Record) -> tuple[PublicCase, list[PrivateValue]]:
        """The public form of a published record, and its private values."""
        found: list[PrivateValue] = []

        def clean(text: str | None, field: str) -> str | None:
            return self.scrub(text, record, found, field) if text else text

        handling = tuple(
            Handling(
                department=h.department,
                assigned_at=h.assigned_at,
                finding=clean(h.finding, f"handling[{i}].finding"),
                action=clean(h.action, f"handling[{i}].action"),
                finished_at=h.finished_at,
            )
            for i, h in enumerate(record.handling)
        )
        followup = None
        if record.followup:
            followup = Followup(
                at=record.followup.get("at"),
                result=record.followup["result"],
                comment=clean(_strip(record.followup.get("comment")), "followup.comment"),
            )
        case = PublicCase(
            id=record.id,
            channel=record.channel,
            received_at=record.received_at,
            resolved_at=record.resolved_at,
            caller=public_name(record.caller["name"], record.caller.get("gender")),
            caller_role=clean(record.caller_role, "caller_role") or "市民",
            district=record.district,
            area=clean(record.area, "place.area"),
            category=record.category,
            headline=tuple(clean(h, f"headline[{i}]") for i, h in enumerate(record.headline)),
            complaint=clean(record.complaint, "complaint"),
            handling=handling,
            followup=followup,
            rehandled=record.rehandled,
            supervision_level=record.supervision_level,
            reporter=clean(record.reporter, "reporter"),
        )
        case = dataclasses.replace(case, digest=fingerprint(case))
        # A weak value still in the scrubbed text was kept on purpose (a place
        # name like 胜利路); it cannot be a target of the guard for this case.
        public_text = "\n".join(case.texts().values())
        values = [v for v in self.values(record) if v.strong or v.value not in public_text]
        return case, values + found


def _strip(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
