"""Embeds for news sites: widget pages for an <iframe>, their data files for
the <script> embed, and the 转载与嵌入 page, read back from a built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.pelican import run_pelican
from hotline.feeds.embed import WIDGET_CASES

SITE_URL = "https://12345.example.gov.cn"
SIZE_LIMIT = 30_000
CATEGORIES = [{"name": "城市管理", "slug": "urban-management"}, {"name": "户籍管理"}, {"name": "交通问题"}, {"name": "环保问题"},
              {"name": "教育医疗"}]
LONG_LINE = "夜间施工噪声扰民" * 30  # 240 characters a headline line
LONG_AREA = "五里店街道" * 40
DISTRICTS = ["浉河区", "平桥区", "罗山县"]


def sizeable_cases(count: int = 60) -> dict[str, dict]:
    """`count` cases with very long headlines and places, most of them 城市管理;
    户籍管理 six times in February; in April 环保问题 five times and 交通问题
    once, a count below MIN_CELL."""
    cases = {}
    for i in range(count):
        category, month = "城市管理", 1 + i % 12
        if i < 6:
            category, month = "户籍管理", 2
        elif i < 12:
            category, month = ("环保问题" if i < 11 else "交通问题"), 4
        day = 1 + i % 20
        cases[f"c{i}.yaml"] = make_case(
            id=f"XY-2013-{i + 1000:06d}", category=category, headline=[f"{LONG_LINE}{i}", "督促整改"],
            received_at=f"2013-{month:02d}-{day:02d} 09:00", resolved_at=f"2013-{month:02d}-{day + 3:02d}",
            place={"district": DISTRICTS[i % len(DISTRICTS)], "area": LONG_AREA},
            followup={"at": f"2013-{month:02d}-{day + 4:02d}", "result": "satisfied"},
        )
    return cases


def build(tmp: Path, cases: dict, **overrides) -> Path:
    out = tmp / "site"
    cases_dir = write_cases(tmp / "cases", cases, categories=CATEGORIES)
    run_pelican(SETTINGS, {"CASES_PATH": str(cases_dir), "OUTPUT_PATH": str(out), **overrides})
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("embed"), sizeable_cases(), SITEURL=SITE_URL)


def widget_names(site: Path) -> list[str]:
    return sorted(p.relative_to(site / "embed").with_suffix("").as_posix() for p in (site / "embed").rglob("*.html"))


def data_of(site: Path, name: str) -> dict:
    """The JSON a data file hands to embed.js."""
    text = (site / "embed/data" / f"{name}.js").read_text("utf-8")
    match = re.fullmatch(r"HotlineEmbed\.receive\((.*)\);\n", text, re.S)
    assert match, text[:200]
    return json.loads(match.group(1))


def test_a_widget_for_the_latest_cases_the_hotline_and_each_district_category_and_department(site):
    assert widget_names(site) == sorted([
        "latest", "hotline",
        "district/shi-he-qu", "district/ping-qiao-qu", "district/luo-shan-xian",
        "category/urban-management", "category/hu-ji-guan-li", "category/jiao-tong-wen-ti", "category/huan-bao-wen-ti",
        "category/jiao-yu-yi-liao",
        "department/shi-cheng-guan-zhi-fa-ju", "department/shi-gong-an-ju",
    ])
    assert sorted(p.relative_to(site / "embed/data").with_suffix("").as_posix()
                  for p in (site / "embed/data").rglob("*.js")) == widget_names(site)


def test_every_widget_stays_small_at_any_number_of_cases(site):
    for name in widget_names(site):
        for path in (site / "embed" / f"{name}.html", site / "embed/data" / f"{name}.js"):
            assert path.stat().st_size < SIZE_LIMIT, (path, path.stat().st_size)
        assert len(html.parse(str(site / "embed" / f"{name}.html")).xpath("//a[@class='hl']")) <= WIDGET_CASES
    latest = html.parse(str(site / "embed/latest.html")).getroot()
    assert len(latest.xpath("//a[@class='hl']")) == WIDGET_CASES
    first = latest.xpath("//a[@class='hl']/span")[0].text
    assert first.startswith("夜间施工噪声扰民") and first.endswith("…") and len(first) == 40


def test_widgets_are_self_contained_and_open_the_case_on_the_site(site):
    for name in widget_names(site):
        page = html.parse(str(site / "embed" / f"{name}.html")).getroot()
        assert not page.xpath("//script | //link | //img | //iframe | //*[@src] | //nav | //footer")
        assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert page.xpath("//style") and "url(" not in page.xpath("string(//style)")
        links = page.xpath("//a")
        assert links
        for a in links:
            assert a.get("href").startswith(f"{SITE_URL}/"), a.get("href")
            assert a.get("target") == "_blank" and a.get("rel") == "noopener"
    latest = html.parse(str(site / "embed/latest.html")).getroot()
    assert latest.xpath("//a[@class='hl']/@href")[0] == f"{SITE_URL}/cases/XY-2013-001059.html"  # resolved last, 2013-12-23
    assert latest.xpath("string(//p[@class='more'])") == "查看全部 60 件 →"


def test_a_subject_widget_lists_only_its_own_cases(site):
    page = html.parse(str(site / "embed/category/hu-ji-guan-li.html")).getroot()
    assert page.xpath("string(//h1)") == "户籍管理 · 最新办结"
    metas = [" ".join(m.itertext()) for m in page.xpath("//p[@class='meta']")]
    assert len(metas) == 6 and all("户籍管理" in m for m in metas)
    empty = html.parse(str(site / "embed/category/jiao-yu-yi-liao.html")).getroot()
    assert empty.xpath("string(//p[@class='empty'])") == "暂无已公开的办结案件。"
    assert empty.xpath("//p[@class='more']/a/@href") == [f"{SITE_URL}/category/jiao-yu-yi-liao/index.html"]


def test_the_hotline_widget_shows_this_years_figures_but_no_small_count(site):
    page = html.parse(str(site / "embed/hotline.html")).getroot()
    assert page.xpath("//ol[@class='numbers']/li/text()") == ["12345", "8912345", "3772020", "3785008"]  # pelicanconf.py
    assert page.xpath("string(//h2)") == "2013年热线数字"
    figures = dict(zip(page.xpath("//dt/text()"), page.xpath("//dd/text()"), strict=True))
    assert figures["受理来电来信"] == "60 件" and figures["办结"] == "60 件" and figures["满意率"] == "100.0%"
    named = figures["反映较多"]
    assert named.startswith("城市管理、户籍管理")  # most valid calls first: 48, 6
    assert "交通问题" not in named  # one record: below MIN_CELL
    assert not re.search(r"[0-9]", named)  # names only: counts side by side would tell a number in pieces


def test_data_files_carry_what_the_widget_pages_show(site):
    for name in widget_names(site):
        data = data_of(site, name)
        page = html.parse(str(site / "embed" / f"{name}.html")).getroot()
        assert data["name"] == name and data["title"] == page.xpath("string(//h1)")
        assert [i["url"] for i in data["items"]] == page.xpath("//a[@class='hl']/@href")
        assert [i["headline"] for i in data["items"]] == [a.xpath("span/text()") for a in page.xpath("//a[@class='hl']")]
        assert data["more"] == page.xpath("//p[@class='more']/a/@href")[0]
        assert data["home"] == f"{SITE_URL}/index.html" and data["source"] == "市长热线 12345"


def test_the_embed_page_gives_the_code_of_every_widget(site):
    page = html.parse(str(site / "embed.html")).getroot()
    assert page.xpath("string(//h1)") == "转载与嵌入"
    codes = page.xpath("//textarea/text()")
    for name in widget_names(site):
        iframe = f'<iframe src="{SITE_URL}/embed/{name}.html"'
        script = f'<div data-hotline-embed="{SITE_URL}/embed/data/{name}.js">'
        assert sum(c.startswith(iframe) for c in codes) == 1, name
        assert sum(c.startswith(script) and c.endswith(f'<script src="{SITE_URL}/theme/js/embed.js" async></script>')
                   for c in codes) == 1, name
    previews = page.xpath("//div[@class='embed-preview']/iframe/@src")
    assert sorted(previews) == sorted(f"embed/{name}.html" for name in widget_names(site))  # this build's
    # linked from every page's footer; in the sitemap, while the widgets are not
    home = html.parse(str(site / "index.html")).getroot()
    assert home.xpath("//footer//a[text()='转载与嵌入']/@href") == ["embed.html"]
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"{SITE_URL}/embed.html" in sitemap and f"{SITE_URL}/embed/" not in sitemap


def test_without_siteurl_every_link_leads_to_a_page_of_the_site(sample_site):
    for page_path in [*sample_site.glob("embed/*.html"), *sample_site.glob("embed/*/*.html")]:
        for href in html.parse(str(page_path)).getroot().xpath("//a/@href"):
            assert (page_path.parent / href).resolve().is_file(), (page_path, href)
    data_file = sample_site / "embed/data/latest.js"
    data = data_of(sample_site, "latest")
    for url in [data["home"], data["more"], *(i["url"] for i in data["items"])]:
        assert not url.startswith(("/", "http")) and (data_file.parent / url).resolve().is_file(), url
    page = html.parse(str(sample_site / "embed.html")).getroot()
    assert page.xpath("//textarea/text()")[0].startswith('<iframe src="embed/latest.html"')
    assert "SITEURL" in page.xpath("string(//article)")


def test_a_site_without_cases_has_its_widgets_saying_so(tmp_path):
    site = build(tmp_path, {"open.yaml": {"id": "XY-2013-000400", "status": "received", "received_at": "2013-06-02"}})
    latest = html.parse(str(site / "embed/latest.html")).getroot()
    assert latest.xpath("string(//p[@class='empty'])") == "暂无已公开的办结案件。"
    assert data_of(site, "latest")["items"] == []
    hotline = html.parse(str(site / "embed/hotline.html")).getroot()
    assert hotline.xpath("string(//h2)") == "2013年热线数字"  # one record received, none published
    assert hotline.xpath("//dd/text()")[:2] == ["1 件", "0 件"]
    assert not (site / "embed/district").exists()
