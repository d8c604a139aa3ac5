"""sitemap.xml and robots.txt: well-formed, absolute, every page of the site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SETTINGS, make_case, write_cases
from lxml import etree

from hotline.build.guard import Guard
from hotline.build.output import SiteWriter
from hotline.build.pelican import run_pelican
from hotline.feeds import sitemap
from hotline.problems import ConfigError
from hotline.settings import HotlineSettings

SITE_URL = "https://12345.example.gov.cn/xy"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CASES = {
    "a.yaml": make_case(),
    "b.yaml": make_case(id="XY-2013-000100", received_at="2013-03-01", resolved_at="2013-03-05",
                        caller={"name": "张建国", "gender": "male"}),
}


def build(tmp: Path, **overrides) -> Path:
    out = tmp / "site"
    run_pelican(SETTINGS, {"CASES_PATH": str(write_cases(tmp / "cases", CASES)), "OUTPUT_PATH": str(out), **overrides})
    return out


def html_pages(site: Path) -> set[str]:
    """Every page but the search bundle's, the theme's and the widgets for other sites."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("pagefind/", "theme/", "embed/"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("sitemap"), SITEURL=SITE_URL + "/")


@pytest.fixture(scope="module")
def urls(site) -> dict[str, str | None]:
    tree = etree.parse(str(site / "sitemap.xml"))  # raises if not well-formed
    assert tree.getroot().tag == "{%s}urlset" % NS["s"]
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in tree.getroot().findall("s:url", NS)}


def test_sitemap_lists_every_page_and_only_pages(site, urls):
    pages = html_pages(site)
    assert {"index.html", "cases/XY-2013-000042.html", "cases/XY-2013-000100.html",
            "open-data.html", "search.html"} <= pages
    expected = {SITE_URL + "/" + ("" if p == "index.html" else p.removesuffix("index.html")) for p in pages}
    assert set(urls) == expected
    assert len(urls) == len(pages)
    for url in urls:
        path = url.removeprefix(SITE_URL + "/")
        assert (site / path).is_file() or (site / path / "index.html").is_file(), url


def test_case_pages_carry_their_date(urls):
    assert urls[f"{SITE_URL}/cases/XY-2013-000042.html"] == "2013-01-14"
    assert urls[f"{SITE_URL}/cases/XY-2013-000100.html"] == "2013-03-05"
    assert urls[f"{SITE_URL}/"] is None


def test_robots_txt_points_to_the_sitemap(site):
    assert (site / "robots.txt").read_text("utf-8") == (
        "User-agent: *\nDisallow: /xy/pagefind/\n\nSitemap: https://12345.example.gov.cn/xy/sitemap.xml\n"
    )


def test_without_siteurl_no_sitemap_but_robots(tmp_path):
    site = build(tmp_path)
    assert not (site / "sitemap.xml").exists()
    assert (site / "robots.txt").read_text("utf-8") == "User-agent: *\nDisallow: /pagefind/\n\n"


def sitemap_locs(path: Path) -> list[str]:
    return [loc.text for loc in etree.parse(str(path)).getroot().iter("{%s}loc" % NS["s"])]


def test_a_site_past_the_url_limit_gets_a_sitemap_index(tmp_path, urls):
    """The same site with at most 3 URLs a file: an index of files that hold
    every URL once, in order; set back to the default, the parts are gone."""
    site = build(tmp_path, SITEURL=SITE_URL, HOTLINE={"SITEMAP_MAX_URLS": 3})
    index = etree.parse(str(site / "sitemap.xml")).getroot()
    assert index.tag == "{%s}sitemapindex" % NS["s"]
    count = -(-len(urls) // 3)
    assert sitemap_locs(site / "sitemap.xml") == [f"{SITE_URL}/sitemap-{n}.xml" for n in range(1, count + 1)]
    found = []
    for n in range(1, count + 1):
        part = sitemap_locs(site / f"sitemap-{n}.xml")
        assert 1 <= len(part) <= 3
        found += part
    assert found == list(urls)
    assert "Sitemap: https://12345.example.gov.cn/xy/sitemap.xml" in (site / "robots.txt").read_text("utf-8")
    build(tmp_path, SITEURL=SITE_URL)
    assert sitemap_locs(site / "sitemap.xml") == list(urls)
    assert not list(site.glob("sitemap-*.xml"))


def test_a_site_past_the_byte_limit_is_split_too(tmp_path, urls):
    site = build(tmp_path, SITEURL=SITE_URL, HOTLINE={"SITEMAP_MAX_BYTES": 1000})
    parts = sorted(site.glob("sitemap-*.xml"))
    assert len(parts) >= 2
    assert all(p.stat().st_size <= 1000 for p in parts)
    assert [loc for p in sorted(parts, key=lambda p: int(p.stem.split("-")[1])) for loc in sitemap_locs(p)] == list(urls)


def test_a_url_longer_than_the_byte_limit_still_gets_its_own_file():
    (only,) = sitemap.urlsets([sitemap.url_line("https://h.example.cn/" + "a" * 2000, None)], 10, 1000)
    assert only.count("<url>") == 1


@pytest.mark.parametrize(("name", "value"), [("SITEMAP_MAX_URLS", 50_001), ("SITEMAP_MAX_URLS", 0), ("SITEMAP_MAX_BYTES", 999)])
def test_sitemap_limits_stay_within_the_protocol(name, value):
    with pytest.raises(ConfigError, match=name):
        HotlineSettings.from_pelican({"HOTLINE": {name: value}})


@pytest.mark.parametrize("value", ["12345.example.gov.cn", "/xy", "https://", "ftp://h.example.cn"])
def test_siteurl_must_be_absolute(value):
    with pytest.raises(ConfigError, match="SITEURL"):
        HotlineSettings.from_pelican({"SITEURL": value})


def test_siteurl_loses_its_final_slash():
    assert HotlineSettings.from_pelican({"SITEURL": "https://h.example.cn/xy/"}).site_url == "https://h.example.cn/xy"
    assert HotlineSettings.from_pelican({}).site_url == ""


def test_a_case_page_is_dated_where_urls_puts_it(tmp_path, monkeypatch):
    """The sitemap finds case pages by site/urls.py, not by a path of its own."""
    monkeypatch.setattr("hotline.site.urls.case_url", lambda case: f"anjian/{case.id}/index.html")
    (tmp_path / "anjian" / "XY-1").mkdir(parents=True)
    (tmp_path / "anjian" / "XY-1" / "index.html").write_text("<html></html>", "utf-8")
    case = SimpleNamespace(id="XY-1", resolved_at=dt.datetime(2013, 1, 14, tzinfo=dt.timezone.utc))
    settings = HotlineSettings(cases_path=tmp_path, timezone=None, site_url="https://h.example.cn")
    sitemap.write_sitemap(SimpleNamespace(cases=(case,)), SiteWriter(tmp_path, Guard([]), {}), settings)
    (url,) = etree.parse(str(tmp_path / "sitemap.xml")).getroot()
    assert [e.text for e in url] == ["https://h.example.cn/anjian/XY-1/", "2013-01-14"]
