"""A real build of a small hand-counted case set: stats.json against its schema
and the hand count, the statistics page, the charts, the scoreboard, and the
same figures wherever else they appear (home page, LED ticker)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from browser import LocalServer
from conftest import CATEGORIES, DEPARTMENTS, ROOT, SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.pelican import run_pelican
from hotline.stats.figures import percent

SCHEMA = json.loads((ROOT / "schema" / "stats.schema.json").read_text("utf-8"))
MIN_SAMPLE = 3


def handling(*departments: str) -> list[dict]:
    return [{"department": d, "finding": "情况属实", "action": "已按规定处理完毕。"} for d in departments]


# The nine records of tests/test_stats.py as case files (see the hand count there).
CASES = {
    "01/S-1.yaml": make_case(id="S-1"),  # 2013-01-10 -> 01-14, 市城管执法局, 浉河区, satisfied
    "01/S-2.yaml": make_case(
        id="S-2", publish=False, channel="mailbox", received_at="2013-01-15 10:00", resolved_at="2013-01-31",
        category="户籍管理", handling=handling("市公安局"), rehandled=1, followup={"result": "unreachable"},
        place={"district": "罗山县", "area": "庙仙乡熊林村"}, headline=["未公开的标题文字"],
        complaint="邻居孙悟净经常深夜吵闹影响休息，多次协调无果。",
        caller={"name": "孙小美", "gender": "female", "phone": "15937612345"}),
    "01/S-3.yaml": {"id": "S-3", "status": "received", "received_at": "2013-01-20"},
    "01/S-4.yaml": {"id": "S-4", "status": "invalid", "received_at": "2013-01-25"},
    "02/S-5.yaml": make_case(
        id="S-5", received_at="2013-02-06 09:30", resolved_at="2013-02-21", handling=handling("市城管执法局", "市公安局"),
        place={"district": "平桥区", "area": "五里店街道"}, headline=["节前路灯不亮", "节后及时修复"],
        followup={"result": "basically_satisfied"}),
    "02/S-6.yaml": make_case(
        id="S-6", received_at="2013-02-04", resolved_at="2013-02-22", category="户籍管理", handling=handling("市公安局"),
        place={"district": "平桥区"}, headline=["迁户手续几经周折", "重新办理终落户"],
        followup={"result": "unsatisfied"}, rehandled=2),
    "02/S-7.yaml": {"id": "S-7", "status": "assigned", "received_at": "2013-02-10", "category": "城市管理",
                    "handling": [{"department": "市城管执法局"}]},
    "04/S-8.yaml": make_case(id="S-8", channel="other", received_at="2013-04-01", resolved_at="2013-04-02",
                             followup=None, headline=["井盖缺失", "当天补齐"]),
    "05/S-9.yaml": make_case(
        id="S-9", received_at="2013-05-06", resolved_at="2013-05-06", category="供水供电", handling=handling("市供水公司"),
        headline=["小区停水", "当日恢复"]),
}
REGISTRY_DEPARTMENTS = DEPARTMENTS + [{"name": "市供水公司", "phone": "6225678"}, {"name": "市教育局"}]
REGISTRY_CATEGORIES = CATEGORIES + [{"name": "供水供电", "slug": "water"}, {"name": "环保问题", "slug": "env"}]

HAND_TOTALS = {"records": 9, "invalid": 1, "valid": 8, "in_progress": 2, "resolved": 6, "published": 5,
               "followed_up": 4, "satisfied": 3, "on_time": 4, "rehandled": 2}
HAND_RATES = {"followup_rate": 4 / 6, "satisfaction_rate": 3 / 4, "on_time_rate": 4 / 6, "rehandled_rate": 2 / 6}
SECRETS = ("罗山县", "庙仙乡", "孙悟净", "孙小美", "未公开的标题文字", "深夜吵闹", "S-2", "S-3", "S-4", "S-7")


def build_small_site(tmp_path_factory, min_cell: int = 1) -> Path:
    """The nine records built into a site; MIN_CELL 1 by default: every count shown, to check the hand count."""
    cases = write_cases(tmp_path_factory.mktemp("stats-cases") / "cases", {f"2013/{k}": v for k, v in CASES.items()},
                        departments=REGISTRY_DEPARTMENTS, categories=REGISTRY_CATEGORIES)
    out = tmp_path_factory.mktemp("stats-site") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out),
                               "HOTLINE": {"OFFICE": "测试市长热线办公室", "MIN_SAMPLE": MIN_SAMPLE, "MIN_CELL": min_cell}})
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_small_site(tmp_path_factory)


@pytest.fixture(scope="module")
def stats(site) -> dict:
    return json.loads((site / "stats" / "stats.json").read_text("utf-8"))


def parse(path: Path):
    return html.fromstring(path.read_bytes())


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def table_rows(table) -> dict[str, list[str]]:
    """A data table's body: row header -> the other cells' text."""
    rows = {}
    for tr in table.xpath("./tbody/tr[th]"):
        rows[text(tr.xpath("./th")[0])] = [text(td) for td in tr.xpath("./td")]
    return rows


def table(page, caption: str):
    found = page.xpath(f'//table[caption[normalize-space()="{caption}"]]')
    assert len(found) == 1, caption
    return found[0]


def figure_cells(row: dict) -> list[str]:
    """What figures_table prints for a stats.json row."""
    t, r = row["totals"], row["rates"]
    return [str(t["records"]), str(t["invalid"]), str(t["valid"]), str(t["in_progress"]), str(t["resolved"]),
            percent(r["followup_rate"]), percent(r["satisfaction_rate"]), percent(r["on_time_rate"]), str(t["rehandled"])]


def test_stats_json_has_the_documented_shape(stats):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(stats)
    assert stats["deadline_days"] == 10 and stats["min_sample"] == MIN_SAMPLE
    assert stats["generated_at"] == "2013-05-06T00:00:00+08:00"  # the latest record, not the clock


def test_the_schema_rejects_what_it_should():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    row = {"name": "2013年", "key": "2013", "totals": dict(HAND_TOTALS), "rates": dict(HAND_RATES), "suppressed": {}}
    definitions = {key: {"name": "回访率", "definition": "…", "formula": "…", "numerator": "followed_up",
                         "denominator": "resolved", "url": "stats/definitions.html#followup-rate"} for key in HAND_RATES}
    good = {"generated_at": None, "deadline_days": 10, "min_sample": 5, "min_cell": 3, "definitions": definitions,
            "totals": dict(HAND_TOTALS),
            "rates": dict(HAND_RATES), "suppressed": {}, **{k: [] for k in ("by_month", "by_category", "by_department", "by_district",
                                                         "by_channel")}, "by_year": [row], "hot_topics": None}
    validator.validate(good)
    rise = {"name": "供水供电", "key": "water", "valid": 10, "before": [3, 3, 3], "average": 3.0, "rise": 7.0}
    hot = {"month": "2013-04", "history": True, "categories": [rise], "districts": [], "min_cases": 3,
           "terms": [{"word": "停水", "cases": 3}]}
    validator.validate({**good, "hot_topics": hot})
    for bad in ({**good, "rates": {**HAND_RATES, "satisfaction_rate": 1.2}},
                {**good, "totals": {**HAND_TOTALS, "records": "9"}},
                {**good, "by_year": [{**row, "key": "13"}]},
                {**good, "extra": 1},
                {k: v for k, v in good.items() if k != "hot_topics"},
                {**good, "hot_topics": {**hot, "categories": [{**rise, "rise": 0}]}},  # only rises are listed
                {**good, "hot_topics": {**hot, "categories": [{**rise, "before": [3, 3]}]}},
                {**good, "hot_topics": {**hot, "terms": [{"word": "停水", "cases": 1}]}},
                {**good, "definitions": {k: v for k, v in definitions.items() if k != "on_time_rate"}},
                {**good, "definitions": {**definitions, "on_time_rate": {**definitions["on_time_rate"], "numerator": "x"}}}):
        assert not validator.is_valid(bad)


def test_stats_json_matches_the_hand_count(stats):
    assert stats["totals"] == HAND_TOTALS
    assert stats["rates"] == pytest.approx(HAND_RATES)
    months = {r["key"]: r for r in stats["by_month"]}
    assert list(months) == ["2013-01", "2013-02", "2013-03", "2013-04", "2013-05"]
    assert months["2013-03"]["totals"] == dict.fromkeys(HAND_TOTALS, 0)  # an empty month is listed
    assert set(months["2013-03"]["rates"].values()) == {None}
    assert months["2013-04"]["rates"]["satisfaction_rate"] is None  # resolved but nobody asked
    assert [r["totals"]["on_time"] for r in stats["by_month"]] == [1, 1, 0, 1, 1]  # Spring Festival: 1 of 2 in Feb
    for name in ("by_month", "by_year", "by_category", "by_district", "by_channel"):  # each record once
        assert {k: sum(r["totals"][k] for r in stats[name]) for k in HAND_TOTALS} == HAND_TOTALS, name
    districts = {r["name"]: (r["key"], r["totals"]["records"]) for r in stats["by_district"]}
    assert districts == {"平桥区": (districts["平桥区"][0], 2), "浉河区": (districts["浉河区"][0], 3), "其他": (None, 4)}
    departments = {r["name"]: r["totals"] for r in stats["by_department"]}
    assert [departments[n]["records"] for n in ("市城管执法局", "市公安局", "市供水公司", "市教育局")] == [4, 3, 1, 0]
    assert departments["市公安局"]["rehandled"] == 2


def test_readme_documents_stats_json(stats):
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## 统计与简报", 1)[1].split("\n## ", 1)[0]
    for key in [*stats, *stats["totals"], *stats["rates"], "name", "key"]:
        assert f"`{key}`" in section, key
    assert "schema/stats.schema.json" in section and "MIN_SAMPLE" in readme


def test_stats_page_shows_the_same_figures(site, stats):
    page = parse(site / "stats" / "index.html")
    shown = [text(dd) for dd in page.xpath('//section[@class="headline-figures"]//dd')]
    assert shown == ["9件", "8件", "6件", "66.7%", "75.0%", "66.7%"]
    for caption, name in (("按年份（受理时间）", "by_year"), ("按类别", "by_category"), ("按区县", "by_district"),
                          ("按来源", "by_channel"), ("按月份（受理时间）", "by_month")):
        assert table_rows(table(page, caption)) == {r["name"]: figure_cells(r) for r in stats[name]}, caption
    march = table_rows(table(page, "按月份（受理时间）"))["2013年3月"]
    assert march == ["0"] * 5 + ["—"] * 3 + ["0"]


def test_charts_are_inline_svg_beside_their_data_tables(site, stats):
    page = parse(site / "stats" / "index.html")
    blocks = page.xpath('//section[@class="chart-block"]')
    assert [b.get("id") for b in blocks] == ["monthly", "rates", "districts"]
    for block in blocks:
        svg = block.xpath(".//figure//*[local-name()='svg']")
        assert len(svg) == 1 and svg[0].get("role") == "img" and svg[0].get("aria-label")
        desc = svg[0].xpath(f".//*[@id='{svg[0].get('aria-describedby')}']")  # how to read it without colour
        assert len(desc) == 1 and "表" in desc[0].text
        table_ = block.xpath(".//table")[0]
        assert table_.xpath("./caption") and table_.xpath(".//th[@scope='col']") and table_.xpath(".//th[@scope='row']")
    monthly = table_rows(table(page, "表：每月有效来电（按类别）"))
    assert {m: cells[-1] for m, cells in monthly.items()} == {r["name"]: str(r["totals"]["valid"]) for r in stats["by_month"]}
    assert all(sum(map(int, cells[:-1])) == int(cells[-1]) for cells in monthly.values())
    rates = table_rows(table(page, "表：每月满意率和按时办结率"))
    assert {m: (c[2], c[4]) for m, c in rates.items()} == {
        r["name"]: (percent(r["rates"]["satisfaction_rate"]), percent(r["rates"]["on_time_rate"])) for r in stats["by_month"]}
    districts = table_rows(table(page, "表：各区县有效来电"))
    assert list(districts) == ["浉河区", "平桥区", "其他"]  # most first, 其他 last
    assert [c[0] for c in districts.values()] == ["3", "2", "3"]
    drawn = " ".join(svg.text_content() for svg in page.xpath("//*[local-name()='svg']"))
    for label in ("城市管理", "户籍管理", "满意率", "按时办结率", "浉河区", "其他", "2013年3月"):
        assert label in drawn, label


def test_no_output_reaches_outside(site):
    """pygal's default tooltip script and its home-page comments are gone; no script, font or
    style file is loaded from anywhere but the site."""
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".svg", ".css", ".js", ".txt"):
            data = path.read_text("utf-8", errors="replace")
            assert "kozea" not in data.lower(), path
            assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", data, re.I), path
            assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?\s*(https?:)?//[^>]*stylesheet", data, re.I), path
            assert "googleapis" not in data and "xml-stylesheet" not in data, path
    for rel in ("stats/index.html", "bulletins/2013.html"):
        scripts = parse(site / rel).xpath("//script")  # only the reading settings' own (base.html)
        assert len(scripts) == 1 and not scripts[0].get("src") and "display-size" in scripts[0].text, rel


def test_scoreboard_ranks_and_lists(site):
    page = parse(site / "stats" / "departments.html")
    rows = [[text(c) for c in tr.xpath("./td|./th")] for tr in table(page, "承办部门三率排名（全部年份）").xpath("./tbody/tr")]
    assert rows == [
        ["1", "市城管执法局", "4", "3", "100.0%", "66.7%", "100.0%", "0.0%"],
        ["2", "市公安局", "3", "3", "33.3%", "66.7%", "50.0%", "66.7%"],
        [f"以下部门办结不足 {MIN_SAMPLE} 件，列出但不参加排名"],
        ["—", "市供水公司", "1", "1", "100.0%", "100.0%", "100.0%", "0.0%"],
    ]  # 市教育局 had no case: not listed
    assert page.xpath('//a[normalize-space()="市城管执法局"]/@href')[0].startswith("../department/")


def test_nothing_of_unpublished_records_appears(site):
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_text("utf-8", errors="replace")
            for secret in SECRETS:
                assert secret not in data, (path, secret)


def test_home_page_and_ticker_agree_with_stats_json(site, stats):
    year = next(r for r in stats["by_year"] if r["key"] == "2013")
    t, r = year["totals"], year["rates"]
    home = parse(site / "index.html")
    figures = [text(dd) for dd in home.xpath('//*[@aria-labelledby="figures-title"]//dd')]
    assert f"{t['records']}件" in figures and percent(r["followup_rate"]) in figures
    assert percent(r["satisfaction_rate"]) in figures
    ticker = (site / "led" / "ticker.txt").read_text("utf-8").splitlines()
    line = next(row for row in ticker if "回访率" in row)
    assert f"{t['records']}件" in line and percent(r["followup_rate"]).removesuffix(".0%") in line
    assert percent(r["satisfaction_rate"]).removesuffix(".0%") in line


def test_stats_page_reads_on_a_phone_without_requests_elsewhere(site, page):
    with LocalServer(site) as server:
        for rel in ("stats/index.html", "stats/departments.html", "bulletins/2013-02.html"):
            page.set_viewport_size({"width": 360, "height": 740})
            page.goto(f"{server.url}/{rel}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, rel
            assert page.locator("svg[role=img]").count() >= (3 if rel == "stats/index.html" else 0)
    assert page.external_requests == []


def test_every_table_cell_is_on_a_line_of_its_own(site):
    """Counts in neighbouring cells, <td>204</td><td>4794</td>, read as a
    number told in pieces (a landline at 100,000 cases); a line break between
    cells keeps them apart for the guard (test_guard.py)."""
    pages = list(site.rglob("*.html"))
    assert len([p for p in pages if "<td>" in p.read_text("utf-8")]) > 5
    for page in pages:
        for line in page.read_text("utf-8").splitlines():
            assert len(re.findall(r"<t[dh][ >]", line)) <= 1, (page.relative_to(site), line)
