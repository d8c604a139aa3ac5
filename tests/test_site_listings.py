"""Listings and their URLs when many names sound alike, with small pages; markup in case text."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.pelican import run_pelican
from hotline.slugs import SLUG_PATTERN

# shi-zheng ×5, shi-wu ×2, and two districts that are both xi-xian
CATEGORIES = [{"name": n} for n in ("市政", "施政", "时政", "实证", "史正", "事务", "食物")]
DEPARTMENTS = [{"name": "市政局", "phone": "6381234"}, {"name": "施政局", "phone": "6520119"}]
DISTRICTS = ["息县", "西县"]
PER_CATEGORY = 5
PER_PAGE = 2
MARKUP = "路边贴着<b>“通知”</b>&nbsp;<script>alert(1)</script>，请求相关部门帮助解决。"


def case(n: int, category: str) -> dict:
    day = 1 + n % 28
    return make_case(
        id=f"SIM-{n:03d}",
        received_at=f"2013-{1 + n // 28:02d}-{day:02d} 08:00",
        resolved_at=f"2013-{1 + n // 28:02d}-{day:02d}",
        followup={"at": f"2013-{1 + n // 28:02d}-{day:02d}", "result": "satisfied"},
        category=category,
        place={"district": DISTRICTS[n % 2]},
        headline=[f"第{n}号来电", "已经办结"],
        handling=[{"department": DEPARTMENTS[n % 2]["name"], "action": f"第{n}号案件已处理。"}],
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similar")
    cases = {}
    for i, cat in enumerate(CATEGORIES):
        for j in range(PER_CATEGORY):
            n = i * PER_CATEGORY + j
            cases[f"{n}.yaml"] = case(n, cat["name"])
    cases["0.yaml"]["complaint"] = MARKUP
    cases_dir = write_cases(tmp / "cases", cases, DEPARTMENTS, CATEGORIES, [{"name": n} for n in DISTRICTS])
    out = tmp / "out"
    hotline = {"OFFICE": "测试热线办公室", "HOTLINES": ["12345"], "PER_PAGE": PER_PAGE}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases_dir), "OUTPUT_PATH": str(out), "HOTLINE": hotline})
    return out


def hrefs(site: Path, rel: str, xpath: str) -> list[str]:
    doc = html.fromstring((site / rel).read_bytes())
    return [posixpath.normpath(posixpath.join(posixpath.dirname(rel), h)) for h in doc.xpath(xpath)]


def walk(site: Path, first: str) -> tuple[list[str], list[str]]:
    """Follow a listing's 下一页 links from its first page: (pages visited, case pages listed)."""
    visited, listed, rel = [], [], first
    while rel:
        visited.append(rel)
        listed += hrefs(site, rel, '//div[@class="column-list"]//*[@class="headline"]/a/@href')
        following = hrefs(site, rel, '//nav[@class="pager"]/a[@rel="next"]/@href')
        rel = following[0] if following else None
    return visited, listed


def test_similar_names_get_distinct_ascii_urls_and_never_merge(site):
    index = hrefs(site, "category/index.html", "//main//ul//a[not(@class)]/@href")
    assert len(index) == len(CATEGORIES) == len(set(index))
    for rel in index:
        slug = re.fullmatch(r"category/([^/]+)/index\.html", rel).group(1)
        assert SLUG_PATTERN.match(slug) and slug.isascii()
    for kind, count in (("department", len(DEPARTMENTS)), ("district", len(DISTRICTS))):
        links = hrefs(site, f"{kind}/index.html", "//main//ul//a[not(@class)]/@href")
        assert len(links) == count == len(set(links)), kind
    feeds = list((site / "feeds" / "category").glob("*.atom.xml"))
    assert len(feeds) == len(CATEGORIES)


def test_every_listing_paginates_over_exactly_its_cases(site):
    for rel in hrefs(site, "category/index.html", "//main//ul//a[not(@class)]/@href"):
        title = html.fromstring((site / rel).read_bytes()).xpath("//h1")[0].text_content()
        i = [c["name"] for c in CATEGORIES].index(title)
        visited, listed = walk(site, rel)
        expected = [f"cases/SIM-{n:03d}.html" for n in range(i * PER_CATEGORY + PER_CATEGORY - 1, i * PER_CATEGORY - 1, -1)]
        assert listed == expected, title  # newest first, nothing from a similar-sounding category
        folder = posixpath.dirname(rel)
        assert visited == [rel] + [f"{folder}/page/{n}.html" for n in range(2, len(visited) + 1)]
        assert len(visited) == -(-PER_CATEGORY // PER_PAGE)
        assert not (site / folder / "page" / f"{len(visited) + 1}.html").exists()
    visited, listed = walk(site, "cases/index.html")
    total = len(CATEGORIES) * PER_CATEGORY
    assert len(listed) == len(set(listed)) == total
    assert len(visited) == -(-total // PER_PAGE)
    for kind in ("department", "district"):
        together = []
        for rel in hrefs(site, f"{kind}/index.html", "//main//ul//a[not(@class)]/@href"):
            together += walk(site, rel)[1]
        assert sorted(together) == sorted(listed), kind


def test_pager_links_back_and_shows_a_window(site):
    last = -(-len(CATEGORIES) * PER_CATEGORY // PER_PAGE)
    rel = "cases/page/9.html"
    previous = hrefs(site, rel, '//nav[@class="pager"]/a[@rel="prev"]/@href')
    assert previous == ["cases/page/8.html"]
    numbers = [e.text_content() for e in html.fromstring((site / rel).read_bytes()).xpath('//nav[@class="pager"]//li')]
    assert numbers == ["1", "…", "7", "8", "9", "10", "11", "…", str(last)]
    assert hrefs(site, "cases/page/2.html", '//nav[@class="pager"]/a[@rel="prev"]/@href') == ["cases/index.html"]
    # The counter names this page only (the pager shows the last): see test_guard's page counter test.
    text = (site / rel).read_text("utf-8")
    assert "件已办结案件。第 9 页" in text and f"/{last} 页" not in text and f"共 {last} 页" not in text


def test_a_case_id_that_would_overwrite_a_listing_stops_the_build_clearly(tmp_path, run):
    cases_dir = write_cases(tmp_path / "cases", {"a.yaml": make_case(id="INDEX")})
    code, _, err = run("build", "--cases", cases_dir, "--output", tmp_path / "out")
    assert code == 1
    assert "网址冲突" in err and "cases/index.html" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_case_text_is_plain_text_everywhere(site):
    for rel in ("cases/SIM-000.html", "cases/index.html", "feeds/all.atom.xml"):
        raw = (site / rel).read_text("utf-8")
        assert "<script>alert" not in raw and "<b>“通知”" not in raw, rel
    doc = html.fromstring((site / "cases/SIM-000.html").read_bytes())
    (first,) = doc.xpath('//div[@class="story"]/p[1]')
    assert first.text_content() == "市民何女士反映，" + MARKUP
    assert not first.getchildren()


def test_the_column_names_the_office_of_the_settings(site):
    """OFFICE is 测试热线办公室 here: the case pages, the home page and the feed say it."""
    for rel in ("cases/SIM-000.html", "index.html", "feeds/all.atom.xml"):
        text = (site / rel).read_text("utf-8")
        assert "接电后，测试热线办公室立即安排" in text and "，市长热线办公室立即安排" not in text, rel
