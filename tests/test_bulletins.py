"""The bulletins (市长热线简报) of the small hand-counted site: numbering, empty
months, the comparison with the month before, the month's scoreboard, the
featured cases, the yearly report, the index, the Atom feed and A4 print."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser import LocalServer
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import etree
from test_stats_build import MIN_SAMPLE, build_small_site, parse, table, table_rows, text

from hotline.build.pelican import run_pelican
from hotline.feeds.atom import atom_id
from hotline.settings import HotlineSettings
from hotline.stats.bulletins import Issue, feed
from hotline.stats.figures import Figures, Row, percent, rate_change

ATOM = "{http://www.w3.org/2005/Atom}"
MONTHS = {"2013-01": 1, "2013-02": 2, "2013-04": 3, "2013-05": 4}  # no bulletin for the empty March


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_small_site(tmp_path_factory)


@pytest.fixture(scope="module")
def stats(site) -> dict:
    return json.loads((site / "stats" / "stats.json").read_text("utf-8"))


def comparison(stats, key: str, previous: str | None) -> dict[str, list[str]]:
    """What the bulletin's comparison table must say, from stats.json."""
    rows = {r["key"]: r for r in stats["by_month"] + stats["by_year"]}
    now, before = rows[key], rows.get(previous)
    out = {}
    for label, name in (("受理来电（件）", "records"), ("有效来电（件）", "valid"), ("无效来电（件）", "invalid"),
                        ("办结（件）", "resolved"), ("在办（件）", "in_progress"), ("重新办理（件）", "rehandled")):
        a = now["totals"][name]
        b = before["totals"][name] if before else None
        change = "—" if b is None else "持平" if a == b else f"{'+' if a > b else '−'}{abs(a - b)}"
        out[label] = [str(a), "—" if b is None else str(b), change]
    for label, name in (("回访率", "followup_rate"), ("满意率", "satisfaction_rate"), ("按时办结率", "on_time_rate")):
        a = now["rates"][name]
        b = before["rates"][name] if before else None
        out[label] = [percent(a), "—" if before is None else percent(b), "—" if before is None else rate_change(a, b)]
    return out


def test_one_numbered_bulletin_per_month_with_records(site):
    files = sorted(p.name for p in (site / "bulletins").iterdir())
    assert files == ["2013-01.html", "2013-01.pdf", "2013-02.html", "2013-02.pdf", "2013-04.html", "2013-04.pdf",
                     "2013-05.html", "2013-05.pdf", "2013.html", "2013.pdf", "feed.atom.xml", "index.html"]
    for key, number in MONTHS.items():
        page = parse(site / "bulletins" / f"{key}.html")
        assert text(page.xpath("//h1")[0]) == f"市长热线简报 第{number}期（总第{number}期）"
        name = page.xpath("//p[@class='bulletin-meta']/span")[1].text
        assert page.xpath("//title")[0].text.startswith(f"市长热线简报 {name} 第{number}期（总第{number}期） - ")


@pytest.mark.parametrize("key, previous", [("2013-01", None), ("2013-02", "2013-01"), ("2013-04", "2013-03"),
                                           ("2013-05", "2013-04")])
def test_bulletin_figures_compare_with_the_calendar_month_before(site, stats, key, previous):
    page = parse(site / "bulletins" / f"{key}.html")
    name = next(r["name"] for r in stats["by_month"] if r["key"] == key)
    shown = table_rows(table(page, f"{name}与上月比较"))
    expected = comparison(stats, key, previous)
    assert shown == expected
    lead = text(page.xpath('//p[@class="lead"]')[0])
    assert lead.startswith(f"{name}共受理来电{expected['受理来电（件）'][0]}件")
    assert f"满意率{expected['满意率'][0]}" in lead


def test_changes_of_rates_in_percentage_points(site):
    april = table_rows(table(parse(site / "bulletins" / "2013-04.html"), "2013年4月与上月比较"))
    assert april["受理来电（件）"] == ["1", "0", "+1"]  # after the empty March
    assert april["满意率"] == ["—", "—", "—"]  # April: resolved, nobody asked; March: nothing
    feb = table_rows(table(parse(site / "bulletins" / "2013-02.html"), "2013年2月与上月比较"))
    assert feb["按时办结率"] == ["50.0%", "50.0%", "持平"]
    assert feb["满意率"] == ["50.0%", "100.0%", "−50.0 个百分点"]
    first = table_rows(table(parse(site / "bulletins" / "2013-01.html"), "2013年1月与上月比较"))
    assert {v[1] for v in first.values()} == {"—"} and {v[2] for v in first.values()} == {"—"}


def test_top_categories_and_their_share(site):
    page = parse(site / "bulletins" / "2013-01.html")
    rows = [[text(c) for c in tr.xpath("./td|./th")] for tr in table(page, "本月有效来电最多的类别").xpath("./tbody/tr")]
    # January: 3 valid calls (S-1 城市管理, S-2 户籍管理 withheld, S-3 without a category)
    assert rows == [["1", "城市管理", "1", "33.3%", "1", "100.0%"], ["2", "户籍管理", "1", "33.3%", "1", "—"],
                    ["3", "未分类", "1", "33.3%", "0", "—"]]


def test_the_months_scoreboard_lists_departments_below_the_minimum_unranked(site):
    page = parse(site / "bulletins" / "2013-02.html")
    rows = [[text(c) for c in tr.xpath("./td|./th")] for tr in table(page, "2013年2月承办部门三率排名").xpath("./tbody/tr")]
    assert rows == [
        [f"以下部门办结不足 {MIN_SAMPLE} 件，列出但不参加排名"],
        ["—", "市公安局", "2", "2", "50.0%", "100.0%", "50.0%", "50.0%"],
        ["—", "市城管执法局", "2", "1", "100.0%", "100.0%", "100.0%", "0.0%"],
    ]


def test_featured_cases_are_the_months_published_cases_in_column_form(site):
    def featured(key):
        page = parse(site / "bulletins" / f"{key}.html")
        hrefs = page.xpath('//section[@class="bulletin-cases"]//article[@class="column-item"]//*[@class="headline"]/a/@href')
        return [re.fullmatch(r"\.\./cases/(.+)\.html", h).group(1) for h in hrefs]

    assert featured("2013-01") == ["S-1"]  # S-2 is withheld
    assert sorted(featured("2013-02")) == ["S-5", "S-6"]
    assert featured("2013-04") == ["S-8"] and featured("2013-05") == ["S-9"]
    page = (site / "bulletins" / "2013-02.html").read_text("utf-8")
    assert "节前路灯不亮" in page and "接电后，测试市长热线办公室立即安排" in page  # OFFICE of build_small_site


def test_yearly_report(site, stats):
    page = parse(site / "bulletins" / "2013.html")
    assert text(page.xpath("//h1")[0]) == "市长热线简报 2013年年度报告"
    shown = table_rows(table(page, "2013年与上年比较"))
    expected = comparison(stats, "2013", None)
    assert shown == {k: [v[0], "—", "—"] for k, v in expected.items()}
    months = table_rows(table(page, "2013年各月数字（按受理时间）"))
    assert list(months) == ["2013年1月", "2013年2月", "2013年3月", "2013年4月", "2013年5月"]
    assert page.xpath("//*[local-name()='svg'][@role='img']")
    assert [a for a in page.xpath('//ul[@class="issue-list"]//a/@href')] == [f"{k}.html" for k in MONTHS]


def test_index_lists_every_bulletin_with_its_figures(site, stats):
    page = parse(site / "bulletins" / "index.html")
    rows = table_rows(table(page, "2013年各期简报"))
    by_key = {r["key"]: r for r in stats["by_month"]}
    assert rows == {
        f"第{n}期": [by_key[k]["name"], str(by_key[k]["totals"]["records"]), str(by_key[k]["totals"]["resolved"]),
                    percent(by_key[k]["rates"]["followup_rate"]), percent(by_key[k]["rates"]["satisfaction_rate"]),
                    percent(by_key[k]["rates"]["on_time_rate"])]
        for k, n in MONTHS.items()
    }
    assert list(rows) == ["第4期", "第3期", "第2期", "第1期"]  # newest first
    assert page.xpath('//a[@href="2013.html"]') and page.xpath('//a[@href="feed.atom.xml"]')


def test_atom_feed_of_the_bulletins(site):
    raw = (site / "bulletins" / "feed.atom.xml").read_bytes()
    feed = etree.fromstring(raw)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["市长热线2013年年度报告", "市长热线简报 2013年5月 第4期（总第4期）",
                      "市长热线简报 2013年4月 第3期（总第3期）", "市长热线简报 2013年2月 第2期（总第2期）",
                      "市长热线简报 2013年1月 第1期（总第1期）"]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 5 and all(i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (site / posixpath.normpath(posixpath.join("bulletins", href))).is_file(), href
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", entry.findtext(f"{ATOM}updated"))
        assert entry.findtext(f"{ATOM}summary")
    assert entries[3].findtext(f"{ATOM}updated") == "2013-02-22T00:00:00+08:00"  # the month's latest record
    assert b"lkiesow" not in raw and raw.count(b"http") == 1  # the Atom namespace only


def test_feed_links_are_absolute_with_siteurl_and_ids_do_not_change():
    settings = HotlineSettings(cases_path=Path("cases"), timezone=ZoneInfo("Asia/Shanghai"))
    when = dt.datetime(2013, 1, 31, tzinfo=ZoneInfo("Asia/Shanghai"))
    issue = Issue(1, 1, Row("2013年1月", "2013-01", Figures(records=1)), None, (), (), (), when)
    local, published = (etree.fromstring(feed((issue,), (), replace(settings, site_url=url)))
                        for url in ("", "https://12345.example.cn"))
    assert local.find(f"{ATOM}entry/{ATOM}link").get("href") == "2013-01.html"
    assert published.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://12345.example.cn/bulletins/2013-01.html"
    assert [f.find(f"{ATOM}link[@rel='self']").get("href") for f in (local, published)] == [
        "feed.atom.xml", "https://12345.example.cn/bulletins/feed.atom.xml"]
    for f in (local, published):  # named as the case feeds name theirs
        assert f.findtext(f"{ATOM}id") == atom_id(settings, "bulletins/feed.atom.xml")
        assert f.findtext(f"{ATOM}entry/{ATOM}id") == atom_id(settings, "bulletins/2013-01.html")
    assert local.findtext(f"{ATOM}entry/{ATOM}id") == published.findtext(f"{ATOM}entry/{ATOM}id")


def test_bulletin_prints_on_a4_like_the_office_bulletin(site, page):
    with LocalServer(site) as server:
        page.goto(f"{server.url}/bulletins/2013-02.html")
        page.emulate_media(media="print")
        style = page.evaluate("""() => {
            const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
            return {nav: css('.site-nav', 'display'), masthead: css('body > header', 'display'),
                    flag: css('.bulletin-flag', 'color'), rule: css('.bulletin-meta', 'border-bottom-color'),
                    columns: css('.bulletin .column-list', 'column-count')};
        }""")
        assert style == {"nav": "none", "masthead": "none", "flag": "rgb(176, 19, 27)", "rule": "rgb(176, 19, 27)",
                         "columns": "2"}
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)  # the size is bulletin.css's @page
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 4
        size = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
        assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1.5  # A4, points
    assert page.external_requests == []


def test_bulletins_are_numbered_within_their_year_and_since_the_first(tmp_path):
    """第N期 starts again each January; 总第M期 runs on from the first bulletin."""
    cases = {f"{d[:4]}/{d[5:7]}/N-{i}.yaml": make_case(id=f"N-{i}", received_at=d, resolved_at=d)
             for i, d in enumerate(("2013-11-04", "2013-12-02", "2014-01-06", "2014-03-03"))}
    out = tmp_path / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(write_cases(tmp_path / "cases", cases)), "OUTPUT_PATH": str(out),
                               "HOTLINE": {"PDF": False}})
    numbers = {key: text(parse(out / "bulletins" / f"{key}.html").xpath("//h1")[0])
               for key in ("2013-11", "2013-12", "2014-01", "2014-03")}
    assert numbers == {"2013-11": "市长热线简报 第1期（总第1期）", "2013-12": "市长热线简报 第2期（总第2期）",
                       "2014-01": "市长热线简报 第1期（总第3期）", "2014-03": "市长热线简报 第2期（总第4期）"}
    index = parse(out / "bulletins" / "index.html")
    assert list(table_rows(table(index, "2014年各期简报"))) == ["第2期", "第1期"]


def _issue(number, in_year, name, key, **figures):
    from hotline.stats.bulletins import Issue
    from hotline.stats.figures import Figures, Row

    return Issue(number, in_year, Row(name, key, Figures(**figures)), None, (), (), (),
                 dt.datetime(2016, 9, 1, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize("issue", [
    _issue(128, 8, "2016年8月", "2016-08", records=3330, invalid=100, resolved=3184, in_progress=146,
           followed_up=3184, satisfied=3184, on_time=3184),
    _issue(None, None, "2016年", "2016", records=30600, invalid=108, resolved=28120, in_progress=140),
])
def test_a_bulletins_figures_tell_no_number_in_pieces(issue):
    """Seen at 300,000 cases: 已办结3184件，在办146件 read as the landline
    318 4146 told in pieces. So would 总第128期）（2016年, 2016年共受理30600件 and
    a count beside a rate of 100.0%. Each count stands in a sentence of its own."""
    from hotline.build.guard import Guard
    from hotline.privacy.private import NUMBER, PrivateValue
    from hotline.privacy.spelling import number_pieces

    told = [issue.title, issue.heading, issue.summary]
    for line in told:
        assert not [[p.group() for p in run] for run in number_pieces(line)], line
    f = issue.row.figures
    joined = {f"{a}{b}" for a in (f.records, f.resolved, f.valid, issue.number or 0, 2016, 100)
              for b in (f.records, f.resolved, f.invalid, f.valid, f.in_progress, 2016, 100)}
    guard = Guard([PrivateValue(n, "XY-1", "caller.phone", NUMBER) for n in sorted(joined) if len(n) >= 7])
    for line in told:
        guard.check("bulletins/2016-08.html", f"<p>{line}</p>")
    assert "3184件" in issue.summary or "28120件" in issue.summary
