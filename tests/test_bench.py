"""Smoke test of the benchmark (bench/): a tiny generated set, a tiny run. No timing assertions."""

from __future__ import annotations

import importlib.util
import json
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
    names = ["ours-cold", "ours-noop", "ours-edit", "pelican-cold"]
    report = run.run(30, 1, names, seed=1, work=tmp_path / "work", results=tmp_path / "results")
    medians = report["medians"]
    assert set(medians) == set(names)
    cold = medians["ours-cold"]
    assert cold["files"] > 30 and cold["pages"] > 25 and cold["seconds"] > 0 and cold["maxrss_mb"] > 10
    assert any(label.startswith("隐私检查") for label in cold["stages"])
    assert "rewritten" in medians["ours-noop"] and medians["ours-edit"]["rewritten"] >= 1
    assert medians["pelican-cold"]["pages"] > report["statuses"]["resolved"]  # an article per published case, and indexes
    # The edit reached the output, and the case file is back as it was.
    output = tmp_path / "work" / "ours" / "output"
    assert any("恳请" in p.read_text("utf-8", errors="replace") for p in output.rglob("*.html"))
    assert not any("恳请" in p.read_text("utf-8") for p in (tmp_path / "work" / "cases").rglob("*.yaml"))
    saved = json.loads(Path(report["file"]).read_text("utf-8"))
    assert saved["ratios"]["ours-cold / pelican-cold"] > 0
    assert "我们：冷构建" in run.table(report)


@pytest.mark.parametrize("only, skip, expected", [
    ("ours", None, ["ours-cold", "ours-noop", "ours-edit"]),
    ("ours-cold,pelican", None, ["ours-cold", "pelican-cold", "pelican-edit"]),
    (None, "hugo,ours-noop", ["ours-cold", "ours-edit", "pelican-cold", "pelican-edit"]),
])
def test_selection_of_measurements(only, skip, expected):
    assert _module("run").selected(only, skip) == expected
