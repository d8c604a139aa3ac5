"""Building a tiny real site, both ways, and failing closed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, SETTINGS, make_case, output_text, tree, write_cases

from hotline.build.pelican import Summary
from hotline.load.casedata import load_cases

BIN = Path(sys.executable).parent

UNPUBLISHED = {
    "2013/02/received.yaml": {"id": "XY-R", "status": "received", "received_at": "2013-02-01",
                              "caller": {"name": "赵大勇", "phone": "13912345678"},
                              "complaint": "楼下烧烤店油烟扰民已经半年了"},
    "2013/02/invalid.yaml": {"id": "XY-I", "status": "invalid", "received_at": "2013-02-02",
                             "caller": {"name": "钱多多"}, "complaint": "醉酒来电谩骂工作人员长达十分钟"},
    "2013/02/withheld.yaml": make_case(id="XY-W", publish=False, complaint="隔壁邻居孙悟净经常深夜吵闹影响休息",
                                       caller={"name": "孙小美", "gender": "female", "phone": "15937612345"}),
}


def cases_dir(tmp_path: Path, extra: dict | None = None) -> Path:
    return write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case(), **UNPUBLISHED, **(extra or {})})


def test_build_writes_the_case_and_nothing_private(tmp_path, run):
    out = tmp_path / "out"
    code, stdout, _ = run("build", "--cases", cases_dir(tmp_path), "--output", out)
    assert code == 0, stdout
    assert (out / "cases" / "XY-2013-000042.html").is_file()
    text = output_text(out)
    assert "何女士" in text and "管道损坏致停水" in text
    for secret in ("何丽华", "丽华", "13837612045", "3761", "大拱桥小区3号楼", "信阳市某某商贸有限公司",
                   "赵大勇", "钱多多", "孙小美", "孙悟净", "油烟扰民", "醉酒来电", "XY-R", "XY-I", "XY-W"):
        assert secret not in text, secret
    assert not list(tmp_path.glob(".out.staging*"))


def test_hotline_build_and_pelican_override_give_the_same_site(tmp_path, run):
    cases = cases_dir(tmp_path)
    code, _, _ = run("build", "--cases", cases, "--output", tmp_path / "a")
    assert code == 0
    result = subprocess.run(
        [BIN / "pelican", "-s", SETTINGS, "-o", tmp_path / "b", "-e", f'CASES_PATH="{cases}"'],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_check_validates_without_writing(tmp_path, run):
    before = sorted(tmp_path.rglob("*"))
    cases = cases_dir(tmp_path)
    code, stdout, _ = run("check", "--cases", cases)
    assert code == 0 and "检查通过：共 4 个案件，其中公开 1 个" in stdout
    assert sorted(p for p in tmp_path.rglob("*") if cases not in p.parents and p != cases) == before


def test_bad_input_fails_with_all_problems_and_keeps_the_old_site(tmp_path, run):
    cases = cases_dir(tmp_path)
    out = tmp_path / "out"
    assert run("build", "--cases", cases, "--output", out)[0] == 0
    old = tree(out)
    write_cases(cases, {"2013/03/a.yaml": make_case(id="XY-A", category="不存在"), "2013/03/b.yaml": "id: [\n"})
    code, _, stderr = run("build", "--cases", cases, "--output", out)
    assert code == 1
    assert "a.yaml:" in stderr and "category:" in stderr and "b.yaml:" in stderr and "共发现 2 个问题" in stderr
    assert tree(out) == old


@pytest.mark.parametrize("command", ["hotline", "pelican"])
def test_no_traceback_for_bad_input(tmp_path, command):
    cases = cases_dir(tmp_path, {"bad.yaml": "id: XY-B\nstatus: resolved\nreceived_at: 2013-02-30\n"})
    argv = {
        "hotline": [BIN / "hotline", "build", "--cases", cases, "--output", tmp_path / "out"],
        "pelican": [BIN / "pelican", "-s", SETTINGS, "-o", tmp_path / "out", "-e", f'CASES_PATH="{cases}"'],
    }[command]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "bad.yaml:3: received_at:" in result.stderr
    assert not (tmp_path / "out").exists()


def test_planted_leak_stops_the_build_and_the_old_output_stays(tmp_path):
    """A page written by staff names a caller: the guard stops the whole build."""
    cases = cases_dir(tmp_path)
    out = tmp_path / "out"
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "about.md").write_text("Title: 关于\n\n热线介绍。\n", "utf-8")
    argv = [BIN / "pelican", "-s", SETTINGS, "-o", out, "-e", f'CASES_PATH="{cases}"', f'PATH="{content}"']
    assert subprocess.run(argv, cwd=ROOT, capture_output=True).returncode == 0
    old = tree(out)
    (content / "pages" / "about.md").write_text("Title: 关于\n\n感谢何丽华（电话 138-3761-2045）。\n", "utf-8")
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "隐私保护" in result.stderr and "XY-2013-000042" in result.stderr and "pages/" in result.stderr
    assert "何丽华" not in result.stderr and "13837612045" not in result.stderr
    assert tree(out) == old
    assert not list(tmp_path.glob(".out.staging*"))


def test_missing_settings_file_is_a_clear_error(tmp_path, run):
    code, _, stderr = run("--settings", tmp_path / "nope.py", "check")
    assert code == 1 and "找不到设置文件" in stderr


def test_zero_cases_still_builds(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {})
    assert run("build", "--cases", cases, "--output", tmp_path / "out")[0] == 0


def test_the_withheld_count_is_the_case_sets_for_build_and_check(tmp_path, run):
    cases, problems = load_cases(cases_dir(tmp_path), ZoneInfo("Asia/Shanghai"))
    assert not problems and cases.withheld == 1  # XY-W: resolved, publish: false
    assert Summary.of(cases) == Summary(cases=4, published=1, withheld=1)
    _, stdout, _ = run("check", "--cases", tmp_path / "cases")
    assert "不公开的办结案件 1 个" in stdout
