"""Private values the build refuses with a message for the clerk, rather
than publish them or blank out every text: too short or common, a public
name, a given name inside a place name, more than one name in a name field.
Messages say what to write instead and never show the value whole."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from conftest import make_case, write_cases

from hotline.load.casedata import load_cases

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CALLER = {"name": "何丽华", "gender": "female"}


def problems_of(tmp_path, **changes) -> list[str]:
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(**changes)})
    result, problems = load_cases(cases, TZ)
    assert (result is None) == bool(problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize("extra, field, says", [
    ({"age": 45}, "caller.age", "只有 2 位数字"),
    ({"floor": "3"}, "caller.floor", "只有 1 位数字"),
    ({"room": "501"}, "caller.room", "写进完整的 address"),
    ({"phone": "12345"}, "caller.phone", "电话号码只有 5 位"),
    ({"phone": "13837612045 / 2045"}, "caller.phone", "电话号码只有 4 位"),
    ({"id_number": "无"}, "caller.id_number", "整行删去"),
    ({"address": "不详"}, "caller.address", "整行删去"),
    ({"nickname": "王"}, "caller.nickname", "只有一个字"),
])
def test_values_too_short_or_common_to_guard_are_refused(tmp_path, extra, field, says):
    found = problems_of(tmp_path, caller={**CALLER, **extra})
    assert len(found) == 1 and f"{field}: " in found[0] and says in found[0], found


@pytest.mark.parametrize("term", ["陆辉林", "伍佰", "柒月"])
def test_a_name_with_a_character_that_is_also_a_numeral_is_a_name(tmp_path, term):
    assert problems_of(tmp_path, caller=CALLER, redact=[term]) == []


def test_a_one_character_redact_term_is_refused_and_no_text_is_blanked(tmp_path):
    found = problems_of(tmp_path, caller=CALLER, redact=["王", "王建军"])
    assert len(found) == 1 and "redact[0]" in found[0] and "只有一个字" in found[0]


@pytest.mark.parametrize("extra, field, public", [
    ({"employer": "市公安局"}, "caller.employer", "市公安局"),
    ({"employer": "城管执法局"}, "caller.employer", "城管执法局"),  # an alias
    ({"address": "浉河区"}, "caller.address", "浉河区"),
    ({"workplace": "公安"}, "caller.workplace", "市公安局"),  # part of a public name
    ({"phone": "0376-6381234"}, "caller.phone", "市城管执法局"),
])
def test_a_private_value_that_is_a_public_name_is_refused_not_whitelisted(tmp_path, extra, field, public):
    found = problems_of(tmp_path, caller={**CALLER, **extra})
    assert len(found) == 1 and f"{field}: " in found[0] and public in found[0], found


def test_a_redact_term_that_the_column_prints_is_refused(tmp_path):
    found = problems_of(tmp_path, caller=CALLER, redact=["满意"])
    assert len(found) == 1 and "redact[0]" in found[0] and "公开的名称" in found[0]


@pytest.mark.parametrize("text", ["建国乡政府门前积水", "建国路口的路灯不亮", "住在建国村"])
def test_a_given_name_inside_a_place_name_is_refused(tmp_path, text):
    found = problems_of(tmp_path, caller={"name": "张建国", "gender": "male"}, complaint=f"{text}，请求解决。")
    assert len(found) == 1 and "complaint" in found[0] and "地名" in found[0], found
    assert "建国" not in found[0].split(": ", 2)[-1]


def test_the_whole_name_before_a_place_character_is_replaced_whole(tmp_path):
    assert problems_of(tmp_path, caller={"name": "张建国", "gender": "male"}, complaint="张建国路过时摔倒，请求解决。") == []


@pytest.mark.parametrize("name", ["何丽华女士", "何丽华（女）", "何丽华、张三", "何某"])
def test_a_name_field_with_more_than_a_name_is_refused(tmp_path, name):
    found = problems_of(tmp_path, caller={"name": name, "gender": "female"})
    assert len(found) == 1 and "caller.name: 来电人姓名" in found[0], found


def test_several_callers_are_a_list_and_each_is_private(tmp_path, run):
    callers = [{"name": "何丽华", "gender": "female", "phone": "13837612045"}, {"name": "张建军", "gender": "male"}]
    case = make_case(caller=None, callers=callers, complaint="何丽华和张建军反映停水，电话13837612045。")
    cases = write_cases(tmp_path / "cases", {"a.yaml": case})
    out = tmp_path / "out"
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 0, err
    page = (out / "cases" / "XY-2013-000042.html").read_text("utf-8")
    assert "市民何女士、张先生反映" in page
    assert "何女士和张先生反映停水" in page
    text = "".join(p.read_text("utf-8", errors="replace") for p in out.rglob("*") if p.is_file())
    assert "何丽华" not in text and "张建军" not in text and "13837612045" not in text


def test_caller_and_callers_together_are_refused(tmp_path):
    found = problems_of(tmp_path, caller=CALLER, callers=[CALLER])
    assert any("caller 和 callers 只能写一个" in p for p in found)


def test_schema_errors_under_caller_never_echo_the_value(tmp_path):
    found = problems_of(tmp_path, caller={"name": ["刘大标"], "phone": {"mobile": "13837612045"}, "gender": "女"})
    joined = "\n".join(found)
    assert "刘大标" not in joined and "13837612045" not in joined, joined
    assert "caller.phone" in joined and "“女”" in joined  # the gender is no secret


def test_check_warns_of_an_employer_short_form(tmp_path, run):
    caller = {**CALLER, "employer": "信阳市第一人民医院"}
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(caller=caller, complaint="她在市一院上班，单位宿舍停水。")})
    code, out, err = run("check", "--cases", cases)
    assert code == 0, err
    assert "“市一院”像是来电人工作单位（信********）的简称" in err and "写进 redact" in err
    assert "第一人民医院" not in err


def test_unpublished_records_are_refused_the_same_way(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(), "b.yaml": {
        "id": "XY-9", "status": "received", "received_at": dt.date(2013, 2, 1).isoformat(), "caller": {"name": "何丽华", "age": 45}}})
    _, problems = load_cases(cases, TZ)
    assert [p.field for p in problems] == ["caller.age"]


def test_an_unpublished_line_a_published_case_says_across_its_paragraphs_is_public(tmp_path):
    """A page runs a case's paragraphs together: a withheld case that says the
    same words on one line must not stop the build as a leak of its text."""
    said = "孩子所在学校要求学生统一购买教辅资料，不买的学生被老师点名批评"
    published = make_case(complaint=f"{said}，\n\n请求有关部门调查处理。")
    withheld = make_case(id="XY-2013-000043", publish=False, complaint=f"{said}，请求有关部门调查处理。",
                         caller={"name": "范国俊", "gender": "male"})
    cases = write_cases(tmp_path / "cases", {"a.yaml": published, "b.yaml": withheld})
    result, problems = load_cases(cases, TZ)
    assert problems == []
    assert not [v for v in result.private_values if v.field == "complaint"]


# What every page prints: the site's name, the office, the hotline numbers (pelicanconf.py).
def site_words() -> tuple[str, ...]:
    from conftest import SETTINGS

    from hotline.settings import HotlineSettings, read_file

    return HotlineSettings.from_pelican(read_file(SETTINGS)).site_words


def site_problems_of(tmp_path, name: str = "a.yaml", **changes) -> list[str]:
    cases = write_cases(tmp_path / "cases", {name: make_case(**changes)})
    result, problems = load_cases(cases, TZ, site_words=site_words())
    assert (result is None) == bool(problems)
    return [str(p) for p in problems]


def test_the_site_words_are_what_every_page_prints():
    words = site_words()
    assert {"市长热线 12345", "信阳市市长热线办公室", "市长热线办公室", "12345", "8912345", "3772020", "3785008"} <= set(words)


@pytest.mark.parametrize("phone", [
    "8912345", "891 2345", "891-2345", "0376-8912345", "（0376）8912345", "0376 891 2345", "８９１２３４５", "八九一二三四五",
    "3772020", "13837612045 / 3785008",
])
def test_a_phone_that_is_a_site_hotline_is_refused_at_load(tmp_path, phone):
    found = site_problems_of(tmp_path, caller={**CALLER, "phone": phone})
    assert len(found) == 1 and "caller.phone: " in found[0], found
    assert "热线号码" in found[0] and "请写来电人自己的号码" in found[0]
    shown = re.sub(r"[^0-9]", "", found[0].split("caller.phone: ", 1)[1])
    assert not re.search("8912345|3772020|3785008|13837612045", shown), found


@pytest.mark.parametrize("extra, field, advice", [
    ({"address": "信阳市"}, "caller.address", "住址请写到小区、楼号和门牌"),
    ({"address": "信阳"}, "caller.address", "住址请写到小区、楼号和门牌"),
    ({"employer": "信阳市市长热线办公室"}, "caller.employer", "请写得更具体"),
    ({"employer": "市长热线"}, "caller.employer", "请写得更具体"),
    ({"address": "平桥区"}, "caller.address", "住址请写到小区、楼号和门牌"),  # a district: a public name too
])
def test_a_value_every_page_prints_is_refused_at_load_with_advice(tmp_path, extra, field, advice):
    found = site_problems_of(tmp_path, caller={**CALLER, **extra})
    assert len(found) == 1 and f"{field}: " in found[0] and advice in found[0], found
    value = next(iter(extra.values()))
    assert f"“{value}”" not in found[0].split("”", 1)[0] + "”", found  # the value itself is shown masked


@pytest.mark.parametrize("extra", [
    {"address": "信阳市浉河区枫林小区3号楼501室"}, {"phone": "0376-8912346"}, {"phone": "13889123450"}, {"phone": "0376-6221234"},
    {"employer": "信阳市某某商贸有限公司"}, {"employer": "信阳市第一人民医院"},
])
def test_values_that_merely_hold_a_site_word_are_private_as_usual(tmp_path, extra):
    assert site_problems_of(tmp_path, caller={**CALLER, **extra}) == []


def test_a_file_named_with_the_callers_number_is_named_masked(tmp_path):
    caller = {**CALLER, "phone": "13837612777", "address": "信阳市"}
    found = site_problems_of(tmp_path, "XY-13837612777.yaml", id="XY-13837612777", caller=caller)
    assert [p.split(": ", 2)[1] for p in found] == ["id", "caller.address"], found
    for problem in found:
        assert "XY-138****2777.yaml:" in problem and "13837612777" not in problem and "3761" not in problem, problem


@pytest.mark.parametrize("name, case_id, phone, shown", [
    ("XY-13837612777.yaml", "XY-13837612777", "138 3761 2777", "XY-138****2777.yaml"),
    ("2013/XY-０２０１３８３７６１２７７７.yaml", "XY-13837612777", "13837612777", "XY-０２０１３８３７６１２７７７.yaml"),
    ("XY-6221234.yaml", "XY-6221234", "6221234", "XY-*****34.yaml"),
])
def test_a_case_id_holding_the_phone_is_refused_and_its_file_named_masked(tmp_path, name, case_id, phone, shown):
    found = site_problems_of(tmp_path, name, id=case_id, caller={**CALLER, "phone": phone})
    assert len(found) == 1 and ": id: 案件编号含有来电人的号码" in found[0] and shown in found[0], found


def test_hotline_check_refuses_a_site_hotline_as_the_callers_phone(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(caller={**CALLER, "phone": "0376-8912345"})})
    code, _, err = run("check", "--cases", cases)
    assert code == 1 and "caller.phone: 号码（" in err and "热线号码" in err, err
    assert "8912345" not in err
