"""Red-team attacks on the privacy promise, against real builds.

A careless clerk plants a caller's details (and undeclared numbers) in the
free text of a case in many spellings; a hostile reader searches every
output file for them. For each attack the build must either

(a) refuse with a clear message (no traceback, naming the file and field,
    never printing the private value whole), or
(b) publish a site where no file (pages, feeds, JSON, CSV, LED texts incl.
    GB2312, statistics, the Pagefind index, file names) holds the value in
    the spelling planted or its canonical form, while ordinary words next to
    it are still there (no over-redaction).

The outputs are searched by this module's own reading of them, not by the
guard: escapes decoded (JSON \\u, HTML entities twice, URL %-escapes), NFKC,
invisible characters dropped, gzip files (Pagefind) decompressed, GBK for the
*gb2312* LED file; names compared without separators (also look-alike letters
such as ㆍ ꞏ ー 丨), traditional characters simplified, tags (real or printed)
removed; numbers compared digit by digit (any script, circled, Chinese
numerals, O/l for 0/1, any separators).

Many attacks share one build: one case per attack, each with its own private
values. A build that stops is rebuilt without the case it stopped on (the
guard names it), so that every attack gets its own verdict.

Tests marked xfail(strict=True) are findings: the reason names the leak.
"""

from __future__ import annotations

import gzip
import html
import itertools
import re
import traceback
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
import opencc
import pytest
from conftest import make_case
from pypinyin import Style, pinyin
from test_properties import build

# --- How a reader reads an output -------------------------------------------------

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")
CN_NUMERALS = dict(zip("〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖", "0012345678912123456789", strict=False))
# Letters (so kept by a "letters and digits only" reading) that a reader takes for a separator.
LOOKALIKE_SEPARATORS = "ㆍᆞꞏᐧǀǁ丨ーｰ〡"


def _invisible() -> frozenset[str]:
    out = set()
    for code in itertools.chain(range(0x80, 0x30000), range(0xE0000, 0xE1000)):
        c = chr(code)
        cat = unicodedata.category(c)
        name = unicodedata.name(c, "")
        if cat == "Cf" or "FILLER" in name or name.endswith(" BLANK") or "VARIATION SELECTOR" in name:
            out.add(c)
    return frozenset(out)


INVISIBLE = _invisible()
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def _tables() -> tuple[dict, dict]:
    """(compact table: letters and digits only, lower-case, Chinese numerals
    as digits, look-alike separators dropped; digit table: every character
    with a digit value as that ASCII digit, Chinese numerals too)."""
    compact, digits = {}, {}
    for code in range(0x30000):
        c = chr(code)
        d = unicodedata.digit(c, None)
        if c in CN_NUMERALS:
            digits[code] = CN_NUMERALS[c]
        elif d is not None and not ("0" <= c <= "9"):
            digits[code] = str(d)
        cat = unicodedata.category(c)
        if c in LOOKALIKE_SEPARATORS or cat[0] not in "LN":
            compact[code] = None
        elif c in CN_NUMERALS:
            compact[code] = CN_NUMERALS[c]
        elif d is not None:
            compact[code] = str(d)
        elif c.lower() != c:
            compact[code] = c.lower()
    return compact, digits


COMPACT, DIGITS = _tables()
_JSON_U = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
_JSON_CHAR = re.compile(r"\\[nrtbf/\"\\]")
_TAG = re.compile(r"<[^<>]{0,300}>")
_SEPARATORS_IN_NUMBER = re.compile(r"(?<=[0-9])(?:[^\w]|_){1,4}(?=[0-9])")
_LETTER_FOR_DIGIT = re.compile(r"(?<=[0-9])[OoIl]+(?=[0-9])|(?<![A-Za-z])[Il](?=[0-9]{3})|(?<=[0-9]{3})[Oo](?![A-Za-z])")
_LATIN_PHRASE = re.compile(r"[a-z]+(?:[\s\-‐‑–—·•・.'’_0-9]+[a-z]+)*")


def _json_u(m: re.Match) -> str:
    if m.group(3) is None:
        return chr(0x10000 + ((int(m.group(1), 16) - 0xD800) << 10) + (int(m.group(2), 16) - 0xDC00))
    code = int(m.group(3), 16)
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def decoded(text: str) -> str:
    """What a reader sees: escapes decoded, NFKC, invisible characters gone."""
    text = _JSON_U.sub(_json_u, text)
    text = _JSON_CHAR.sub(" ", text)
    text = html.unescape(html.unescape(text))
    text = urllib.parse.unquote(text)
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_DROP_INVISIBLE)


def compact(text: str) -> str:
    """Letters and digits only, simplified, lower case."""
    return _T2S.convert(unicodedata.normalize("NFKC", text).translate(_DROP_INVISIBLE).translate(COMPACT))


def digit_view(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DROP_INVISIBLE).translate(DIGITS)
    text = _LETTER_FOR_DIGIT.sub(lambda m: "".join("0" if c in "Oo" else "1" for c in m.group()), text)
    for _ in range(3):
        text = _SEPARATORS_IN_NUMBER.sub("", text)
    return text


def latin_view(text: str) -> str:
    """Latin phrases (words joined by spaces, hyphens, dots, tone digits) as letters only."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
                    if not unicodedata.combining(c)).lower()
    return "|".join(re.sub(r"[^a-z]", "", m.group()) for m in _LATIN_PHRASE.finditer(plain))


def reader_views(raw: str) -> dict[str, str]:
    """The views a needle of each kind is looked for in."""
    seen = decoded(raw)
    untagged = _TAG.sub("", decoded(_TAG.sub("", raw)))  # real tags, then printed ones
    both = seen + "\x00" + untagged
    return {"compact": compact(seen) + "\x00" + compact(untagged), "digits": digit_view(both), "latin": latin_view(both)}


def needle(kind: str, value: str) -> str:
    return {"compact": compact, "digits": lambda v: re.sub(r"[^0-9x]", "", digit_view(v).lower()),
            "latin": lambda v: re.sub(r"[^a-z]", "", latin_view(v))}[kind](value)


def file_texts(path: Path) -> list[str]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    texts = [data.decode("utf-8", "replace")]
    if "gb2312" in path.name.lower() or "gbk" in path.name.lower():
        texts.append(data.decode("gbk", "replace"))
    return texts


# --- Attacks -------------------------------------------------------------------------


@dataclass
class Secret:
    kind: str  # compact | digits | latin | pieces | message (looked for, as it is, in a refusal's message only)
    value: str  # as the reader's view spells it (see `needle`), or pieces "3761 2045"
    label: str
    own: bool = False  # looked for only in the attack's own case outputs (a given name)


@dataclass
class Attack:
    name: str
    group: str
    files: dict[str, dict]  # file name -> case; the first is the attack's own case
    secrets: list[Secret] = field(default_factory=list)
    keep: list[tuple[str, str]] = field(default_factory=list)  # (case id, word) visible on that case's page
    expect: str = "safe"  # safe: (a) or (b); refuse: a validation message; publish: must build
    refuse_field: str = ""  # the field a refusal must name
    shown_as: dict[str, str] = field(default_factory=dict)  # file name -> as a message must name it (masked)

    @property
    def ids(self) -> list[str]:
        return [c["id"] for c in self.files.values()]

    @property
    def names(self) -> list[str]:
        """The file names as a refusal names them: a name holding a private number masked."""
        return [self.shown_as.get(name, name) for name in self.files]


_SEQ = itertools.count(1)


def new_id(prefix: str = "RT") -> str:
    return f"{prefix}-{next(_SEQ):04d}"


def mobile(k: int) -> str:
    number = f"15{k % 1000:03d}{(k * 7919 + 123457) % 1000000:06d}"
    assert not number.endswith(("6381234", "6520119"))
    return number


def landline(k: int) -> str:
    return f"7{k % 1000:03d}{(k * 31 + 517) % 1000:03d}"


def id_number(k: int) -> str:
    body = f"411502{1960 + k % 40}{1 + k % 12:02d}{1 + k % 28:02d}{k % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=False)) % 11]


def luhn_card(k: int) -> str:
    body = f"622202{k:012d}"
    for check in "0123456789":
        digits = body + check
        total = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError


NUMBERS = itertools.count(11)

SURNAMES = "何张陈刘杨赵吴孙郑冯许邓韩苏卢叶钟谭陆汤萧贺顾龚邹熊蒋沈魏薛"
GIVENS = ("丽华 丽娟 丽萍 丽云 凤兰 红梅 秀凤 玉兰 淑贤 宝荣 金龙 爱莲 海涛 志刚 晓辉 国栋 伟东 庆丰 继红 学军 卫东 德胜 "
          "桂兰 凤霞 晓红 丽霞 艳红 秀云 瑞芝 佩珊 婉婷 嘉怡 俊辉 锦涛 绍辉 铭轩 梓涵 雅琳 晨曦 慧敏 泽楷 宇航 "
          "欣怡 浩然 子豪 诗涵 雨桐 思源 博文 家豪 凯文 丹阳 若曦 静怡 乐瑶 书瑶 昊天 睿哲 "
          "靖雯 婧琪 瀚文 煜祺 懿轩 烨磊 鹏涛 炎彬 鹤轩 越彬 风华 靖琪 明辉 伟诚 明轩 健柏 修杰 志泽 弘文 峻熙").split()
_NAMES = iter(s + g for s, g in zip(itertools.cycle(SURNAMES), GIVENS))


def fresh_name() -> str:
    return next(_NAMES)


def pinyin_of(chars: str, style=Style.NORMAL) -> list[str]:
    return [p[0] for p in pinyin(chars, style=style)]


def name_secrets(name: str) -> list[Secret]:
    """A Chinese name: whole everywhere, given name in its own case, pinyin whole everywhere."""
    given = name[1:]
    py = pinyin_of(name)
    return [Secret("compact", compact(name), "name"), Secret("compact", compact(given), "given name", own=True),
            Secret("latin", "".join(py), "name in pinyin"), Secret("latin", "".join(py[1:] + py[:1]), "name in pinyin, given first"),
            Secret("latin", "".join(py[1:]), "given name in pinyin", own=True)]


def number_secrets(number: str) -> list[Secret]:
    return [Secret("digits", re.sub(r"[^0-9x]", "", number.lower()), "number")]


def published(case_id: str, caller: dict | None, complaint: str, **changes) -> dict:
    case = make_case(id=case_id, complaint=complaint, **changes)
    if caller is None:
        case.pop("caller")
    else:
        case["caller"] = caller
    return case


def planted_case(case_id: str, caller: dict, spelling: str, where: tuple[str, ...] = ("complaint", "action", "comment"),
                 lead: str = "来电人", tail: str = "反映小区路灯不亮，夜间出行不便。") -> dict:
    text = f"{lead}{spelling}{tail}"
    case = published(case_id, caller, text if "complaint" in where else "小区路灯不亮，夜间出行不便，请求尽快维修。")
    if "action" in where:
        case["handling"][0]["action"] = f"经核实，{spelling}所述属实，已安排维修。"
    if "comment" in where:
        case["followup"]["comment"] = f"回访时{spelling}表示满意"
    return case


NAME_KEEP = ["路灯不亮", "夜间出行不便"]


def name_attack(label: str, spell, gender: str = "female", where=("complaint", "action", "comment"),
                headline=None, expect="safe", extra: dict | None = None) -> Attack:
    name = fresh_name()
    case_id = new_id("NM")
    spelling = spell(name)
    case = planted_case(case_id, {"name": name, "gender": gender}, spelling, where)
    if headline:
        case["headline"] = headline(name)
    for key, value in (extra or {}).items():
        case[key] = value(name) if callable(value) else value
    secrets = name_secrets(name)
    if spelling != "其他":
        secrets.append(Secret("compact", compact(spelling), "the spelling planted"))
    if re.search(r"[A-Za-z]", re.sub(r"</?[A-Za-z]+\s*/?>", "", spelling)):  # a tag's letters are no secret
        secrets.append(Secret("latin", needle("latin", spelling), "the spelling planted, in Latin letters"))
    keep = [(case_id, w) for w in NAME_KEEP] if "complaint" in where else []
    return Attack(f"name-{label}", "names", {f"{case_id}.yaml": case}, secrets, keep, expect)


def tr(s: str) -> str:
    return _S2T.convert(s)


# CJK compatibility ideographs (U+F900–U+FAFF) by the character NFKC makes of them.
COMPAT = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xF900, 0xFB00)
          if unicodedata.normalize("NFKC", chr(c)) != chr(c)}


def py_words(name: str, style=Style.NORMAL) -> tuple[str, str]:
    p = pinyin_of(name, style)
    return p[0], "".join(p[1:])


# How a clerk may write the caller's name (the function gets the name in simplified characters).
NAME_SPELLINGS = {
    "simplified": lambda n: n,
    "traditional": tr,
    "mixed-traditional-given": lambda n: n[0] + tr(n[1]) + n[2],
    "mixed-traditional-surname": lambda n: tr(n[0]) + n[1:],
    "compatibility-ideographs": lambda n: "".join(COMPAT.get(c, c) for c in tr(n)),
    "given-name-alone": lambda n: n[1:],
    "given-name-traditional": lambda n: tr(n[1:]),
    "pinyin-capitalised": lambda n: "{} {}".format(*py_words(n)).title(),
    "pinyin-upper-hyphen": lambda n: (lambda p: f"{p[0]} {p[1]}-{p[2]}".upper())(pinyin_of(n)),
    "pinyin-tone-marks": lambda n: "{} {}".format(*py_words(n, Style.TONE)).title(),
    "pinyin-given-first": lambda n: "{1} {0}".format(*py_words(n)),
    "pinyin-given-only": lambda n: py_words(n)[1].title(),
    "pinyin-tone-numbers": lambda n: "{} {}".format(*py_words(n, Style.TONE3)).title(),
    "pinyin-camel": lambda n: "".join(p.title() for p in pinyin_of(n)),
    "pinyin-underscores": lambda n: "_".join(pinyin_of(n)),
    "pinyin-full-width": lambda n: unicodedata.normalize("NFKC", "{} {}".format(*py_words(n)).title()).translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
    "pinyin-spaced-letters": lambda n: " ".join("".join(pinyin_of(n))),
    "pinyin-syllables": lambda n: " ".join(p.title() for p in pinyin_of(n)),
    "pinyin-nbsp": lambda n: "{}\u00a0{}".format(*py_words(n)).title(),
    "pinyin-middle-dot": lambda n: "{}·{}".format(*py_words(n)).title(),
    "sep-star": lambda n: n[:2] + "*" + n[2:],
    "sep-braille-blank": lambda n: n[0] + "\u2800" + n[1:],
    "sep-hangul-filler": lambda n: n[0] + "\u3164" + n[1:],
    "sep-hangul-choseong-filler": lambda n: n[0] + "\u115f" + n[1:],
    "sep-brackets": lambda n: f"【{n[0]}】{n[1:]}",
    "sep-quotes": lambda n: "".join(f"“{c}”" for c in n),
}
# The name with a separator between every two characters, visible or not.
NAME_SEPARATORS = {
    "sep-dunhao": "、",
    "sep-dot": ".",
    "sep-space": " ",
    "sep-ideographic-space": "\u3000",
    "sep-zero-width-joiner": "\u200d",
    "sep-soft-hyphen": "\u00ad",
    "sep-variation-selector": "\ufe0f",
    "sep-ideographic-variation-selector": "\U000e0100",
    "sep-hyphen": "-",
    "sep-middle-dot": "·",
    "sep-slash": "/",
    "sep-pipe": "|",
    "sep-emoji": "😀",
    "sep-full-width-comma": "，",
    "sep-hangul-araea": "ㆍ",
    "sep-sinological-dot": "ꞏ",
    "sep-katakana-long-mark": "ー",
    "sep-cjk-stroke": "丨",
    "sep-latin-click": "ǀ",
}
NAME_SPELLINGS |= {label: (lambda n, sep=sep: sep.join(n)) for label, sep in NAME_SEPARATORS.items()}
NAME_ATTACKS = [
    *(name_attack(label, spell) for label, spell in NAME_SPELLINGS.items()),
    name_attack("line-break", lambda n: n[:2] + "\n" + n[2:], where=("complaint",)),
    name_attack("tag-bold", lambda n: "<b></b>".join(n), where=("complaint",)),
    name_attack("tag-br", lambda n: n[:2] + "<br/>" + n[2:], where=("complaint",)),
    name_attack("tag-span", lambda n: n[0] + "<span>" + n[1:] + "</span>", where=("complaint",)),
    name_attack("html-entity", lambda n: n[:1] + f"&#{ord(n[1])};" + n[2:], where=("complaint",)),
    name_attack("url-escape", lambda n: n[:1] + urllib.parse.quote(n[1]) + n[2:], where=("complaint",)),
    name_attack("json-escape", lambda n: n[:1] + f"\\u{ord(n[1]):04x}" + n[2:], where=("complaint",)),
    name_attack("headline-split", lambda n: "其他", where=("complaint",),
                headline=lambda n: [f"反映{n[:2]}", f"{n[2:]}家门前停水"]),
    name_attack("in-headline", lambda n: "其他", where=("complaint",), headline=lambda n: [f"{n}家门前停水", "及时维修"]),
    # The headline reaches the LED ticker (also in GB2312).
    name_attack("in-headline-full-width-commas", lambda n: "其他", where=("complaint",),
                headline=lambda n: [f"{'，'.join(n)}家门前停水", "及时维修"]),
    name_attack("in-headline-cjk-stroke", lambda n: "其他", where=("complaint",),
                headline=lambda n: [f"{'丨'.join(n)}家门前停水", "及时维修"]),
    name_attack("in-reporter", lambda n: "其他", where=("complaint",), extra={"reporter": lambda n: n}),
    name_attack("in-caller-role", lambda n: "其他", where=("complaint",), extra={"caller_role": lambda n: f"{n}的邻居"}),
    name_attack("in-area", lambda n: "其他", where=("complaint",),
                extra={"place": lambda n: {"district": "浉河区", "area": f"{tr(n)}家门前"}}),
]


def _special(name: str, callers_list: list[dict] | dict, text: str, public: list[str], secrets: list[Secret],
             expect="safe", keep=(), **changes) -> Attack:
    case_id = new_id("SP")
    key = "callers" if isinstance(callers_list, list) else "caller"
    case = published(case_id, None, text, **changes)
    case[key] = callers_list
    case["handling"][0]["action"] = f"经核实，{text}"
    keep = [(case_id, w) for w in public] + [(case_id, w) for w in keep]
    return Attack(name, "names-special", {f"{case_id}.yaml": case}, secrets, keep, expect)


def _plain(value: str, label: str, own=False) -> Secret:
    return Secret("compact", compact(value), label, own)


SPECIAL_NAME_ATTACKS = [
    _special("minority-dotted-name", {"name": "阿依古丽·买买提", "gender": "female"},
             "阿依古丽·买买提反映，阿依古丽说买买提家门前路灯不亮。",
             ["某女士", "路灯不亮"], [_plain("阿依古丽", "part of the name"), _plain("买买提", "part of the name", own=True)]),
    # 阿 reads a or e, 古 gu or ku (pypinyin heteronyms): every reading a reader may write must go.
    _special("minority-name-pinyin-every-reading", {"name": "阿依古丽·买买提", "gender": "female"},
             "来电人反映路灯不亮。她自称 Ayiguli Maimaiti，又写作 Eyiguli Maimaiti、Ayikuli Maimaiti、Eyikuli Maimaiti。",
             ["某女士", "路灯不亮"], [Secret("latin", p, f"part in pinyin {p}") for p in ("ayiguli", "eyiguli", "ayikuli", "eyikuli")]),
    _special("minority-name-public-form-is-neutral", {"name": "买买提·艾力", "gender": "male"},
             "来电人反映家门前路灯不亮。", ["某先生"], [Secret("compact", compact("买先生"), "a part used as surname")]),
    _special("compound-surname", {"name": "欧阳娜娜", "gender": "female"},
             "欧阳娜娜反映，娜娜家门前路灯不亮。", ["欧阳女士", "路灯不亮"], [_plain("欧阳娜娜", "name"), _plain("娜娜", "given", own=True)]),
    _special("not-a-compound-surname", {"name": "吴铭华", "gender": "female"},
             "吴铭华反映家门前路灯不亮。", ["吴女士"], [_plain("吴铭华", "name"), _plain("吴铭女士", "wrong surname"),
                                                       _plain("铭华", "given", own=True)]),
    _special("compound-surname-sima", {"name": "司马光明", "gender": "male"},
             "司马光明反映家门前路灯不亮。", ["司马先生"], [_plain("司马光明", "name"), _plain("司先生", "wrong surname")]),
    _special("traditional-caller-name", {"name": "鄭國棟", "gender": "male"},
             "郑国栋反映家门前路灯不亮，国栋说已经一个月了。Zheng Guodong 请求维修。",
             ["先生", "路灯不亮"], [_plain("郑国栋", "name"), _plain("国栋", "given", own=True), Secret("latin", "zhengguodong", "pinyin")]),
    _special("callers-list", [{"name": "冯秀云", "gender": "female", "phone": "13912340001"},
                              {"name": "邓俊辉", "gender": "male", "phone": "13912340002", "address": "浉河区枫林苑小区7号楼3单元602室"}],
             "冯秀云和邓俊辉反映家门前路灯不亮，联系电话13912340001、139 1234 0002，住枫林苑小区7号楼3单元602室。",
             ["冯女士、邓先生", "路灯不亮"], [_plain("冯秀云", "first caller"), _plain("邓俊辉", "second caller"),
                                                Secret("digits", "13912340001", "first phone"), Secret("digits", "13912340002", "second phone"),
                                                _plain("7号楼3单元602", "second caller's address")]),
    _special("callers-list-given-names", [{"name": "蒋雨桐", "gender": "female"}, {"name": "沈昊天", "gender": "male"}],
             "蒋雨桐与沈昊天反映路灯不亮，雨桐说晚上看不见，昊天也这样说。",
             ["蒋女士、沈先生"], [_plain("雨桐", "first caller's given name", own=True), _plain("昊天", "second caller's given name", own=True)]),
    _special("caller-extra-key-person", {"name": "钟梓涵", "gender": "female", "spouse": "袁浩然"},
             "钟梓涵反映路灯不亮，丈夫袁浩然（Yuan Haoran）多次来电。", ["钟女士", "路灯不亮"],
             [_plain("袁浩然", "spouse under caller"), Secret("latin", "yuanhaoran", "spouse in pinyin")]),
    _special("caller-name-in-latin-letters", {"name": "Mary Smith", "gender": "female"},
             "Mary Smith 反映路灯不亮，SMITH Mary 说已经一个月了，mary-smith 请求维修。", ["某女士", "路灯不亮"],
             [Secret("latin", "marysmith", "name"), Secret("latin", "smithmary", "name reversed")]),
    _special("caller-gender-unknown", {"name": "俞淑贤"}, "俞淑贤反映路灯不亮，淑贤说已经一个月了。", ["俞某", "路灯不亮"],
             [_plain("俞淑贤", "name"), _plain("淑贤", "given", own=True)]),
    _special("redact-number-spaced", {"name": "倪宇航", "gender": "male", "phone": "13912340077"},
             "倪宇航反映邻居（电话139 1234 0088）噪音扰民。", ["倪先生", "噪音扰民"], [Secret("digits", "13912340088", "redact number")],
             redact=["13912340088"]),
    _special("ayiguli-maimaiti-in-parts-other-separators", {"name": "阿依古丽·买买提", "gender": "female"},
             "阿依古丽买买提反映，阿依古丽•买买提与阿依古丽.买买提是同一人。", ["某女士"],
             [_plain("阿依古丽买买提", "whole name"), _plain("阿依古丽", "part")]),
]


# --- Numbers -----------------------------------------------------------------------

def _spaced(m: str, sep: str) -> str:
    return sep.join((m[:3], m[3:7], m[7:]))


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_CN = str.maketrans("0123456789", "零一二三四五六七八九")


def _script(m: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in m)


PHONE_SPELLINGS = {
    "plain": lambda m: m,
    "spaces": lambda m: _spaced(m, " "),
    "hyphens": lambda m: _spaced(m, "-"),
    "space-hyphen-space": lambda m: _spaced(m, " - "),
    "four-spaces": lambda m: _spaced(m, "    "),
    "space-double-hyphen-space": lambda m: _spaced(m, " -- "),
    "tab-and-newline": lambda m: f"{m[:3]}\t{m[3:7]}\n{m[7:]}",
    "commas": lambda m: _spaced(m, ","),
    "full-width-commas": lambda m: _spaced(m, "，"),
    "dunhao": lambda m: _spaced(m, "、"),
    "tilde": lambda m: _spaced(m, "~"),
    "wave-dash": lambda m: _spaced(m, "〜"),
    "star": lambda m: _spaced(m, "*"),
    "colon": lambda m: _spaced(m, ":"),
    "hyphenation-point": lambda m: _spaced(m, "‧"),
    "bullet-operator": lambda m: _spaced(m, "∙"),
    "middle-dot": lambda m: _spaced(m, "·"),
    "katakana-middle-dot": lambda m: _spaced(m, "・"),
    "slash": lambda m: _spaced(m, "/"),
    "underscore": lambda m: _spaced(m, "_"),
    "dots": lambda m: _spaced(m, "."),
    "pipes": lambda m: _spaced(m, "|"),
    "minus-sign": lambda m: _spaced(m, "−"),
    "figure-dash": lambda m: _spaced(m, "‒"),
    "small-hyphen": lambda m: _spaced(m, "﹣"),
    "em-dash": lambda m: _spaced(m, "—"),
    "equals": lambda m: _spaced(m, "="),
    "parentheses": lambda m: f"({m[:3]}){m[3:7]}-{m[7:]}",
    "full-width-parentheses": lambda m: f"（{m[:3]}）{m[3:7]}-{m[7:]}",
    "nbsp": lambda m: _spaced(m, "\u00a0"),
    "ideographic-space": lambda m: _spaced(m, "\u3000"),
    "chinese-numerals": lambda m: m.translate(_CN),
    "chinese-ling-circle": lambda m: m.translate(_CN).replace("零", "〇"),
    "yao-and-liang": lambda m: m.translate(_CN).replace("一", "幺").replace("二", "两"),
    "mixed-digits-and-numerals": lambda m: m[:3] + m[3:7].translate(_CN) + m[7:],
    "financial-numerals": lambda m: m.translate(str.maketrans("0123456789", "零壹贰叁肆伍陆柒捌玖")),
    "chinese-numerals-spaced": lambda m: " ".join(m.translate(_CN)),
    "chinese-numerals-grouped": lambda m: _spaced(m.translate(_CN), " "),
    "full-width-digits": lambda m: m.translate(_FULL),
    "circled-digits": lambda m: "".join("⓪" if d == "0" else chr(0x2460 + int(d) - 1) for d in m),
    "negative-circled-digits": lambda m: "".join("⓿" if d == "0" else chr(0x2776 + int(d) - 1) for d in m),
    "superscript-digits": lambda m: m.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")),
    "arabic-indic-digits": lambda m: _script(m, 0x660),
    "extended-arabic-indic-digits": lambda m: _script(m, 0x6F0),
    "devanagari-digits": lambda m: _script(m, 0x966),
    "math-bold-digits": lambda m: _script(m, 0x1D7CE),
    "letters-O-and-l-inside": lambda m: m[:1] + m[1:].replace("0", "O").replace("1", "l"),
    "letters-O-and-l-everywhere": lambda m: m[:1].replace("1", "l") + m[1:].replace("0", "O").replace("1", "l"),
    "letter-I-spaced": lambda m: _spaced(m.replace("1", "I").replace("0", "O"), " "),
    "plus86": lambda m: "+86 " + _spaced(m, " "),
    "full-width-plus86": lambda m: "＋86" + m,
    "0086": lambda m: "0086" + m,
    "plus86-in-parentheses": lambda m: "(+86)" + m,
    "pieces": lambda m: f"前三位{m[:3]}，中间{m[3:7]}，尾号{m[7:]}",
    "pieces-other-words": lambda m: f"号码{m[:3]}开头，接着是{m[3:7]}，最后四位{m[7:]}",
}
DECLARED_ONLY = {
    "cut-last-digit": lambda m: m[:-1],
    "cut-first-digit": lambda m: m[1:],
}

NUMBER_LEAD, NUMBER_TAIL = "反映人留下联系方式", "，希望尽快处理小区路灯不亮的问题。"
NUMBER_KEEP = ["联系方式", "尽快处理", "路灯不亮"]


def number_attack(group: str, label: str, number: str, spelling: str, caller_extra: dict | None,
                  secrets: list[Secret] | None = None, keep=None, expect="safe") -> Attack:
    case_id = new_id(group[:2].upper())
    caller = {"name": "孙晓梅", "gender": "female", **(caller_extra or {})}
    case = planted_case(case_id, caller, spelling, lead=NUMBER_LEAD, tail=NUMBER_TAIL)
    secrets = list(secrets if secrets is not None else number_secrets(number))
    digits = needle("digits", spelling)
    if len(digits) >= 7 and secrets and secrets[0].kind == "digits":
        secrets.append(Secret("digits", digits, "the spelling planted, read as digits"))
    if group.endswith("pieces") or "pieces" in label:
        secrets = [Secret("pieces", f"{number[3:7]} {number[7:]}", "the pieces of the number", own=True)]
    keep = [(case_id, w) for w in (keep or NUMBER_KEEP)]
    return Attack(f"{group}-{label}", group, {f"{case_id}.yaml": case}, secrets, keep, expect)


def phone_attacks(declared: bool) -> list[Attack]:
    out = []
    spellings = {**PHONE_SPELLINGS, **(DECLARED_ONLY if declared else {})}
    for label, spell in spellings.items():
        m = mobile(next(NUMBERS))
        extra = {"phone": m} if declared else None
        out.append(number_attack("phone-declared" if declared else "phone-undeclared", label, m, spell(m), extra))
    return out


def _declared(group, label, number, spelling, key="phone", secrets=None, value=None, keep=None, expect="safe"):
    return number_attack(group, label, number, spelling, {key: value if value is not None else number}, secrets, keep, expect)


def _undeclared(group, label, number, spelling, secrets=None, keep=None, expect="safe"):
    return number_attack(group, label, number, spelling, None, secrets, keep, expect)


def other_number_attacks() -> list[Attack]:
    out = []
    g = "numbers"
    # Several numbers in caller.phone: each private on its own.
    for label, joined in {"slash": "{m} / {fixed}", "dunhao": "{m}、{fixed}", "or": "{m}或{fixed}", "space": "{m} {fixed}",
                          "newline": "{m}\n{fixed}", "labels": "手机{m} 座机{fixed}", "semicolon": "{m}；{fixed}"}.items():
        m, fixed = mobile(next(NUMBERS)), landline(next(NUMBERS))
        out.append(_declared(g, f"several-phones-{label}-landline-alone", fixed, fixed, value=joined.format(m=m, fixed=fixed)))
    m, fixed = mobile(next(NUMBERS)), landline(next(NUMBERS))
    out.append(_declared(g, "landline-with-area-code-declared-written-without", fixed, fixed, value=f"0376-{fixed}"))
    fixed = landline(next(NUMBERS))
    out.append(_declared(g, "landline-declared-written-with-area-code", fixed, f"0376-{fixed}"))
    fixed = landline(next(NUMBERS))
    out.append(_declared(g, "landline-with-extension-declared-written-alone", fixed, fixed, value=f"0376-{fixed}转801"))
    fixed = landline(next(NUMBERS))
    out.append(_declared(g, "landline-chinese-numerals", fixed, fixed.translate(_CN)))
    fixed = landline(next(NUMBERS))
    out.append(_undeclared(g, "undeclared-landline-with-area-code", fixed, f"0376-{fixed}"))
    fixed = landline(next(NUMBERS))
    out.append(_undeclared(g, "undeclared-landline-area-code-in-parentheses", fixed, f"（0376）{fixed}"))
    # In the headline, which also reaches the LED ticker (GB2312 too).
    m = mobile(next(NUMBERS))
    circled = PHONE_SPELLINGS["circled-digits"](m)
    attack = _declared(g, "declared-phone-circled-in-headline", m, circled)
    next(iter(attack.files.values()))["headline"] = [f"请回电{circled}", "及时维修"]
    out.append(attack)
    # A mobile that merely ends with a department's public number is private.
    m = "135" + "0" + "6381234"
    out.append(_undeclared(g, "undeclared-mobile-ending-with-department-phone", m, m))
    m2 = "137" + "0" + "6520119"
    out.append(_declared(g, "declared-mobile-ending-with-department-phone", m2, _spaced(m2, " ")))
    # Department phones stay published, with or without area code.
    out.append(_undeclared(g, "department-phone-stays", "", "市城管执法局电话6381234", secrets=[], keep=["电话6381234"]))
    out.append(_undeclared(g, "department-phone-with-area-code-stays", "", "市公安局0376-6520119", secrets=[],
                           keep=["市公安局0376-6520119"]))
    out.append(_undeclared(g, "department-phones-listed-stay", "", "市城管执法局6381234、市公安局6520119", secrets=[],
                           keep=["市城管执法局6381234、市公安局6520119"]))
    out.append(_undeclared(g, "department-phones-listed-with-area-code-stay", "", "6381234、0376-6520119", secrets=[],
                           keep=["6381234、0376-6520119"]))
    # caller.phone that YAML reads as a number other than the one meant.
    m = mobile(next(NUMBERS))
    out.append(_declared(g, "declared-phone-yaml-float-written-with-wide-gaps", m, _spaced(m, "    "), value=float(m)))
    # ID numbers.
    for label, spell in {"plain": lambda i: i, "lower-x": lambda i: i.lower(), "groups-6-8-4": lambda i: f"{i[:6]} {i[6:14]} {i[14:]}",
                         "dots": lambda i: f"{i[:6]}.{i[6:14]}.{i[14:]}", "groups-of-4": lambda i: " ".join(i[k:k + 4] for k in range(0, 18, 4)),
                         "four-spaces": lambda i: f"{i[:6]}    {i[6:14]}    {i[14:]}", "full-width": lambda i: i.translate(_FULL),
                         "chinese-numerals": lambda i: i.translate(_CN), "cut-17": lambda i: i[:17],
                         "hyphens": lambda i: f"{i[:6]}-{i[6:14]}-{i[14:]}"}.items():
        i = id_number(next(NUMBERS))
        out.append(_declared("id-declared", label, i, spell(i), key="id_number", secrets=number_secrets(i[:17])))
        i = id_number(next(NUMBERS))
        if label != "cut-17":
            out.append(_undeclared("id-undeclared", label, i, spell(i), secrets=number_secrets(i[:17])))
    i15 = f"41150287{next(NUMBERS) % 10}315{next(NUMBERS) % 1000:03d}"
    assert len(i15) == 15
    out.append(_undeclared("id-undeclared", "old-15-digits", i15, i15))
    i15 = f"41150287{next(NUMBERS) % 10}315{next(NUMBERS) % 1000:03d}"
    out.append(_undeclared("id-undeclared", "old-15-digits-spaced", i15, f"{i15[:6]} {i15[6:12]} {i15[12:]}"))
    # Bank cards.
    c = luhn_card(next(NUMBERS))
    out.append(_undeclared("card", "undeclared-groups-of-4", c, " ".join(c[k:k + 4] for k in range(0, 19, 4))))
    c = luhn_card(next(NUMBERS))
    out.append(_undeclared("card", "undeclared-hyphens", c, "-".join(c[k:k + 4] for k in range(0, 19, 4))))
    c = luhn_card(next(NUMBERS))
    bad = c[:-1] + str((int(c[-1]) + 1) % 10)
    out.append(_undeclared("card", "undeclared-failing-luhn", bad, bad))
    c = luhn_card(next(NUMBERS))
    out.append(_declared("card", "declared-bank-card-chinese-numerals", c, c.translate(_CN), key="bank_card"))
    # QQ numbers and WeChat ids.
    for label, form in {"qq-colon": "QQ号：{q}", "koukou": "扣扣号{q}", "qq-space": "QQ {q}", "qq-haoma-shi": "qq号码是{q}",
                        "qq-wei-colon": "QQ号码为：{q}", "qq-spaced-digits": "QQ号 {s}", "penguin": "企鹅号{q}",
                        "qq-chinese-numerals": "QQ：{c}", "q-hao": "Q号{q}"}.items():
        q = f"28{next(NUMBERS):03d}6591"
        spaced = f"{q[:3]} {q[3:6]} {q[6:]}"
        out.append(_undeclared("qq", label, q, form.format(q=q, s=spaced, c=q.translate(_CN))))
    q = f"28{next(NUMBERS):03d}6591"
    out.append(_declared("qq", "declared-qq-spaced", q, f"QQ号 {q[:3]} {q[3:6]} {q[6:]}", key="qq"))
    for label, form in {"wechat-id": "微信号：hlh_{k}x", "wechat-weixinhao-wei": "微信号为：hlh_{k}x", "vx": "VX hlh_{k}x"}.items():
        k = next(NUMBERS)
        out.append(_undeclared("wechat", label, "", form.format(k=k), secrets=[_plain(f"hlh{k}x", "wechat id")]))
    return out


def plate_attacks() -> list[Attack]:
    out = []
    spellings = {"plain": "豫S{n}", "space-after-province": "豫 S{n}", "space-after-letter": "豫S {n}",
                 "middle-dot": "豫S·{n}", "hyphen": "豫S-{n}", "chinese-numerals": "豫S{c}", "full-width": "豫Ｓ{f}",
                 "lower-case": "豫s{n}", "spaced-digits": "豫 S 1 {s}", "learner-plate": "豫S{n4}学",
                 "new-energy": "豫SD{n}", "without-province": "车牌号S{n}", "province-name": "河南S{n}"}
    for declared in (False, True):
        for label, form in spellings.items():
            n = f"{next(NUMBERS) % 90 + 10}8{next(NUMBERS) % 90 + 10}"  # five digits
            spelling = form.format(n=n, c=n.translate(_CN), f=n.translate(_FULL), s=" ".join(n[1:]), n4=n[:4])
            ident = n[:4] if label == "learner-plate" else n
            secrets = [_plain(f"s{ident}", "plate letter and number")]
            if label == "learner-plate":
                secrets = [_plain(f"豫s{ident}", "plate")]
            if label == "spaced-digits":
                secrets = [_plain(f"s1{n[1:]}", "plate")]
            if declared:
                plate = f"豫SD{n}" if label == "new-energy" else f"豫S{ident}" + ("学" if label == "learner-plate" else "")
                plate = f"豫S1{n[1:]}" if label == "spaced-digits" else plate
                a = number_attack("plate-declared", label, "", spelling, {"plate": plate}, secrets)
            else:
                a = number_attack("plate-undeclared", label, "", spelling, None, secrets)
            out.append(a)
    return out


def email_attacks() -> list[Attack]:
    out = []
    forms = {"plain": "{u}@qq.com", "at-dot-words": "{u} at qq dot com", "at-in-parentheses": "{u}(at)qq.com",
             "chinese-full-stop": "{u}@qq。com", "hash-for-at": "{u}#qq.com", "aite-dian": "{u}艾特qq点com",
             "brackets": "{u} [at] qq [dot] com", "upper-case-words": "{u} AT qq DOT com", "full-width-at": "{u}＠qq.com",
             "spaces-around": "{u} @ qq . com", "braces": "{u}{{at}}qq{{dot}}com", "quan-for-at": "{u}圈qq点com",
             "at-word-then-dot": "{u} at qq.com", "hash-hash": "{u}#qq#com", "a-in-parentheses": "{u}(a)qq.com",
             "xiaolaoshu": "{u}小老鼠qq点com", "full-width-dot": "{u}@qq．com"}
    for declared in (False, True):
        for label, form in forms.items():
            u = f"hlh{next(NUMBERS)}x"
            secrets = [_plain(u, "local part of the e-mail address")]
            extra = {"email": f"{u}@qq.com"} if declared else None
            out.append(number_attack("email-declared" if declared else "email-undeclared", label, "", form.format(u=u), extra, secrets))
    return out


def address_attacks() -> list[Attack]:
    out = []
    forms = {"building-unit-room": "{b}号楼{u}单元{r}室", "chinese-numerals": "{bc}号楼{uc}单元{rc}室",
             "hash-building": "{b}#楼{u}单元{r}", "dong": "{b}栋{u}单元{r}", "dashes": "{b}-{u}-{r}",
             "community-building": "枫林{k}小区{b}号楼", "room-only": "{r}室", "floor-room": "{f}楼{r}",
             "room-fang": "{r}房", "dong-men": "{b}幢{u}门{r}", "spaced": "{b}号楼 {u}单元 {r}室",
             "with-di": "第{bc}栋{u}单元{r}室", "building-ten-in-numerals": "十{bc}号楼{uc}单元{rc}室",
             "yard-row-number": "{b}号院{u}排{r2}号", "street-number": "民权{k}路{r2}号"}
    for declared in (False, True):
        for label, form in forms.items():
            k = next(NUMBERS)
            b, u, f = str(k % 8 + 2), str(k % 5 + 1), str(k % 7 + 2)
            r = f"{f}0{k % 9 + 1}"
            r2 = str(10 + k % 80)
            values = dict(b=b, u=u, r=r, r2=r2, f=f, k=k, bc=b.translate(_CN), uc=u.translate(_CN), rc=r.translate(_CN))
            spelling = form.format(**values)
            if label == "street-number":
                address, secret = f"浉河区民权{k}路{r2}号", f"民权{k}路{r2}号"
            elif label == "yard-row-number":
                address, secret = f"浉河区枫林{k}小区{b}号院{u}排{r2}号", f"{b}号院{u}排{r2}号"
            elif label == "building-ten-in-numerals":
                address, secret = f"浉河区枫林{k}小区1{b}号楼{u}单元{r}室", f"1{b}号楼{u}单元{r}"
            elif label == "community-building":
                address, secret = f"浉河区枫林{k}小区{b}号楼{u}单元{r}室", f"枫林{k}小区{b}号楼"
            elif label in ("room-only", "room-fang"):
                address, secret = f"浉河区枫林{k}小区{b}号楼{u}单元{r}室", f"{r}{'室' if label == 'room-only' else '房'}"
            elif label == "floor-room":
                address, secret = f"浉河区枫林{k}小区{b}号楼{u}单元{r}室", f"{f}楼{r}"
            else:
                address, secret = f"浉河区枫林{k}小区{b}号楼{u}单元{r}室", spelling
            secrets = [_plain(secret, "address part"), _plain(spelling, "the spelling planted")]
            unit = re.match(r".*?(?:单元|门)", spelling)
            if unit:  # a building and unit number without the room still place the caller
                secrets.append(_plain(unit.group(), "building and unit", own=True))
            building = re.match(r".*?(?:号楼|#楼|栋|幢)", spelling)
            if building and not spelling.startswith("枫林"):  # the pattern removes 3号楼 alone: so must 三号楼 go
                secrets.append(_plain(building.group(), "building number", own=True))
            extra = {"address": address} if declared else None
            if not declared and label in ("community-building", "street-number"):
                continue  # no number of a building or room: not private unless declared
            out.append(number_attack("address-declared" if declared else "address-undeclared", label, "", spelling, extra, secrets))
    # Employer abbreviations.
    for label, spelling in {"short-name": "宏达{k}商贸", "company": "宏达{k}公司", "city-short": "信阳宏达{k}"}.items():
        k = next(NUMBERS)
        out.append(number_attack("employer", label, "", spelling.format(k=k), {"employer": f"信阳市宏达{k}商贸有限公司"},
                                 [_plain(f"宏达{k}", "employer's own name")]))
    return out


# --- Readability (over-redaction) and public values ------------------------------------

def readability(name: str, caller: dict, text: str, keep: list[str], secrets=(), other_text: str | None = None,
                other_keep=(), expect="safe", category=None, department=None, extra=None) -> Attack:
    case_id = new_id("RD")
    case = published(case_id, caller, text)
    case["handling"][0]["action"] = "经核实，情况属实，已安排维修。"
    if category:
        case["category"] = category
    if department:
        case["handling"][0]["department"] = department
    for k, v in (extra or {}).items():
        case[k] = v
    files = {f"{case_id}.yaml": case}
    keeps = [(case_id, w) for w in keep]
    if other_text:
        other_id = new_id("RD")
        files[f"{other_id}.yaml"] = published(other_id, {"name": "魏嘉怡", "gender": "female"}, other_text)
        keeps += [(other_id, w) for w in other_keep]
    return Attack(f"readability-{name}", "readability", files, list(secrets), keeps, expect)


READABILITY_ATTACKS = [
    readability("given-name-jianguo-in-beilu", {"name": "张建国", "gender": "male"},
                "张建国反映建国北路路灯不亮，夜间出行不便。", ["建国北路", "张先生"]),
    readability("given-name-jianguo-in-jianguo-yilai", {"name": "张建国", "gender": "male"},
                "张建国反映，这条路建国以来从未翻修，请求维修。", ["建国以来", "张先生"]),
    readability("given-name-guoqing-in-guoqingjie", {"name": "李国庆", "gender": "male"},
                "李国庆反映国庆节期间小区停水。", ["国庆节期间", "李先生"]),
    readability("given-name-lihua-in-meili-huaxia", {"name": "何丽华", "gender": "female"},
                "何丽华反映，为建设美丽华夏，请清理小区垃圾。", ["美丽华夏", "何女士"]),
    readability("one-character-given-name", {"name": "张伟", "gender": "male"},
                "张伟反映，伟大的城市也有小问题。", ["伟大的城市", "张先生"]),
    readability("surname-he-in-ordinary-words", {"name": "何秀云", "gender": "female"},
                "何秀云反映，不知何时才能修好，如何处理请回复。", ["何时", "如何处理", "何女士"]),
    readability("short-redact-only-in-own-case", {"name": "许晨曦", "gender": "female"},
                "许晨曦反映老王家的狗夜间吠叫。", ["许女士"], secrets=[_plain("老王", "redact term", own=True)],
                other_text="老王师傅反映楼道灯坏了。", other_keep=["老王师傅"], extra={"redact": ["老王"]}),
    readability("given-name-only-in-own-case", {"name": "张建国", "gender": "male"},
                "张建国反映路灯不亮。", ["张先生"], other_text="市民反映建国北路路灯不亮。", other_keep=["建国北路"]),
    readability("department-phone-and-hotline-stay", {"name": "韩书瑶", "gender": "female"},
                "韩书瑶反映拨打12345和市城管执法局6381234后问题解决。", ["拨打12345", "市城管执法局6381234后"]),
    readability("plate-pattern-on-new-iphone", {"name": "谭乐瑶", "gender": "female"},
                "谭乐瑶反映在营业厅购买的新iPhone无法开机，新Windows电脑也无法联网。", ["新iPhone", "新Windows"]),
    readability("room-pattern-on-floor-area", {"name": "顾静怡", "gender": "female"},
                "顾静怡反映该商场5楼1000平方米的区域长期闲置，300房间的酒店噪音大。", ["5楼1000平方米", "300房间"]),
    readability("name-that-is-an-ordinary-word-wenming", {"name": "文明", "gender": "male"},
                "文明反映路灯不亮。", ["先生"], other_text="市民反映创建文明城市期间小区垃圾无人清运。",
                other_keep=["创建文明城市"], secrets=[_plain("文明反映", "name")]),
    readability("name-that-is-an-ordinary-word-anquan", {"name": "安全", "gender": "male"},
                "安全反映路灯不亮。", ["先生"], other_text="市民反映小区存在安全隐患。", other_keep=["安全隐患"]),
    readability("pinyin-name-guanli-vs-category-slug", {"name": "关丽", "gender": "female"},
                "关丽反映户口迁移手续办理缓慢。", ["关女士"], category="户籍管理", expect="publish",
                secrets=[_plain("关丽", "name")]),
    readability("pinyin-name-guanzhi-vs-department-slug", {"name": "管志", "gender": "male"},
                "管志反映路灯不亮。", ["管先生"], expect="publish"),
    readability("pinyin-name-shicheng-vs-department-slug", {"name": "石成", "gender": "male"},
                "石成反映路灯不亮。", ["石先生"], expect="publish"),
    readability("redact-third-party-in-pinyin", {"name": "熊佩珊", "gender": "female"},
                "熊佩珊反映邻居王建军（Wang Jianjun）私搭乱建。", ["熊女士", "私搭乱建"], extra={"redact": ["王建军"]},
                secrets=[_plain("王建军", "redact term"), Secret("latin", "wangjianjun", "redact term in pinyin")]),
    readability("redact-third-party-traditional", {"name": "熊婉婷", "gender": "female"},
                "熊婉婷反映邻居王建軍私搭乱建。", ["熊女士", "私搭乱建"], extra={"redact": ["王建军"]},
                secrets=[_plain("王建军", "redact term")]),
]


# --- Refusals: what the clerk must be told -------------------------------------------


NO_CALLER = object()  # the case has no `caller` key (it uses `callers`)


def refusal(name: str, field_name: str, caller: dict | str | object | None = None, secrets=(), text: str = "来电人反映路灯不亮。",
            expect="refuse", other_text=None, other_keep=(), case_id: str | None = None, shown_as=None, **changes) -> Attack:
    case_id = case_id or new_id("RF")
    case = published(case_id, {"name": "陆博文", "gender": "male"}, text, **changes)
    if caller is NO_CALLER:
        del case["caller"]
    elif caller is not None:
        case["caller"] = caller
    files: dict = {f"{case_id}.yaml": case}
    keeps = []
    if other_text:
        other_id = new_id("RF")
        files[f"{other_id}.yaml"] = published(other_id, {"name": "魏欣怡", "gender": "female"}, other_text)
        keeps = [(other_id, w) for w in other_keep]
    return Attack(f"refuse-{name}", "refuse", files, list(secrets), keeps, expect, field_name, shown_as or {})


def _caller(**kw) -> dict:
    return {"name": "陆博文", "gender": "male", **kw}


REFUSAL_ATTACKS = [
    refusal("age-45", "caller.age", _caller(age=45), text="来电人反映，45路公交车站的路灯不亮。", expect="refuse",
            other_text="市民反映45路公交车晚点。", other_keep=["45路公交车"]),
    refusal("floor-3", "caller.floor", _caller(floor=3), other_text="市民反映3楼楼道灯不亮。", other_keep=["3楼楼道灯"]),
    refusal("phone-wu", "caller.phone", _caller(phone="无")),
    refusal("address-buxiang", "caller.address", _caller(address="不详"), other_text="市民反映情况不详细。", other_keep=["不详细"]),
    refusal("phone-12345", "caller.phone", _caller(phone="12345")),
    refusal("phone-5-digits", "caller.phone", _caller(phone="62212")),
    refusal("redact-one-character", "redact", redact=["王"], secrets=[Secret("message", "“王”", "the one-character value whole")]),
    refusal("redact-wu", "redact", redact=["无"]),
    refusal("employer-department-name", "caller.employer", _caller(employer="市城管执法局")),
    refusal("employer-department-alias", "caller.employer", _caller(employer="市城管局")),
    refusal("redact-district-alias", "redact", redact=["浉河"]),
    refusal("redact-category", "redact", redact=["城市管理"]),
    refusal("redact-followup-word", "redact", redact=["基本满意"]),
    refusal("address-district", "caller.address", _caller(address="平桥区")),
    refusal("phone-department-phone", "caller.phone", _caller(phone="6381234")),
    refusal("phone-department-phone-with-area-code", "caller.phone", _caller(phone="0376-6381234")),
    refusal("phone-site-hotline-number", "caller.phone", _caller(phone="8912345")),
    refusal("address-site-city", "caller.address", _caller(address="信阳市")),
    refusal("employer-retired", "caller.employer", _caller(employer="退休"),
            other_text="退休职工反映养老金发放延迟。", other_keep=["退休职工"]),
    refusal("employer-jobless", "caller.employer", _caller(employer="无业"),
            other_text="市民反映无业游民聚集。", other_keep=["无业游民"]),
    refusal("occupation-farmer", "caller.occupation", _caller(occupation="农民"),
            other_text="农民工反映工资被拖欠。", other_keep=["农民工"]),
    refusal("employer-hospital", "caller.employer", _caller(employer="医院"),
            other_text="市民反映医院门口停车难。", other_keep=["医院门口"]),
    refusal("age-with-unit", "caller.age", _caller(age="45岁"), other_text="年满45岁的市民反映体检难。", other_keep=["年满45岁"]),
    refusal("age-in-chinese-numerals", "caller.age", _caller(age="四十五"),
            other_text="市民反映公交车要等四十五分钟。", other_keep=["四十五分钟"]),
    refusal("floor-with-unit", "caller.floor", _caller(floor="3楼"), other_text="市民反映3楼楼道灯不亮。", other_keep=["3楼楼道灯"]),
    refusal("address-buqingchu", "caller.address", _caller(address="不清楚"),
            other_text="市民反映停水原因不清楚。", other_keep=["原因不清楚"]),
    refusal("phone-weitigong", "caller.phone", _caller(phone="未提供"),
            other_text="市民反映物业未提供维修记录。", other_keep=["未提供维修记录"]),
    refusal("phone-weiliu", "caller.phone", _caller(phone="未留"), other_text="市民反映商家未留发票。", other_keep=["未留发票"]),
    # caller.name: one person's name and nothing else.
    *[refusal(f"name-{label}", "caller.name", _caller(name=name), secrets=[_plain("陆梓涵", "name")]) for label, name in {
        "with-nvshi": "陆梓涵女士", "with-bracket": "陆梓涵（女）", "two-names-dunhao": "陆梓涵、张三", "two-names-space": "陆梓涵 张三",
        "two-names-he": "陆梓涵和张三丰", "two-names-slash": "陆梓涵/张三", "with-deng": "陆梓涵等", "with-zhiqi": "陆梓涵之妻",
        "with-tongzhi": "陆梓涵同志", "with-shifu": "陆梓涵师傅", "with-digit": "陆梓涵1"}.items()],
    refusal("name-one-character", "caller.name", _caller(name="何")),
    refusal("name-nickname-laohe", "caller.name", _caller(name="老何"), text="来电人反映路灯不亮，老何说已经一个月了。"),
    refusal("name-xiaohe", "caller.name", _caller(name="小何")),
    refusal("name-niming", "caller.name", _caller(name="匿名"), other_text="市民匿名反映路灯不亮。", other_keep=["匿名反映"]),
    refusal("name-buxiang", "caller.name", _caller(name="不详"), other_text="市民反映情况不详。", other_keep=["情况不详"]),
    refusal("name-shimin", "caller.name", _caller(name="市民")),
    # A given name followed by a place character: cannot tell place from person.
    refusal("given-name-in-xiang", "complaint", {"name": "张建国", "gender": "male"}, text="张建国反映建国乡路灯不亮。",
            secrets=[_plain("建国乡", "place holding the given name")]),
    refusal("given-name-in-road", "complaint", {"name": "张建国", "gender": "male"}, text="张建国反映建国路路灯不亮。"),
    refusal("given-name-in-area", "place.area", {"name": "张建国", "gender": "male"},
            place={"district": "浉河区", "area": "建国村"}),
    refusal("given-name-in-headline", "headline", {"name": "张建国", "gender": "male"},
            headline=["建国镇路灯不亮", "及时维修"]),
    # Type errors must not print the private value.
    refusal("type-phone-list", "caller.phone", _caller(phone=[13837612045]), secrets=[Secret("digits", "13837612045", "phone")]),
    refusal("type-name-list", "caller.name", _caller(name=["陆梓涵", "张三丰"]), secrets=[_plain("陆梓涵", "name")]),
    refusal("type-address-mapping", "caller.address", _caller(address={"小区": "枫林苑", "楼": "7号楼3单元602室"}),
            secrets=[_plain("7号楼3单元602", "address")]),
    refusal("type-caller-string", "caller", "陆梓涵 13837612045",
            secrets=[_plain("陆梓涵", "name"), Secret("digits", "13837612045", "phone")]),
    refusal("type-redact-string", "redact", redact="王建军", secrets=[_plain("王建军", "redact term")]),
    refusal("type-callers-mapping", "callers", NO_CALLER, callers={"name": "陆梓涵", "phone": "13837612045"},
            secrets=[_plain("陆梓涵", "name"), Secret("digits", "13837612045", "phone")]),
    refusal("type-email-list", "caller.email", _caller(email=["hlh1987x@qq.com"]), expect="safe",
            secrets=[_plain("hlh1987x", "e-mail")]),
    # The case id (a URL) holding the caller's phone.
    # The file is named as the case: the message names it masked as the number is.
    refusal("case-id-holds-the-phone", "id", _caller(phone="13837612777"), expect="safe", case_id="XY-13837612777",
            secrets=[Secret("digits", "13837612777", "phone")], shown_as={"XY-13837612777.yaml": "XY-138****2777.yaml"}),
]


# --- Unpublished records -----------------------------------------------------------


def unpublished_attacks() -> list[Attack]:
    out = []
    variants = {
        "received": {"status": "received"},
        "assigned": {"status": "assigned"},
        "invalid": {"status": "invalid"},
        "resolved-publish-false": {"status": "resolved", "publish": False},
    }
    for label, change in variants.items():
        k = next(NUMBERS)
        case_id = f"SECRET{k}X"
        words = {"headline": f"狗咬人{k}号", "complaint": f"钱塘江大潮{k}次淹没了堤坝边的摊位，请求处理", "short": f"醉汉{k}骂人",
                 "action": f"雷峰塔倒塌{k}回已派人查看现场情况", "finding": f"情况诡异{k}", "comment": f"胡说八道{k}",
                 "area": f"神秘岛{k}村", "reporter": f"聂小倩{k}", "role": f"船工{k}"}
        case = make_case(id=case_id, caller={"name": "钟佩珊", "gender": "female", "phone": mobile(k)},
                         headline=[words["headline"]], complaint=words["complaint"] + "\n" + words["short"],
                         place={"district": "息县", "area": words["area"]}, reporter=words["reporter"],
                         caller_role=words["role"], **change)
        case["handling"][0].update(action=words["action"], finding=words["finding"])
        case["followup"]["comment"] = words["comment"]
        if change["status"] != "resolved":
            for key in ("resolved_at", "followup") if change["status"] == "assigned" else ("handling", "resolved_at", "followup"):
                case.pop(key)
        secrets = [_plain(w, f"unpublished {key}") for key, w in words.items()]
        secrets += [_plain(case_id, "unpublished case id"), Secret("digits", mobile(k), "unpublished caller's phone"),
                    _plain("钟佩珊", "unpublished caller's name")]
        # A published case that names the unpublished caller.
        pub_id = new_id("UP")
        pub = published(pub_id, {"name": "萧若曦", "gender": "female"}, "萧若曦反映邻居钟佩珊家门前路灯不亮。")
        out.append(Attack(f"unpublished-{label}", "unpublished", {f"{case_id}.yaml": case, f"{pub_id}.yaml": pub},
                          secrets, [(pub_id, "路灯不亮")]))
    return out


ALL_ATTACKS: list[Attack] = [
    *NAME_ATTACKS, *SPECIAL_NAME_ATTACKS, *phone_attacks(True), *phone_attacks(False), *other_number_attacks(),
    *plate_attacks(), *email_attacks(), *address_attacks(), *READABILITY_ATTACKS, *REFUSAL_ATTACKS, *unpublished_attacks(),
]
assert len({a.name for a in ALL_ATTACKS}) == len(ALL_ATTACKS), [a.name for a in ALL_ATTACKS]


# --- Building and reading sites ------------------------------------------------------


@dataclass
class Outcome:
    status: str  # built | refused (validation) | guard (output guard stopped) | crash
    message: str = ""
    out: Path | None = None
    hits: list[str] = field(default_factory=list)  # what the reader found
    pages: dict[str, str] = field(default_factory=dict)  # case id -> visible text of its page


def build_site(root: Path, files: dict[str, dict | str]) -> tuple[str, str, Path]:
    """(built | refused | guard | crash, the message, the output directory)."""
    try:
        out, message = build(root, files)
    except Exception:  # noqa: BLE001 - a traceback is a finding, reported as such
        return "crash", traceback.format_exc(), root
    if message is None:
        return "built", "", out
    return ("guard" if "隐私保护" in message else "refused"), message, out


def read_site(out: Path) -> tuple[dict[str, dict[str, str]], dict[str, set[str]], dict[str, str]]:
    """(views of every file and file name, own files of each case id, visible text of each case page)."""
    views, own, pages = {}, {}, {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        views[f"<file name> {rel}"] = reader_views(rel)
        if not path.is_file():
            continue
        texts = file_texts(path)
        views[rel] = reader_views("\n".join(texts))
        m = re.search(r'"url":"/cases/([^"/]+)\.html"', texts[0])
        if "pagefind" in rel and "fragment" in rel and m:
            own.setdefault(m.group(1), set()).add(rel)
        m = re.fullmatch(r"cases/(.+)\.html", rel)
        if m:
            pages[m.group(1)] = decoded(_TAG.sub(" ", texts[0]))
    for rel in list(views):
        m = re.fullmatch(r"(?:cases/(.+)\.html|open311/v2/requests/(.+)\.json)", rel)
        if m:
            own.setdefault(m.group(1) or m.group(2), set()).add(rel)
    return views, own, pages


def find_leaks(attacks: list[Attack], views: dict[str, dict[str, str]], own: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each attack, what of it the reader finds where: {name: ["label in N files, e.g. …"]}."""
    automata: dict[str, ahocorasick.Automaton] = {}
    pieces = []
    for attack in attacks:
        for secret in attack.secrets:
            if secret.kind == "pieces":
                pieces.append((attack, secret))
                continue
            if secret.kind == "message":
                continue
            if len(secret.value) < 2:
                continue
            automaton = automata.setdefault(secret.kind, ahocorasick.Automaton())
            entries = automaton.get(secret.value) if secret.value in automaton else []
            automaton.add_word(secret.value, entries + [(attack, secret)])
    for automaton in automata.values():
        automaton.make_automaton()
    leaks: dict[str, dict[str, set[str]]] = {}
    for rel, file_views in views.items():
        for kind, automaton in automata.items():
            for _, entries in automaton.iter(file_views[kind]):
                for attack, secret in entries:
                    if secret.own and rel not in own.get(attack.ids[0], set()):
                        continue
                    leaks.setdefault(attack.name, {}).setdefault(secret.label, set()).add(rel)
        for attack, secret in pieces:
            if rel in own.get(attack.ids[0], set()):
                a, b = secret.value.split()
                if re.search(rf"(?<![0-9]){a}(?![0-9]).{{0,20}}(?<![0-9]){b}(?![0-9])", file_views["digits"], re.S):
                    leaks.setdefault(attack.name, {}).setdefault(secret.label, set()).add(rel)
    return {name: [f"{label} in {len(files)} files, e.g. {', '.join(sorted(files)[:4])}" for label, files in sorted(found.items())]
            for name, found in leaks.items()}


def message_leaks(attack: Attack, message: str) -> list[str]:
    views = reader_views(message)
    found = []
    for secret in attack.secrets:
        if secret.kind == "message":
            if secret.value in message:
                found.append(f"message shows {secret.label}")
            continue
        if secret.kind == "pieces" or len(secret.value) < 2:
            continue
        if secret.value in views[secret.kind]:
            found.append(f"message shows {secret.label}")
    return found


class Lab:
    """Builds the attacks of a group together; a build that stops is built
    again without the attack it stopped on, so each attack gets a verdict."""

    def __init__(self, root: Path):
        self.root = root
        self.outcomes: dict[str, Outcome] = {}
        self.done: set[str] = set()

    def outcome(self, attack: Attack) -> Outcome:
        if attack.group not in self.done:
            self._run([a for a in ALL_ATTACKS if a.group == attack.group])
            self.done.add(attack.group)
        return self.outcomes[attack.name]

    def _run(self, pending: list[Attack]) -> None:
        while pending:
            files = {name: case for a in pending for name, case in a.files.items()}
            status, message, out = build_site(self.root, files)
            if status == "built":
                views, own, pages = read_site(out)
                leaks = find_leaks(pending, views, own)
                for a in pending:
                    self.outcomes[a.name] = Outcome("built", "", out, leaks.get(a.name, []), pages)
                return
            if status == "refused":
                lines = message.splitlines()
                named = {a.name: [line for line in lines if any(f in line for f in a.names)] for a in pending}
                stopped = [a for a in pending if named[a.name]]
                if stopped:
                    for a in stopped:
                        self.outcomes[a.name] = Outcome("refused", "\n".join(named[a.name]))
                    pending = [a for a in pending if not named[a.name]]
                    continue
            if status == "guard":
                m = re.search(r"含有案件 (\S+) 的", message)
                owner = next((a for a in pending if m and m.group(1) in a.ids), None)
                if owner is not None:
                    self.outcomes[owner.name] = Outcome("guard", message)
                    pending = [a for a in pending if a is not owner]
                    continue
            if len(pending) == 1:
                self.outcomes[pending[0].name] = Outcome(status, message)
                return
            half = len(pending) // 2
            self._run(pending[:half])
            pending = pending[half:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Lab:
    return Lab(tmp_path_factory.mktemp("attacks"))


def verdict(attack: Attack, outcome: Outcome) -> list[str]:
    """What is wrong with how the build met the attack: [] if nothing."""
    problems = []
    if outcome.status == "crash":
        return [f"traceback: {outcome.message.strip().splitlines()[-1]}"]
    if outcome.status in ("refused", "guard"):
        message = outcome.message
        if "Traceback" in message:
            problems.append("the message holds a traceback")
        problems += message_leaks(attack, message)
        if attack.expect == "publish":
            problems.append(f"refused a case it should publish: {message[:300]}")
        if attack.expect == "refuse" and outcome.status == "guard":
            problems.append(f"only the output guard stopped it (no advice for the clerk): {message[:300]}")
        if outcome.status == "refused":
            if not any(f in message for f in attack.names):
                problems.append(f"the message does not name the file: {message[:300]}")
            if attack.refuse_field and attack.refuse_field not in message:
                problems.append(f"the message does not name {attack.refuse_field}: {message[:300]}")
        return problems
    if attack.expect == "refuse":
        problems.append("published instead of refused")
    problems += [f"leak: {h}" for h in outcome.hits]
    for case_id, word in attack.keep:
        page = outcome.pages.get(case_id)
        if page is None:
            problems.append(f"no page for {case_id}")
        elif word not in page:
            problems.append(f"over-redaction: “{word}” is gone from {case_id}'s page")
    return problems


# --- Findings: attacks the build does not meet (xfail, strict) -------------------------

FINDINGS: dict[str, str] = {
    # Names
    # Phones and other numbers
    "employer-short-name": "leak: employer 信阳市宏达N商贸有限公司 written 宏达N商贸 published",
    "employer-company": "leak: employer written 宏达N公司 published",
    "employer-city-short": "leak: employer written 信阳宏达N published",
    # Readability
    # Refusals
}


def params():
    out = []
    for attack in ALL_ATTACKS:
        marks = [pytest.mark.xfail(strict=True, reason=FINDINGS[attack.name])] if attack.name in FINDINGS else []
        out.append(pytest.param(attack, id=attack.name, marks=marks))
    return out


@pytest.mark.parametrize("attack", params())
def test_privacy_attack(lab, attack):
    """One attack: refused clearly, or published with nothing of it and nothing ordinary lost."""
    outcome = lab.outcome(attack)
    problems = verdict(attack, outcome)
    assert not problems, f"{attack.name} ({outcome.status}): " + "; ".join(problems)


def test_the_reader_finds_what_it_looks_for():
    """The module's own reading of outputs finds planted values (it is the judge)."""
    page = ("<p>何&amp;#40599;華</p>\\u4f55\\u4e3d\\u534e %E4%BD%95%E4%B8%BD%E5%8D%8E 何ㆍ丽ㆍ华 "
            "一三八 三七六一 二零四五 ①③⑧③⑦⑥①②⓪④⑤ He2 Li4hua2")
    views = reader_views(page)
    assert views["compact"].count("何丽华") >= 4
    assert "13837612045" in views["digits"]
    assert views["digits"].count("13837612045") >= 2
    assert "helihua" in views["latin"]
    assert "何丽华" in reader_views("<h1><span>反映何丽</span> <span>华家</span></h1>")["compact"]
