"""Small counts: a real build whose March has category cells of 1, 2 and 3
(unpublished records among them) shows 1 and 2 as <3 everywhere, keeps 3, lets
no total give a withheld count away, and shows everything with MIN_CELL 1;
a property test over random records for the rule itself."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from conftest import CATEGORIES, ROOT, SETTINGS, make_case, write_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_stats_build import parse, table, table_rows, text

from hotline.build.pelican import run_pelican
from hotline.model import CaseFacts, Category, Department, District, Registries
from hotline.stats.disclosure import CATEGORY_COUNTS, COUNTS, Withheld, suppress
from hotline.stats.figures import statistics

SCHEMA = json.loads((ROOT / "schema" / "stats.schema.json").read_text("utf-8"))
REGISTRY_CATEGORIES = CATEGORIES + [{"name": "供水供电", "slug": "water"}, {"name": "环保问题", "slug": "env"}]


def resolved(i: int, category: str, **changes) -> dict:
    return make_case(id=f"M-{i}", received_at=f"2013-03-{i + 1:02d} 10:{i:02d}", resolved_at="2013-03-28",
                     category=category, **changes)


# March 2013 by category: 城市管理 3 (published), 户籍管理 1 (withheld), 供水供电 2 (in progress),
# 环保问题 5 (3 in progress).
CASES = {
    **{f"c{i}.yaml": resolved(i, "城市管理") for i in range(3)},
    "w.yaml": resolved(3, "户籍管理", publish=False, handling=[{"department": "市公安局", "action": "已办理。"}]),
    **{f"r{i}.yaml": {"id": f"R-{i}", "status": "received", "received_at": f"2013-03-1{i} 21:5{i}", "category": "供水供电"}
       for i in range(2)},
    **{f"e{i}.yaml": resolved(10 + i, "环保问题") for i in range(2)},
    **{f"o{i}.yaml": {"id": f"O-{i}", "status": "received", "received_at": f"2013-03-2{i}", "category": "环保问题"}
       for i in range(3)},
}


def build(tmp: Path, min_cell: int | None = None) -> Path:
    cases = write_cases(tmp / "cases", CASES, categories=REGISTRY_CATEGORIES)
    out = tmp / "out"
    hotline = {} if min_cell is None else {"MIN_CELL": min_cell}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "HOTLINE": hotline})
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("cells"))


@pytest.fixture(scope="module")
def stats(site) -> dict:
    return json.loads((site / "stats" / "stats.json").read_text("utf-8"))


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in rows}


def test_one_and_two_are_withheld_three_stays(stats):
    jsonschema.Draft202012Validator(SCHEMA).validate(stats)
    assert stats["min_cell"] == 3
    categories = by_name(stats["by_category"])
    for name in ("城市管理", "环保问题"):  # 3 and 5: shown, or withheld (×) so that no <3 can be worked out
        row = categories[name]
        assert row["totals"]["records"] in (3, 5) or row["suppressed"]["records"] == "complementary"
    for name in ("户籍管理", "供水供电"):
        row = categories[name]
        assert row["totals"]["records"] is None and row["suppressed"]["records"] == "small"
    assert categories["供水供电"]["totals"]["resolved"] == 0  # 0 stays 0
    for breakdown in ("by_category", "by_department", "by_district", "by_channel"):
        for row in stats[breakdown]:
            assert not {1, 2} & set(row["totals"].values()), (breakdown, row["name"])
            for name, reason in row["suppressed"].items():
                assert (row["totals"] | row["rates"])[name] is None and reason in ("small", "complementary", "derived")


def test_no_withheld_count_follows_from_its_row_and_time_totals_are_shown(stats):
    """Along the sums within each row no <3 can be pinned down; the counts by
    time alone (the whole, each year and month) are all shown."""
    low, high = 1, 2
    for row in stats["by_category"] + stats["by_district"] + stats["by_channel"] + stats["by_department"]:
        t = row["totals"]
        assert not _pinned(t["records"], [t["invalid"], t["valid"]], low, high), row["name"]
        assert not _pinned(t["valid"], [t["in_progress"], t["resolved"]], low, high), row["name"]
    for row in [stats, *stats["by_year"], *stats["by_month"]]:
        assert None not in row["totals"].values() and not row["suppressed"], row.get("name")


def _pinned(total: int | None, cells: list[int | None], low: int, high: int) -> bool:
    """Whether `total` = sum of `cells` gives a withheld cell (None: low..high or, if
    the total is withheld too, anything) a single value."""
    hidden = [c for c in cells if c is None]
    if total is None or not hidden:
        return False
    rest = total - sum(c for c in cells if c is not None)
    if len(hidden) == 1:
        return True
    least, most = rest - (len(hidden) - 1) * 10**9, rest - (len(hidden) - 1) * low
    return max(least, low) == min(most, high)


def test_the_pages_bulletin_chart_and_ticker_show_the_same(site, stats):
    page = parse(site / "stats" / "index.html")
    rows = table_rows(table(page, "按类别"))
    assert rows["户籍管理"][0] == "<3" and rows["供水供电"][0] == "<3" and rows["城市管理"][0] in ("3", "×")
    assert "&lt;3" in (site / "stats" / "index.html").read_text("utf-8")
    monthly = table_rows(table(page, "表：每月有效来电（按类别）"))["2013年3月"]
    assert monthly.count("<3") == 2 and monthly[-1] == "11"  # March's total: by time alone, shown
    svg = page.xpath("//section[@id='monthly']//*[local-name()='svg']")[0]
    drawn = [text(d) for d in svg.xpath(".//*[local-name()='desc'][@class='value']")]
    assert not {"1", "2"} & set(drawn)  # no bar for a withheld count
    bulletin = parse(site / "bulletins" / "2013-03.html")
    cells = [[text(c) for c in tr.xpath("./td|./th")] for tr in table(bulletin, "本月有效来电最多的类别").xpath("./tbody/tr")]
    shown = {c[1]: c[2:4] for c in cells}
    assert shown["户籍管理"] == ["<3", "—"] and shown["供水供电"] == ["<3", "—"]  # a share of a withheld count is not shown
    assert not {"1", "2"} & {c[2] for c in cells}
    ticker = (site / "led" / "ticker.txt").read_text("utf-8")
    year = stats["by_year"][-1]["totals"]["records"]
    assert re.search(rf"2013年[0-9]+(-[0-9]+)?月共受理{year}件", ticker) and "<3" not in ticker


def test_min_cell_1_shows_every_count(tmp_path):
    out = build(tmp_path, min_cell=1)
    stats = json.loads((out / "stats" / "stats.json").read_text("utf-8"))
    categories = by_name(stats["by_category"])
    assert [categories[n]["totals"]["records"] for n in ("城市管理", "户籍管理", "供水供电")] == [3, 1, 2]
    assert all(not r["suppressed"] for r in stats["by_category"] + stats["by_department"])
    assert "<3" not in (out / "stats" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("value", [0, -1, "3", 2.5, True])
def test_min_cell_must_be_a_whole_number_from_1(tmp_path, value):
    from hotline.problems import ConfigError
    from hotline.settings import HotlineSettings

    with pytest.raises(ConfigError):
        HotlineSettings.from_pelican({"HOTLINE": {"MIN_CELL": value}})


def test_no_time_of_day_is_published(site):
    """Receipt times 10:0x and 21:5x: nothing but midnight anywhere in the output."""
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml", ".rss", ".txt"):
            data = path.read_text("utf-8", errors="replace")
            assert not re.search(r"(?<!\d)(10:0\d|21:5\d)(?!\d)", data), path
            assert not re.search(r"T(?!00:00:00)\d\d:\d\d:\d\d", data), path


TZ = ZoneInfo("Asia/Shanghai")
CATS = (Category("城市管理", "urban"), Category("户籍管理", "household"), Category("供水供电", "water"))
DEPTS = (Department("市城管执法局", "cg"), Department("市公安局", "ga"))
DISTRICTS = (District("平桥区", "pingqiao"), District("浉河区", "shihe"))
REGISTRIES = Registries(DEPTS, CATS, DISTRICTS, {d.name: d for d in DEPTS}, {c.name: c for c in CATS},
                        {d.name: d for d in DISTRICTS})
FACT = st.builds(
    lambda status, published, month, category, departments, district, followup, rehandled, channel: CaseFacts(
        status=status, published=published and status == "resolved", channel=channel,
        received_at=dt.datetime(2013, month, 3, 9, tzinfo=TZ),
        resolved_at=dt.datetime(2013, month, 20, tzinfo=TZ) if status == "resolved" else None,
        category=category, departments=departments, district=district,
        followup_result=followup if status == "resolved" else None, rehandled=rehandled, supervision_level=None),
    st.sampled_from(("received", "assigned", "resolved", "resolved", "invalid")), st.booleans(), st.integers(1, 3),
    st.sampled_from([None, *(c.name for c in CATS)]), st.sampled_from([(), ("市城管执法局",), ("市公安局",), ("市城管执法局", "市公安局")]),
    st.sampled_from([None, "平桥区", "浉河区"]), st.sampled_from([None, "satisfied", "unsatisfied", "unreachable"]),
    st.integers(0, 1), st.sampled_from(("hotline", "mailbox", "other")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FACT, max_size=40))
def test_property_no_small_count_is_shown_or_follows_from_its_row(facts):
    shown = suppress(statistics(facts, REGISTRIES, DISTRICTS), 3)
    sensitive = [*shown.by_category, *shown.by_district, *shown.by_channel, *shown.by_department,
                 *(r for name in shown.FINER for rows in getattr(shown, name).values() for r in rows)]
    for row in sensitive:
        for name in COUNTS:
            value = getattr(row.figures, name)
            assert not (isinstance(value, int) and 1 <= value <= 2), (row.name, name)

    def cell(value):
        return value if isinstance(value, int) else None

    for name in COUNTS:  # counts by time alone are always shown
        assert isinstance(getattr(shown.totals, name), int)
        assert all(isinstance(getattr(r.figures, name), int) for r in (*shown.by_year, *shown.by_month))
    for row in sensitive:
        f = row.figures
        small = [isinstance(v, Withheld) and v.reason == "small" for v in (f.invalid, f.valid)]
        if any(small):
            assert not _pinned(cell(f.records), [cell(f.invalid), cell(f.valid)], 1, 2), row.name


def _resolved_fact(month: int, category: str) -> CaseFacts:
    return CaseFacts(status="resolved", published=True, channel="hotline", received_at=dt.datetime(2013, month, 3, 9, tzinfo=TZ),
                     resolved_at=dt.datetime(2013, month, 20, tzinfo=TZ), category=category, departments=("市城管执法局",),
                     district="平桥区", followup_result="satisfied", rehandled=0, supervision_level=None)


def test_nothing_is_withheld_in_vain_for_a_count_only_time_totals_pin():
    """January's one call, in 城市管理: January's total (a count by time alone,
    always shown) and the zeros beside it pin that 1, whatever else is withheld.
    So nothing else is withheld for it: February's tens and the year's
    categories stay shown."""
    facts = [_resolved_fact(1, "城市管理")] + [_resolved_fact(2, c.name) for c in CATS for _ in range(10)]
    shown = suppress(statistics(facts, REGISTRIES, DISTRICTS), 3)
    january = {r.name: r.figures for r in shown.month_categories["2013-01"]}
    assert isinstance(january["城市管理"].resolved, Withheld)
    february = {r.name: r.figures for r in shown.month_categories["2013-02"]}
    assert all(getattr(february[c.name], name) == 10 for c in CATS for name in CATEGORY_COUNTS)
    year = {r.name: r.figures for r in shown.year_categories["2013"]}
    whole = {r.name: r.figures for r in shown.by_category}
    for figures in (year, whole):
        assert [(figures[c.name].valid, figures[c.name].resolved, figures[c.name].satisfied) for c in CATS] == [
            (11, 11, 11), (10, 10, 10), (10, 10, 10)]
