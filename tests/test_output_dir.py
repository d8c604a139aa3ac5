"""An output directory that is, holds or lies inside the build's input is refused before anything is written.

A build replaces its whole output directory with the new site: with the
cases directory (or a folder above it) as output it used to delete every
case. Each test sets up a real site folder with cases, points the output at
it in one spelling or another, and checks the refusal and that every file,
down to the byte, and every folder are as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SETTINGS, make_case, one_chinese_line, write_cases

BIN = Path(sys.executable).parent
ADVICE = "。请用 --output 或设置中的 OUTPUT_PATH 另选一个目录（如网站目录下的 output）；什么都没有写，也没有删除。"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below `folder` (dot files too): a file's bytes, None for a folder or link."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() and not p.is_symlink() else None
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """tmp/site: its settings file, and its cases with three case files and the two registries."""
    root = tmp_path / "site"
    write_cases(root / "cases", {
        "2013/01/XY-2013-000042.yaml": make_case(),
        "2013/01/XY-2013-000043.yaml": make_case(id="XY-2013-000043", received_at="2013-01-11 08:30"),
        "XY-2013-000044.yaml": {"id": "XY-2013-000044", "status": "received", "received_at": "2013-03-01"},
    })
    (root / "siteconf.py").write_text("\n".join([
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from pelicanconf import *",
        "SITE_ROOT = __import__('os').path.dirname(__file__)",
        f"PATH = {str(ROOT / 'content')!r}",
        f"THEME = {str(ROOT / 'theme')!r}",
        "",
    ]), "utf-8")
    return root


def refused(before: dict, tmp_path: Path, stderr: str, output: str, reason: str) -> None:
    assert one_chinese_line(stderr) == f"输出目录 {output} {reason}{ADVICE}"
    assert snapshot(tmp_path) == before  # not a byte written or deleted, no lock, staging or cache beside


def same_cases(site: Path) -> str:
    cases = site / "cases"
    return f"就是案件目录 {cases}：构建会用生成的网站替换整个输出目录，案件目录里的文件会被删除"


# Each: the --output given (from tmp/site), the output as reported, the reason.
SPELLINGS = {
    "the cases": (lambda s: s / "cases", lambda s: s / "cases", same_cases),
    "a trailing slash": (lambda s: f"{s / 'cases'}/", lambda s: s / "cases", same_cases),
    "a .. spelling": (lambda s: f"{s}/cases/2013/../../cases", lambda s: s / "cases", same_cases),
    "a link to the cases": (lambda s: s.parent / "link", lambda s: s / "cases", same_cases),
    "the site folder": (
        lambda s: s, lambda s: s,
        lambda s: f"就是网站目录 {s}：构建会用生成的网站替换整个输出目录，网站目录里的文件会被删除",
    ),
    "the folder above the site": (
        lambda s: f"{s}/..", lambda s: s.parent,
        lambda s: f"包含案件目录 {s / 'cases'}：构建会用生成的网站替换整个输出目录，案件目录里的文件会被删除",
    ),
    "a folder inside the cases": (
        lambda s: s / "cases" / "site", lambda s: s / "cases" / "site",
        lambda s: f"在案件目录 {s / 'cases'} 里面：构建会把自己的输出当作案件来读",
    ),
    "a case file": (
        lambda s: s / "cases" / "XY-2013-000044.yaml", lambda s: s / "cases" / "XY-2013-000044.yaml",
        lambda s: "已存在但不是目录",
    ),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_build_refuses_an_output_that_would_destroy_input(tmp_path, site, run, spelling):
    given, shown, reason = SPELLINGS[spelling]
    (tmp_path / "link").symlink_to(site / "cases")
    before = snapshot(tmp_path)
    code, stdout, stderr = run("--settings", site / "siteconf.py", "build", "--cases", site / "cases",
                               "--output", given(site))
    assert code == 1 and stdout == ""
    refused(before, tmp_path, stderr, str(shown(site).resolve()), reason(site))


def test_the_site_folder_is_refused_when_the_cases_are_elsewhere(tmp_path, site, run):
    cases = (tmp_path / "cases").resolve()
    (site / "cases").rename(cases)
    before = snapshot(tmp_path)
    code, _, stderr = run("--settings", site / "siteconf.py", "build", "--cases", cases, "--output", f"{site}/")
    assert code == 1
    refused(before, tmp_path, stderr, str(site), f"就是网站目录 {site}：构建会用生成的网站替换整个输出目录，网站目录里的文件会被删除")


def test_output_path_in_the_settings_is_checked_too(tmp_path, site, run):
    settings = site / "siteconf.py"
    settings.write_text(settings.read_text("utf-8") + 'CASES_PATH = "cases"\nOUTPUT_PATH = "cases/"\n', "utf-8")
    before = snapshot(tmp_path)
    code, _, stderr = run("--settings", settings, "build")
    assert code == 1
    refused(before, tmp_path, stderr, str(site / "cases"), same_cases(site))


@pytest.mark.parametrize("spelling", ["the home folder", "the folder above it"])
def test_the_home_folder_is_refused(tmp_path, site, run, monkeypatch, spelling):
    home = tmp_path / "users" / "staff"
    (home / "文档").mkdir(parents=True)
    (home / "文档" / "工作记录.txt").write_text("今天接了 40 个电话。", "utf-8")
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # a "~" taken literally would be a folder here, not in the project
    output = home if spelling == "the home folder" else home.parent
    before = snapshot(tmp_path)
    given = "~" if output == home else output  # as a shell passes it when quoted
    code, _, stderr = run("--settings", site / "siteconf.py", "build", "--cases", site / "cases", "--output", given)
    assert code == 1
    verb = "就是" if output == home else "包含"
    refused(before, tmp_path, stderr, str(output), f"{verb}主目录 {home}：构建会用生成的网站替换整个输出目录，主目录里的文件会被删除")


def test_the_filesystem_root_is_refused(tmp_path, site, run):
    before = snapshot(tmp_path)
    code, _, stderr = run("--settings", site / "siteconf.py", "build", "--cases", site / "cases", "--output", "/")
    assert code == 1
    refused(before, tmp_path, stderr, "/", "是文件系统的根目录：构建会用生成的网站替换整个输出目录")
    assert not Path("/..staging").exists() and not Path("/..lock").exists()


def test_pelican_itself_refuses_the_cases_as_output(tmp_path, site):
    cases = site / "cases"
    before = snapshot(tmp_path)
    result = subprocess.run([BIN / "pelican", "-s", SETTINGS, "-o", f"{cases}/", "-e", f'CASES_PATH="{cases}"'],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    refused(before, tmp_path, result.stdout + result.stderr, str(cases), same_cases(site))


def test_serve_refuses_before_it_builds_or_serves(tmp_path, site):
    cases = site / "cases"
    before = snapshot(tmp_path)
    argv = [BIN / "hotline", "--settings", site / "siteconf.py", "serve", "--cases", cases, "--output", cases, "--port", "0"]
    # Timed out, it would be serving the cases over HTTP after building over them.
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "CI": "1"})
    assert result.returncode == 1 and result.stdout == ""
    refused(before, tmp_path, result.stderr, str(cases), same_cases(site))


def test_an_output_beside_the_cases_still_builds(tmp_path, site, run):
    before = snapshot(site / "cases")
    code, _, stderr = run("--settings", site / "siteconf.py", "build", "--cases", site / "cases", "--output", site / "output")
    assert code == 0, stderr
    assert (site / "output" / "cases" / "XY-2013-000042.html").is_file()
    assert snapshot(site / "cases") == before
