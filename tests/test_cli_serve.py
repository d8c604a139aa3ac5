"""`hotline serve`: serves the built site, rebuilds on a change, keeps the last good site on a failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, make_case, one_chinese_line, write_cases

BIN = Path(sys.executable).parent
WAIT = 90  # seconds any one step may take on a slow machine


class Serving:
    """`hotline serve` (or another `verb`) in a subprocess; its output collected by a thread."""

    def __init__(self, *argv, verb: str = "serve"):
        self.process = subprocess.Popen([BIN / "hotline", verb, *argv], cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env={**os.environ, "CI": "1"})
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, after: int = 0) -> re.Match:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            found = re.search(pattern, "".join(self.lines[after:]))
            if found:
                return found
            assert self.process.poll() is None, self.output
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in:\n{self.output}")

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            self.process.kill()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_builds_serves_and_rebuilds_on_change(tmp_path):
    cases = write_cases(tmp_path / "cases", {"2013/01/a.yaml": make_case()})
    serving = Serving("--cases", cases, "--output", tmp_path / "out", "--port", "0")
    try:
        url = serving.wait_for(r"预览网址：(http://127\.0\.0\.1:\d+/)").group(1)
        assert "构建完成：读取 1 个案件" in serving.output
        page = url + "cases/XY-2013-000042"  # Pelican's handler finds the .html
        assert "管道损坏致停水" in fetch(page)

        mark = len(serving.lines)
        case = cases / "2013/01/a.yaml"
        case.write_text(case.read_text("utf-8").replace("管道损坏致停水", "水管破裂致停水"), "utf-8")
        serving.wait_for("构建完成", after=mark)
        assert "水管破裂致停水" in fetch(page)

        mark = len(serving.lines)
        (cases / "2013/01/b.yaml").write_text("id: [\n", "utf-8")
        serving.wait_for("这次没有生成成功：预览的仍是上一次成功生成的网站", after=mark)
        assert "b.yaml:2: YAML 语法错误" in serving.output
        assert "水管破裂致停水" in fetch(page)
    finally:
        code = serving.stop()
    assert code == 0 and "已停止预览。" in serving.output
    assert "Traceback" not in serving.output


def test_a_port_in_use_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([BIN / "hotline", "serve", "--port", str(port), "--output", tmp_path / "out"],
                                cwd=ROOT, capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 1
    assert one_chinese_line(result.stderr) == (
        f"无法在 127.0.0.1:{port} 上预览：端口 {port} 已被占用；请用 --port 换一个（--port 0 任选一个空闲端口）"
    )


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "八千", "８０", "1e3"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path, port):
    # In a process of its own: int() reads ８０ as 80, and a preview that starts does not end by itself.
    result = subprocess.run([BIN / "hotline", "serve", "--port", port, "--output", tmp_path / "out"],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    usage, error = result.stderr.splitlines()
    assert result.returncode == 2 and result.stdout == "" and usage.startswith("用法：hotline serve")
    assert error == f"hotline serve：错误：参数 --port：'{port}' 不是有效的端口（应为 0 到 65535 之间的整数；0 表示任选一个空闲端口）"


@pytest.mark.parametrize("bind", ["10.254.254.254", "no-such-host.invalid"])
def test_an_address_this_computer_does_not_have_is_a_clear_error(tmp_path, bind):
    result = subprocess.run([BIN / "hotline", "serve", "--bind", bind, "--port", "0", "--output", tmp_path / "out"],
                            cwd=ROOT, capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 1
    assert one_chinese_line(result.stderr) == (
        f"无法在 {bind}:0 上预览：这台电脑没有地址 {bind}（应为 127.0.0.1、0.0.0.0 这样的 IPv4 地址或本机的名字；请检查 --bind）"
    )


def test_watch_rebuilds_a_case_edit_live_and_anything_else_in_full(tmp_path):
    cases = write_cases(tmp_path / "cases", {"2013/01/a.yaml": make_case()})
    out = tmp_path / "out"
    watching = Serving("--cases", cases, "--output", out, verb="watch")
    try:
        watching.wait_for("正在监视改动")
        assert "构建完成：读取 1 个案件" in watching.output
        page = out / "cases/XY-2013-000042.html"
        case = cases / "2013/01/a.yaml"

        mark = len(watching.lines)
        case.write_text(case.read_text("utf-8").replace("管道损坏致停水", "水管破裂致停水"), "utf-8")
        watching.wait_for(r"构建完成（只更新了改动的案件）：用时 [0-9.]+ 秒", after=mark)
        assert "水管破裂致停水" in page.read_text("utf-8")

        mark = len(watching.lines)
        case.write_text(case.read_text("utf-8").replace("何丽华", "孙丽华"), "utf-8")  # a caller's name: full
        watching.wait_for("构建完成：读取 1 个案件", after=mark)
        assert "孙女士" in page.read_text("utf-8")

        mark = len(watching.lines)
        (cases / "2013/01/b.yaml").write_text("id: [\n", "utf-8")
        watching.wait_for("这次没有生成成功：已发布的仍是上一次成功生成的网站", after=mark)
        assert "水管破裂致停水" in page.read_text("utf-8")
    finally:
        code = watching.stop()
    assert code == 0 and "已停止。" in watching.output
    assert "Traceback" not in watching.output
