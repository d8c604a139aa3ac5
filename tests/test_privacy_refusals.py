"""Private values the build refuses with a message for the clerk, rather
than publish them or blank out every text: too short or common, a public
name, a given name inside a place name, more than one name in a name field.
Messages say what to write instead and never show the value whole."""

from __future__ import annotations

import datetime as dt
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
