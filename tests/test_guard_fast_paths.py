"""The guard's fast normalisation finds exactly what the plain one finds.

`hotline.guard._expand` normalises only the stretches of a text that
normalisation can change, decodes %-escapes with a regex and lowers ASCII
letters as bytes. The plain pipeline it replaces is written out here
(`reference_expand`); both must agree on every text, and every fast path
has a planted leak that it would miss if it skipped a step.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline import guard as guard_module
from hotline.guard import (
    _FULL_WIDTH, _INVISIBLE, _JSON_ESCAPE, _LOWER, _NUMBER_GROUP, _NUMBER_RUN, _SEPARATOR_CHARS, _SEPARATORS,
    _STABLE, _UNSTABLE_RUN, _WIDE_SEPARATOR, DEFAULT_IGNORABLE, Guard, LeakError, _decode_json_escape, _expand,
    normalise,
)
from hotline.private import NUMBER, PrivateValue

CASE = "XY-2013-000042"
PHONE = PrivateValue("138 3761 2045", CASE, "caller.phone", NUMBER)
ID_NUMBER = PrivateValue("41150219870315452X", CASE, "caller.id_number", NUMBER)
NAME = PrivateValue("何丽华", CASE, "caller.name")
FOREIGN_NAME = PrivateValue("Zoë Ångström", CASE, "caller.name")
HANGUL_NAME = PrivateValue("김민준", CASE, "caller.name")
EMAIL = PrivateValue("He.Lihua@Example.com", CASE, "caller.email")
VALUES = [PHONE, ID_NUMBER, NAME, FOREIGN_NAME, HANGUL_NAME, EMAIL]
# Page text that normalisation leaves as it is: the fast path folds only what
# is planted in it, and does not fall back to folding the whole text.
STABLE_TEXT = "市民反映小区近期经常停水。经核实，已安排维修，反映人表示满意。<p class=\"Case\">OK</p>\n" * 20
REF_NUMBER_RUN = re.compile(f"(?:[0-9]++x?+[{_SEPARATOR_CHARS}().]*+)++")


def reference_expand(text: str) -> str:
    """The plain normalisation: every step over the whole text."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(_decode_json_escape, text)
    if "&" in text:
        text = html.unescape(html.unescape(text))
    text = urllib.parse.unquote(text)
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def ascii_lower(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").translate(_LOWER).decode("utf-8", "surrogatepass")


def assert_same_normal_form(text: str) -> None:
    reference = reference_expand(text)
    expanded = _expand(text)
    # Equal but for ASCII letters (lowered later, as bytes) and separators (all ASCII).
    assert ascii_lower(expanded) == _WIDE_SEPARATOR.sub(" ", reference)
    assert normalise(text) == _SEPARATORS.sub("", reference)
    runs = [[g.lower() for g in _NUMBER_GROUP.findall(m.group())] for m in _NUMBER_RUN.finditer(expanded)]
    assert runs == [re.findall(r"[0-9]+x?", m.group()) for m in REF_NUMBER_RUN.finditer(reference)]


def leak(text: str, path: str = "cases/x.html") -> LeakError:
    with pytest.raises(LeakError) as info:
        Guard(VALUES).check(path, text.encode("utf-8"))
    return info.value


# The characters and escapes each step exists for, and their neighbours.
ATOMS = [
    "a", "Z", "x", "X", "e", "E", "0", "1", "7", " ", "-", "_", "/", "\t", "\n", "(", ")", ".", ";", "#",
    "何", "丽", "华", "。", "、", "《", "“", "→", "×", "·", "—", "・", "\u3000", "\u00a0", "\x85", "\u2003",
    "，", "：", "（", "）", "；", "！", "？", "１", "３", "８", "Ｘ", "ｘ", "Ａ", "．", "－",
    "\u0301", "\u0308", "\u030a", "\u0327", "\u302a", "\u3099", "\u1100", "\u1161", "\u11a8", "\uac00",
    "\u0cc6", "\u0cd5", "\u0b47", "\u0b3e", "ß", "İ", "ﬁ", "…", "℃", "①", "²", "Ω", "Å", "ǅ", "ͅ",
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2060", "\ufe0f", "\U000e0041", "\ufffd", "\ud800", "\U0001d400",
    "%", "%E4", "%BD", "%95", "%e4%b8%bd", "%31", "%2", "%%", "%C3", "%A9", "%0", "%ZZ",
    "&", "&amp;", "&#20029;", "&#x4E3D;", "&amp;#49;", "&#49", "&lt;", "&nbsp;", "&#xD800;",
    "\\u4e3d", "\\u0031", "\\ud83d\\ude00", "\\ud800", "\\u00",
]
atom_texts = st.lists(st.one_of(st.sampled_from(ATOMS), st.text(max_size=2)), max_size=40).map("".join)


@settings(max_examples=400)
@given(atom_texts)
def test_short_text_normal_form_is_the_plain_one(text: str) -> None:
    assert_same_normal_form(text)


@settings(max_examples=300)
@given(st.lists(atom_texts, max_size=6))
def test_long_text_normal_form_is_the_plain_one(pieces: list[str]) -> None:
    """Pieces inside long stable text: only their runs are folded."""
    assert_same_normal_form(STABLE_TEXT.join(["", *pieces, ""]))


def test_long_text_folds_only_its_unstable_runs(monkeypatch) -> None:
    folded = []
    fold = guard_module._fold
    monkeypatch.setattr(guard_module, "_fold", lambda text: folded.append(text) or fold(text))
    text = STABLE_TEXT + "Zoe\u0308 Å" + STABLE_TEXT
    assert ascii_lower(_expand(text)) == reference_expand(text)
    assert folded == ["e\u0308", " Å"]


@given(st.text(st.sampled_from("%0123456789abcdefABCDEFxyz/é何\x7f"), max_size=60))
def test_percent_escapes_decode_as_urllib_does(text: str) -> None:
    assert guard_module._PERCENT_RUN.sub(guard_module._decode_percent_run, text) == urllib.parse.unquote(text)


def test_every_stable_character_is_left_alone_by_normalisation() -> None:
    """What `_STABLE` promises: NFKC may cut the text before each of these
    characters, and no later step changes them but in the ways named."""
    combines_backward = set()
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            combines_backward.add(chr(int(decomposition[1], 16)))
    stable = re.compile(f"[{_STABLE}]")
    chars = [chr(c) for c in range(sys.maxunicode + 1) if stable.match(chr(c))]
    assert len(chars) > 27000
    for char in chars:
        assert unicodedata.category(char) != "Cn", hex(ord(char))  # assigned: its properties are stable
        assert unicodedata.combining(char) == 0, hex(ord(char))
        assert unicodedata.normalize("NFKC", char) == char, hex(ord(char))
        assert char not in combines_backward, hex(ord(char))
        assert char.isascii() or char.casefold() == char, hex(ord(char))
        assert char == "\u200b" or ord(char) not in DEFAULT_IGNORABLE, hex(ord(char))
        assert char.isascii() or char == "·" or not _SEPARATORS.match(char), hex(ord(char))


def test_wide_separators_are_all_separators_but_ascii() -> None:
    for code in range(0x80, sys.maxunicode + 1):
        assert bool(_WIDE_SEPARATOR.match(chr(code))) == bool(_SEPARATORS.match(chr(code))), hex(code)


def test_full_width_punctuation_is_replaced_by_its_decomposition() -> None:
    for wide, narrow in _FULL_WIDTH.items():
        assert unicodedata.normalize("NFKD", wide) == narrow
        assert not _UNSTABLE_RUN.search(narrow)


def test_sample_site_normal_form_is_the_plain_one(sample_site) -> None:
    files = [p for p in sorted(sample_site.rglob("*")) if p.is_file()]
    assert len(files) > 50
    for path in files:
        assert_same_normal_form(path.read_bytes().decode("utf-8", errors="replace"))


# Planted leaks, one per fast path -------------------------------------------------


def test_phone_in_percent_escapes_between_chinese_text() -> None:
    text = STABLE_TEXT + "来电人电话%EF%BC%9A%31%33%38%E2%80%8B3761%202045，请回电。" + STABLE_TEXT
    assert leak(text).field == "caller.phone"


def test_name_in_percent_escapes_broken_by_a_character() -> None:
    assert leak(STABLE_TEXT + "反映人%E4%BD%95丽%E5%8D%8E称" + STABLE_TEXT).field == "caller.name"


def test_full_width_digits_in_otherwise_normalised_text() -> None:
    assert leak(STABLE_TEXT + "电话１３８３７６１２０４５" + STABLE_TEXT).field == "caller.phone"
    assert leak(STABLE_TEXT + "身份证４１１５０２１９８７０３１５４５２Ｘ" + STABLE_TEXT).field == "caller.id_number"


def test_entity_escaped_twice_inside_chinese_text() -> None:
    assert leak(STABLE_TEXT + "反映人何&amp;#20029;华称" + STABLE_TEXT).field == "caller.name"
    assert leak(STABLE_TEXT + "电话&amp;#x31;38&#51;7612045" + STABLE_TEXT).field == "caller.phone"


def test_combining_mark_after_a_stable_letter() -> None:
    """NFKC composes e + U+0308 to ë: the run is folded with the letter before it."""
    assert leak(STABLE_TEXT + "来电人 Zoe\u0308 A\u030angstro\u0308m" + STABLE_TEXT).field == "caller.name"


def test_conjoining_jamo_compose_to_a_hangul_name() -> None:
    jamo = unicodedata.normalize("NFD", "김민준")
    assert jamo != "김민준"
    assert leak(STABLE_TEXT + f"来电人{jamo}反映" + STABLE_TEXT).field == "caller.name"


@pytest.mark.parametrize("spelling", ["138·3761·2045", "138—3761—2045", "138\u30003761\u00a02045", "（138）3761．2045"])
def test_wide_separators_inside_a_phone(spelling: str) -> None:
    assert leak(STABLE_TEXT + f"电话{spelling}。" + STABLE_TEXT).field == "caller.phone"


def test_zero_width_spaces_between_every_character() -> None:
    """Pagefind's fragments put U+200B between CJK characters."""
    text = "\u200b".join(STABLE_TEXT + "来电人何丽华电话13837612045" + STABLE_TEXT)
    assert leak(text).field == "caller.name"
    assert leak("\u200b".join(STABLE_TEXT + "电话13837612045" + STABLE_TEXT)).field == "caller.phone"


def test_upper_case_ascii_only_output() -> None:
    assert leak('{"id": "41150219870315452X"}', path="data.json").field == "caller.id_number"
    assert leak('{"email": "HE.LIHUA@EXAMPLE.COM"}', path="data.json").field == "caller.email"
    assert leak('{"email": "He.Lihua@Example.com"}' + STABLE_TEXT, path="data.json").field == "caller.email"


def test_text_that_is_mostly_unstable_is_folded_whole() -> None:
    """Binary data decoded as UTF-8: more runs than the run-by-run path handles."""
    noise = "ĀÀǀŀƀɀʀ\u0380ˀȀπрҀЀӀ" * 200
    assert leak(noise + "电话１３８-３７６１-２０４５" + noise).field == "caller.phone"
    assert leak(noise + "Zoe\u0308 A\u030angstro\u0308m" + noise).field == "caller.name"
    assert_same_normal_form(noise + "Zoe\u0308 A\u030angstro\u0308m" + noise)


def test_no_alarm_when_a_number_key_is_only_in_concatenated_digits() -> None:
    """The page-wide digit check is a pre-filter: the exact rules still decide."""
    guard = Guard(VALUES)
    guard.check("a.html", STABLE_TEXT + "坐标 991383761204599，编号 138376120 46。" + STABLE_TEXT)
    guard.check("a.html", "1383761<b>2045</b>")
