"""Smoke test of the benchmark (bench/): a tiny generated set, a tiny run. No timing assertions."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT

from hotline.load.casedata import load_cases


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


generate = _module("generate")
pieces = _module("pieces")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_cases_pass_validation_and_are_deterministic(tmp_path):
    counts = generate.generate(tmp_path / "a", 30, seed=3)
    generate.generate(tmp_path / "b", 30, seed=3)
    generate.generate(tmp_path / "c", 30, seed=4)
    a = _tree(tmp_path / "a")
    assert a == _tree(tmp_path / "b")
    assert a != _tree(tmp_path / "c")
    assert sum(counts.values()) == 30 and len(a) == 33  # and the three registries
    assert all(path.count("/") == 2 for path in a if path.endswith(".yaml") and "/" in path)  # YYYY/MM/<id>.yaml
    cases, problems = load_cases(tmp_path / "a", ZoneInfo("Asia/Shanghai"))
    assert problems == []
    assert len(cases.facts) == 30 and len(cases.cases) == counts["resolved"]
    # The callers' details are in the files and never in the public cases.
    text = "".join(b.decode("utf-8") for b in a.values())
    assert "caller:" in text and "phone:" in text
    for case in cases.cases:
        assert case.caller.endswith(("先生", "女士", "某"))


def test_generated_ids_have_valid_checksums(tmp_path):
    gen = generate.Generator(10, seed=1)
    for _ in range(50):
        number = gen.id_number("浉河区")
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        assert number[-1] == "10X98765432"[sum(int(c) * w for c, w in zip(number, weights, strict=False)) % 11]


def test_a_tiny_benchmark_run_measures_builds_and_rewrites(tmp_path):
    run = _module("run")
    hugo = ["hugo-cold", "hugo-pagefind-cold"] if shutil.which("hugo") else []
    names = ["ours-nosearch-cold", "ours-cold", "ours-noop", "ours-edit", "pelican-cold", *hugo, "ours-watch", "ours-search-bytes"]
    report = run.run(30, 1, names, seed=1, work=tmp_path / "work", results=tmp_path / "results")
    medians = report["medians"]
    assert set(medians) == set(names) - set(run.ONCE)
    cold = medians["ours-cold"]
    assert cold["files"] > 30 and cold["pages"] > 25 and cold["seconds"] > 0 and cold["maxrss_mb"] > 10
    assert any(label.startswith("隐私检查") for label in cold["stages"])
    assert "rewritten" in medians["ours-noop"] and medians["ours-edit"]["rewritten"] >= 1
    assert medians["pelican-cold"]["pages"] > report["statuses"]["resolved"]  # an article per published case, and indexes
    # Without search, the same pages and no index; with it, Pagefind's bundle.
    work = tmp_path / "work"
    assert medians["ours-nosearch-cold"]["pages"] == cold["pages"]
    assert not (work / "ours-nosearch" / "output" / "pagefind").exists() and (work / "ours" / "output" / "pagefind").is_dir()
    # The edit reached the output, and the case file is back as it was.
    output = work / "ours" / "output"
    assert any("恳请" in p.read_text("utf-8", errors="replace") for p in output.rglob("*.html"))
    assert not any("恳请" in p.read_text("utf-8") for p in (work / "cases").rglob("*.yaml"))
    saved = json.loads(Path(report["file"]).read_text("utf-8"))
    ratios = saved["ratios"]
    for name in ("ours-nosearch-cold / pelican-cold", "ours-edit / ours-cold", "ours-cold / ours-nosearch-cold"):
        assert ratios[name] > 0
    # Once: the live rebuild, the search's bytes; the limits of ours-cold's output.
    watch = report["once"]["ours-watch"]
    assert 0 < watch["median"] < watch["full"]["seconds"] and len(watch["edits"]) == 2
    searched = report["once"]["ours-search-bytes"]["runs"][0]
    assert searched["total"] > 50_000 and searched["kinds"]["wasm"]["files"] == 1
    limits = report["limits"]
    fullest = limits["fullest_folders"][0]
    entries = len(list((work / "ours" / "output" / fullest["folder"]).iterdir()))
    assert fullest["entries"] == entries == max(f["entries"] for f in limits["fullest_folders"])
    assert limits["public_cases"] == report["statuses"]["resolved"] and limits["memory"]["peak_mb"] == cold["maxrss_mb"]
    text = run.table(report)
    assert "`hotline watch` 改一个字后（30 个案件）" in text and "| 站内搜索“停水 维修”下载的字节" in text
    sitemap = limits["sitemaps"]["sitemap.xml"]
    assert report["statuses"]["resolved"] < sitemap["urls"] <= cold["pages"] and not sitemap["sitemaps"], sitemap
    assert "| 网站地图 | 1 个文件，最大的" in text
    assert "| 最满的文件夹 |" in text and "| 单进程峰值内存（30 个案件） |" in text
    assert "我们：冷构建" in text and "我们（不含搜索索引）：冷构建" in text
    assert "| ours-nosearch-cold / pelican-cold |" in text and "| ours-edit / ours-cold |" in text
    assert text.count("达到") >= len(run.TARGETS) - 2 * (not hugo)  # each target measured has a verdict
    if hugo:
        # Hugo + Pagefind: one command, Pagefind's Chinese index of the case pages alone.
        entry = json.loads((work / "hugo-pagefind" / "output" / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == ["zh-cn"]
        assert entry["languages"]["zh-cn"]["page_count"] == report["statuses"]["resolved"]
        assert medians["hugo-pagefind-cold"]["files"] > medians["hugo-cold"]["files"]
        assert ratios["ours-cold / hugo-pagefind-cold"] > 0 and ratios["ours-nosearch-cold / hugo-cold"] > 0
        assert "Hugo + Pagefind：冷构建" in text
    # --readme: the marked block of a copy of bench/README.md, and nothing else, becomes this run's table.
    readme = tmp_path / "README.md"
    original = (ROOT / "bench" / "README.md").read_text("utf-8")
    readme.write_text(original, "utf-8")
    run.write_readme(readme, run.readme_block(report, "bench/run.py --readme"))
    written = readme.read_text("utf-8")
    head, rest = original.split(run.README_START)
    tail = rest.split(run.README_END)[1]
    assert written.startswith(head + run.README_START) and written.endswith(run.README_END + tail)
    block = written[len(head + run.README_START):-len(run.README_END + tail)]
    assert "`bench/run.py --readme`" in block and report["when"][:10] in block and "N = 30 个案件" in block
    assert "| ours-edit / ours-cold |" in block and "尚未运行" not in block
    run.write_readme(readme, "again")  # a second run replaces the first
    assert readme.read_text("utf-8") == head + run.README_START + "\nagain\n" + run.README_END + tail
    assert (ROOT / "bench" / "README.md").read_text("utf-8") == original


def test_readme_without_markers_is_refused_before_the_run(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# 基准\n", "utf-8")
    with pytest.raises(SystemExit, match="bench:start"):
        _module("run").main(["--readme", str(readme), "-n", "1", "--workdir", str(tmp_path / "work")])
    assert not (tmp_path / "work").exists()


@pytest.mark.parametrize("only, skip, expected", [
    ("ours", None, ["ours-nosearch-cold", "ours-cold", "ours-noop", "ours-edit", "ours-watch", "ours-search-bytes"]),
    ("ours-cold,pelican", None, ["ours-cold", "pelican-cold", "pelican-edit"]),
    ("ours-nosearch,hugo-pagefind", None, ["ours-nosearch-cold", "hugo-pagefind-cold"]),
    (None, "hugo,ours-noop,ours-watch", ["ours-nosearch-cold", "ours-cold", "ours-edit", "pelican-cold", "pelican-edit",
                                         "ours-search-bytes"]),
    ("hugo", "hugo-pagefind", ["hugo-cold", "hugo-edit"]),
])
def test_selection_of_measurements(only, skip, expected, monkeypatch):
    run = _module("run")
    monkeypatch.setattr(run.shutil, "which", lambda name: "/usr/bin/" + name)
    assert run.selected(only, skip) == expected


def test_without_hugo_every_hugo_measurement_is_skipped(monkeypatch):
    run = _module("run")
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    assert run.selected("hugo,pelican-cold", None) == ["pelican-cold"]


def test_pieces_lists_figures_told_side_by_side(tmp_path):
    (tmp_path / "bulletins").mkdir()
    (tmp_path / "bulletins/2016-08.html").write_text("<p>已办结3184件，在办146件。</p>\n<p>已办结3184件。在办146件。</p>\n", "utf-8")
    (tmp_path / "stats.html").write_text("<td>3184</td>\n<td>146</td>\n<p>在办 46 件，办结 84 件</p>", "utf-8")
    counts, first = pieces.shapes(tmp_path)
    assert counts == {("bulletins", "#件,在办#"): 1}
    assert first[("bulletins", "#件,在办#")][0] == "bulletins/2016-08.html"
    counts, _ = pieces.shapes(tmp_path, digits=2)  # figures that grow to three digits with more cases
    assert counts[("stats.html", "# 件,办结 #")] == 1


def test_memory_counts_what_reading_and_the_guard_hold(tmp_path):
    memory = _module("memory")
    generate.generate(tmp_path / "cases", 300)
    measured = memory.measure(tmp_path / "cases")
    assert measured["cases"] == 300 and set(measured) == {"cases", "read", "guard"}  # MB: the allocator may reuse the generator's
