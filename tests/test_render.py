"""One render path: every page of a built site has the common context, and
the navigation comes from one table (site/navigation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.output import root_of
from hotline.build.pelican import run_pelican
from hotline.site.navigation import NAVIGATION, section_of


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("render")
    cases = write_cases(tmp / "cases", {
        "a.yaml": make_case(),
        "b.yaml": make_case(id="XY-2013-000051", category="户籍管理", received_at="2012-12-20 10:00",
                            place={"district": "平桥区", "area": "平昌关镇"}),
    })
    run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(tmp / "out")})
    return tmp / "out"


def test_every_page_links_its_stylesheet_and_the_navigation_from_its_root(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert {"index.html", "cases/XY-2013-000042.html", "archive/2013/01/index.html", "stats/departments.html",
            "bulletins/2012.html", "search.html", "open-data.html", "led/index.html", "pages/about.html"} <= set(pages)
    for page in pages:
        root = root_of(page)
        doc = html.fromstring((site / page).read_bytes())
        stylesheets = doc.xpath("//link[@rel='stylesheet']/@href")
        if page.startswith("led/"):  # the LED screen's page stands alone, full-screen
            assert stylesheets == [f"{root}theme/led/ticker.css"], page
            continue
        if page.startswith("embed/"):  # a widget for other sites' iframes: inline CSS, no menu
            assert stylesheets == [] and not doc.xpath("//nav"), page
            continue
        assert f"{root}theme/css/site.css" in stylesheets, page
        menu = doc.xpath("//nav[@class='site-nav']//a")
        assert [(a.get("href"), a.text_content()) for a in menu] == [(root + i.url, i.label) for i in NAVIGATION], page
        current = [a.text_content() for a in menu if a.get("aria-current") == "page"]
        assert current == [i.label for i in NAVIGATION if i.section == section_of(page)], page


def test_the_menu_in_base_html_is_the_table():
    base = (ROOT / "theme" / "templates" / "base.html").read_text("utf-8")
    start = base.index('<nav class="site-nav"')
    menu = base[start:base.index("</nav>", start)]
    assert "{% for item in navigation %}" in menu
    assert not [i for i in NAVIGATION if i.label in menu or i.url in menu]
