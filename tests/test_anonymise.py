"""The anonymiser: public names, scrubbing, and what it must leave alone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hotline.load.anonymise import Anonymiser, luhn_valid
from hotline.load.records import Source
from hotline.load.validate import Record, RecordHandling
from hotline.model import Category, Department, District, Registries
from hotline.privacy.names import public_name
from hotline.privacy.private import number_key

TZ = dt.timezone(dt.timedelta(hours=8))
DEPT = Department("市城管执法局", "cgj", "6381234", ("城管执法局",))
DEPT2 = Department("市公安局", "gaj", "0376-6520119")
DISTRICT = District("浉河区", "shi-he-qu", ("浉河",))
REGISTRIES = Registries((DEPT, DEPT2), (Category("城市管理", "um"),), (DISTRICT,), {d.name: d for d in (DEPT, DEPT2)},
                        {"城市管理": Category("城市管理", "um")}, {"浉河区": DISTRICT, "浉河": DISTRICT})


def record(text: str = "", caller: dict | None = None, redact: tuple = (), id: str = "XY-1", published=True) -> Record:
    return Record(
        source=Source(Path("x.yaml"), "x.yaml"), id=id, status="resolved", publish=published, channel="hotline",
        received_at=dt.datetime(2013, 1, 10, tzinfo=TZ),
        callers=(caller if caller is not None else {"name": "何丽华", "gender": "female", "phone": "138 3761 2045"},),
        caller_key="caller",
        caller_role=None, district=DISTRICT, area=None, category=REGISTRIES.categories[0], headline=("停水",),
        complaint=text or "无", handling=(RecordHandling(DEPT, None, None, "已修复。", None),),
        resolved_at=dt.datetime(2013, 1, 14, tzinfo=TZ), followup=None, rehandled=0, supervision_level=None,
        redact=redact, reporter=None,
    )


def anonymise(text: str, *others: Record, **kw):
    r = record(text, **kw)
    a = Anonymiser([r, *others], REGISTRIES)
    case, values = a.anonymise(r)
    return case.complaint, values


@pytest.mark.parametrize("name, gender, expected", [
    ("何丽华", "female", "何女士"), ("张伟", "male", "张先生"), ("何丽华", "unknown", "何某"), ("何丽华", None, "何某"),
    ("欧阳娜娜", "female", "欧阳女士"), ("司马光", "male", "司马先生"), ("诸葛亮", "male", "诸葛先生"),
    ("上官婉儿", "female", "上官女士"), ("令狐冲", "male", "令狐先生"), ("慕容复", "male", "慕容先生"),
    ("欧阳", "male", "欧先生"),  # two characters: surname 欧, given name 阳
    ("吴铭华", "female", "吴女士"), ("东方明", "male", "东方先生"),
    # A name in parts has no surname: none of it is published.
    ("阿依古丽·买买提", "female", "某女士"), ("买买提·艾力", "male", "某先生"), ("Mary Smith", None, "某某"),
])
def test_public_name(name, gender, expected):
    assert public_name(name, gender) == expected


def test_caller_name_and_given_name_become_the_public_form():
    text, _ = anonymise("何丽华反映停水。丽华说已经三天了。")
    assert text == "何女士反映停水。何女士说已经三天了。"


def test_single_character_given_name_is_not_scrubbed_alone():
    text, _ = anonymise("张伟反映，伟大的城市。", caller={"name": "张伟", "gender": "male"})
    assert text == "张先生反映，伟大的城市。"


@pytest.mark.parametrize("spelling", [
    "13837612045", "138 3761 2045", "138-3761-2045", "+86 138 3761 2045", "+8613837612045", "0086-13837612045",
    "１３８３７６１２０４５", "１３８－３７６１－２０４５",
])
def test_mobile_spellings(spelling):
    text, values = anonymise(f"电话{spelling}，请回电。", caller={"name": "何丽华", "gender": "female"})
    assert not re.search(r"[0-9０-９]{4}", text), text
    assert any(number_key(v.value).endswith("13837612045") for v in values)


@pytest.mark.parametrize("label, planted", [
    ("landline", "0376-6381235"), ("landline paren", "（0376）6381235"), ("landline plain", "03766381235"),
    ("id18", "41150219870315452X"), ("id18 lower", "41150219870315452x"), ("id15", "411502870315452"),
    ("bank", "6222 0202 0000 0000 006"), ("visa", "4111111111111111"), ("email", "heli.hua@example.com"),
    ("plate", "豫S·A1234"), ("plate plain", "豫SA1234"), ("qq", "QQ：12345678"), ("wechat", "微信号 helihua_88"),
    ("room", "3号楼2单元501室"), ("room2", "12栋3单元502"), ("room3", "3-2-401"), ("room4", "501室"),
])
def test_patterns_are_scrubbed(label, planted):
    text, values = anonymise(f"联系方式是{planted}，谢谢。", caller={"name": "何丽华", "gender": "female"})
    core = re.sub(r"^(QQ：|微信号 )", "", planted)
    assert core not in text and "×××" in text, text
    assert values, label


@pytest.mark.parametrize("card", [
    "6222020200000000005", "6222 0202 0000 0000 005", "6222-0202-0000-0000-005", "6222.0202.0000.0000.005",
    "６２２２０２０２００００００００００５", "６２２２　０２０２　００００　００００　００５", "六二二二零二零二零零零零零零零零零零五",
    "6222020200000004", "6222 0202 0000 0004", "62220202000000000", "6222  0202  0000  0000  0",
])
def test_a_number_written_as_a_card_is_removed_even_failing_luhn(card):
    """A typo in a card number leaves it a card number, as an ID number is one whatever its checksum."""
    assert not luhn_valid(number_key(card))
    text, values = anonymise(f"卡号{card}，请退款。", caller={"name": "何丽华", "gender": "female"})
    assert text == "卡号×××，请退款。", text
    assert any("银行卡号" in v.field for v in values)


@pytest.mark.parametrize("kept", [
    "2013.01.10-2013.01.14", "2013-01-10 2013-01-14", "20130110—20130114期间", "622202 0200 000 000 005", "12345 67890 12345 6789",
])
def test_other_long_digit_runs_need_luhn_to_be_a_card(kept):
    assert luhn_valid("6222020200000000006") and not luhn_valid(number_key(kept))
    text, _ = anonymise(f"编号{kept}。", caller={"name": "何丽华", "gender": "female"})
    assert kept in text


@pytest.mark.parametrize("kept", [
    "2013年1月4日", "20130204", "63000元", "XY-2013-000042", "1638件", "98%", "6381234", "0376-6520119",
    "电话：6381234", "3个组", "2公里", "第5期", "一幢房屋",
])
def test_no_over_redaction(kept):
    text, _ = anonymise(f"前言{kept}后语。")
    assert kept in text


def test_other_caller_values_and_redact_terms():
    caller = {"name": "何丽华", "gender": "female", "address": "浉河区大拱桥小区", "employer": "信阳市某某商贸有限公司",
              "wechat": "lihua_1987", "phone": "6381299"}
    text, values = anonymise("在信阳市某某商贸有限公司上班，住浉河区大拱桥小区，房东王建军和老王不退押金，lihua_1987，6381299。",
                             caller=caller, redact=("王建军", "老王"))
    assert text == "在×××上班，住×××，房东某某和某某不退押金，×××，×××。"
    fields = {v.field for v in values}
    assert {"caller.employer", "caller.address", "caller.wechat", "caller.phone", "redact[0]", "redact[1]"} <= fields
    weak = [v.value for v in values if not v.strong]
    assert weak[:3] == ["丽华", "lihua", "老王"]  # a given name and a short word: looked for in this case only
    assert "laowang" in weak  # and the short word in pinyin


def test_values_of_other_records_are_scrubbed_too():
    other = record(caller={"name": "王建国", "gender": "male", "phone": "13900001111"}, id="XY-2", published=False)
    text, _ = anonymise("王建国也打过电话，13900001111，住建国路。", other)
    assert text == "王先生也打过电话，×××，住建国路。"  # another record's given name is left alone


def test_department_numbers_survive():
    text, values = anonymise("请拨打0376-6520119或6381234。")
    assert "0376-6520119" in text and "6381234" in text
    assert not [v for v in values if "6520119" in v.value]


# Property tests: planted private details never survive; dates and money do.

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=0, max_size=30)
SEPARATORS = st.sampled_from(["", " ", "-", "－", "\u3000"])
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def mobile(draw):
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    sep = draw(SEPARATORS)
    text = sep.join([digits[:3], digits[3:7], digits[7:]])
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH)
    prefix = draw(st.sampled_from(["", "+86 ", "+86", "0086-"]))
    return digits, prefix + text


@given(before=CJK, after=CJK, phone=mobile(), date=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
       money=st.integers(1, 999999))
@settings(max_examples=150, deadline=None)
def test_planted_phone_never_survives_and_dates_and_money_do(before, after, phone, date, money):
    digits, spelled = phone
    date_text = f"{date.year}年{date.month}月{date.day}日"
    text, _ = anonymise(f"{before}于{date_text}来电{spelled}，{after}涉及{money}元。", caller={"name": "何丽华", "gender": "female"})
    runs = re.findall(r"[0-9]+", re.sub(r"[ \-－\u3000+]", "", text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))))
    assert not [r for r in runs if digits in r]
    assert date_text in text and f"{money}元" in text


NAME_CHARS = st.sampled_from(list("丽华建国伟明芳娜静敏强磊军洋勇艳杰涛超秀英桂兰"))
SURNAMES = st.sampled_from(["何", "张", "王", "李", "欧阳", "司马", "诸葛", "上官"])


@given(surname=SURNAMES, given_chars=st.lists(NAME_CHARS, min_size=2, max_size=3), before=CJK, after=CJK,
       gender=st.sampled_from(["male", "female", "unknown"]))
@settings(max_examples=150, deadline=None)
def test_planted_name_never_survives(surname, given_chars, before, after, gender):
    name = surname + "".join(given_chars)
    text, _ = anonymise(f"{before}{name}{after}，{''.join(given_chars)}说。", caller={"name": name, "gender": gender})
    assert name not in text and "".join(given_chars) not in text
    assert public_name(name, gender) in text


@given(text=st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_anonymiser_is_deterministic_and_idempotent(text):
    once, _ = anonymise(text + "。")
    assert anonymise(text + "。")[0] == once
    assert anonymise(once)[0] == once


def test_an_id_number_without_its_checksum_is_scrubbed():
    caller = {"name": "何丽华", "gender": "female", "id_number": "41150219870315452X"}
    text, _ = anonymise("证件号码前十七位41150219870315452。", caller=caller)
    assert "41150219870315452" not in text


def test_an_undeclared_mobile_in_parentheses_or_with_dots_is_scrubbed():
    for spelling in ("(139)1234-5678", "（139）12345678", "139.1234.5678"):
        text, values = anonymise(f"邻居电话{spelling}。", caller={"name": "何丽华", "gender": "female"})
        assert "×××" in text and "1234" not in text, text
        assert any(number_key(v.value) == "13912345678" for v in values)


@pytest.mark.parametrize("cut", ["1383761204", "0086 138 3761 204", "身份证41150219870315452"])
def test_a_declared_long_number_missing_its_last_digit_is_removed(cut):
    caller = {"name": "何丽华", "gender": "female", "phone": "138 3761 2045", "id_number": "41150219870315452X"}
    text, _ = anonymise(f"来电号码{cut}，请回电。", caller=caller)
    assert not re.search(r"[0-9]{4}", text.replace(" ", "")), text


@pytest.mark.parametrize("cut", [
    "3837612045", "383 7612 045", "383-7612-045", "3837-612-045", "３８３７６１２０４５", "３８３－７６１２－０４５",
    "三八三七六一二零四五", "三八三 七六一二 零四五", "+86 383 7612 045", "383\u30007612\u3000045",
])
def test_a_declared_mobile_missing_its_leading_one_is_removed(cut):
    """Every mobile begins with 1: the other ten digits name it as well."""
    text, _ = anonymise(f"来电号码{cut}，请回电。", caller={"name": "何丽华", "gender": "female", "phone": "138 3761 2045"})
    assert "×××" in text and not re.search(r"[0-9０-９]|[一二三四五六七八九零]{2}", text), text
    assert text.startswith("来电号码") and text.endswith("×××，请回电。"), text


@pytest.mark.parametrize("declared", ["+86 138 3761 2045", "0086-138-3761-2045", "86 13837612045"])
def test_a_mobile_declared_with_its_country_code_is_removed_cut_at_either_end(declared):
    caller = {"name": "何丽华", "gender": "female", "phone": declared}
    for cut in ("3837612045", "1383761204", "383 7612 045"):
        text, _ = anonymise(f"来电号码{cut}，请回电。", caller=caller)
        assert text == "来电号码×××，请回电。", (declared, text)


@pytest.mark.parametrize("kept", [
    "3837612046", "2837612045", "订单号4837612045", "383 7612 046", "１２３４５６７８９０", "运单号 7712345678",
])
def test_ten_digit_numbers_that_are_not_a_callers_are_kept(kept):
    text, _ = anonymise(f"前言{kept}后语。", caller={"name": "何丽华", "gender": "female", "phone": "138 3761 2045"})
    assert kept in text


@given(before=CJK, after=CJK, phone=mobile(), first=st.booleans(), other=st.from_regex(r"[2-9][0-9]{9}", fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_a_declared_mobile_cut_at_either_end_never_survives_and_other_numbers_do(before, after, phone, first, other):
    digits, spelled = phone
    assume(other not in (digits[1:], digits[:-1]))
    spelled = re.sub(r"^(\+86 ?|0086-)?[1１]", r"\1", spelled) if first else spelled[:-1]
    text, _ = anonymise(f"{before}来电{spelled}，{after}编号{other}。", caller={"name": "何丽华", "gender": "female", "phone": digits})
    runs = re.findall(r"[0-9]+", re.sub(r"[ \-－\u3000+]", "", text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))))
    assert not [r for r in runs if digits[1:] in r or digits[:-1] in r]
    assert f"编号{other}。" in text


@pytest.mark.parametrize("written", [
    "第四栋2单元305室", "四栋2单元305室", "第4栋2单元305室", "第４栋２单元３０５室", "第四幢2单元305室", "第四栋 2单元 305室",
    "四号楼 2单元305室", "4#楼2单元305室", "第四栋-2单元-305室", "第四栋二单元三零五室",
])
def test_a_declared_address_written_with_another_word_for_its_building_leaves_nothing(written):
    """The address says 4号楼; the text says 第四栋, 4#楼 …: the building goes with the rest."""
    caller = {"name": "何丽华", "gender": "female", "address": "浉河区枫林小区4号楼2单元305室"}
    text, _ = anonymise(f"来电人住{written}，楼道灯不亮。", caller=caller)
    assert text == "来电人住×××，楼道灯不亮。", text


@pytest.mark.parametrize("kept", ["共有四栋楼", "第四栋楼外墙脱落", "前三栋已经完工", "一幢房屋", "第五号院子"])
def test_building_words_in_prose_are_kept_beside_a_declared_address(kept):
    caller = {"name": "何丽华", "gender": "female", "address": "浉河区枫林小区4号楼2单元305室"}
    text, _ = anonymise(f"小区{kept}，请处理。", caller=caller)
    assert kept in text, text


@pytest.mark.parametrize("plate", [
    "河南S12345", "河南省S12345", "河南 S12345", "河南S·12345", "河南S-12345", "河南Ｓ１２３４５", "河南S一二三四五",
    "黑龙江A12345", "内蒙古K12345", "内蒙K12345", "北京A1234学", "广东BD12345", "新疆A 1 2 3 4 5",
])
def test_a_plate_with_its_province_written_in_full_is_removed(plate):
    text, values = anonymise(f"一辆{plate}的轿车占用消防通道。", caller={"name": "何丽华", "gender": "female"})
    assert text == "一辆×××的轿车占用消防通道。", text
    assert any("车牌号" in v.field for v in values)


@pytest.mark.parametrize("kept", [
    "河南省信阳市", "河南G107国道", "河南S312省道", "北京时间8点", "湖北武汉12345", "广东省人民医院", "上海市12345热线", "四川ABC",
])
def test_province_names_in_prose_are_kept(kept):
    text, _ = anonymise(f"来电人说{kept}，请处理。", caller={"name": "何丽华", "gender": "female"})
    assert kept in text, text


@pytest.mark.parametrize("kept", [
    "300房间的酒店", "1000房间", "有200房间", "３００房间的宾馆", "5楼1000平方米", "５楼１０００平方米", "3楼200平米", "2楼1000㎡",
])
def test_counts_of_rooms_and_floor_areas_are_not_rooms(kept):
    text, _ = anonymise(f"该商场{kept}长期闲置。", caller={"name": "何丽华", "gender": "female"})
    assert kept in text, text


@pytest.mark.parametrize("room", ["302房间", "1201房间", "301室", "300室", "300房", "５０２房间"])
def test_room_numbers_are_still_rooms(room):
    text, _ = anonymise(f"住在{room}，楼道灯不亮。", caller={"name": "何丽华", "gender": "female"})
    assert text == "住在×××，楼道灯不亮。", text


@pytest.mark.parametrize("address", ["浉河区某某宾馆300室", "浉河区某某宾馆３００室", "浉河区某某小区1号楼1000房"])
def test_a_round_room_number_the_callers_address_declares_is_removed(address):
    room = "1000" if "1000" in address else "300"
    text, _ = anonymise(f"住在{room}房间，楼道灯不亮。", caller={"name": "何丽华", "gender": "female", "address": address})
    assert text.startswith("住在×××") and room not in text and "楼道灯不亮" in text, text


@pytest.mark.parametrize("text", ["住四栋1383761204。", "住第４栋 3837612045。", "三栋四栋6222020200000000004号"])
def test_a_building_beside_a_number_removed_goes_at_once(text):
    once, _ = anonymise(text, caller={"name": "何丽华", "gender": "female", "phone": "138 3761 2045"})
    assert "栋" not in once and anonymise(once)[0] == once, once


@pytest.mark.parametrize("written, kept", [
    ("3837612045 2013", " 2013"), ("1383761204 2013", " 2013"), ("3837612045-12", "-12"), ("2013 3837612045", "2013 "),
    ("2013-6221234", "2013-"), ("6221234-801", "-801"), ("３８３７６１２０４５ ２０１３", " ２０１３"), ("l383761204 2O13", " 2O13"),
])
def test_a_declared_number_among_other_digit_groups_is_removed_and_they_are_kept(written, kept):
    """The guard finds a number that is whole groups of a longer run; so must the anonymiser remove it there."""
    caller = {"name": "何丽华", "gender": "female", "phone": "138 3761 2045 / 6221234"}
    text, _ = anonymise(f"电话{written}。", caller=caller)
    assert "×××" in text and kept in text and not re.search(r"3761|6221", text), text


@pytest.mark.parametrize("kept", ["2013 0101 1234", "6221 2345", "1383 7612", "62212345-1"])
def test_digit_groups_that_spell_no_declared_number_are_kept(kept):
    caller = {"name": "何丽华", "gender": "female", "phone": "138 3761 2045 / 6221234"}
    text, _ = anonymise(f"编号{kept}。", caller=caller)
    assert kept in text, text
