"""LED ticker, unit level: screen settings, charset mapping, cutting, message composition."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import pytest
from conftest import make_case, write_cases

from hotline.feeds.led import make_ticker
from hotline.feeds.led.charset import LOOKALIKES, PLACEHOLDER, to_charset
from hotline.feeds.led.config import MIN_CHARS, Screen, parse_screens
from hotline.feeds.led.messages import ELLIPSIS, TAG, Composer, cut
from hotline.load.casedata import load_cases
from hotline.problems import ConfigError
from hotline.settings import HotlineSettings
from hotline.stats.disclosure import site_statistics

TZ = ZoneInfo("Asia/Shanghai")
SEED_MESSAGE = "【已办结】浉河区大拱桥居民小区 管道损坏致停水 市城管执法局办理 回访满意"


def encodable(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


# --- settings -----------------------------------------------------------------------------

def test_default_is_one_main_screen():
    settings = HotlineSettings.from_pelican({"HOTLINE": {}})
    assert settings.led_screens == (Screen(),)
    assert Screen().directory == "led" and Screen().charset == "gb2312"


def test_screens_are_parsed_main_first_with_keys_in_any_case():
    screens = parse_screens([
        {"NAME": "pingqiao", "district": "平桥区", "CATEGORY": ["城市管理"], "Max_Chars": 24, "CHARSET": "GBK"},
        {"NAME": "main", "ITEMS": 5},
    ])
    assert [s.name for s in screens] == ["main", "pingqiao"]
    assert screens[0].items == 5
    assert screens[1] == Screen(name="pingqiao", district=("平桥区",), category=("城市管理",), max_chars=24, charset="gbk")
    assert screens[1].directory == "led/pingqiao"


@pytest.mark.parametrize("value, message", [
    ({"NAME": "main"}, "应为列表"),
    (["main"], "第 1 项 应为字典"),
    ([{"NAME": "a", "WIDTH": 20}], "第 1 项 中未知的设置项 WIDTH（可用：NAME, TITLE, MAX_CHARS"),
    ([{"MAX_CHARS": 20}], "缺少 NAME"),
    ([{"NAME": "平桥"}], "“平桥” 不能用作网址中的名称；请只用小写英文字母"),
    ([{"NAME": "Main"}], "不能用作网址中的名称"),
    ([{"NAME": "../x"}], "不能用作网址中的名称"),
    ([{"NAME": "a"}, {"NAME": "b"}, {"NAME": "a"}], "有两块屏都叫 “a”"),
    ([{"NAME": "a", "CHARSET": "utf-8"}], "“utf-8” 不是支持的字符集；请写 GB2312 或 GBK"),
    ([{"NAME": "a", "MAX_CHARS": MIN_CHARS - 1}], f"MAX_CHARS 应为 {MIN_CHARS} 到 1000 之间的整数（现为 15）"),
    ([{"NAME": "a", "ITEMS": "10"}], "ITEMS 应为 1 到 500 之间的整数（现为 '10'）"),
    ([{"NAME": "a", "REFRESH_SECONDS": True}], "REFRESH_SECONDS 应为"),
    ([{"NAME": "a", "DISTRICT": []}], "DISTRICT 应为一个名称或名称列表"),
    ([{"NAME": "a", "REPLACE": ["浉"]}], "REPLACE 应为字典"),
    ([{"NAME": "a", "REPLACE": {"浉": "浉"}}], "把 “浉” 换成的 “浉” 不能用 GB2312 显示"),
])
def test_bad_screen_settings_fail_with_a_chinese_message(value, message):
    with pytest.raises(ConfigError) as e:
        HotlineSettings.from_pelican({"HOTLINE": {"LED_SCREENS": value}})
    assert message in str(e.value)
    assert str(e.value).startswith("设置错误：")


# --- charset ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, gb2312, gbk", [
    ("何·某", "何・某", "何·某"),  # U+00B7: GB2312 has only U+30FB; GBK has U+00B7 but not U+30FB
    ("停水——修复", "停水――修复", "停水——修复"),  # U+2014 -> U+2015
    ("8月–10月", "8月-10月", "8月–10月"),
    ("二〇一三年", "二○一三年", "二〇一三年"),
    ("100㎡", "100m2", "100㎡"),
    ("温度−5℃", "温度－5℃", "温度－5℃"),
    ("a\u200bb\u00a0c\n\td", "ab c d", "ab c d"),
])
def test_punctuation_becomes_its_look_alike(text, gb2312, gbk):
    assert to_charset(text, "gb2312") == (gb2312, [])
    assert to_charset(text, "gbk") == (gbk, [])


def test_every_look_alike_table_entry_has_an_encodable_choice():
    for char, choices in LOOKALIKES.items():
        for charset in ("gb2312", "gbk"):
            mapped, missing = to_charset(char, charset)
            assert not missing and encodable(mapped, charset) and mapped in (char, *choices), (char, charset)


def test_a_character_without_equivalent_becomes_the_placeholder():
    assert encodable(PLACEHOLDER, "gb2312")
    assert to_charset("浉河区😀居民𠀾", "gb2312") == (f"{PLACEHOLDER}河区{PLACEHOLDER}居民{PLACEHOLDER}", ["浉", "😀", "𠀾"])
    assert to_charset("浉河区😀", "gbk") == (f"浉河区{PLACEHOLDER}", ["😀"])


# --- cutting ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, limit, expected", [
    ("管道损坏致停水", 7, "管道损坏致停水"),
    ("管道损坏致停水，及时维修促供水", 10, "管道损坏致停水…"),  # at the clause
    ("管道损坏致停水", 6, "管道损坏致…"),  # between words (管道/损坏/致/停水), not inside 停水
    ("工资共计5400元未发", 8, "工资共计…"),  # never inside 5400, nor between 5400 and 元
    ("工资共计5400元未发", 10, "工资共计5400元…"),
    ("购买了一台3C认证的电暖器", 9, "购买了一台3C…"),
    ("购买了一台3C认证的电暖器", 7, "购买了一台…"),
    ("路灯 500 米不亮", 8, "路灯 500…"),
    ("请访问 www.example.cn 查询", 12, "请访问…"),
    ("12345678901234567890", 8, ELLIPSIS),
])
def test_cut_at_a_sensible_boundary(text, limit, expected):
    assert cut(text, limit) == expected
    assert len(cut(text, limit)) <= limit


# --- composition --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """The seed case, a case handled by two departments and one with a rare character."""
    two = make_case(
        id="XY-2013-000043", headline=["户口四年无着落", "部门督促得办理"], place={"district": "平桥区", "area": "平昌关镇"},
        handling=[*make_case()["handling"], {"department": "市公安局", "action": "已协调落户。"}],
        followup={"at": "2013-01-16", "result": "basically_satisfied"}, resolved_at="2013-01-15",
    )
    rare = make_case(id="XY-2013-000044", headline=["𠀾字路灯不亮"], followup={"at": "2013-01-16", "result": "unreachable"},
                     resolved_at="2013-01-13")
    cases_dir = write_cases(tmp_path_factory.mktemp("led") / "cases", {
        "a.yaml": make_case(), "b.yaml": two, "c.yaml": rare,
        "d.yaml": {"id": "XY-R", "status": "received", "received_at": "2013-02-01"},
    })
    loaded, problems = load_cases(cases_dir, TZ)
    assert not problems
    return loaded


def by_id(cases, case_id):
    return next(c for c in cases.cases if c.id == case_id)


def test_the_seed_case_message(cases):
    message = Composer(Screen(charset="gbk")).case_message(by_id(cases, "XY-2013-000042"))
    assert message == SEED_MESSAGE


@pytest.mark.parametrize("max_chars, expected", [
    (40, "【已办结】浉河区大拱桥居民小区 管道损坏致停水 市城管执法局办理 回访满意"),
    (30, "【已办结】浉河区 管道损坏致停水 市城管执法局办理 回访满意"),
    (26, "【已办结】管道损坏致停水 市城管执法局办理 回访满意"),
    (25, "【已办结】浉河区 管道损坏致停水 回访满意"),
    (17, "【已办结】管道损坏致停水 回访满意"),
    (16, "【已办结】浉河区 管道损坏致停水"),
])
def test_parts_are_dropped_until_the_message_fits(cases, max_chars, expected):
    assert Composer(Screen(charset="gbk", max_chars=max_chars)).case_message(by_id(cases, "XY-2013-000042")) == expected


def test_only_then_the_headline_is_cut(cases):
    case = by_id(cases, "XY-2013-000042")
    case = type(case)(**{**{f: getattr(case, f) for f in case.__slots__}, "headline": ("大拱桥居民小区近期经常停水影响居民正常生活",)})
    message = Composer(Screen(charset="gbk", max_chars=16)).case_message(case)
    assert message.startswith(TAG + "大拱桥") and message.endswith(ELLIPSIS) and len(message) <= 16


def test_two_departments_and_basic_satisfaction(cases):
    case = by_id(cases, "XY-2013-000043")
    def message(max_chars):
        return Composer(Screen(max_chars=max_chars)).case_message(case)

    assert message(41) == "【已办结】平桥区平昌关镇 户口四年无着落 市城管执法局、市公安局办理 回访基本满意"
    assert message(40) == "【已办结】平桥区 户口四年无着落 市城管执法局、市公安局办理 回访基本满意"
    assert message(33) == "【已办结】户口四年无着落 市城管执法局、市公安局办理 回访基本满意"
    assert message(32) == "【已办结】户口四年无着落 市城管执法局等办理 回访基本满意"


def test_unreachable_follow_up_says_nothing_and_rare_characters_are_reported(cases, caplog):
    composer = Composer(Screen())
    with caplog.at_level(logging.WARNING):
        seed = composer.case_message(by_id(cases, "XY-2013-000042"))
        rare = composer.case_message(by_id(cases, "XY-2013-000044"))
        composer.warn()
    # The place (浉河区, not in GB2312) is left out rather than shown as □河区.
    assert seed == "【已办结】管道损坏致停水 市城管执法局办理 回访满意"
    # The headline itself cannot be left out: its rare character becomes the placeholder.
    assert rare == f"【已办结】{PLACEHOLDER}字路灯不亮 市城管执法局办理"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "“𠀾”" in warnings[0] and "XY-2013-000044" in warnings[0] and "XY-2013-000042" not in warnings[0]


def test_replace_gives_a_rare_character_a_written_form(cases, caplog):
    composer = Composer(Screen(replace=(("浉", "氵师"),)))
    assert composer.case_message(by_id(cases, "XY-2013-000042")) == SEED_MESSAGE.replace("浉", "氵师")
    assert not composer.missing


def test_hotline_and_stats_lines_fit_every_width(cases):
    hotlines = ("12345", "8912345", "3772020", "3785008")
    wide = Composer(Screen(max_chars=60))
    assert wide.hotline_lines(hotlines, "信阳市市长热线办公室", "全天 24 小时") == [
        "信阳市市长热线办公室 热线电话 12345 8912345 3772020 3785008 全天 24 小时"]
    assert Composer(Screen(max_chars=43)).hotline_lines(hotlines, "信阳市市长热线办公室", "全天 24 小时") == [
        "热线电话 12345 8912345 3772020 3785008 全天 24 小时"]
    assert Composer(Screen(max_chars=42)).hotline_lines(hotlines, "信阳市市长热线办公室", "全天 24 小时") == [
        "热线电话 12345 8912345 3772020 3785008"]
    assert Composer(Screen(max_chars=16)).hotline_lines(hotlines, "办公室", "全天") == [
        "热线电话 12345", "8912345 3772020", "3785008"]
    # 2013: four records, three resolved, two followed up (one unreachable), both satisfied
    year = site_statistics(cases, HotlineSettings.from_pelican({"HOTLINE": {"MIN_CELL": 1}})).by_year[-1]
    assert wide.stats_line(year, (1, 5)) == "2013年1-5月共受理4件 回访率66.7% 满意率100.0%"
    assert Composer(Screen(max_chars=24)).stats_line(year, (1, 5)) == "2013年1-5月共受理4件 回访率66.7%"
    assert wide.stats_line(year, (3, 3)) == "2013年3月共受理4件 回访率66.7% 满意率100.0%"
    assert wide.stats_line(None) == ""


@pytest.mark.parametrize("months", [(1, 12), (3, 3), (10, 12)])
def test_the_stats_line_tells_no_number_in_pieces(months):
    """2013年共受理3060件 read as the landline 2013 3060 told in pieces: the
    months stand between the year and the count (2013年1-12月共受理3060件)."""
    from hotline.build.guard import Guard
    from hotline.privacy.private import NUMBER, PrivateValue
    from hotline.stats.figures import Figures, Row

    year = Row("2013年", "2013", Figures(records=3060, invalid=10, resolved=2812))
    line = Composer(Screen(max_chars=60)).stats_line(year, months)
    assert "3060件" in line
    Guard([PrivateValue("20133060", "XY-1", "caller.phone", NUMBER)]).check("led/ticker.txt", line)


def test_a_screen_shows_its_district_and_category_only(cases):
    settings = HotlineSettings.from_pelican({"HOTLINE": {}})
    ticker = make_ticker(cases, settings, Screen(name="pq", district=("平桥区",), items=5))
    assert [c.id for c, _ in ticker.messages] == ["XY-2013-000043"]
    ticker = make_ticker(cases, settings, Screen(name="all", items=2))
    assert [c.id for c, _ in ticker.messages] == ["XY-2013-000043", "XY-2013-000042"]  # newest first
    with pytest.raises(ConfigError) as e:
        make_ticker(cases, settings, Screen(name="x", category=("城市管里",)))
    assert "屏 x 的 CATEGORY “城市管里” 不在 categories.yaml 中（可用：城市管理、户籍管理）" in str(e.value)


def test_a_screen_without_cases_yet_shows_numbers_and_figures_only(cases, caplog):
    settings = HotlineSettings.from_pelican({"HOTLINE": {"MIN_CELL": 1}})
    with caplog.at_level(logging.WARNING):
        ticker = make_ticker(cases, settings, Screen(name="sc", district=("商城县",)))
    assert ticker.messages == ()
    assert ticker.lines == ["市长热线办公室 热线电话 12345 全天 24 小时", "2013年1-2月共受理4件 回访率66.7% 满意率100.0%",
                            "口径：回访率=回访接通÷办结 满意率=满意+基本满意÷回访接通"]
    assert "LED 屏 sc：还没有公开的案件属于 DISTRICT “商城县”" in caplog.text
