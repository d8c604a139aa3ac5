"""Site search: the Pagefind index is part of the build, is guarded, and a
person typing a word on the search page finds the case; a caller's real
name finds nothing."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pagefind_bin_extended
import pytest
from browser import LocalServer
from conftest import ROOT, SETTINGS, make_case, tree, write_cases
from lxml import html

from hotline.build.guard import Guard, LeakError
from hotline.build.output import SiteWriter
from hotline.build.pelican import run_pelican
from hotline.feeds.search import UNUSED, index_search
from hotline.feeds.stable_index import stabilise
from hotline.load.casedata import load_cases
from hotline.privacy.private import caller_values
from hotline.problems import HotlineError

SAMPLE = ROOT / "cases_data"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample site, built once."""
    out = tmp_path_factory.mktemp("search") / "site"
    run_pelican(SETTINGS, {"CASES_PATH": str(SAMPLE), "OUTPUT_PATH": str(out)})
    return out


@pytest.fixture(scope="module")
def sample_cases():
    cases, problems = load_cases(SAMPLE, ZoneInfo("Asia/Shanghai"))
    assert not problems
    return cases


def test_index_holds_the_case_articles_only_one_shard_per_year(site, sample_cases):
    years = {c.received_at.year for c in sample_cases.cases}
    assert len(years) > 1
    assert {p.name for p in (site / "pagefind").iterdir()} == {str(y) for y in years}
    filters = set()
    for year in years:
        shard = site / "pagefind" / str(year)
        assert (shard / "pagefind.js").is_file() and (shard / "hotline-pages.txt").is_file()
        assert not any((shard / name).exists() for name in UNUSED)
        urls = set()
        for fragment in (shard / "fragment").iterdir():
            data = gzip.decompress(fragment.read_bytes())
            urls.add(json.loads(data.removeprefix(b"pagefind_dcd"))["url"])
        assert urls == {f"/cases/{c.id}.html" for c in sample_cases.cases if c.received_at.year == year}
        for f in (shard / "filter").iterdir():
            filters |= {name for name in ("类别", "部门", "年份") if name.encode() in gzip.decompress(f.read_bytes())}
    assert filters == {"类别", "部门", "年份"}


def test_search_page_is_local_and_says_it_needs_javascript(site):
    page = site / "search.html"
    doc = html.fromstring(page.read_text("utf-8"))
    assert "JavaScript" in doc.xpath("string(//noscript)")
    for src in doc.xpath("//script/@src | //link/@href"):
        assert not re.match(r"^(https?:)?//", src), src
        assert (page.parent / src).is_file(), src
    bundles = doc.get_element_by_id("search-form").get("data-bundles").split()
    assert bundles == sorted(bundles, reverse=True) and len(bundles) == len(list((site / "pagefind").iterdir()))
    for bundle in bundles:
        assert (page.parent / bundle / "pagefind.js").is_file()


def search(page, query: str) -> tuple[str, list[str]]:
    """Type `query` into the search box; the status line and result links."""
    page.evaluate("document.getElementById('search-status').textContent = ''")
    box = page.locator("#search-form input[name=q]")
    box.fill("")
    box.press_sequentially(query)
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q"
        " && /找到|没有|已列出/.test(document.getElementById('search-status').textContent)", arg=query)
    links = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
    return page.text_content("#search-status"), links


@pytest.mark.parametrize("query, expected", [
    ("停水", {"XY-2013-000042"}),
    ("户口", {"XY-2013-000051", "XY-2013-001123", "XY-2012-001518", "XY-2013-001082"}),
    ("市公安局", {"XY-2013-000051", "XY-2013-001123", "XY-2013-000514", "XY-2012-001518"}),
    ("户口 派出所", {"XY-2013-000051", "XY-2013-001123", "XY-2012-001518"}),
])
def test_typing_a_word_finds_the_case(site, page, query, expected):
    with LocalServer(site) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        status, links = search(page, query)
    found = {re.search(r"cases/(.+)\.html$", link).group(1) for link in links}
    assert expected <= found, status
    for case_id in found:  # each result has every word of the query
        text = html.fromstring((site / "cases" / f"{case_id}.html").read_text("utf-8")).text_content()
        assert all(word in text for word in query.split()), case_id
    assert status == f"找到 {len(found)} 个案件。"
    assert page.external_requests == []


def test_a_callers_real_name_finds_nothing(site, page):
    with LocalServer(site) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        for name in ("何丽华", "丽华"):
            status, links = search(page, name)
            assert links == [] and status == f"没有找到包含“{name}”的案件。"
        status, links = search(page, "何")  # the public surname (何女士) is on the page
        assert links == ["/cases/XY-2013-000042.html"]


def test_filters_and_the_address_bar(site, page):
    with LocalServer(site) as server:
        page.goto(server.url + "/search.html?q=%E6%88%B7%E5%8F%A3&%E5%B9%B4%E4%BB%BD=2012")  # q=户口&年份=2012
        page.wait_for_function("() => /找到/.test(document.getElementById('search-status').textContent)")
        assert page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))") == [
            "/cases/XY-2012-001518.html"]
        assert page.input_value("select[name=年份]") == "2012"
        options = page.eval_on_selector_all("select[name=类别] option", "els => els.map(o => o.value)")
        assert "户籍管理" in options and "城市管理" in options
        page.select_option("select[name=年份]", "")
        page.select_option("select[name=部门]", "市教育局")
        page.wait_for_function("() => new URLSearchParams(location.search).get('部门') === '市教育局'"
                               " && /找到/.test(document.getElementById('search-status').textContent)")
        links = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
        assert links == ["/cases/XY-2013-001082.html"]


def test_no_filter_file_is_downloaded_until_a_filter_is_chosen(site, page):
    """The filters' values are in the page: a search loads no `.pf_filter`
    file (they grow with the cases, in every year's bundle); choosing a
    filter loads its files and narrows the results. The values are those
    Pagefind lists."""
    fetched: list[str] = []
    page.context.on("request", lambda r: fetched.append(r.url))  # the page's and Pagefind's worker's
    filter_files = lambda: [url for url in fetched if url.endswith(".pf_filter")]  # noqa: E731
    with LocalServer(site) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        status, links = search(page, "户口")
        assert len(links) > 1 and filter_files() == []
        assert any(url.endswith(".pf_index") for url in fetched)
        page.evaluate("document.getElementById('search-status').textContent = ''")
        page.select_option("select[name=年份]", "2012")
        page.wait_for_function("() => new URLSearchParams(location.search).get('年份') === '2012'"
                               " && /找到/.test(document.getElementById('search-status').textContent)")
        narrowed = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
        assert narrowed == ["/cases/XY-2012-001518.html"] and filter_files()
        shown = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#search-filters select')]
            .map((s) => [s.name, [...s.options].slice(1).map((o) => o.value).sort()]))""")
        listed = page.evaluate("""async () => {
            const pagefind = await import("/pagefind/2013/pagefind.js");
            const filters = await pagefind.filters();
            return Object.fromEntries(Object.entries(filters).map(([name, counts]) => [name, Object.keys(counts).sort()]));
        }""")
    assert shown == listed and set(shown) == {"类别", "部门", "年份"}


def test_the_search_bytes_benchmark_counts_each_kind(site, chromium):
    """bench/search_bytes.py on the sample site: every kind counted, no filter
    file until the filter is chosen, then one for each year's bundle."""
    spec = importlib.util.spec_from_file_location("bench_search_bytes", ROOT / "bench" / "search_bytes.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    years = len(list((site / "pagefind").iterdir()))
    with bench.serving(site) as url:
        plain, chosen = bench.measure(chromium, url, "户口"), bench.measure(chromium, url, "户口", choose_filter=True)
    files = {k: c["files"] for k, c in plain["kinds"].items()}
    assert files["wasm"] == 1 and files["meta"] == years and files["index"] == years and files["filter"] == 0
    assert 0 < files["fragment"] == plain["results_shown"] and plain["total"] > 100_000
    assert chosen["kinds"]["filter"]["files"] == years and chosen["total"] > plain["total"]


def alone(page, year: int, query: str) -> list[str]:
    """The result URLs of one year's bundle searched alone, best first (a
    second copy of Pagefind's module, by another URL)."""
    return page.evaluate("""async ([year, query]) => {
        const pagefind = await import(`/pagefind/${year}/pagefind.js?alone`);
        await pagefind.options({ excerptLength: 40 });
        const found = await pagefind.search(query);
        const pages = await Promise.all(found.results.map((r) => r.data()));
        return pages.map((p) => p.url);
    }""", [year, query])


def test_results_are_listed_newest_year_first_best_first_within_a_year(site, page, sample_cases):
    """Each year is its own index: the page lists the newest year's results
    first, in Pagefind's order, then the year before's."""
    year = {f"/cases/{c.id}.html": c.received_at.year for c in sample_cases.cases}
    with LocalServer(site) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        status, links = search(page, "户口")
        by_year = {y: [url for url in alone(page, y, "户口") if url in links] for y in (2013, 2012)}
    assert [year[link] for link in links] == [2013] * 3 + [2012], links
    assert links == by_year[2013] + by_year[2012]
    assert status == "找到 4 个案件。" and page.external_requests == []


@pytest.fixture(scope="module")
def three_years(tmp_path_factory) -> Path:
    """120 generated cases received over 2012–2014, about 36 a year, without PDFs."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = generate  # dataclasses look their module up
        spec.loader.exec_module(generate)
    base = tmp_path_factory.mktemp("three-years")
    per_year, generate.CASES_PER_YEAR = generate.CASES_PER_YEAR, 40
    try:
        generate.generate(base / "cases", 120, seed=1)
    finally:
        generate.CASES_PER_YEAR = per_year
    run_pelican(SETTINGS, {"CASES_PATH": str(base / "cases"), "OUTPUT_PATH": str(base / "site"),
                           "HOTLINE": {"PDF": False}})
    return base / "site"


def having(site: Path, word: str) -> dict[str, int]:
    """Case page URL -> year received, of the case pages whose article holds `word`."""
    found = {}
    for path in (site / "cases").glob("XY-*.html"):
        article = html.fromstring(path.read_text("utf-8")).xpath("//*[@data-pagefind-body]")[0]
        if word in article.text_content():
            found[f"/cases/{path.name}"] = int(path.name.split("-")[1])
    return found


def metas(fetched: list[str]) -> list[str]:
    """The years whose index metadata (pf_meta) was fetched, in order."""
    return [re.search(r"/pagefind/(\d{4})/", url).group(1) for url in fetched if url.endswith(".pf_meta")]


def test_a_common_word_downloads_older_years_only_when_asked(three_years, page):
    """A word in more than a page of the newest year's cases fetches that
    year's index alone; 显示更多 goes on year by year, newest first, until
    every case with the word is listed."""
    expected = having(three_years, "处理")
    assert sum(y == 2014 for y in expected.values()) > 20 and {2012, 2013} <= set(expected.values())
    fetched: list[str] = []
    page.context.on("request", lambda r: fetched.append(r.url))
    with LocalServer(three_years) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        status, links = search(page, "处理")
        assert metas(fetched) == ["2014"] and len(links) >= 20, (status, metas(fetched))
        assert status == f"已列出 {len(links)} 个案件，还有更多。"
        while page.is_visible("#search-more"):
            page.evaluate("document.getElementById('search-status').textContent = ''")
            page.click("#search-more")
            page.wait_for_function("/找到|已列出/.test(document.getElementById('search-status').textContent)")
        status = page.text_content("#search-status")
        links = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
    assert status == f"找到 {len(expected)} 个案件。" and sorted(links) == sorted(expected)
    years = [expected[link] for link in links]
    assert years == sorted(years, reverse=True)
    assert metas(fetched) == ["2014", "2013", "2012"]
    assert page.external_requests == []


def test_a_rare_word_goes_on_into_older_years_by_itself(three_years, page):
    """Fewer results than a page in the newest year: the older years are
    searched at once, and the status says how far the search went."""
    expected = having(three_years, "维修")
    assert 0 < len(expected) < 20
    with LocalServer(three_years) as server:
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        status, links = search(page, "维修")
    assert status == f"找到 {len(expected)} 个案件。" and sorted(links) == sorted(expected)


def test_a_new_query_starts_again_from_the_newest_year(three_years, page):
    """After a search went through every year, the next query lists its
    results as a fresh page would."""
    with LocalServer(three_years) as server:
        page.goto(server.url + "/search.html?q=%E7%BB%B4%E4%BF%AE")  # 维修: every year searched
        page.wait_for_function("/找到/.test(document.getElementById('search-status').textContent)")
        _, after = search(page, "小区")
        page.goto(server.url + "/search.html")
        page.wait_for_selector("#search-form:not([hidden])")
        _, fresh = search(page, "小区")
    assert after == fresh


def test_a_year_filter_skips_the_years_received_after_it(three_years, page):
    """A case resolved in 2012 was received in 2012 or before: the 2013
    index is not downloaded (the newest, where a search starts, is)."""
    fetched: list[str] = []
    page.context.on("request", lambda r: fetched.append(r.url))
    with LocalServer(three_years) as server:
        page.goto(server.url + "/search.html?q=%E5%B0%8F%E5%8C%BA&%E5%B9%B4%E4%BB%BD=2012")  # q=小区&年份=2012
        page.wait_for_function("/找到|没有/.test(document.getElementById('search-status').textContent)")
        links = page.eval_on_selector_all("#search-results a", "els => els.map(a => a.getAttribute('href'))")
    assert links and all(link.startswith("/cases/XY-2012-") for link in links)
    assert "2013" not in metas(fetched) and metas(fetched)[0] == "2014"


# --- failures: a missing or failing Pagefind stops the build, in Chinese ---

def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return write_cases(tmp_path / "cases", {"a.yaml": make_case()}), tmp_path / "out"


def fake_pagefind(tmp_path: Path, body: str) -> Path:
    """An executable standing in for Pagefind: `body` is Python, `bundle` its --output-path."""
    script = tmp_path / "fake-pagefind"
    script.write_text(f"#!{sys.executable}\nimport gzip, json, sys\nfrom pathlib import Path\n"
                      f"bundle = Path(sys.argv[sys.argv.index('--output-path') + 1])\n{body}\n"
                      "bundle.mkdir(parents=True, exist_ok=True)\n"
                      "(bundle / 'pagefind-entry.json').write_text('{}')\n", "utf-8")
    script.chmod(0o755)
    return script


def test_missing_pagefind_fails_clearly(tmp_path, run, monkeypatch):
    def missing():
        raise FileNotFoundError("pagefind_extended")

    monkeypatch.setattr(pagefind_bin_extended, "get_executable", missing)
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 1 and "找不到 Pagefind" in err and "Traceback" not in err
    assert not out.exists()


def test_failing_pagefind_fails_clearly(tmp_path, run, monkeypatch):
    script = fake_pagefind(tmp_path, "print('Error: 索引坏了', file=sys.stderr)\nsys.exit(3)")
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: script)
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 1 and "Pagefind 建立索引失败（退出码 3）" in err and "索引坏了" in err
    assert not out.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_pagefind_on_a_full_disk_names_the_full_disk(tmp_path, run, monkeypatch):
    """Pagefind exits 0 with empty files when the disk is full. Here it
    leaves an empty entry file and points the build's probe at /dev/full,
    where every write fails for want of space."""
    body = ("(bundle.parents[1] / '.hotline-room-probe').symlink_to('/dev/full')\n"
            "bundle.mkdir(parents=True)\n(bundle / 'pagefind-entry.json').write_text('')\nsys.exit(0)")
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: fake_pagefind(tmp_path, body))
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 1 and "Traceback" not in err
    assert "pagefind/2013 失败：磁盘已满" in err and "已发布的网站保持不变" in err, err
    assert not out.exists()


@pytest.mark.parametrize("name, content", [
    # a given name (weak) in the fragment of that case's page
    ("fragment/zh-cn_1.pf_fragment", {"url": "/cases/XY-2013-000042.html", "content": "市民丽华反映"}),
    # a full name (strong) in any index file
    ("index/zh-cn_1.pf_index", {"words": "何丽华"}),
])
def test_the_compressed_index_is_guarded(tmp_path, run, monkeypatch, name, content):
    body = (f"target = bundle / {name!r}\ntarget.parent.mkdir(parents=True)\n"
            f"target.write_bytes(gzip.compress(b'pagefind_dcd' + json.dumps({content!r}).encode()))")
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: fake_pagefind(tmp_path, body))
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 1 and "隐私保护" in err and "XY-2013-000042" in err
    assert not out.exists()


def test_a_given_name_in_another_pages_fragment_is_no_leak(tmp_path, run, monkeypatch):
    """建国 of 建国路 is a word: outside its own case's page a given name is allowed."""
    body = ("target = bundle / 'fragment/zh-cn_1.pf_fragment'\ntarget.parent.mkdir(parents=True)\n"
            "target.write_bytes(gzip.compress(b'pagefind_dcd' + json.dumps({'url': '/index.html', 'content': '丽华路'}).encode()))")
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: fake_pagefind(tmp_path, body))
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 0, err


def test_same_pages_give_the_same_index(site, sample_cases, tmp_path):
    """Pagefind writes filters in hash-map order; the build makes them stable."""
    bundles = []
    for name in ("a", "b"):
        copy = tmp_path / name
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
        index_search(sample_cases, SiteWriter(copy, Guard([]), {}), SimpleNamespace(search=True))
        bundles.append(tree(copy / "pagefind"))
    assert bundles[0] == bundles[1]
    assert bundles[0] == tree(site / "pagefind")


def test_an_unexpected_index_layout_stops_the_build(tmp_path):
    (tmp_path / "filter").mkdir()
    (tmp_path / "filter/zh-cn_0000000.pf_filter").write_bytes(gzip.compress(b"pagefind_dcd\xff"))
    (tmp_path / "pagefind-entry.json").write_text("{}", "utf-8")
    with pytest.raises(HotlineError, match="Pagefind 写出的索引与预期的格式不同"):
        stabilise(tmp_path)


def test_index_file_names_hold_no_digits(site):
    """Pagefind names its files by hexadecimal hashes; at 100,000 cases a
    fragment zh-cn_4777555 spelled a caller's landline. Every hash is written
    in letters, in the file names and where the metadata and entry name them."""
    lettered = re.compile(r"zh-cn_[bcdfghjkmnpqrstw]+")
    names = [p for p in (site / "pagefind").rglob("*") if p.suffix in (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")]
    assert {p.suffix for p in names} == {".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"}
    for path in names:
        assert lettered.search(path.name) and not re.search(r"[0-9]", path.name), path
    for shard in (site / "pagefind").iterdir():
        meta = gzip.decompress(next(shard.glob("*.pf_meta")).read_bytes())
        named = re.findall(rb"zh-cn_\w+", meta) + re.findall(rb"zh-cn_\w+", (shard / "pagefind-entry.json").read_bytes())
        assert named and all(lettered.fullmatch(n.decode()) for n in named), named
        on_disk = {p.stem for p in shard.rglob("*.pf_*")} | {p.name.split(".")[1] for p in shard.glob("*.pf_meta")}
        assert {n.decode() for n in named} <= on_disk


def test_pagefinds_own_program_files_spell_no_callers_number(tmp_path, run):
    """At 100,000 cases a table of small numbers in Pagefind's own JavaScript
    (…5,5,6,6,7,7,8…) spelled a caller's landline. Files byte for byte the
    ones Pagefind writes for a page without any case are not searched."""
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(caller={"name": "何丽华", "phone": "(0376)5566778"})})
    code, _, err = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0, err
    program = (tmp_path / "out/pagefind/2013/pagefind.js").read_text("utf-8")
    assert "5,5,6,6,7,7,8" in program
    with pytest.raises(LeakError):  # searched, it would stop the build
        Guard(caller_values({"phone": "(0376)5566778"}, "XY-2013-000042", "caller")).check("pagefind.js", program)


def test_a_program_file_unlike_pagefinds_own_is_guarded(tmp_path, run, monkeypatch):
    """A pagefind.js that differs from the one Pagefind writes without cases
    is searched like any file: here it carries the caller's name."""
    body = ("if (Path(sys.argv[sys.argv.index('--site') + 1]) / 'cases').exists():\n"
            "    bundle.mkdir(parents=True)\n"
            "    (bundle / 'pagefind.js').write_text('const who = \"何丽华\";', 'utf-8')\n"
            "else:\n"
            "    bundle.mkdir(parents=True)\n"
            "    (bundle / 'pagefind.js').write_text('const who = \"\";', 'utf-8')")
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: fake_pagefind(tmp_path, body))
    cases, out = tiny(tmp_path)
    code, _, err = run("build", "--cases", cases, "--output", out)
    assert code == 1 and "隐私保护" in err and "pagefind/2013/pagefind.js" in err, err
    assert not out.exists()
