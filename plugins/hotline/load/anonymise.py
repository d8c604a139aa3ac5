"""Anonymisation: a private `Record` becomes a `PublicCase`.

The caller is published as surname + honorific (何女士, 张先生, 何某).
Every free-text field is scrubbed of
- the callers' names in any spelling (`spelling`: traditional characters,
  separators, invisible characters, pinyin) → the public form,
- every other caller value and every `redact` term of every record (a
  short one, and a given name, only in its own case),
- numbers and identifiers found by pattern: mobile and landline phones,
  ID and bank card numbers, e-mail addresses, licence plates, QQ/WeChat
  ids, building and room numbers, in digits of any width or Chinese numerals,
  with any separators, or split over a sentence (前三位138，中间3761……).
What was removed is returned as `PrivateValue`s for the output guard.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from hotline.fingerprint import fingerprint
from hotline.load.validate import Record
from hotline.model import Followup, Handling, PublicCase, Registries
from hotline.privacy.names import public_name
from hotline.privacy.private import LATIN, NUMBER, TEXT, PrivateValue, number_forms, number_key, public_number_owner, record_values
from hotline.privacy.spelling import Finder, LatinFinder, canonical, digit_views, joined_pieces, number_pieces, replace_spans

PLACEHOLDER = "×××"  # what a removed number, address or account becomes
REDACTED = "某某"  # what a `redact` term (a third party's name) becomes


def replacement_order(replacement: str) -> tuple[int, str]:
    """A person's public form (何先生) before 某某 before ×××, then by text."""
    return ({REDACTED: 1, PLACEHOLDER: 2}.get(replacement, 0), replacement)


_D = r"[0-9]"
# What may stand between the digits of one number: spaces, dashes, dots,
# commas, slashes, stars, colons … one to three of them ("138 - 3761").
_SEP = r"(?:[\s.\-‐‑–—―,、~*:+·•‧∙/_]{1,3})?"
# Between the digits of a long number (an ID, a bank card): a space, a dash or
# a dot, never a comma, which lists numbers (6381234，0376-6381234).
_GROUP = r"[ .\-‐‑–—]{0,4}"
_NUM_CN = r"[0-9十百〇零一二三四五六七八九两]"
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
    "building": ("楼号", TEXT),
    "room": ("门牌号", TEXT),
}
_AT = r"(?:\s*[@＠]\s*|\s+(?i:at)\s+|\s*[(\[{](?i:at|a)[)\]}]\s*|\s*(?:艾特|圈|小老鼠)\s*|#)"
_DOT = r"(?:\s*\.\s*|。|\s+(?i:dot)\s+|\s*[(\[{](?i:dot)[)\]}]\s*|点|#)"
# A building number beside what was removed (第四栋××× where the address says 4号楼): it goes too.
_BESIDE_REMOVED = rf"(?:第?{_NUM_CN}+(?:号楼|#楼|栋|幢|号院){_SEP})+{PLACEHOLDER}"
_PROVINCE = "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
# A plate's province written in full (河南S12345): the province's name, not its abbreviation.
_PROVINCE_NAME = ("(?:北京|天津|上海|重庆|河北|河南|云南|辽宁|黑龙江|湖南|安徽|山东|新疆|江苏|浙江|江西|湖北|广西|甘肃|山西"
                  "|内蒙古?|陕西|吉林|福建|贵州|广东|青海|西藏|四川|宁夏|海南)省?")
PATTERNS = re.compile("|".join([
    rf"(?P<email>[A-Za-z0-9._%+\-]+{_AT}[A-Za-z0-9\-]+(?:{_DOT}[A-Za-z0-9\-]+)*{_DOT}[A-Za-z]{{2,}}(?![A-Za-z]))",
    rf"(?P<id18>(?<![0-9A-Za-z])(?:{_D}{_GROUP}){{17}}[0-9Xx](?![0-9A-Za-z]))",
    rf"(?P<mobile>(?<![0-9])(?:(?:\+|00)?86{_SEP})?(?:\(1[3-9]{_D}\)|1{_SEP}[3-9]{_SEP}{_D})(?:{_SEP}{_D}){{8}}(?![0-9]))",
    rf"(?P<card>(?<![0-9])(?:{_D}{_GROUP}){{15,18}}{_D}(?![0-9]))",
    rf"(?P<id15>(?<![0-9])(?:{_D}{_GROUP}){{14}}{_D}(?![0-9]))",
    rf"(?P<landline>(?<![0-9])(?:[（(]0{_D}{{2,3}}[)）]|0{_D}{{2,3}}){_SEP}{_D}(?:{_SEP}{_D}){{6,7}}(?![0-9]))",
    # A plate has a digit among its five or six (豫S12345, 豫 S 1 2 3 4 5, 豫S1234学), not 新iPhone.
    rf"(?P<plate>(?:{_PROVINCE}|{_PROVINCE_NAME}|车牌(?:号码|号)?[:：是为]?)\s?[A-Za-z][ ·•・.\-]?(?=(?:[A-Za-z]\s?)*[0-9])"
    r"(?:[A-Za-z0-9]\s?){4,5}[A-Za-z0-9学警挂领港澳](?![A-Za-z0-9]))",
    r"(?P<account>(?:(?i:qq|q(?=号))|扣扣|企鹅|微信|(?i:wechat|weixin|vx)|v信)(?:号码|号)?\s*[为是]?\s*[:：]?\s*"
    r"(?P<account_id>[0-9](?:[ ]?[0-9]){4,11}(?![0-9])|[A-Za-z0-9_\-]{5,20}))",
    rf"(?P<building>{_BESIDE_REMOVED})",
    rf"(?P<room>第?{_NUM_CN}+(?:号楼|#楼|单元){_SEP}(?:{_NUM_CN}+(?:单元|门|楼){_SEP})?(?:{_D}+(?:室|号|户)?)?"
    rf"|{_D}+(?:栋|幢){_SEP}(?:{_D}+(?:单元|门){_SEP})?(?:{_D}+(?:室|号|户)?)?"
    rf"|第?{_NUM_CN}+(?:栋|幢){_SEP}{_NUM_CN}+(?:单元|门|室|号|户)(?:{_SEP}{_D}+(?:室|号|户)?)?"
    rf"|{_D}+号院(?:{_D}+排)?(?:{_D}+号)?|{_D}+排{_D}+号|(?<![0-9]){_D}{{1,2}}楼{_D}{{3,4}}(?![0-9平米㎡])"
    rf"|(?<![0-9\-]){_D}{{1,3}}-{_D}{{1,2}}-{_D}{{3,4}}(?![0-9\-])"
    rf"|(?<![0-9]){_D}{{3,4}}(?:室|房间|房))",
]))
# A card number as a card is written: one run, or groups of four (6222 0202 0000 0000 005).
# Written so it is a card even when a digit is wrong (the Luhn check fails), as an ID
# number is one whatever its checksum; other groupings (dates, lists) must pass Luhn.
_CARD_WRITTEN = re.compile(r"[0-9]{16,19}|[0-9]{4}(?:[ .\-‐‑–—]{1,4}[0-9]{4}){3}(?:[ .\-‐‑–—]{1,4}[0-9]{1,3})?")
# A round hundred of rooms is a count, not a room (300房间的酒店): no room is numbered so,
# unless the caller's own address says it is.
_ROOM_COUNT = re.compile(r"[1-9][0-9]?00房间")
_NUMBER_RUN = re.compile(rf"[0-9](?:{_SEP}[0-9Xx])+")
_BESIDE_REMOVED_RE = re.compile(_BESIDE_REMOVED)
_DIGIT_GROUP = re.compile(r"[0-9]+[Xx]?")
_MOST_GROUPS = 8  # groups one number is written in at most (4 1 5 0 2 … would be a number told digit by digit)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _sub(pattern: re.Pattern, replace, text: str, view: int) -> str:
    """`pattern.sub` over a digit view of the text (`spelling.digit_views`),
    applied to `text` itself.

    `replace(match)` returns the replacement, or None to keep the original.
    Matches are reported on the view; what is kept is the original.
    """
    views = digit_views(text)
    return replace_spans(text, (
        (m.start(), m.end(), r) for m in pattern.finditer(views[min(view, len(views) - 1)]) if (r := replace(m)) is not None
    ))


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with found spans replaced, the earliest and then the longest first."""
    return replace_spans(text, sorted(spans, key=lambda s: (s[0], -s[1])))


def _in_address(digits: str, record: Record) -> bool:
    """Whether a caller of `record` declares an address holding the number `digits`."""
    addresses = (canonical(str(c.get("address") or "")) for c in record.callers if isinstance(c, dict))
    return any(re.search(f"(?<![0-9]){digits}(?![0-9])", address) for address in addresses)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class Anonymiser:
    """Scrubs free text using the private values of every record at once.

    Built once per build: a strong value of one record (a caller's name, a
    `redact` term) is removed from every other record's text too; a weak
    one (a given name, 老王) only from its own record's.
    """

    def __init__(self, records: Iterable[Record], registries: Registries):
        self._keep_numbers = {number_key(d.phone): d.name for d in registries.departments if d.phone}
        self._numbers: dict[str, str] = {}  # with long numbers cut short by a digit (private.number_forms)
        self._whole_numbers: set[str] = set()
        texts: dict[str, str] = {}
        latin: dict[str, str] = {}
        for record in records:
            for value in record_values(record):
                if not value.strong:
                    continue
                if value.kind == NUMBER:
                    key = number_key(value.value)
                    self._whole_numbers.add(key)
                    self._numbers.update(dict.fromkeys(number_forms(key), PLACEHOLDER))
                    continue
                # A word two records declare (one's redact term, another's name)
                # gets the same replacement whatever order the files come in.
                table = latin if value.kind == LATIN else texts
                new = replacement(record, value)
                table[value.value] = min(table.get(value.value, new), new, key=replacement_order)
        self._texts = Finder(texts.items())
        self._latin = LatinFinder(latin.items())
        # Everything besides a record itself that its anonymised form depends on.
        self.key = fingerprint(sorted(self._keep_numbers.items()), sorted(self._numbers),
                               self._texts.keys(), sorted(latin.items()))

    def scrub(self, text: str, record: Record, found: list[PrivateValue], field: str, own: tuple[Finder, LatinFinder]) -> str:
        """`text` without private values; what the patterns found goes to `found`.
        `own`: the finders of this record's weak values."""
        text = _replace(text, self._texts.find(text) + own[0].find(text))
        for view in range(len(digit_views(text))):  # digits, then with Chinese numerals as digits
            text = _sub(PATTERNS, lambda m: self._pattern_hit(m, record, found, field), text, view)
        text = _replace(text, self._latin.find(text) + own[1].find(text))  # after e-mails: heli.hua@qq.com is one
        for view in range(len(digit_views(text))):
            text = _sub(_NUMBER_RUN, self._number_hit, text, view)
            text = self._groups(text, view)
            text = self._pieces(text, record, found, field, view)
        for view in range(len(digit_views(text))):  # a building beside a number removed just now (四栋×××)
            text = _sub(_BESIDE_REMOVED_RE, lambda m: PLACEHOLDER, text, view)
        return text

    def _groups(self, text: str, view: int) -> str:
        """A declared number that is some whole digit groups of a longer run
        (3837612045 2013, 2013-6221234, 1383761204-12): those groups removed,
        the rest kept, as the guard would find the number there."""
        views = digit_views(text)
        spans = []
        for run in _NUMBER_RUN.finditer(views[min(view, len(views) - 1)]):
            groups = list(_DIGIT_GROUP.finditer(run.group()))
            i = 0
            while i < len(groups):
                for j in range(min(len(groups), i + _MOST_GROUPS), i, -1):  # the longest first
                    digits = "".join(g.group() for g in groups[i:j]).upper()
                    if any(digits.startswith(p) and digits[len(p):] in self._numbers for p in ("", "86", "0086")):
                        spans.append((run.start() + groups[i].start(), run.start() + groups[j - 1].end(), PLACEHOLDER))
                        i = j
                        break
                else:
                    i += 1
        return replace_spans(text, spans)

    def _pieces(self, text: str, record: Record, found: list[PrivateValue], field: str, view: int) -> str:
        """A declared number, or a mobile, told in pieces: each piece removed."""
        spans = []
        views = digit_views(text)
        for run in number_pieces(views[min(view, len(views) - 1)]):
            for number, pieces in joined_pieces(run).items():
                if number in self._whole_numbers or _MOBILE.fullmatch(number):
                    spans += [(p.start(), p.end(), PLACEHOLDER) for p in pieces]
                    found.append(PrivateValue(number, record.id, f"{field}（分段写的号码）", NUMBER))
        return replace_spans(text, sorted(set(spans)))

    def _pattern_hit(self, m: re.Match, record: Record, found: list, field: str) -> str | None:
        assert m.lastgroup is not None  # every alternative of PATTERNS is a named group
        label, kind = PATTERN_KINDS[m.lastgroup]
        whole = m.group(0)
        value = m.group("account_id") or whole
        key = number_key(value)
        if kind == NUMBER and public_number_owner(key, self._keep_numbers):
            return None
        if m.lastgroup == "room" and _ROOM_COUNT.fullmatch(whole) and not _in_address(whole[:-2], record):
            return None
        if m.lastgroup == "building":
            return PLACEHOLDER  # what it stands beside is the private value the guard looks for
        if label == "银行卡号" and not luhn_valid(key) and not _CARD_WRITTEN.fullmatch(whole):
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
        values = record_values(record)
        weak = [v for v in values if not v.strong]
        own = (Finder((v.value, replacement(record, v)) for v in weak if v.kind != LATIN),
               LatinFinder((v.value, replacement(record, v)) for v in weak if v.kind == LATIN))

        def clean(text: str | None, field: str) -> str | None:
            return self.scrub(text, record, found, field, own) if text else text

        def clean_text(text: str, field: str) -> str:
            return self.scrub(text, record, found, field, own) if text else text

        # Only published records are anonymised: resolved ones, which the
        # schema requires to have these fields (case.schema.json).
        assert record.resolved_at is not None and record.district is not None
        assert record.category is not None and record.complaint is not None

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
                comment=clean(record.followup.get("comment"), "followup.comment"),
            )
        case = PublicCase(
            id=record.id,
            channel=record.channel,
            received_at=record.received_at,
            resolved_at=record.resolved_at,
            caller=public_callers(record),
            caller_role=clean(record.caller_role, "caller_role") or "市民",
            district=record.district,
            area=clean(record.area, "place.area"),
            category=record.category,
            headline=tuple(clean_text(h, f"headline[{i}]") for i, h in enumerate(record.headline)),
            complaint=clean_text(record.complaint, "complaint"),
            handling=handling,
            followup=followup,
            rehandled=record.rehandled,
            supervision_level=record.supervision_level,
            reporter=clean(record.reporter, "reporter"),
        )
        case = dataclasses.replace(case, digest=fingerprint(case))
        return case, values + found


def replacement(record: Record, value: PrivateValue) -> str:
    """What a private value is replaced with: its caller's public form for a name."""
    if value.field.endswith(".name"):
        caller = record.caller_by_field(value.field)
        return public_name(caller["name"], caller.get("gender"))
    return REDACTED if value.field.startswith("redact") else PLACEHOLDER


def public_callers(record: Record) -> str:
    """何女士, or 何女士、张先生 for several callers."""
    return "、".join(dict.fromkeys(public_name(c["name"], c.get("gender")) for c in record.callers))
