"""The `hotline` command itself: Chinese help, usage errors, build progress and summary."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_case, write_cases

from hotline.cli import chinese
from hotline.commands.build import Bar, Lines, progress_display

BIN = Path(sys.executable).parent
VERBS = ("build", "check", "new", "import", "serve")


@pytest.mark.parametrize("argv", [[], *([verb] for verb in VERBS)])
def test_help_is_in_chinese(run, argv):
    code, stdout, _ = run(*argv, "-h")
    assert code == 0
    assert stdout.startswith("用法：hotline") and "显示本帮助并退出" in stdout
    for english in ("usage:", "options:", "positional arguments", "show this help"):
        assert english not in stdout


def test_main_help_lists_every_command_and_the_exit_codes(run):
    _, stdout, _ = run("-h")
    assert all(f"    {verb} " in stdout for verb in VERBS)
    assert "退出码：0 成功；1" in stdout and "2 命令行写错了" in stdout


@pytest.mark.parametrize("argv, message", [
    ([], "缺少必需的参数：命令"),
    (["chek"], "参数 命令：没有 'chek' 这一项（可选：'build', 'check', 'new', 'import', 'serve', 'watch', 'column', 'deploy'）"),
    (["check", "--strct"], "无法识别的参数：--strct"),
    (["import"], "缺少必需的参数：登记表"),
    (["serve", "--port", "八千"], "参数 --port：'八千' 不是有效的端口（应为 0 到 65535 之间的整数；0 表示任选一个空闲端口）"),
    (["build", "--cases"], "参数 --cases 后面需要一个值"),
])
def test_usage_errors_exit_2_in_chinese(run, argv, message):
    code, stdout, stderr = run(*argv)
    assert code == 2 and stdout == ""
    assert stderr.startswith("用法：hotline") and f"：错误：{message}" in stderr


def test_unknown_argparse_messages_pass_through():
    assert chinese("something new") == "something new"


def test_the_installed_command_runs_without_traceback(tmp_path):
    result = subprocess.run([BIN / "hotline", "--settings", tmp_path / "none.py", "build"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "找不到设置文件" in result.stderr and "Traceback" not in result.stderr


def test_build_reports_progress_lines_and_a_summary(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {
        "a.yaml": make_case(),
        "b.yaml": make_case(id="XY-W", publish=False),
        "c.yaml": {"id": "XY-R", "status": "received", "received_at": "2013-02-01"},
    })
    code, stdout, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0
    assert "读取案件：3/3" in stderr and "检查输出：1/1" in stderr  # stderr is not a terminal here
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file() and ".hotline" not in p.parts]
    pages = [p for p in files if p.suffix == ".html"]
    assert stdout.startswith(
        f"构建完成：读取 3 个案件，公开 1 个，不公开 1 个（另有 1 个未办结或无效，只计入统计）；"
        f"网站共 {len(files)} 个文件，其中网页 {len(pages)} 个；用时 "
    )
    assert stdout.endswith(f" 秒。\n网站在 {tmp_path / 'out'}\n")
    assert "Done: Processed" not in stdout + stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_ci_gets_lines():
    stream = Terminal()
    with progress_display(stream, {}) as progress:
        assert isinstance(progress, Bar)
        progress("读取案件", 5, 10)
        progress("读取案件", 10, 10)
    assert "读取案件" in stream.getvalue() and "10/10" in stream.getvalue()
    with progress_display(Terminal(), {"CI": "true"}) as progress:
        assert isinstance(progress, Lines)
    with progress_display(io.StringIO(), {}) as progress:
        assert isinstance(progress, Lines)


def test_plain_lines_are_rate_limited_but_every_stage_ends_with_one():
    stream = io.StringIO()
    lines = Lines(stream, every=3600)
    for done in range(1, 1001):
        lines("读取案件", done, 1000)
    lines("检查输出", 0, 1)
    lines("检查输出", 1, 1)
    assert stream.getvalue() == "读取案件：1000/1000\n检查输出：1/1\n"
