"""Figures against a hand count: working days across the 2013 Spring Festival,
empty months, zero denominators, breakdowns and the department scoreboard."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from hotline.model import CaseFacts, Category, Department, District, Registries
from hotline.stats.figures import (
    Figures,
    by_category,
    by_channel,
    by_department,
    by_district,
    by_month,
    by_year,
    count_change,
    figures,
    is_working_day,
    on_time,
    percent,
    rate_change,
    scoreboard,
    statistics,
    working_days,
)

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date

CATEGORIES = (Category("城市管理", "urban"), Category("户籍管理", "household"), Category("供水供电", "water"), Category("环保问题", "env"))
DEPARTMENTS = (Department("市城管执法局", "cg"), Department("市公安局", "ga"), Department("市供水公司", "gs"), Department("市教育局", "jy"))
DISTRICTS = (District("平桥区", "pingqiao"), District("浉河区", "shihe"))
REGISTRIES = Registries(DEPARTMENTS, CATEGORIES, DISTRICTS, {d.name: d for d in DEPARTMENTS}, {c.name: c for c in CATEGORIES},
                        {d.name: d for d in DISTRICTS})


def fact(status, received, resolved=None, *, published=True, channel="hotline", category=None, departments=(),
         district=None, followup=None, rehandled=0) -> CaseFacts:
    at = lambda d: None if d is None else dt.datetime.combine(d, dt.time(9, 30), TZ)  # noqa: E731
    return CaseFacts(status=status, published=published, channel=channel, received_at=at(received),
                     resolved_at=at(resolved), category=category, departments=tuple(departments),
                     district=district, followup_result=followup, rehandled=rehandled, supervision_level=None)


# Nine records, counted by hand below. Spring Festival 2013: holidays 9–15 February,
# Saturday 16 and Sunday 17 February made-up working days.
FACTS = (
    # 1: 2 working days (11, 14 Jan): on time
    fact("resolved", D(2013, 1, 10), D(2013, 1, 14), category="城市管理", departments=["市城管执法局"],
         district="浉河区", followup="satisfied"),
    # 2: withheld, by letter; 12 working days (16–31 Jan): late; unreachable; sent back once
    fact("resolved", D(2013, 1, 15), D(2013, 1, 31), published=False, channel="mailbox", category="户籍管理",
         departments=["市公安局"], followup="unreachable", rehandled=1),
    # 3, 4: in progress without category or place; an invalid call
    fact("received", D(2013, 1, 20)),
    fact("invalid", D(2013, 1, 25)),
    # 5: 6 Feb -> 21 Feb: 7, 8, 16, 17, 18, 19, 20, 21 = 8 working days: on time
    #    (Monday to Friday would say 11: late); two departments
    fact("resolved", D(2013, 2, 6), D(2013, 2, 21), category="城市管理", departments=["市城管执法局", "市公安局"],
         district="平桥区", followup="basically_satisfied"),
    # 6: 4 Feb -> 22 Feb: 5–8, 16, 17, 18–22 = 11 working days: late only because of the
    #    made-up weekend (without it 9); unsatisfied; sent back twice
    fact("resolved", D(2013, 2, 4), D(2013, 2, 22), category="户籍管理", departments=["市公安局"],
         district="平桥区", followup="unsatisfied", rehandled=2),
    fact("assigned", D(2013, 2, 10), category="城市管理", departments=["市城管执法局"]),
    # March: nothing. 8: April, other channel, no follow-up (zero denominator for satisfaction)
    fact("resolved", D(2013, 4, 1), D(2013, 4, 2), channel="other", category="城市管理",
         departments=["市城管执法局"], district="浉河区"),
    # 9: May, resolved the day it came in
    fact("resolved", D(2013, 5, 6), D(2013, 5, 6), category="供水供电", departments=["市供水公司"],
         district="浉河区", followup="satisfied"),
)

HAND_COUNT = Figures(records=9, invalid=1, in_progress=2, resolved=6, published=5, followed_up=4,
                     satisfied=3, on_time=4, rehandled=2)


def test_the_calendar_knows_the_2013_spring_festival():
    assert not is_working_day(D(2013, 2, 11))  # Monday in the holiday
    assert is_working_day(D(2013, 2, 16)) and is_working_day(D(2013, 2, 17))  # made-up weekend
    assert not is_working_day(D(2013, 2, 23))  # an ordinary Saturday


@pytest.mark.parametrize("start, end, days", [
    (D(2013, 1, 10), D(2013, 1, 14), 2),
    (D(2013, 2, 6), D(2013, 2, 21), 8),
    (D(2013, 2, 4), D(2013, 2, 22), 11),
    (D(2013, 2, 8), D(2013, 2, 15), 0),  # the whole holiday week
    (D(2013, 2, 15), D(2013, 2, 16), 1),  # the made-up Saturday itself
    (D(2013, 5, 6), D(2013, 5, 6), 0),
])
def test_working_days_across_holidays_and_made_up_days(start, end, days):
    assert working_days(start, end) == days


def test_the_fixture_needs_the_calendar():
    """Monday to Friday alone would put case 5 late and case 6 on time."""
    def weekdays(start, end):
        return sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(1, (end - start).days + 1))

    assert weekdays(D(2013, 2, 6), D(2013, 2, 21)) == 11
    assert weekdays(D(2013, 2, 4), D(2013, 2, 22)) - 5 == 9  # the holiday week off, no made-up days


def test_on_time_against_the_deadline():
    assert [on_time(f) for f in FACTS if f.status == "resolved"] == [True, False, True, False, True, True]
    assert on_time(FACTS[5], deadline_days=11) and not on_time(FACTS[5], deadline_days=10)
    assert not on_time(FACTS[2])  # not resolved


def test_totals_and_rates_match_the_hand_count():
    f = figures(FACTS)
    assert f == HAND_COUNT
    assert f.valid == 8
    assert f.rates() == {"followup_rate": 4 / 6, "satisfaction_rate": 3 / 4, "on_time_rate": 4 / 6, "rehandled_rate": 2 / 6}
    assert f.rehandled_rate == 2 / 6
    assert [percent(r) for r in f.rates().values()] == ["66.7%", "75.0%", "66.7%", "33.3%"]


def test_zero_denominators_give_none_and_a_dash():
    empty = figures([])
    assert empty.rates() == {"followup_rate": None, "satisfaction_rate": None, "on_time_rate": None, "rehandled_rate": None}
    assert empty.rehandled_rate is None
    assert percent(None) == "—" and percent(0.0) == "0.0%"
    april = figures([FACTS[7]])
    assert april.followup_rate == 0.0 and april.satisfaction_rate is None and percent(april.satisfaction_rate) == "—"
    only_open = figures([FACTS[2], FACTS[3]])  # nothing resolved: every rate is over zero cases
    assert set(only_open.rates().values()) == {None}


def test_months_run_from_first_to_last_with_empty_months():
    rows = by_month(FACTS)
    assert [(r.key, r.name) for r in rows] == [
        ("2013-01", "2013年1月"), ("2013-02", "2013年2月"), ("2013-03", "2013年3月"),
        ("2013-04", "2013年4月"), ("2013-05", "2013年5月"),
    ]
    jan, feb, mar, apr, may = (r.figures for r in rows)
    assert jan == Figures(records=4, invalid=1, in_progress=1, resolved=2, published=1, followed_up=1,
                          satisfied=1, on_time=1, rehandled=1)
    assert feb == Figures(records=3, in_progress=1, resolved=2, published=2, followed_up=2, satisfied=1,
                          on_time=1, rehandled=1)
    assert mar == Figures() and set(mar.rates().values()) == {None}
    assert apr == Figures(records=1, resolved=1, published=1, on_time=1)
    assert may == Figures(records=1, resolved=1, published=1, followed_up=1, satisfied=1, on_time=1)
    assert _sum(r.figures for r in rows) == HAND_COUNT
    assert by_month([]) == ()


def test_a_month_of_a_late_evening_record_is_its_local_month():
    late = CaseFacts("invalid", False, "hotline", dt.datetime(2013, 1, 31, 23, 30, tzinfo=TZ), None, None, (), None,
                     None, 0, None)
    assert [r.key for r in by_month([late])] == ["2013-01"]


def test_years_categories_districts_and_channels():
    assert [(r.name, r.figures) for r in by_year(FACTS)] == [("2013年", HAND_COUNT)]
    cats = {r.name: r for r in by_category(FACTS, REGISTRIES)}
    assert list(cats) == ["城市管理", "户籍管理", "供水供电", "环保问题", "未分类"]
    assert [cats[n].figures.records for n in cats] == [4, 2, 1, 0, 2]
    assert cats["未分类"].key is None and cats["城市管理"].key == "urban"
    assert cats["城市管理"].figures == Figures(records=4, in_progress=1, resolved=3, published=3, followed_up=2,
                                          satisfied=2, on_time=3)
    districts = {r.name: r.figures.records for r in by_district(FACTS, DISTRICTS)}
    assert districts == {"平桥区": 2, "浉河区": 3, "其他": 4}
    channels = {r.key: (r.name, r.figures.records) for r in by_channel(FACTS)}
    assert channels == {"hotline": ("市长热线", 7), "mailbox": ("市长信箱", 1), "other": ("其他渠道", 1)}
    for rows in (by_category(FACTS, REGISTRIES), by_district(FACTS, DISTRICTS), by_channel(FACTS)):
        assert _sum(r.figures for r in rows) == HAND_COUNT  # each record counted once


def test_departments_count_each_record_for_every_department_that_handled_it():
    rows = {r.name: r.figures for r in by_department(FACTS, REGISTRIES)}
    assert list(rows) == ["市城管执法局", "市公安局", "市供水公司", "市教育局"]
    assert rows["市城管执法局"] == Figures(records=4, in_progress=1, resolved=3, published=3, followed_up=2,
                                         satisfied=2, on_time=3)
    assert rows["市公安局"] == Figures(records=3, resolved=3, published=2, followed_up=2, satisfied=1, on_time=1,
                                     rehandled=2)
    assert rows["市供水公司"].resolved == 1 and rows["市教育局"] == Figures()


def test_scoreboard_ranks_departments_with_the_minimum_sample_and_lists_the_rest():
    board = scoreboard(by_department(FACTS, REGISTRIES), min_sample=3)
    assert [(s.rank, s.row.name) for s in board] == [(1, "市城管执法局"), (2, "市公安局"), (None, "市供水公司")]
    # 市教育局 had no record: not listed at all
    default = scoreboard(by_department(FACTS, REGISTRIES))  # minimum sample 5: nobody ranked
    assert [s.rank for s in default] == [None, None, None]
    assert [s.row.name for s in default] == ["市城管执法局", "市公安局", "市供水公司"]  # most resolved first


def test_scoreboard_ties_share_a_rank_and_missing_rates_rank_last():
    same = [fact("resolved", D(2013, 3, 4), D(2013, 3, 5), departments=[n], followup="satisfied")
            for n in ("市城管执法局", "市公安局")]
    unvisited = [fact("resolved", D(2013, 3, 4), D(2013, 3, 5), departments=["市供水公司"])] * 2
    board = scoreboard(by_department(same + unvisited, REGISTRIES), min_sample=1)
    assert [(s.rank, s.row.name) for s in board] == [(1, "市城管执法局"), (1, "市公安局"), (3, "市供水公司")]


def test_statistics_bundle_agrees_with_its_parts():
    s = statistics(FACTS, REGISTRIES, DISTRICTS)
    assert s.totals == HAND_COUNT
    assert s.by_month == by_month(FACTS) and s.by_department == by_department(FACTS, REGISTRIES)
    assert s.as_of == dt.datetime(2013, 5, 6, 9, 30, tzinfo=TZ)
    assert statistics((), REGISTRIES, ()).as_of is None


def test_changes_are_shown_as_people_read_them():
    assert count_change(5, 3) == "+2" and count_change(3, 5) == "−2" and count_change(4, 4) == "持平"
    assert count_change(4, None) == "—"
    assert rate_change(0.75, 0.5) == "+25.0 个百分点"
    assert rate_change(2 / 3, 1.0) == "−33.3 个百分点"
    assert rate_change(None, 0.5) == "—" and rate_change(0.5, None) == "—" and rate_change(0.5, 0.5) == "持平"
    # the difference of the percentages as shown, not of the raw rates
    assert rate_change(0.66666, 0.33334) == f"+{66.7 - 33.3:.1f} 个百分点"


def _sum(items) -> Figures:
    total = dict.fromkeys(Figures.__slots__, 0)
    for f in items:
        for k in total:
            total[k] += getattr(f, k)
    return Figures(**total)


def test_charts_are_the_same_bytes_every_time_and_carry_nothing_from_outside():
    from hotline.stats import charts

    def draw():
        return charts.stacked_bars("monthly", "每月有效来电", ["2013年1月", "2013年2月"], [("城市管理", [1, 2]), ("其他类别", [0, 1])])

    svg = str(draw())
    assert svg == str(draw())  # no random id, no date: an unchanged build rewrites nothing
    assert 'id="chart-monthly"' in svg and 'role="img"' in svg and "<title>每月有效来电</title>" in svg
    assert dt.date.today().isoformat() not in svg
    for banned in ("<script", "kozea", "pygal.org", "<!--", "googleapis", "http://", "https://"):
        assert banned not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""), banned


def _svg(markup) -> etree._Element:
    return etree.fromstring(str(markup).encode("utf-8"))


def _fill(shape: etree._Element) -> str:
    return dict(rule.split(":", 1) for rule in shape.get("style", "").split(";") if rule).get("fill", "")


def test_stacked_bar_series_differ_by_hatching_not_only_by_colour():
    from hotline.stats import charts

    names = [f"类别{i}" for i in range(7)] + ["其他类别"]
    svg = _svg(charts.stacked_bars("monthly", "每月有效来电", ["2013年1月", "2013年2月"], [(n, [1, 2]) for n in names]))
    assert svg.get("aria-describedby") == "chart-monthly-desc"
    desc = svg.find("{*}desc")
    assert desc is not None and desc.get("id") == "chart-monthly-desc"
    assert "花纹" in desc.text and "表" in desc.text and "类别0、类别1" in desc.text

    patterns = {p.get("id"): p for p in svg.iter("{*}pattern")}
    hatchings = set()
    for i in range(len(names)):
        pattern = patterns[f"chart-monthly-hatch-{i}"]
        hatchings.add(tuple(p.get("d") for p in pattern.iter("{*}path")))
        bars = svg.xpath(f".//*[contains(@class, 'serie-{i} ')]//*[local-name()='rect']")
        legend = svg.xpath(f".//*[@id='activate-serie-{i}']/*[local-name()='rect']")
        assert len(bars) == 2 and len(legend) == 1
        assert {_fill(s) for s in bars + legend} == {f"url(#chart-monthly-hatch-{i})"}
    assert len(hatchings) == len(names)  # in grey print, or to a reader who cannot tell red from brown


def test_line_chart_series_differ_by_dashes_and_dots():
    from hotline.stats import charts

    svg = _svg(charts.lines("rates", "每月满意率和按时办结率", ["1月", "2月"], [("满意率", [0.5, 0.9]), ("按时办结率", [0.4, 0.6])]))
    desc = svg.find("{*}desc").text
    assert "满意率是实线" in desc and "按时办结率是虚线" in desc
    first, second = (svg.xpath(f".//*[contains(@class, 'serie-{i} ')]//*[local-name()='path' and contains(@class, 'line')]")
                     for i in (0, 1))
    assert "stroke-dasharray:none" in first[0].get("style") and f"stroke-dasharray:{charts.DASHED}" in second[0].get("style")
    assert all(_fill(dot) == "#fff" for dot in svg.xpath(".//*[contains(@class, 'serie-1 ')]//*[local-name()='circle']"))
    assert not any(_fill(dot) for dot in svg.xpath(".//*[contains(@class, 'serie-0 ')]//*[local-name()='circle']"))
    samples = [svg.xpath(f".//*[@id='activate-serie-{i}']/*[local-name()='path']")[0].get("style") for i in (0, 1)]
    assert "stroke-dasharray:none" in samples[0] and charts.DASHED in samples[1]


def test_single_bars_carry_their_values():
    from hotline.stats import charts

    svg = _svg(charts.bars("districts", "各区县有效来电", ["浉河区", "平桥区"], [12, 7]))
    values = [t.text for t in svg.xpath(".//*[local-name()='text' and contains(@class, 'value')]")]
    assert sorted(values) == ["12", "7"]
    assert "件数" in svg.find("{*}desc").text


_GEOMETRY_DIGITS = re.compile(r'\s(?:x|y|cx|cy|r|rx|ry|width|height|d|transform|viewBox)="([^"]*)"')


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 99_999), min_size=1, max_size=14), st.lists(st.floats(0, 1), min_size=2, max_size=14))
def test_no_number_in_a_charts_geometry_can_spell_a_callers(counts, rates):
    """pygal writes coordinates with six or more decimals, and the guard read
    "204.297087 0.000000" as the landline 297 0870 at 300,000 cases. Every
    run of digits the charts' geometry holds is now too short to be any
    number: a guard that knows every seven and eight digits the geometry
    holds in a row, whatever stands between them, finds none of them."""
    from hotline.build.guard import Guard
    from hotline.privacy.private import NUMBER, PrivateValue
    from hotline.stats import charts

    labels = [f"2013年{i + 1}月" for i in range(len(counts))]
    drawn = [
        charts.bars("districts", "各区县有效来电", [f"区{i}" for i in range(len(counts))], counts),
        charts.stacked_bars("monthly", "每月有效来电", labels, [("城市管理", counts), ("其他类别", counts[::-1])]),
        charts.lines("rates", "每月满意率", [f"{i}月" for i in range(len(rates))], [("满意率", rates), ("按时办结率", rates[::-1])]),
    ]
    for svg in map(str, drawn):
        digits = "".join(re.sub(r"[^0-9]", "", value) for value in _GEOMETRY_DIGITS.findall(svg))
        windows = {digits[i:i + n] for n in (7, 8) for i in range(len(digits) - n + 1)}
        assert len(windows) > 10  # the geometry is there to be read
        guard = Guard([PrivateValue(w, "XY-2013-000042", "caller.phone", NUMBER) for w in sorted(windows)])
        guard.check("stats/index.html", svg)
        # Nor does any other place but the figures themselves (pygal's tooltip positions go).
        figures = re.sub(r"<(?:title|text|desc class=\"value\")[\s>][^>]*>?[^<]*<", "", svg).replace("/2000/svg", "")
        assert not re.search(r"[0-9]{5}", figures), figures


def test_charts_draw_the_same_with_short_numbers():
    """The rounded geometry still puts each bar where its value says."""
    from hotline.stats import charts

    svg = _svg(charts.bars("districts", "各区县有效来电", ["甲区", "乙区"], [300, 150]))
    lengths = sorted(float(r.get("width")) for r in svg.xpath(".//*[contains(@class, 'serie-0 ')]//*[local-name()='rect']"))
    assert lengths[0] > 0 and abs(lengths[1] / lengths[0] - 2) < 0.02  # horizontal bars
    assert all(re.fullmatch(r"-?[0-9]+(\.[0-9])?e0", r.get("x")) for r in svg.iter("{*}rect") if "x" in r.attrib)
