"""The column text composed from a case's fields (hotline.site.story)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from conftest import DEPARTMENTS, make_case, write_cases
from jinja2 import Environment

from hotline.dates import cn_date, cn_month, month_key
from hotline.load.casedata import load_cases
from hotline.settings import HotlineSettings
from hotline.site.render import timeline
from hotline.site.story import credit, story
from hotline.site.templating import environment

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = HotlineSettings.from_pelican({}).office_in_column  # 市长热线办公室
SEED_42 = [
    "市民何女士反映，大拱桥居民小区近期经常停水，影响居民正常生活，多次反映无人维修，请求相关部门帮助解决。",
    "接电后，市长热线办公室立即安排市城管执法局（电话：6381234）办理。经查，情况属实。"
    "该处由于内河治理，于1月4日和1月9日两次施工挖坏供水管道。供水公司现已对管道进行了维修，恢复了正常供水。"
    "经回访，反映人对此结果表示满意。",
]


def public(tmp_path, **changes):
    """The one PublicCase made from the seed case with `changes`."""
    departments = DEPARTMENTS + [{"name": "市民政局"}]
    cases, problems = load_cases(write_cases(tmp_path / "cases", {"a.yaml": make_case(**changes)}, departments), TZ)
    assert not problems, problems
    (case,) = cases.cases
    return case


def test_the_seed_case_reads_like_the_column(tmp_path):
    case = public(tmp_path)
    assert story(case, OFFICE) == SEED_42
    assert credit(case) == "（值班记者 曾宪科）"


@pytest.mark.parametrize("hotline, office", [
    ({"OFFICE": "郑州市市长热线办公室"}, "郑州市市长热线办公室"),
    ({"OFFICE": "郑州市市长热线办公室", "COLUMN_OFFICE": "热线办"}, "热线办"),
])
def test_the_column_names_the_office_as_the_settings_say(tmp_path, hotline, office):
    settings = HotlineSettings.from_pelican({"HOTLINE": hotline})
    story_filter = environment(Environment(), settings).filters["story"]
    assert story_filter(public(tmp_path))[1].startswith(f"接电后，{office}立即安排市城管执法局")


@pytest.mark.parametrize("role, place, complaint, lead", [
    ("市民", {"district": "浉河区", "area": "大拱桥居民小区"}, "大拱桥居民小区近期经常停水。", "市民何女士反映，大拱桥"),
    (None, {"district": "浉河区"}, "近期经常停水。", "市民何女士反映，近期"),
    ("居民", {"district": "平桥区"}, "其子的户口至今仍未落实。", "平桥区居民何女士反映，其子"),
    ("村民", {"district": "平桥区", "area": "两庙村"}, "其母亲常年患病。", "平桥区两庙村村民何女士反映，其母亲"),
    ("居民", {"district": "平桥区", "area": "五里店街道"}, "五里店街道航空路一带摊点占道。", "平桥区居民何女士反映，五里店街道"),
    ("家长", {"district": "淮滨县", "area": "城关镇"}, "淮滨县城关镇一所初中暑期补课。", "家长何女士反映，淮滨县城关镇"),
])
def test_the_caller_is_introduced_as_the_column_does(tmp_path, role, place, complaint, lead):
    case = public(tmp_path, caller_role=role, place=place, complaint=complaint)
    assert story(case, OFFICE)[0].startswith(lead)


@pytest.mark.parametrize("channel, lead, dispatch", [
    ("hotline", "市民何女士反映，", "接电后，"),
    ("mailbox", "市民何女士来信反映，", "接信后，"),
    ("other", "市民何女士反映，", "接到反映后，"),
])
def test_letters_say_laixin_where_calls_say_laidian(tmp_path, channel, lead, dispatch):
    paragraphs = story(public(tmp_path, channel=channel), OFFICE)
    assert paragraphs[0].startswith(lead)
    assert paragraphs[1].startswith(dispatch + "市长热线办公室立即安排")
    assert ("接电后" in "".join(paragraphs)) == (channel == "hotline")


def test_several_departments_are_named_with_their_phones_and_each_reports(tmp_path):
    handling = [
        {"department": "城管执法局", "finding": "情况属实", "action": "已责令施工单位停止夜间施工。"},
        {"department": "市公安局", "finding": "情况部分属实。", "action": "第一段。\n\n第二段\n接着写。"},
        {"department": "市民政局", "action": "已将其纳入低保"},
    ]
    paragraphs = story(public(tmp_path, handling=handling), OFFICE)
    assert paragraphs[1:] == [
        "接电后，市长热线办公室立即安排市城管执法局（电话：6381234）、市公安局（电话：6520119）、市民政局办理。"
        "经市城管执法局调查，情况属实。已责令施工单位停止夜间施工。",
        "经市公安局调查，情况部分属实。第一段。",
        "第二段接着写。",
        "已将其纳入低保。经回访，反映人对此结果表示满意。",
    ]


@pytest.mark.parametrize("followup, closing", [
    ({"result": "satisfied"}, "经回访，反映人对此结果表示满意。"),
    ({"result": "basically_satisfied"}, "经回访，反映人对此结果表示基本满意。"),
    ({"result": "unsatisfied"}, "经回访，反映人对此结果表示不满意。"),
    ({"result": "unreachable"}, "回访时未能联系上反映人。"),
    ({"result": "satisfied", "comment": "何女士对此结果表示满意"}, "经回访，何女士对此结果表示满意。"),
    ({"result": "unreachable", "comment": "三次回访电话均无人接听。"}, "三次回访电话均无人接听。"),
])
def test_the_followup_sentence(tmp_path, followup, closing):
    paragraphs = story(public(tmp_path, followup=followup), OFFICE)
    assert paragraphs[-1].endswith("恢复了正常供水。" + closing)


def test_without_followup_or_reporter_nothing_is_invented(tmp_path):
    case = public(tmp_path, followup=None, reporter=None)
    assert story(case, OFFICE)[-1].endswith("恢复了正常供水。")
    assert credit(case) is None


def test_complaint_paragraphs_are_kept_and_lines_joined(tmp_path):
    paragraphs = story(public(tmp_path, complaint="第一段第一行\n第一段第二行。\n\n第二段 with English\nwords。"), OFFICE)
    assert paragraphs[:2] == ["市民何女士反映，第一段第一行第一段第二行。", "第二段 with English words。"]


def test_timeline_and_chinese_dates(tmp_path):
    case = public(tmp_path, rehandled=2, channel="mailbox")
    steps = [(s.label, cn_date(s.date), s.note) for s in timeline(case)]
    assert steps == [
        ("受理", "2013年1月10日", "来信"),
        ("交办", "2013年1月10日", "市城管执法局"),
        ("重新办理", "", "2 次"),
        ("办结", "2013年1月14日", ""),
        ("回访", "2013年1月16日", "满意"),
    ]
    assert cn_month(case.month) == "2013年1月"


def test_one_month_key_for_statistics_and_the_archive(tmp_path):
    case = public(tmp_path)
    assert case.month == month_key(case.resolved_at, "/") == "2013/01"  # archive/2013/01/
    assert month_key(case.received_at) == "2013-01"  # stats.json, bulletins/2013-01.html
    assert cn_month("2013-01") == cn_month("2013/01") == "2013年1月"
