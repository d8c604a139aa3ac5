"""Every rate carries its definition wherever it is shown (statistics pages,
bulletins, yearly report, stats.json, LED feeds), declared once in
stats/definitions.py; categories carry their national code into the open
data; the data dictionary lists exactly the CSV's columns."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import jsonschema
import pytest
from conftest import CATEGORIES, ROOT, SETTINGS, write_cases
from lxml import etree, html
from test_stats_build import CASES, REGISTRY_DEPARTMENTS

from hotline.build.pelican import run_pelican
from hotline.feeds import data_dictionary
from hotline.feeds.led.config import Screen
from hotline.feeds.led.messages import Composer
from hotline.load.registries import load_registries
from hotline.stats.definitions import BY_NAME, DEFINITIONS, PAGE, RATES
from hotline.stats.disclosure import Shown
from hotline.stats.figures import Figures, percent

SCHEMA = json.loads((ROOT / "schema" / "stats.schema.json").read_text("utf-8"))
CODED_CATEGORIES = [{**CATEGORIES[0], "code": "0501"}, CATEGORIES[1], {"name": "供水供电", "slug": "water", "code": "050203"}]
# A header naming a rate: 回访率, 重新办理占比, 占有效来电.
RATE_WORD = re.compile(r"(率|占比|占有效来电)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    cases = write_cases(tmp_path_factory.mktemp("def-cases") / "cases", {f"2013/{k}": v for k, v in CASES.items()},
                        departments=REGISTRY_DEPARTMENTS, categories=CODED_CATEGORIES)
    out = tmp_path_factory.mktemp("def-site") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out),
                               "HOTLINE": {"OFFICE": "测试市长热线办公室", "MIN_SAMPLE": 3}})
    return out


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def definition_ids(site: Path) -> set[str]:
    return set(html.fromstring((site / PAGE).read_bytes()).xpath("//tr/@id"))


def undefined_rates(page_path: str, document: str, ids: set[str]) -> list[str]:
    """Every rate a page shows without its definition: a header (th, dt) that
    names a rate must be a declared one, link to its row on the 统计口径 page,
    and have its formula in the page's notes."""
    page = html.fromstring(document)
    notes = " ".join(text(p) for p in page.xpath('//*[contains(@class, "rate-notes")]'))
    wrong = []
    for cell in page.xpath("//th | //dt"):
        name = text(cell)
        if not RATE_WORD.search(name):
            continue
        d = BY_NAME.get(name)
        links = [urljoin(page_path, a.get("href")) for a in cell.xpath(".//a")]
        if d is None:
            wrong.append(f"{page_path}: {name} 没有定义")
        elif f"{PAGE}#{d.anchor}" not in links or d.anchor not in ids:
            wrong.append(f"{page_path}: {name} 没有链接到统计口径")
        elif d.formula not in notes:
            wrong.append(f"{page_path}: {name} 的口径没有写在页面上")
    return wrong


def test_every_rate_of_the_figures_is_declared_once():
    rate_attributes = {name for cls in (Figures, Shown) for name in dir(cls) if name.endswith("_rate")}
    assert rate_attributes == {d.key for d in RATES}
    assert set(Figures().rates()) == {d.key for d in RATES}
    totals = set(Figures().totals())
    for d in DEFINITIONS.values():
        assert {d.numerator, d.denominator} <= totals and d.name and d.text and d.short
    assert len({d.anchor for d in DEFINITIONS.values()}) == len({d.name for d in DEFINITIONS.values()}) == len(DEFINITIONS)


def test_the_page_check_finds_a_rate_shown_without_its_definition():
    ids = {"followup-rate"}
    bare = "<table><tr><th>办结率</th></tr></table>"  # no such definition
    assert undefined_rates("stats/x.html", bare, ids) == ["stats/x.html: 办结率 没有定义"]
    unlinked = "<dl><dt>回访率</dt><dd>50.0%</dd></dl>"
    assert undefined_rates("stats/x.html", unlinked, ids) == ["stats/x.html: 回访率 没有链接到统计口径"]
    no_note = '<dl><dt><a href="definitions.html#followup-rate">回访率</a></dt></dl>'
    assert undefined_rates("stats/x.html", no_note, ids) == ["stats/x.html: 回访率 的口径没有写在页面上"]


def test_the_definitions_page_has_a_row_for_every_rate(site):
    page = html.fromstring((site / PAGE).read_bytes())
    rows = {tr.get("id"): [text(c) for c in tr.xpath("./th | ./td")] for tr in page.xpath("//table//tr[@id]")}
    for d in DEFINITIONS.values():
        name, definition, numerator, denominator, _ = rows[d.anchor]
        assert (name, numerator, denominator) == (d.name, d.numerator_label, d.denominator_label)
        assert definition == d.definition(10)
    assert "受理后 10 个工作日内办结" in rows["on-time-rate"][1]
    assert "有效参评" in rows["satisfaction-rate"][1]  # says what the rate is not
    assert page.xpath('//*[@id="withheld"]//dt[normalize-space()="<3"]')  # the small-cell rules


def test_every_page_that_shows_a_rate_defines_it(site):
    ids = definition_ids(site)
    pages = [site / "index.html", *sorted((site / "stats").glob("*.html")), *sorted((site / "bulletins").glob("*.html"))]
    pages.remove(site / PAGE)  # the definitions themselves
    wrong, shown = [], 0
    for path in pages:
        rel = path.relative_to(site).as_posix()
        document = path.read_text("utf-8")
        wrong += undefined_rates(rel, document, ids)
        shown += len(html.fromstring(document).xpath('//a[contains(@class, "rate-term")]'))
    assert wrong == []
    assert shown > 50  # the check saw the rates


def test_bulletins_quote_each_rate_with_its_formula(site):
    stats = json.loads((site / "stats" / "stats.json").read_text("utf-8"))
    january = next(r for r in stats["by_month"] if r["key"] == "2013-01")
    lead = text(html.fromstring((site / "bulletins/2013-01.html").read_bytes()).xpath('//p[@class="lead"]')[0])
    for key in ("followup_rate", "satisfaction_rate", "on_time_rate"):
        assert DEFINITIONS[key].quoted(percent(january["rates"][key])) in lead
    assert "满意率100.0%（满意+基本满意÷回访接通）" in lead
    feed = etree.parse(str(site / "bulletins/feed.atom.xml"))
    summaries = feed.xpath("//a:entry/a:summary/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert summaries and all(f"（{DEFINITIONS['satisfaction_rate'].short}）" in s for s in summaries)


def test_stats_json_defines_every_rate_it_carries(site):
    stats = json.loads((site / "stats" / "stats.json").read_text("utf-8"))
    jsonschema.validate(stats, SCHEMA)
    definitions = stats["definitions"]
    ids = definition_ids(site)
    for row in [stats, *(r for name in ("by_month", "by_year", "by_category", "by_department", "by_district",
                                         "by_channel") for r in stats[name])]:
        assert set(row["rates"]) == set(definitions)
        for key, d in definitions.items():
            numerator, denominator = row["totals"][d["numerator"]], row["totals"][d["denominator"]]
            if row["rates"][key] is not None:
                assert row["rates"][key] == pytest.approx(numerator / denominator)
    for key, d in definitions.items():
        assert d["name"] == DEFINITIONS[key].name and d["formula"] == DEFINITIONS[key].formula
        assert d["definition"] == DEFINITIONS[key].definition(stats["deadline_days"])
        page, anchor = d["url"].split("#")
        assert page == PAGE and anchor in ids


def test_a_rate_without_its_definition_breaks_the_schema(site):
    stats = json.loads((site / "stats" / "stats.json").read_text("utf-8"))
    del stats["definitions"]["satisfaction_rate"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(stats, SCHEMA)


def test_the_led_shows_the_formula_of_each_rate_it_shows(site):
    feed = json.loads((site / "led" / "ticker.json").read_text("utf-8"))["_led"]
    lines = (site / "led" / "ticker.txt").read_text("utf-8").splitlines()
    shown = [d for d in RATES if d.name in feed["stats_text"]]
    assert [d.key for d in shown] == ["followup_rate", "satisfaction_rate"]
    assert lines[lines.index(feed["stats_text"]) + 1] == "口径：回访率=回访接通÷办结 满意率=满意+基本满意÷回访接通"
    assert [d["key"] for d in feed["definitions"]] == [d.key for d in shown]
    for d in feed["definitions"]:
        assert d["formula"] == DEFINITIONS[d["key"]].formula
        assert urljoin("led/ticker.json", d["url"]) == DEFINITIONS[d["key"]].url
    (site / "led" / "ticker.gb2312.txt").read_bytes().decode("gb2312")
    assert "口径：回访率=回访接通÷办结" in text(html.fromstring((site / "led" / "index.html").read_bytes()))


def test_a_narrow_screen_gets_the_formulas_on_more_lines():
    stats_text = "2013年共受理4件 回访率66.7% 满意率100.0%"
    assert Composer(Screen(max_chars=16)).definition_lines(stats_text) == ["口径：回访率=回访接通÷办结", "满意率=满意+基本满意÷回访接通"]
    assert Composer(Screen(max_chars=16)).definition_lines("2013年共受理4件") == []


def test_category_codes_reach_the_open_data(site):
    services = {s["service_name"]: s for s in json.loads((site / "open311/v2/services.json").read_text("utf-8"))}
    assert {k: s["category_code"] for k, s in services.items()} == {"城市管理": "0501", "户籍管理": None, "供水供电": "050203"}
    raw = (site / "open311/bulk/requests-2013.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    codes = {(row["service_name"], row["category_code"]) for row in rows}
    assert codes == {("城市管理", "0501"), ("户籍管理", ""), ("供水供电", "050203")}


def test_a_wrong_category_code_is_reported_with_file_line_and_field(tmp_path):
    write_cases(tmp_path, {}, categories=[{"name": "城市管理", "code": "0501"}, {"name": "户籍管理", "code": 501},
                                          {"name": "供水供电", "code": "05-01"}, {"name": "环保问题", "code": "１２"}])
    registries, problems = load_registries(tmp_path)
    assert registries is None
    assert [(Path(p.file).name, p.line, p.field) for p in problems] == [
        ("categories.yaml", 3, "[1].code"), ("categories.yaml", 5, "[2].code"), ("categories.yaml", 7, "[3].code")]
    assert "加引号写成文字" in problems[0].message
    assert all("2、4 或 6 位数字" in p.message for p in problems)


def test_the_data_dictionary_lists_exactly_the_csv_columns(site):
    header = next(csv.reader(io.StringIO((site / "open311/bulk/requests-2013.csv").read_text("utf-8-sig"))))
    assert header == list(data_dictionary.NAMES)
    readme = (site / data_dictionary.README).read_text("utf-8-sig")
    assert re.findall(r"^\d+\. (\S+)$", readme, re.M) == header
    for c in data_dictionary.COLUMNS:
        assert f"   类型：{c.type}\n   含义：{c.meaning}\n   示例：{c.example}\n" in readme
    page = html.fromstring((site / data_dictionary.PAGE).read_bytes())
    assert [text(th) for th in page.xpath("//tbody/tr/th")] == header
    assert all(len(tr.xpath("./td")) == 3 and all(text(td) for td in tr.xpath("./td")) for tr in page.xpath("//tbody/tr"))
    open_data = html.fromstring((site / "open-data.html").read_bytes())
    assert open_data.xpath('//a[@href="data-dictionary.html"]') and open_data.xpath('//a[@href="open311/bulk/README.txt"]')
