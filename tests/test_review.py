"""`hotline check`: the build's errors, the warnings that do not stop it, --strict, the summary."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from conftest import ROOT, make_case, write_cases

from hotline import cli
from hotline.commands.review import is_boilerplate, suspected_names, width
from hotline.settings import OPTIONS

COPIED = "经现场核查，该路段排水管道因施工被堵塞，施工单位已于当日疏通管道并恢复路面。"


def handling(action: str) -> list[dict]:
    return [{"department": "市城管执法局", "assigned_at": "2013-01-10", "finding": "情况属实", "action": action}]


def case(case_id: str, **changes) -> dict:
    """The seed case with its own result, so only the copies below are copies."""
    action = f"经核查，{case_id[3:].lower()} 号工单所述情况属实，供水公司已对管道进行维修，恢复了正常供水。"
    return make_case(id=case_id, **{"handling": handling(action), **changes})


CASES = {
    "2013/01/clean.yaml": case("XY-CLEAN", complaint="何丽华反映：大拱桥居民小区近期经常停水，请市城管执法局帮助解决。"),
    "2013/01/name.yaml": case("XY-NAME", complaint="隔壁邻居孙悟净经常深夜吵闹，影响休息。"),
    "2013/01/boiler.yaml": case("XY-BOILER", handling=handling("已安排处理。")),
    "2013/01/long.yaml": case("XY-LONG", headline=["小区门口的路灯已经坏了一个多月", "修好了"]),
    "2013/01/nofollow.yaml": case("XY-NOFOLLOW", followup=None),
    "2013/02/copy1.yaml": case("XY-COPY1", handling=handling(COPIED)),
    "2013/02/copy2.yaml": case("XY-COPY2", handling=handling(COPIED)),
}


def line_of(path: Path, text: str) -> int:
    """The line of the first occurrence of `text` in a file."""
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The crafted cases, and what `hotline check` said about them (checked once)."""
    cases = write_cases(tmp_path_factory.mktemp("review") / "cases", CASES)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["check", "--cases", str(cases)])
    finally:
        os.chdir(cwd)
    return cases, code, out.getvalue(), err.getvalue().splitlines()


def warnings_for(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if f"/{name}:" in line]


def test_warnings_do_not_fail_the_check_and_are_counted(checked):
    _, code, stdout, lines = checked
    assert code == 0
    assert "检查通过：共 7 个案件，其中公开 7 个" in stdout
    assert f"0 个错误，{len(lines)} 个警告" in stdout
    assert all(": 警告：" in line for line in lines)


def test_a_name_left_in_public_text_is_flagged_at_its_line(checked):
    cases, _, _, lines = checked
    path = cases / "2013/01/name.yaml"
    assert warnings_for(lines, "name.yaml") == [
        f"{path}:{line_of(path, 'complaint:')}: complaint: 警告：“孙悟净”像是人名，匿名化后仍会公开；"
        "若是人名请写进 redact 或改写（不是人名可以忽略）"
    ]


def test_the_public_form_and_registry_names_are_not_flagged(checked):
    assert warnings_for(checked[3], "clean.yaml") == []


def test_boilerplate_result_is_flagged(checked):
    cases, _, _, lines = checked
    path = cases / "2013/01/boiler.yaml"
    found = warnings_for(lines, "boiler.yaml")
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(path, 'action:')}: handling[0].action: 警告：办理结果只有“已安排处理。”")


def test_headline_longer_than_the_column_is_flagged(checked):
    cases, _, _, lines = checked
    found = warnings_for(lines, "long.yaml")
    assert len(found) == 1 and ": headline[0]: 警告：标题“小区门口的路灯已经坏了一个多月”超过 8 个字" in found[0]


def test_resolved_case_without_followup_is_flagged(checked):
    cases, _, _, lines = checked
    path = cases / "2013/01/nofollow.yaml"
    assert warnings_for(lines, "nofollow.yaml") == [
        f"{path}:{line_of(path, 'resolved_at:')}: resolved_at: 警告：已办结的案件没有回访（followup）；请补上回访日期和结果"
    ]


def test_result_copied_into_several_cases_is_flagged_in_each(checked):
    _, _, _, lines = checked
    assert len(warnings_for(lines, "copy1.yaml")) == 1 and "与案件 XY-COPY2 的一字不差" in warnings_for(lines, "copy1.yaml")[0]
    assert len(warnings_for(lines, "copy2.yaml")) == 1 and "与案件 XY-COPY1 的一字不差" in warnings_for(lines, "copy2.yaml")[0]


def test_strict_turns_warnings_into_an_error(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(followup=None)})
    code, stdout, stderr = run("check", "--cases", cases, "--strict")
    assert code == 1 and "--strict" in stdout and "0 个错误，1 个警告" in stdout
    assert run("check", "--cases", cases)[0] == 0
    clean = write_cases(tmp_path / "clean", {"a.yaml": make_case()})
    passed = "检查通过：共 1 个案件，其中公开 1 个，不公开的办结案件 0 个；0 个错误，0 个警告。\n"
    assert run("check", "--cases", clean, "--strict")[:2] == (0, passed)


def test_errors_come_with_file_line_and_field_and_stop_the_check(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {
        "a.yaml": make_case(id="XY-A", category="城市管里"),
        "b.yaml": make_case(id="XY-B", followup=None),
    })
    code, stdout, stderr = run("check", "--cases", cases)
    path = cases / "a.yaml"
    assert code == 1
    assert f"{path}:{line_of(path, 'category:')}: category: “城市管里”不在categories.yaml中，是不是“城市管理”？" in stderr
    assert stdout == "共 2 个案件，1 个错误，0 个警告；请改正错误后重新检查。\n"
    assert "Traceback" not in stderr


def test_missing_cases_directory_is_one_clear_error(tmp_path, run):
    code, stdout, stderr = run("check", "--cases", tmp_path / "nope")
    assert code == 1 and "案件目录不存在" in stderr and "0 个案件，1 个错误" in stdout


@pytest.mark.parametrize("text, names", [
    ("工作人员张伟到现场查看。", ["张伟"]),
    ("经办人刘晓明已退款。", ["刘晓明"]),
    ("何女士反映肖王乡计生所拖欠工程款。", []),
    ("高峰时段申请人许可证到期后付清。", []),
    ("联系王某某后，李先生表示满意。", []),
])
def test_suspected_names(text, names):
    assert suspected_names(text, set()) == names


def test_registry_words_are_not_names():
    assert suspected_names("张庄社区的路灯坏了。", {"张庄社区"}) == []


@pytest.mark.parametrize("text, boiler", [
    ("已安排处理。", True), ("已转交相关部门处理", True), ("已办理", True), (" 已转交 ", True),
    ("已安排工作人员更换路灯，现已恢复照明。", False),
])
def test_boilerplate(text, boiler):
    assert is_boilerplate(text) is boiler


def test_width_counts_digits_and_letters_half():
    assert width("管道损坏致停水") == 7 and width("10kV线路故障") == 6
    assert width("一二三四五六七八") == OPTIONS["COLUMN_HEADLINE_WIDTH"].default
