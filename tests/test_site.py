"""The public site built from the sample cases: pages, listings, feeds, HTML."""

from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
import pytest
import yaml
from conftest import ROOT, SETTINGS
from lxml import etree, html
from pelican.settings import read_settings

from hotline.load.casedata import load_cases
from hotline.settings import HotlineSettings
from hotline.stats.disclosure import site_statistics
from hotline.stats.figures import percent

TZ = ZoneInfo("Asia/Shanghai")
ATOM = "{http://www.w3.org/2005/Atom}"
PER_PAGE = 20  # pelicanconf.py HOTLINE["PER_PAGE"]
# Pages other engineers build: linked from the navigation, not checked here.
ELSEWHERE = {"stats/index.html", "bulletins/index.html", "search.html", "open-data.html", "led/index.html"}
MINE = ("index.html", "cases/", "category/", "department/", "district/", "archive/", "pages/")

SEED_SENTENCES = {
    "XY-2013-000042": [
        "市民何女士反映，浉河区大拱桥居民小区近期经常停水，影响居民正常生活，多次反映无人维修，请求相关部门帮助解决。",
        "接电后，市长热线办公室立即安排市城管执法局（电话：6381234）办理。经查，情况属实。该处由于内河治理，"
        "于1月4日和1月9日两次施工挖坏供水管道。供水公司现已对管道进行了维修，恢复了正常供水。"
        "经回访，反映人对此结果表示满意。",
    ],
    "XY-2013-000051": [
        "平桥区居民张先生反映，其子的户口于2009年由固始县城郊乡派出所迁入平桥区平昌关派出所，然而至今仍未办理落实，"
        "导致其子只有身份证，而没有户籍，请求相关部门帮助解决。",
        "接电后，市长热线办公室立即安排市公安局（电话：6520119）办理。经市公安局治安支队查询《河南省人口信息管理系统》，"
        "张先生之子的户口于2008年12月22日从固始县迁出后去向不明，平昌关镇户籍没有其子的入户记录，"
        "2008年年底至2009年户籍迁移档案中也无其子迁往平昌关镇的迁移证。目前，市公安局治安支队已协调固始县公安局，"
        "拟将其子的户口落户于固始城郊派出所。经回访，张先生对此结果表示满意。",
    ],
}
SEED_HEADLINES = {"XY-2013-000042": ["管道损坏致停水", "及时维修促供水"],
                  "XY-2013-000051": ["户口四年无着落", "部门督促得办理"]}


@pytest.fixture(scope="module")
def cases():
    cases, problems = load_cases(ROOT / "cases_data", TZ)
    assert not problems
    return cases


def parse(path: Path):
    return html.fromstring(path.read_bytes())


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def links(site: Path, rel: str, xpath: str = "//a/@href") -> list[str]:
    """The targets of a page's links, as paths from the site root (fragments dropped)."""
    return [posixpath.normpath(posixpath.join(posixpath.dirname(rel), url.split("#")[0]))
            for url in parse(site / rel).xpath(xpath) if not url.startswith("#")]


def listed_ids(site: Path, first: str) -> list[str]:
    """Case ids in column form on every page of the listing whose first page is `first`, in order."""
    folder = site / posixpath.dirname(first)
    files = [folder / "index.html"] + sorted((folder / "page").glob("*.html"), key=lambda p: int(p.stem))
    ids = []
    for n, path in enumerate(files, 1):
        assert path.name == ("index.html" if n == 1 else f"{n}.html")
        hrefs = parse(path).xpath('//div[@class="column-list"]//*[@class="headline"]/a/@href')
        ids += [re.fullmatch(r"(?:\.\./)*cases/([^/]+)\.html", h).group(1) for h in hrefs]
    return ids


def test_every_published_case_has_its_page(sample_site, cases):
    written = {p.stem for p in (sample_site / "cases").glob("*.html")} - {"index"}
    assert written == {c.id for c in cases.cases}
    assert len(written) >= 40
    for case in cases.cases:
        doc = parse(sample_site / "cases" / f"{case.id}.html")
        assert [text(s) for s in doc.xpath("//h1/span")] == list(case.headline)
        assert doc.xpath("//title")[0].text.startswith(" ".join(case.headline))


def test_each_listing_holds_exactly_its_cases_newest_first(sample_site, cases):
    expected: dict[str, list[str]] = {"cases/index.html": []}
    for case in cases.cases:  # newest first, as the core sorts them
        keys = ["cases/index.html", f"category/{case.category.slug}/index.html",
                f"district/{case.district.slug}/index.html",
                f"archive/{case.resolved_at:%Y/%m}/index.html",
                *(f"department/{d.slug}/index.html" for d in case.departments)]
        for key in keys:
            expected.setdefault(key, []).append(case.id)
    for first, ids in expected.items():
        assert listed_ids(sample_site, first) == ids, first
        pages = 1 + len(list((sample_site / posixpath.dirname(first) / "page").glob("*.html")))
        assert pages == math.ceil(len(ids) / PER_PAGE), first
    # every registry category and department has a listing, also an empty one
    for entry in (*cases.registries.categories, *cases.registries.departments):
        kind = "category" if entry in cases.registries.categories else "department"
        first = f"{kind}/{entry.slug}/index.html"
        assert (sample_site / first).is_file()
        assert listed_ids(sample_site, first) == expected.get(first, [])


def test_listing_indexes_link_every_listing(sample_site, cases):
    months = {f"{c.resolved_at:%Y/%m}" for c in cases.cases}
    wanted = {
        "category/index.html": {f"category/{c.slug}/index.html" for c in cases.registries.categories
                                if any(k.category == c for k in cases.cases)},
        "department/index.html": {f"department/{d.slug}/index.html" for d in cases.registries.departments
                                  if any(d in k.departments for k in cases.cases)},
        "district/index.html": {f"district/{d.slug}/index.html" for d in cases.districts},
        "archive/index.html": {f"archive/{m}/index.html" for m in months},
    }
    home = set(links(sample_site, "index.html"))
    for index, targets in wanted.items():
        assert targets <= set(links(sample_site, index, "//main//a/@href")), index
        assert targets <= home
        assert index in home


def test_unpublished_records_appear_nowhere(sample_site):
    withheld = []
    for path in sorted((ROOT / "cases_data").glob("20*/**/*.yaml")):
        record = yaml.safe_load(path.read_text("utf-8"))
        if record["status"] != "resolved" or record.get("publish") is False:
            withheld.append(record)
    assert len(withheld) == 8
    everything = []
    for path in sample_site.rglob("*"):
        if path.is_file():
            content = path.read_text("utf-8", errors="replace")
            everything.append(content)
            if path.suffix == ".json":  # \\u escapes: look at the decoded text too
                everything.append(json.dumps(json.loads(content), ensure_ascii=False))
            everything.append(path.name)
    everything = "\n".join(everything)
    for record in withheld:
        assert record["id"] not in everything
        words = [*(record.get("headline") or []), (record.get("caller") or {}).get("name")]
        words += [(record.get("complaint") or "").strip()]
        words += [(h.get("action") or "").strip() for h in record.get("handling") or []]
        for line in "\n".join(w for w in words if w).splitlines():
            assert line.strip() not in everything, (record["id"], line)


def test_the_seed_cases_read_exactly_like_the_newspaper_column(sample_site):
    for case_id, sentences in SEED_SENTENCES.items():
        doc = parse(sample_site / "cases" / f"{case_id}.html")
        (article,) = doc.xpath("//article")
        assert [text(s) for s in article.xpath(".//h1/span")] == SEED_HEADLINES[case_id]
        story = [text(p) for p in article.xpath('.//div[@class="story"]/p')]
        assert story == sentences + ["（值班记者 曾宪科）"]
    # the month's listing gives each one's report and who handled it
    listing = parse(sample_site / "archive" / "2013" / "01" / "index.html")
    paragraphs = [text(p) for p in listing.xpath('//div[@class="column-list"]//p')]
    for sentences in SEED_SENTENCES.values():
        assert sentences[0] in paragraphs
        assert sentences[1] not in paragraphs
    assert "承办：市城管执法局 · 回访：满意" in paragraphs
    # and the home page prints the latest cases whole, in column form
    home = parse(sample_site / "index.html")
    latest = [text(p) for p in home.xpath('//section[@class="latest"]//article[1]/p')]
    assert latest[-1].startswith("（值班记者") and len(latest) >= 4


def test_case_pages_carry_the_search_attributes(sample_site, cases):
    for case in cases.cases:
        doc = parse(sample_site / "cases" / f"{case.id}.html")
        (body,) = doc.xpath("//*[@data-pagefind-body]")
        assert body.tag == "article"
        assert [text(e) for e in body.xpath('.//*[@data-pagefind-filter="类别"]')] == [case.category.name]
        assert [text(e) for e in body.xpath('.//*[@data-pagefind-filter="部门"]')] == [d.name for d in case.departments]
        assert [text(e) for e in body.xpath('.//*[@data-pagefind-filter="年份"]')] == [str(case.resolved_at.year)]
        (title,) = body.xpath('.//*[@data-pagefind-meta="title"]')
        assert title.tag == "h1" and text(title) == " ".join(case.headline)
    for path in [sample_site / "index.html", *sample_site.glob("category/**/*.html"), *sample_site.glob("cases/page/*.html")]:
        assert b"data-pagefind-body" not in path.read_bytes(), path


def test_case_page_shows_facts_timeline_and_neighbours(sample_site, cases):
    case = next(c for c in cases.cases if c.rehandled and c.supervision_level and c.channel == "other")
    doc = parse(sample_site / "cases" / f"{case.id}.html")
    facts = text(doc.xpath('//section[@class="facts"]')[0])
    for word in (case.id, case.category.name, case.district.name, case.area, "督查令", case.followup.result_name):
        assert word in facts
    steps = [text(li) for li in doc.xpath('//section[@class="timeline"]//li')]
    assert [s.split(" ")[0] for s in steps] == ["受理", *["交办"] * len(case.handling), "重新办理", "办结", "回访"]
    assert f"{case.rehandled} 次" in steps[-3]
    assert steps[-2] == f"办结 {case.resolved_at.year}年{case.resolved_at.month}月{case.resolved_at.day}日"
    i = cases.cases.index(case)
    neighbours = links(sample_site, f"cases/{case.id}.html", '//nav[@class="neighbours"]/a/@href')
    assert neighbours == [f"cases/{cases.cases[i - 1].id}.html", f"cases/{cases.cases[i + 1].id}.html"]
    # a letter says 来信
    letter = next(c for c in cases.cases if c.channel == "mailbox")
    page = text(parse(sample_site / "cases" / f"{letter.id}.html").xpath("//article")[0])
    assert "来信反映" in page and "接信后" in page and "接电后" not in page


def test_home_page_has_masthead_numbers_figures_and_latest_cases(sample_site, cases):
    doc = parse(sample_site / "index.html")
    masthead = text(doc.xpath('//header[@class="masthead"]')[0])
    assert "市长热线" in masthead and "12345" in masthead and "信阳市市长热线办公室" in masthead
    numbers = [text(li) for li in doc.xpath('//ul[@class="hotlines"]/li')]
    assert numbers == ["12345", "8912345", "3772020", "3785008"]
    year = max(f.received_at.year for f in cases.facts)
    settings = HotlineSettings.from_pelican(read_settings(str(SETTINGS)))
    f = site_statistics(cases, settings).by_year[-1].figures  # as published: small counts withheld
    shown = text(doc.xpath('//*[@class="figures"]')[0])
    assert f"{year}年" in shown
    for value in (f"{f.records}件", f"{f.resolved}件", percent(f.followup_rate), percent(f.satisfaction_rate)):
        assert value in shown
    latest = doc.xpath('//section[@class="latest"]//*[@class="headline"]/a/@href')
    assert latest == [f"cases/{c.id}.html" for c in cases.cases[:6]]
    nav = doc.xpath('//nav[@class="site-nav"]//a/@href')
    assert nav == ["index.html", "cases/index.html", "category/index.html", "department/index.html",
                   "district/index.html", "archive/index.html", *sorted(ELSEWHERE, key=[
                       "stats/index.html", "bulletins/index.html", "search.html", "open-data.html",
                       "led/index.html"].index)]


def test_content_pages_are_rendered_in_chinese(sample_site):
    for slug, title, words in [("about", "关于市长热线", ["8912345", "全天 24 小时"]),
                               ("process", "办理流程", ["交办", "调查核实", "上报审签", "归档", "重新办理", "三级督查令"]),
                               ("privacy", "隐私说明", ["何女士", "不公开"])]:
        doc = parse(sample_site / "pages" / f"{slug}.html")
        assert text(doc.xpath("//h1")[0]) == title
        body = text(doc.xpath("//article")[0])
        for word in words:
            assert word in body, (slug, word)
    assert parse(sample_site / "pages" / "process.html").xpath('//*[@id="supervision"]')


def test_feeds_are_valid_atom_with_the_column_text(sample_site, cases):
    feeds = sorted((sample_site / "feeds").rglob("*.atom.xml"))
    expected = {"all.atom.xml": [c.id for c in cases.cases]}
    for cat in cases.registries.categories:
        expected[f"category/{cat.slug}.atom.xml"] = [c.id for c in cases.cases if c.category == cat]
    for d in cases.registries.departments:
        expected[f"department/{d.slug}.atom.xml"] = [c.id for c in cases.cases if d in c.departments]
    assert {str(f.relative_to(sample_site / "feeds")) for f in feeds} == set(expected)
    for feed in feeds:
        root = etree.fromstring(feed.read_bytes())
        assert root.tag == f"{ATOM}feed"
        for child in ("id", "title", "updated", "author"):
            assert root.find(f"{ATOM}{child}") is not None, (feed, child)
        dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
        (self_link,) = root.xpath("a:link[@rel='self']/@href", namespaces={"a": ATOM[1:-1]})
        assert (feed.parent / self_link).resolve() == feed.resolve()
        ids = []
        for entry in root.iter(f"{ATOM}entry"):
            for child in ("id", "title", "updated", "content"):
                assert entry.find(f"{ATOM}{child}") is not None, (feed, child)
            assert entry.find(f"{ATOM}content").get("type") == "html"
            (href,) = entry.xpath("a:link[not(@rel) or @rel='alternate']/@href", namespaces={"a": ATOM[1:-1]})
            target = (feed.parent / href).resolve()
            assert target.is_file() and target.parent == (sample_site / "cases").resolve()
            ids.append(target.stem)
            assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert ids == expected[str(feed.relative_to(sample_site / "feeds"))][:50], feed
        assert len({e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")}) == len(ids)
    root = etree.fromstring((sample_site / "feeds" / "all.atom.xml").read_bytes())
    seed = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "管道损坏致停水 及时维修促供水")
    content = html.fromstring(seed.findtext(f"{ATOM}content"))
    assert [text(p) for p in content.xpath("//p")] == SEED_SENTENCES["XY-2013-000042"] + ["（值班记者 曾宪科）"]


def test_every_page_is_well_formed_html_with_only_local_assets(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        raw = page.read_bytes()
        try:
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(raw)
        except Exception as e:  # html5lib's ParseError names the first problem
            pytest.fail(f"{page.relative_to(sample_site)}: {e}")
        doc = html.fromstring(raw)
        assert doc.get("lang") == "zh-CN", page
        assets = doc.xpath("//@src | //link/@href | //object/@data")
        for url in assets:
            assert not re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", url) or url.startswith("data:"), (page, url)


def test_links_of_the_public_pages_resolve(sample_site):
    checked = 0
    for page in sorted(sample_site.rglob("*.html")):
        rel = page.relative_to(sample_site).as_posix()
        if not rel.startswith(MINE):
            continue
        urls = parse(page).xpath("//a/@href | //link/@href")
        assert not [u for u in urls if re.match(r"(?i)[a-z][a-z0-9+.-]*:|//", u)], rel
        for target in links(sample_site, rel, "//a/@href | //link/@href"):
            if target not in ELSEWHERE:
                assert (sample_site / target).is_file(), (rel, target)
                checked += 1
    assert checked > 1000


def test_print_stylesheet_lays_out_the_column_on_a4():
    css = (ROOT / "theme" / "static" / "css" / "site.css").read_text("utf-8")
    assert "@page { size: A4;" in css
    media_print = css[css.index("@media print"):]
    for hidden in (".site-nav", ".pager", ".neighbours"):
        assert hidden in media_print.split("display: none")[0]
    assert "@import" not in css and "url(" not in css  # no fonts or images from anywhere
