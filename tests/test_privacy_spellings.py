"""A careless clerk writes the caller's details into the public text in any
spelling; the anonymiser removes every one, and the guard would find any
it missed. Property tests over the spellings, and examples of each class."""

from __future__ import annotations

import re

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from test_anonymise import anonymise, record

from hotline.build.guard import Guard, LeakError
from hotline.privacy.names import name_problem, public_name
from hotline.privacy.private import NUMBER, PrivateValue, address_parts, caller_values, number_key
from hotline.privacy.spelling import INVISIBLE, canonical

TRADITIONAL = opencc.OpenCC("s2t")
NAMES = ["何丽华", "刘大标", "张建国", "欧阳娜娜", "吴铭华", "诸葛亮明", "王伟", "单田芳", "吕丽娟"]
SEPARATORS = ["", " ", "、", ".", "*", "-", "·", "/", "_", "~", "\u3000", "\u00a0", "\u2800", "\u3164", "\u115f", "\u200d",
              "\u00ad", "\ufe0f", "．", "＊"]
PHONE = "13837612045"
NUMERAL_WORDS = dict(zip("0123456789", "零一二三四五六七八九", strict=False))
GENDER = {"gender": "female"}
FILLER = st.sampled_from(["", "反映", "小区停水，", "居民", "经核实，"])


@st.composite
def name_spellings(draw) -> tuple[str, str]:
    """(name, the name as a clerk might write it in the text)."""
    name = draw(st.sampled_from(NAMES))
    chars = list(TRADITIONAL.convert(name)) if draw(st.booleans()) else list(name)
    if draw(st.booleans()):  # some characters traditional, some not
        chars = [draw(st.sampled_from([c, TRADITIONAL.convert(c)])) for c in name]
    separator = draw(st.sampled_from(SEPARATORS))
    return name, separator.join(chars)


@settings(max_examples=300, deadline=None)
@given(name_spellings(), FILLER, FILLER)
def test_a_name_in_any_spelling_becomes_the_public_form(spelled, before, after):
    name, spelling = spelled
    text, values = anonymise(f"{before}{spelling}{after}说。", caller={"name": name, **GENDER})
    assert canonical(name) not in canonical(text), text
    assert public_name(name, "female") in text
    Guard(values).check("cases/x.html", text, scope={"XY-1"})


@st.composite
def pinyin_spellings(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(["何丽华", "刘大标", "张建国", "欧阳娜娜"]))
    surname, given = (name[:2], name[2:]) if name.startswith("欧阳") else (name[:1], name[1:])
    tones = draw(st.booleans())
    style = Style.TONE if tones else Style.NORMAL
    s = "".join(lazy_pinyin(surname, style=style))
    g = lazy_pinyin(given, style=style)
    given_text = draw(st.sampled_from(["".join(g), "-".join(g), " ".join(g)]))
    order = draw(st.sampled_from([f"{s} {given_text}", f"{given_text} {s}", f"{s}{given_text}", f"{s}-{given_text}"]))
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda x: x]))
    return name, case(order)


@settings(max_examples=200, deadline=None)
@given(pinyin_spellings(), FILLER)
def test_a_name_in_pinyin_is_replaced_on_whole_words(spelled, before):
    name, spelling = spelled
    text, values = anonymise(f"{before}来电人 {spelling} 称，", caller={"name": name, **GENDER})
    letters = re.sub(r"[^a-z]", "", spelling.lower().translate(str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")))
    assert letters not in re.sub(r"[^a-z]", "", text.lower()), text
    Guard(values).check("cases/x.html", text, scope={"XY-1"})


def test_pinyin_inside_a_longer_word_is_left_alone():
    text, _ = anonymise("联系 thelihuang 和 helihuaxyz。", caller={"name": "何丽华", **GENDER})
    assert "thelihuang" in text and "helihuaxyz" in text


@st.composite
def phone_spellings(draw) -> str:
    digits = list(PHONE)
    if draw(st.booleans()):  # Chinese numerals, some or all
        digits = [NUMERAL_WORDS[d] if draw(st.booleans()) or d == "0" and False else d for d in digits]
        digits = [("幺" if d == "一" and draw(st.booleans()) else d) for d in digits]
    if draw(st.booleans()):  # a letter for 0 or 1 inside the number
        digits = [{"0": "O", "1": "l"}.get(d, d) if 0 < i < len(digits) - 1 and draw(st.booleans()) else d
                  for i, d in enumerate(digits)]
    groups = ["".join(digits[:3]), "".join(digits[3:7]), "".join(digits[7:])]
    separator = draw(st.sampled_from([" ", "-", ",", "，", "、", "~", "*", ":", "＋", "‧", "∙", "·", "/", "_", "   ", " - ", ""]))
    spelled = separator.join(groups)
    return draw(st.sampled_from(["", "+86 ", "0086-"])) + spelled


@settings(max_examples=300, deadline=None)
@given(phone_spellings(), FILLER)
def test_a_declared_phone_in_any_spelling_is_removed(spelling, before):
    caller = {"name": "何丽华", **GENDER, "phone": PHONE}
    text, values = anonymise(f"{before}电话{spelling}，请回电。", caller=caller)
    Guard(values).check("cases/x.html", text, scope={"XY-1"})
    assert "×××" in text, text


@settings(max_examples=200, deadline=None)
@given(phone_spellings(), FILLER)
def test_an_undeclared_mobile_in_any_spelling_is_removed(spelling, before):
    text, values = anonymise(f"{before}邻居电话{spelling}，请回电。", caller={"name": "何丽华", **GENDER})
    assert "×××" in text, text
    Guard([PrivateValue(PHONE, "XY-9", "caller.phone", NUMBER)]).check("cases/x.html", text)


@settings(max_examples=200, deadline=None)
@given(phone_spellings(), FILLER)
def test_a_declared_mobile_without_its_leading_one_in_any_spelling_is_removed(spelling, before):
    """Every mobile begins with 1: the other ten digits, in any spelling, name it."""
    cut = re.sub(r"^(\+86 |0086-)?[1一幺]", r"\1", spelling)
    caller = {"name": "何丽华", **GENDER, "phone": PHONE}
    text, values = anonymise(f"{before}电话{cut}，请回电。", caller=caller)
    Guard(values).check("cases/x.html", text, scope={"XY-1"})
    assert "×××" in text, text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([PHONE, PHONE[1:], PHONE[:-1], "6221234"]), st.from_regex(r"[0-9]{1,4}", fullmatch=True),
       st.sampled_from([" ", "-", "/", "  "]), st.booleans(), FILLER)
def test_a_declared_number_beside_another_digit_group_is_removed_and_the_guard_agrees(number, other, separator, after, before):
    caller = {"name": "何丽华", **GENDER, "phone": f"{PHONE} / 6221234"}
    written = f"{number}{separator}{other}" if after else f"{other}{separator}{number}"
    text, values = anonymise(f"{before}电话{written}。", caller=caller)
    Guard(values).check("cases/x.html", text, scope={"XY-1"})
    assert "×××" in text, text


@st.composite
def card_spellings(draw) -> tuple[str, str]:
    """(a card number of 16 or 19 digits, Luhn or not, as a clerk might write it)."""
    digits = "62" + draw(st.from_regex(r"[0-9]{14}", fullmatch=True)) + draw(st.sampled_from(["", "123"]))
    groups = [digits[i:i + 4] for i in range(0, len(digits), 4)]
    spelled = draw(st.sampled_from(["", " ", "-", ".", "  ", "\u3000"])).join(groups)
    if draw(st.booleans()):
        spelled = spelled.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if draw(st.booleans()):
        spelled = spelled.translate(str.maketrans("0123456789", "零一二三四五六七八九"))
    return digits, spelled


@settings(max_examples=200, deadline=None)
@given(card_spellings(), FILLER)
def test_an_undeclared_card_number_written_as_a_card_is_removed_luhn_or_not(card, before):
    digits, spelled = card
    text, values = anonymise(f"{before}卡号{spelled}，请退款。", caller={"name": "何丽华", **GENDER})
    assert text.endswith("卡号×××，请退款。"), text
    Guard([PrivateValue(digits, "XY-9", "caller.bank_card", NUMBER)]).check("cases/x.html", text)


PROVINCE_NAMES = ["北京", "天津", "上海", "重庆", "河北", "河南", "云南", "辽宁", "黑龙江", "湖南", "安徽", "山东", "新疆", "江苏",
                  "浙江", "江西", "湖北", "广西", "甘肃", "山西", "内蒙古", "陕西", "吉林", "福建", "贵州", "广东", "青海", "西藏",
                  "四川", "宁夏", "海南"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PROVINCE_NAMES), st.sampled_from(["", "省"]), st.sampled_from(["", " "]), st.sampled_from(["S", "s", "Ｓ", "A"]),
       st.sampled_from(["", "·", "-", " "]), st.from_regex(r"[0-9]{5}", fullmatch=True), st.booleans())
def test_a_plate_with_its_province_in_full_is_removed(province, sheng, space, letter, separator, number, numerals):
    number = number.translate(str.maketrans("0123456789", "零一二三四五六七八九")) if numerals else number
    plate = f"{province}{sheng}{space}{letter}{separator}{'D' if letter == 'A' else ''}{number}"  # 豫A·D12345: new energy
    text, values = anonymise(f"一辆{plate}的轿车占道。", caller={"name": "何丽华", **GENDER})
    assert text == "一辆×××的轿车占道。", text
    Guard([v for v in values if v.strong]).check("index.html", text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(PROVINCE_NAMES), st.sampled_from(["省", "省信阳市", "的", "人", "高速G4", "S312省道", "12345热线"]))
def test_a_province_name_in_prose_is_kept(province, rest):
    text, _ = anonymise(f"来电人说{province}{rest}，请处理。", caller={"name": "何丽华", **GENDER})
    assert f"{province}{rest}" in text, text


@pytest.mark.parametrize("told", [
    "前三位138，中间3761，尾号2045", "号码138，后面是3761，最后2045", "138开头，3761，2045结尾",
    "138<td>3761</td>2045", "138</th><th>3761</th>2045", "138件，3761件，2045件", "138 件 3761 件 2045",
])
def test_a_number_told_in_pieces_is_removed(told):
    text, values = anonymise(f"来电人说{told}。", caller={"name": "何丽华", **GENDER})
    assert not re.search(r"138|3761|2045", text), text
    Guard([PrivateValue(PHONE, "XY-9", "caller.phone", NUMBER)]).check("cases/x.html", text)


def test_several_numbers_in_one_phone_field_are_each_private():
    caller = {"name": "何丽华", **GENDER, "phone": "13837612045 / 6221234、0376-6225555"}
    values = caller_values(caller, "XY-1", "caller")
    assert {number_key(v.value) for v in values if v.kind == NUMBER} == {"13837612045", "6221234", "03766225555", "6225555"}
    text, _ = anonymise("家里电话6221234，单位0376-6225555。", caller=caller)
    assert not re.search(r"6221234|6225555", text), text


def test_a_mobile_ending_in_a_department_number_is_not_that_number():
    text, _ = anonymise("邻居电话13906381234，城管电话6381234，0376-6381234。")
    assert "13906381234" not in text and "6381234，0376-6381234" in text


@pytest.mark.parametrize("planted", [
    "4115 0219 8703 1545 2X", "411502.19870315.452X", "41 15 02 19 87 03 15 45 2X", "豫 S12345", "豫S一二三四五", "豫S·12345",
    "扣扣号12345678", "QQ号：12345678", "企鹅号 87654321", "heli at qq dot com", "heli(at)qq.com", "heli@qq。com",
    "heli#qq.com", "heli艾特qq点com", "3#楼501", "5楼501", "3号院2排15号", "三号楼二单元五零一室",
])
def test_undeclared_identifiers_in_new_spellings_are_removed(planted):
    text, values = anonymise(f"邻居的是{planted}，谢谢。", caller={"name": "何丽华", **GENDER})
    assert "×××" in text and planted not in text, text
    assert values


@pytest.mark.parametrize("written", ["浉河区大拱桥小区三号楼二单元五零一室", "大拱桥小区3号楼", "3号楼2单元501室", "2单元501室"])
def test_a_declared_address_is_removed_in_its_parts(written):
    caller = {"name": "何丽华", **GENDER, "address": "浉河区大拱桥小区3号楼2单元501室"}
    text, values = anonymise(f"住在{written}，门口积水。", caller=caller)
    assert "×××" in text and "门口积水" in text, text
    Guard([v for v in values if v.strong]).check("index.html", text)


def test_a_room_code_alone_is_no_part_a_date_could_spell():
    """20-1-303 is 201303 as digits, and so is the month 2013-03 of every page."""
    values = caller_values({"name": "王浩明", "address": "光山县弦山街道胜利新村20-1-303"}, "XY-1", "caller")
    assert "20-1-303" not in {v.value for v in values}
    Guard([v for v in values if v.strong]).check("cases/x.html", "2013-03-19 受理，见 archive/2013/03/")


def test_address_parts_hold_a_number():
    assert address_parts("平桥区五里店街道雷湾村北组3号") == ["五里店街道雷湾村北组3号", "雷湾村北组3号", "北组3号"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(INVISIBLE)), st.sampled_from(["何丽华", PHONE]), st.integers(1, 2))
def test_an_invisible_character_inside_a_value_hides_nothing(char, value, at):
    spelled = value[:at] + char + value[at:]
    text, values = anonymise(f"来电{spelled}称。", caller={"name": "何丽华", **GENDER, "phone": PHONE})
    assert value not in text.replace(char, "")


# Weak values and public words: what is not blanked out ------------------------------


def test_a_given_name_and_a_short_redact_word_are_replaced_in_their_own_case_only():
    other = record("我是其他案件，丽华路和老王饭店都在这里。", caller={"name": "张伟", "gender": "male"}, id="XY-2")
    mine = record("丽华说老王不退押金。", caller={"name": "何丽华", **GENDER}, redact=("老王",))
    from test_anonymise import REGISTRIES

    from hotline.load.anonymise import Anonymiser

    anonymiser = Anonymiser([mine, other], REGISTRIES)
    assert anonymiser.anonymise(mine)[0].complaint == "何女士说某某不退押金。"
    assert anonymiser.anonymise(other)[0].complaint == "我是其他案件，丽华路和老王饭店都在这里。"


@pytest.mark.parametrize("phone, numbers", [
    ("13837612045 6221234", {"13837612045", "6221234"}), ("手机13837612045 座机6221234", {"13837612045", "6221234"}),
    ("13837612045\n6221234", {"13837612045", "6221234"}), ("138 3761 2045", {"13837612045"}),
    ("0376-6221234转801", {"03766221234801", "03766221234", "6221234"}),
])
def test_a_phone_field_is_read_as_the_numbers_in_it(phone, numbers):
    values = caller_values({"name": "何丽华", "phone": phone}, "XY-1", "caller")
    assert {number_key(v.value) for v in values if v.kind == NUMBER} == numbers


@pytest.mark.parametrize("name, problem", [
    ("何丽华女士", "不加称呼"), ("何丽华（女）", "不加括号"), ("何丽华、张三", "callers"), ("何丽华 张三", "callers"),
    ("何丽华和张三丰", "callers"), ("何某", "不加称呼"), ("何", "只有一个字"), ("何丽华2", "数字"), ("=何丽华", "不像"),
])
def test_a_name_field_must_hold_one_name(name, problem):
    assert problem in name_problem(name)


@pytest.mark.parametrize("name", ["何丽华", "万家和", "欧阳娜娜", "阿依古丽·买买提", "Mary Smith", "刘和平"])
def test_names_are_names(name):
    assert name_problem(name) is None


def test_a_guard_message_never_shows_a_short_number_whole():
    for value, shown in (("6221234", "*****34"), ("13837612045", "138****2045"), ("41150219870315452X", "411***********452X")):
        masked = PrivateValue(value, "X", "caller.phone", NUMBER).masked()
        assert masked == shown
        assert len(value) >= 11 or len(masked.replace("*", "")) * 3 <= len(value)  # a short number: a third at most
    with pytest.raises(LeakError) as leak:
        Guard([PrivateValue("6221234", "X", "caller.phone", NUMBER)]).check("a.html", "电话 622 1234")
    assert "6221234" not in str(leak.value) and "622" not in str(leak.value).replace("a.html", "")


@pytest.mark.parametrize("written", [
    "𝟏𝟑𝟖𝟑𝟕𝟔𝟏𝟐𝟎𝟒𝟓",  # mathematical bold digits
    "₁₃₈₃₇₆₁₂₀₄₅",  # subscript digits
    "138⁃3761⁃2045", "138⸱3761⸱2045",  # a hyphen bullet, a word-separator dot
    "138（3761）2045",
    "一叁捌叁柒陆壹贰零肆伍",  # everyday and financial numerals mixed
])
def test_a_declared_phone_in_rarer_digits_and_separators_is_removed(written):
    caller = {"name": "何丽华", **GENDER, "phone": PHONE}
    text, _ = anonymise(f"来电人电话{written}。", caller=caller)
    assert not re.search(r"138|3761|2045|[𝟎-𝟗₀-₉叁捌柒陆贰肆伍]{3}", text), text
    Guard(caller_values(caller, "XY-1", "caller")).check("cases/x.html", f"<p>{text}</p>", frozenset({"XY-1"}))
    with pytest.raises(LeakError):  # and the guard finds the number as written
        Guard(caller_values(caller, "XY-1", "caller")).check("cases/x.html", f"<p>电话{written}</p>")
