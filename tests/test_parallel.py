"""Outputs shared out over worker processes: same files, same guard, same failures."""

from __future__ import annotations

import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, SETTINGS, make_case, write_cases

from hotline.build import parallel
from hotline.build.guard import Guard
from hotline.build.output import Output, SiteWriter
from hotline.build.pelican import run_pelican
from hotline.load.casedata import load_cases
from hotline.privacy.private import NUMBER, PrivateValue
from hotline.problems import HotlineError

PHONE = PrivateValue("13837612045", "XY-7", "caller.phone", NUMBER)
NAME = PrivateValue("建国", "XY-7", "caller.name", strong=False)


def outputs(count: int, text=lambda i: f"<p>第 {i} 页</p>", scope=lambda i: None) -> list[Output]:
    return [Output(f"cases/{i}.html", f"第 {i} 页", lambda i=i: text(i), scope(i)) for i in range(count)]


def writer(root, processes: int) -> SiteWriter:
    return SiteWriter(root, Guard([PHONE, NAME]), {}, processes=processes)


def test_workers_write_every_file_and_report_them(tmp_path):
    out = writer(tmp_path, 3)
    out.write_all(outputs(500))
    assert out.written == {f"cases/{i}.html" for i in range(500)} == out.checked
    assert all((tmp_path / f"cases/{i}.html").read_text("utf-8") == f"<p>第 {i} 页</p>" for i in range(500))


def test_a_leak_in_a_workers_share_stops_the_build_with_its_message(tmp_path):
    leaky = outputs(500, text=lambda i: "电话 138-3761-2045" if i == 301 else "<p></p>")  # 301: not the parent's share
    with pytest.raises(HotlineError, match=r"隐私保护：输出文件 cases/301.html 含有案件 XY-7 的 caller.phone"):
        writer(tmp_path, 2).write_all(leaky)


def test_a_weak_value_is_checked_with_its_scope_in_a_worker(tmp_path):
    pages = outputs(500, text=lambda i: "建国" if i == 7 else "<p></p>", scope=lambda i: frozenset({"XY-7"}))
    with pytest.raises(HotlineError, match=r"cases/7.html 含有案件 XY-7 的 caller.name"):
        writer(tmp_path, 2).write_all(pages)


def test_a_worker_that_dies_stops_the_build(tmp_path):
    parent = os.getpid()

    def render(i):
        if os.getpid() != parent:
            os._exit(9)
        return "<p></p>"

    with pytest.raises(HotlineError, match="构建的子进程意外退出"):
        writer(tmp_path, 2).write_all(outputs(500, text=render))


def test_an_unexpected_error_in_a_worker_keeps_its_traceback(tmp_path):
    def render(i):
        if i == 1:
            raise ZeroDivisionError("模板出错")
        return "<p></p>"

    with pytest.raises(RuntimeError, match=r"(?s)Traceback.*ZeroDivisionError: 模板出错"):
        writer(tmp_path, 2).write_all(outputs(500, text=render))


def test_site_is_the_same_built_by_one_or_two_processes(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    cases = write_cases(tmp_path / "cases", {
        f"2013/0{i % 9 + 1}/XY-{i}.yaml": make_case(id=f"XY-{i}", received_at=f"2013-0{i % 9 + 1}-10",
                                                   resolved_at=f"2013-0{i % 9 + 1}-20")
        for i in range(12)
    })
    sites = {}
    for processes in (1, 2):
        out = tmp_path / f"out{processes}"
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "HOTLINE": {"PROCESSES": processes}})
        sites[processes] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert len(sites[2]) > 100
    assert sites[1] == sites[2]



def test_the_manifest_has_the_keys_of_the_workers_files(tmp_path, monkeypatch):
    """The next build reuses a file only if its key was recorded, whoever wrote it."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    cases = write_cases(tmp_path / "cases", {f"2013/01/XY-{i}.yaml": make_case(id=f"XY-{i}") for i in range(6)})
    out = tmp_path / "out"
    run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "HOTLINE": {"PROCESSES": 2}})
    keys = json.loads((tmp_path / ".out.cache/manifest.json").read_text("utf-8"))["keys"]
    assert {f"cases/XY-{i}.html" for i in range(6)} <= set(keys)
    assert {f"open311/v2/requests/XY-{i}.json" for i in range(6)} <= set(keys)


def test_cases_read_by_two_processes_are_those_read_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    cases = write_cases(tmp_path / "cases", {f"2013/01/XY-{i}.yaml": make_case(id=f"XY-{i}") for i in range(9)})
    one, problems = load_cases(cases, ZoneInfo("Asia/Shanghai"), processes=1)
    two, more = load_cases(cases, ZoneInfo("Asia/Shanghai"), processes=2)
    assert problems == more == []
    assert one.cases == two.cases and [c.digest for c in one.cases] == [c.digest for c in two.cases]
    assert one.private_values == two.private_values and one.facts == two.facts


def test_problems_found_by_every_process_are_reported_together(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    files = {f"2013/01/XY-{i}.yaml": make_case(id=f"XY-{i}") for i in range(9)}
    files["2013/01/XY-2.yaml"] = make_case(id="XY-2", status="done")
    files["2013/01/XY-7.yaml"] = "id: [\n"
    _, problems = load_cases(write_cases(tmp_path / "cases", files), ZoneInfo("Asia/Shanghai"), processes=2)
    assert {Path(p.file).name for p in problems} == {"XY-2.yaml", "XY-7.yaml"}
