"""热点问题: a small site with a known answer (供水供电 jumps from 3 a month to
10, 平桥区 from 3 to 12, 户籍管理's small count stays out, a repeated
headline word and stop words), the months without history, an empty month,
ties, and a property: a listed rise comes only from shown counts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from browser import LocalServer
from conftest import ROOT, SETTINGS, make_case, write_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_a11y import describe, violations
from test_stats_build import REGISTRY_CATEGORIES, REGISTRY_DEPARTMENTS, SCHEMA, parse, text

from hotline.build.pelican import run_pelican
from hotline.model import CaseFacts, Category, Department, District, Registries
from hotline.stats.disclosure import suppress
from hotline.stats.figures import statistics
from hotline.stats.hot_topics import TOP_RISES, headline_terms, latest_complete_month, monthly_hot_topics, stopwords

WATER = (["小区突然停水", "市民反映问题及时解决"], ["水管破裂停水", "抢修恢复供水"])
URBAN = (["夜间施工扰民", "噪音问题得到解决"], ["井盖缺失", "当天补齐"], ["垃圾清运不及时", "城管及时处理"])
HISTORY_HEADLINE = ["管道损坏致停水", "及时维修促供水"]


def record(n: int, month: int, category: str, district: str, headline: list[str], publish: bool = True,
           resolved_day: str | None = None) -> tuple[str, dict]:
    day = 1 + n % 20
    slug = next(c.get("slug", "hukou") for c in REGISTRY_CATEGORIES if c["name"] == category)
    case = make_case(id=f"H-{month}-{slug}-{n}", received_at=f"2014-{month:02d}-{day:02d}",
                     resolved_at=resolved_day or f"2014-{month:02d}-{day + 2:02d}", category=category,
                     place={"district": district}, headline=headline, publish=None if publish else False,
                     followup={"result": "satisfied"}, handling=[{"department": "市城管执法局", "finding": "情况属实",
                                                                  "action": "已按规定处理完毕。"}])
    return f"2014/{month:02d}/{case['id']}.yaml", case


def known_cases() -> dict[str, dict]:
    """January to March: 供水供电 3 (平桥区), 城市管理 4, 4, 5 and 环保问题 3 (浉河区) a month.
    April: 供水供电 10 and 户籍管理 2 (平桥区), 城市管理 6 and 环保问题 3, unpublished (浉河区);
    one April case resolved in May, so April is the latest complete month."""
    cases = []
    for month, urban in ((1, 4), (2, 4), (3, 5)):
        cases += [record(n, month, "供水供电", "平桥区", HISTORY_HEADLINE) for n in range(3)]
        cases += [record(n, month, "城市管理", "浉河区", HISTORY_HEADLINE) for n in range(urban)]
        cases += [record(n, month, "环保问题", "浉河区", HISTORY_HEADLINE) for n in range(3)]
    cases += [record(n, 4, "供水供电", "平桥区", list(WATER[0] if n < 6 else WATER[1]),
                     resolved_day="2014-05-03" if n == 0 else None) for n in range(10)]
    cases += [record(n, 4, "城市管理", "浉河区", list(URBAN[n % 3])) for n in range(6)]
    cases += [record(n, 4, "户籍管理", "平桥区", ["户口迁移", "手续办好"]) for n in range(2)]
    cases += [record(n, 4, "环保问题", "浉河区", ["水管破裂停水", "小区突然停水"], publish=False) for n in range(3)]
    return dict(cases)


APRIL_CATEGORIES = ["供水供电（本月 10 件，较前三个月平均增加 7 件）", "城市管理（本月 6 件，较前三个月平均增加 1.7 件）"]
APRIL_DISTRICTS = ["平桥区（本月 12 件，较前三个月平均增加 9 件）", "浉河区（本月 9 件，较前三个月平均增加 1.7 件）"]
# 停水 in all ten 供水供电 headlines (not in the three unpublished ones); 市民, 反映, 问题, 及时, 解决 are
# stop words; words in fewer than three headlines (夜间, 户口, 井盖 …) are left out; ties in code point order.
APRIL_TERMS = ["停水（10 件）", "小区（6 件）", "突然（6 件）", "供水（4 件）", "恢复（4 件）", "抢修（4 件）",
               "水管（4 件）", "破裂（4 件）"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    cases = write_cases(tmp_path_factory.mktemp("hot-cases") / "cases", known_cases(),
                        departments=REGISTRY_DEPARTMENTS, categories=REGISTRY_CATEGORIES)
    out = tmp_path_factory.mktemp("hot-site") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out),
                               "HOTLINE": {"OFFICE": "测试市长热线办公室", "MIN_CELL": 3}})
    return out


def hot_section(path: Path) -> dict[str, list[str]]:
    """The hot-topics section: its heading, sentence and each list's items (or its one-line note)."""
    sections = parse(path).xpath('//section[@id="hot-topics"]')
    assert len(sections) == 1, path
    section = sections[0]
    out = {"title": [text(section.xpath("./*[@id='hot-topics-title']")[0])],
           "summary": [text(p) for p in section.xpath("./p[@class='hot-summary']")]}
    for dt_, dd in zip(section.xpath("./dl/dt"), section.xpath("./dl/dd"), strict=True):
        out[text(dt_)] = [text(li) for li in dd.xpath(".//li")] or [text(dd)]
    return out


def test_the_april_bulletin_lists_the_known_rises_and_words(site):
    hot = hot_section(site / "bulletins" / "2014-04.html")
    assert hot["title"] == ["本月热点"]
    assert hot["增加最多的类别"] == APRIL_CATEGORIES
    assert hot["增加最多的区县"] == APRIL_DISTRICTS
    assert hot["公开案件标题常用词"] == APRIL_TERMS
    assert hot["summary"] == [
        "本月热点：供水供电（+7 件，较前三个月平均）、城市管理（+1.7 件，较前三个月平均）、平桥区（+9 件，较前三个月平均）、"
        "浉河区（+1.7 件，较前三个月平均）；标题常用词：停水、小区、突然、供水、恢复、抢修、水管、破裂。"]


def test_a_small_or_withheld_count_is_not_a_hot_topic(site):
    """户籍管理 rose from 0 to 2 (<3) and 环保问题's 3 is withheld (×) so that the 2 cannot be worked out."""
    stats = json.loads((site / "stats" / "stats.json").read_text("utf-8"))
    april = {r["name"]: r for r in stats["by_month"]}["2014年4月"]
    assert april["totals"]["valid"] == 21
    page = site / "bulletins" / "2014-04.html"
    section = text(parse(page).xpath('//section[@id="hot-topics"]')[0])
    assert "户籍管理" not in section and "环保问题" not in section
    for word in stopwords() & {"市民", "反映", "问题", "及时", "解决"}:
        assert word not in "".join(hot_section(page)["公开案件标题常用词"])


def test_the_statistics_page_shows_the_latest_complete_month(site):
    hot = hot_section(site / "stats" / "index.html")
    assert hot["title"] == ["2014年4月热点"]
    assert hot["增加最多的类别"] == APRIL_CATEGORIES
    assert hot["增加最多的区县"] == APRIL_DISTRICTS
    assert hot["公开案件标题常用词"] == APRIL_TERMS
    assert hot["summary"][0].startswith("2014年4月热点：供水供电（+7 件，较前三个月平均）")
    links = parse(site / "stats" / "index.html").xpath('//section[@id="hot-topics"]//li/a/@href')
    assert links == ["../category/water/index.html", "../category/urban-management/index.html",
                     "../district/ping-qiao-qu/index.html", "../district/shi-he-qu/index.html"]
    assert all((site / "stats" / link).resolve().is_file() for link in links)


def test_stats_json_carries_the_hot_topics_and_fits_the_schema(site):
    stats = json.loads((site / "stats" / "stats.json").read_text("utf-8"))
    jsonschema.validate(stats, SCHEMA)
    hot = stats["hot_topics"]
    assert hot["month"] == "2014-04" and hot["history"] is True and hot["min_cases"] == 3
    assert [(r["name"], r["valid"], r["before"], r["average"], r["rise"]) for r in hot["categories"]] == [
        ("供水供电", 10, [3, 3, 3], 3.0, 7.0), ("城市管理", 6, [4, 4, 5], 4.33, 1.67)]
    assert [(r["key"], r["rise"]) for r in hot["districts"]] == [(d["key"], rise) for d, rise in zip(
        [next(r for r in stats["by_district"] if r["name"] == name) for name in ("平桥区", "浉河区")], (9.0, 1.67),
        strict=True)]
    assert [f"{t['word']}（{t['cases']} 件）" for t in hot["terms"]] == APRIL_TERMS


def test_the_first_three_months_have_no_history(site):
    for month in ("2014-01", "2014-02", "2014-03"):
        hot = hot_section(site / "bulletins" / f"{month}.html")
        assert hot["增加最多的类别"] == ["之前不满三个月，没有可比的数字。"], month
        assert hot["增加最多的区县"] == ["之前不满三个月，没有可比的数字。"], month
    january = hot_section(site / "bulletins" / "2014-01.html")
    assert january["公开案件标题常用词"][:2] == ["供水（10 件）", "停水（10 件）"]  # every January headline: 管道损坏致停水


@pytest.mark.parametrize("path", ["bulletins/2014-04.html", "stats/index.html"])
def test_the_hot_topics_are_accessible(site, page, path):
    with LocalServer(site) as server:
        page.goto(f"{server.url}/{path}")
        page.wait_for_load_state("networkidle")
        found = violations(page)
    assert not found, describe(found)


def test_the_yearly_report_lists_each_month(site):
    items = [text(li) for li in parse(site / "bulletins" / "2014.html").xpath('//section[@id="hot-months"]//li')]
    assert len(items) == 4
    assert items[0].startswith("第1期 2014年1月热点：标题常用词：供水、停水")
    assert items[3].startswith("第4期 2014年4月热点：供水供电（+7 件，较前三个月平均）")


TZ = ZoneInfo("Asia/Shanghai")
CATS = (Category("城市管理", "urban"), Category("户籍管理", "household"), Category("供水供电", "water"))
DISTRICTS = (District("平桥区", "pingqiao"), District("浉河区", "shihe"))
REGISTRIES = Registries((Department("市公安局", "ga"),), CATS, DISTRICTS, {}, {c.name: c for c in CATS},
                        {d.name: d for d in DISTRICTS})


def fact(month: int, category: str | None, district: str | None = "平桥区", status: str = "received") -> CaseFacts:
    return CaseFacts(status=status, published=False, channel="hotline", received_at=dt.datetime(2014, month, 3, 9, tzinfo=TZ),
                     resolved_at=None, category=category, departments=(), district=district, followup_result=None,
                     rehandled=0, supervision_level=None)


def test_an_empty_month_lists_nothing_and_counts_zero_after():
    """January has records, February to April none, May some: February has
    no history, April nothing to list; May compares with three empty months (0 each)."""
    facts = [fact(1, "城市管理") for _ in range(4)] + [fact(5, "城市管理") for _ in range(3)] + [fact(5, "户籍管理") for _ in range(5)]
    stats = suppress(statistics(facts, REGISTRIES, DISTRICTS), 3)
    topics = monthly_hot_topics(stats, [], 3)
    assert list(topics) == ["2014-01", "2014-02", "2014-03", "2014-04", "2014-05"]
    assert not topics["2014-02"].history and topics["2014-04"].history
    for empty in ("2014-02", "2014-04"):
        assert not topics[empty].categories and not topics[empty].districts and not topics[empty].terms
        assert topics[empty].sentence("本月") == ""
    may = topics["2014-05"]
    assert [(r.row.name, r.before, r.count) for r in may.categories] == [("户籍管理", (0, 0, 0), 5), ("城市管理", (0, 0, 0), 3)]
    assert [(r.row.name, r.count) for r in may.districts] == [("平桥区", 8)]
    assert latest_complete_month(stats) == "2014-04"


def test_ties_go_to_more_calls_then_registry_order():
    before = [fact(m, c) for m in (1, 2, 3) for c in ("城市管理", "户籍管理", "供水供电") for _ in range(3)]
    before += [fact(m, "供水供电") for m in (1, 2, 3) for _ in range(3)]  # 供水供电 6 a month
    april = [fact(4, "城市管理") for _ in range(5)] + [fact(4, "户籍管理") for _ in range(5)] + [fact(4, "供水供电") for _ in range(8)]
    topics = monthly_hot_topics(suppress(statistics(before + april, REGISTRIES, DISTRICTS), 3), [], 3)
    assert [r.row.name for r in topics["2014-04"].categories] == ["供水供电", "城市管理", "户籍管理"]
    assert len(topics["2014-04"].categories) <= TOP_RISES


def test_no_records_no_hot_topics():
    stats = suppress(statistics([], REGISTRIES, DISTRICTS), 3)
    assert monthly_hot_topics(stats, [], 3) == {} and latest_complete_month(stats) is None


FACT = st.builds(fact, st.integers(1, 6), st.sampled_from([None, *(c.name for c in CATS)]),
                 st.sampled_from([None, *(d.name for d in DISTRICTS)]), st.sampled_from(("received", "invalid", "assigned")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FACT, max_size=60))
def test_property_a_rise_comes_only_from_shown_counts(facts):
    shown = suppress(statistics(facts, REGISTRIES, DISTRICTS), 3)
    counted = statistics(facts, REGISTRIES, DISTRICTS)
    months = [r.key for r in shown.by_month]
    for key, hot in monthly_hot_topics(shown, [], 3).items():
        i = months.index(key)
        assert hot.history == (i >= 3)
        for rise, tables, true_tables in ((r, shown.month_categories, counted.month_categories) for r in hot.categories):
            assert rise.rise > 0 and rise.row.key is not None
            for month, value in zip(months[i - 3:i + 1], (*rise.before, rise.count), strict=True):
                shown_row = next((r for r in tables.get(month, ()) if r.key == rise.row.key), None)
                true_row = next((r for r in true_tables.get(month, ()) if r.key == rise.row.key), None)
                assert (shown_row.figures.valid if shown_row else 0) == value  # shown, not withheld
                assert (true_row.figures.valid if true_row else 0) == value
        for rise in hot.districts:
            assert all(isinstance(v, int) for v in rise.before) and rise.rise > 0


def test_headline_terms_count_cases_not_words():
    headlines = [("停水停水", "小区停水"), ("小区停水",), ("停水",), ("市民反映",)]
    assert [(t.word, t.cases) for t in headline_terms(headlines, 3)] == [("停水", 3)]
    assert headline_terms(headlines[:2], 3) == ()


def test_jieba_loads_quietly():
    """jieba logs the loading of its dictionary to stderr unless told not to."""
    code = ("from hotline.stats.hot_topics import headline_terms; "
            "print(len(headline_terms([('小区停水',), ('小区停水',)], 2)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "2" and done.stderr == ""
