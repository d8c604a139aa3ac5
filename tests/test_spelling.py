"""Spellings: the canonical form the anonymiser and the guard compare in,
and leaks planted in the spellings each step of it exists for."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.build import guard as guard_module
from hotline.build.guard import Guard, LeakError, decode, normalise
from hotline.privacy.private import NUMBER, PrivateValue
from hotline.privacy.spelling import INVISIBLE, SIMPLIFIED, canonical, canonical_offsets, digit_views

CASE = "XY-2013-000042"
PHONE = PrivateValue("138 3761 2045", CASE, "caller.phone", NUMBER)
ID_NUMBER = PrivateValue("41150219870315452X", CASE, "caller.id_number", NUMBER)
NAME = PrivateValue("何丽华", CASE, "caller.name")
FOREIGN_NAME = PrivateValue("Zoë Ångström", CASE, "caller.name")
HANGUL_NAME = PrivateValue("김민준", CASE, "caller.name")
EMAIL = PrivateValue("He.Lihua@Example.com", CASE, "caller.email")
VALUES = [PHONE, ID_NUMBER, NAME, FOREIGN_NAME, HANGUL_NAME, EMAIL]
PAGE = "市民反映小区近期经常停水。经核实，已安排维修，反映人表示满意。<p class=\"Case\">OK</p>\n" * 20


def leak(text: str, path: str = "cases/x.html") -> LeakError:
    with pytest.raises(LeakError) as info:
        Guard(VALUES).check(path, text.encode("utf-8"))
    return info.value


# The canonical form ----------------------------------------------------------------


def test_invisible_characters_come_from_unicode_properties() -> None:
    """Format characters, variation selectors and the blank ones, not a hand-made list."""
    for char in "\u200b\u200d\u2060\ufeff\u00ad\u202e\u2800\u3164\u115f\u1160\uffa0\ufe0f\U000e0041\U000e0100":
        assert char in INVISIBLE, hex(ord(char))
    for char in "a何 \u3000,·、0":
        assert char not in INVISIBLE
    assert all(unicodedata.category(c) == "Cf" or "FILLER" in unicodedata.name(c, "") or "BLANK" in unicodedata.name(c, "")
               or "VARIATION SELECTOR" in unicodedata.name(c, "") for c in INVISIBLE)


@settings(max_examples=300)
@given(st.sampled_from(sorted(INVISIBLE)), st.integers(0, 3))
def test_an_invisible_character_anywhere_in_a_name_is_the_name(char: str, at: int) -> None:
    assert canonical("何丽华"[:at] + char + "何丽华"[at:]) == "何丽华"


@pytest.mark.parametrize("spelling", [
    "何丽华", "何 丽 华", "何、丽、华", "何.丽.华", "何丽*华", "何-丽-华", "何/丽/华", "何_丽_华", "何·丽·华", "何麗華", "何\u3000麗\u3000華",
    "何~丽~华", "何丽\u2800华", "何丽\u3164华", "何丽\u115f华", "【何】丽华", "何「丽」华", "何丽华\u0301",
    "何，丽，华", "何ㆍ丽ㆍ华", "何ꞏ丽ꞏ华", "何ー丽ー华", "何丨丽丨华", "何ǀ丽ǀ华", "何<b></b>丽<br/>华", "何<i>丽</i>华",
])
def test_name_spellings_have_one_canonical_form(spelling: str) -> None:
    assert canonical(spelling) == "何丽华"


def test_the_end_of_a_clause_is_a_barrier_names_do_not_cross() -> None:
    assert "丽华" not in canonical("风景美丽；华灯初上") and "丽华" not in canonical("美丽！华丽")
    assert canonical("何，丽，华") == canonical("何,丽,华") == "何丽华"  # commas are separators


def test_traditional_characters_are_simplified_by_opencc() -> None:
    assert canonical("劉大標 臺灣 體育") == canonical("刘大标 台湾 体育")
    assert len(SIMPLIFIED) > 2500


@pytest.mark.parametrize("spelling", ["一三八三七六一二零四五", "幺三八三七六幺二〇四五", "138三七六一2045", "①③⑧③⑦⑥①②⓪④⑤", "١٣٨٣٧٦١٢٠٤٥"])
def test_numbers_in_any_digits_fold_to_ascii(spelling: str) -> None:
    assert re.sub(r"\D", "", digit_views(spelling)[-1] if "①" not in spelling else canonical(spelling)) == "13837612045"


def test_a_chinese_numeral_alone_is_a_word_not_a_digit() -> None:
    assert digit_views("一幢房屋，前三位138") == ["一幢房屋,前三位138"]
    assert digit_views("一13837612045") == ["一13837612045", "113837612045"]


@given(st.text(max_size=40))
def test_canonical_offsets_point_into_the_text(text: str) -> None:
    folded, origin = canonical_offsets(text)
    assert folded == canonical(text) and len(origin) == len(folded)
    assert origin == sorted(origin) and all(0 <= i < len(text) for i in origin)


@given(st.text(st.sampled_from("%0123456789abcdefABCDEFxyz/é何\x7f"), max_size=60))
def test_percent_escapes_decode_as_urllib_does(text: str) -> None:
    assert guard_module._PERCENT_RUN.sub(guard_module._decode_percent_run, text) == urllib.parse.unquote(text)


def test_normalise_decodes_then_folds() -> None:
    assert normalise("何&amp;#20029;%E5%8D%8E \\u4e3d") == "何丽华丽"
    assert decode("&lt;b&gt;") == "<b>"


# Planted leaks ---------------------------------------------------------------------


def test_phone_in_percent_escapes_between_chinese_text() -> None:
    assert leak(PAGE + "来电人电话%EF%BC%9A%31%33%38%E2%80%8B3761%202045，请回电。" + PAGE).field == "caller.phone"


def test_name_in_percent_escapes_broken_by_a_character() -> None:
    assert leak(PAGE + "反映人%E4%BD%95丽%E5%8D%8E称" + PAGE).field == "caller.name"


def test_full_width_digits() -> None:
    assert leak(PAGE + "电话１３８３７６１２０４５" + PAGE).field == "caller.phone"
    assert leak(PAGE + "身份证４１１５０２１９８７０３１５４５２Ｘ" + PAGE).field == "caller.id_number"


def test_entity_escaped_twice_inside_chinese_text() -> None:
    assert leak(PAGE + "反映人何&amp;#20029;华称" + PAGE).field == "caller.name"
    assert leak(PAGE + "电话&amp;#x31;38&#51;7612045" + PAGE).field == "caller.phone"


def test_combining_marks_and_decomposed_letters() -> None:
    assert leak(PAGE + "来电人 Zoe\u0308 A\u030angstro\u0308m" + PAGE).field == "caller.name"
    assert leak(PAGE + "来电人 Zoe Angstrom" + PAGE).field == "caller.name"


def test_conjoining_jamo_spell_a_hangul_name() -> None:
    jamo = unicodedata.normalize("NFD", "김민준")
    assert jamo != "김민준"
    assert leak(PAGE + f"来电人{jamo}反映" + PAGE).field == "caller.name"


@pytest.mark.parametrize("spelling", [
    "138·3761·2045", "138—3761—2045", "138\u30003761\u00a02045", "（138）3761．2045", "138,3761,2045", "138，3761，2045",
    "138、3761、2045", "138~3761~2045", "138*3761*2045", "138:3761:2045", "138＋3761＋2045", "138‧3761‧2045",
    "138∙3761∙2045", "138/3761/2045", "138_3761_2045", "138   3761   2045", "138 - 3761 - 2045",
    "一三八三七六一二零四五", "幺三八 三七六幺 二零四五", "138三七六一2045", "l38376l2O45", "l3837612045", "138 376l 2O45",
    "前三位138，中间3761，尾号2045", "1383761<b>2045</b>", "138\u28003761\u31642045",
])
def test_phone_spellings(spelling: str) -> None:
    assert leak(PAGE + f"电话{spelling}。" + PAGE).field == "caller.phone"


def test_zero_width_spaces_between_every_character() -> None:
    """Pagefind's fragments put U+200B between CJK characters."""
    assert leak("\u200b".join(PAGE + "来电人何丽华电话13837612045" + PAGE)).field == "caller.name"
    assert leak("\u200b".join(PAGE + "电话13837612045" + PAGE)).field == "caller.phone"


def test_upper_case_ascii_only_output() -> None:
    assert leak('{"id": "41150219870315452X"}', path="data.json").field == "caller.id_number"
    assert leak('{"email": "HE.LIHUA@EXAMPLE.COM"}', path="data.json").field == "caller.email"


def test_no_alarm_when_a_number_is_only_inside_longer_digits() -> None:
    guard = Guard(VALUES)
    guard.check("a.html", PAGE + "坐标 991383761204599，编号 138376120 46。" + PAGE)
    guard.check("a.html", PAGE + "2013年6月22日12时34分，共13837件，61204人。" + PAGE)


def test_a_latin_name_is_found_where_it_stands_each_time_it_recurs():
    """Phrases are remembered from page to page: a remembered one is still placed where it stands."""
    from hotline.privacy.spelling import LatinFinder

    finder = LatinFinder([("helihua", "caller.name")])
    for text in ("<p>He Lihua</p>", "回访 He Lihua。又见 He Lihua、HE-LI-HUA", "<a title='He Lihua'>x</a>"):
        spans = finder.find(text)
        assert [text[a:b] for a, b, _ in spans] == [m.group() for m in re.finditer(r"(?i)he[ -]li-?hua", text)]
    assert finder.find("thelihuang He Lihuang") == []
