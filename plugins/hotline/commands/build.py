"""`hotline build`: the whole site, with progress and a summary at the end."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, TextIO

from pelican.log import console as pelican_console
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hotline.build.pelican import Build, run_pelican
from hotline.build.pelican import Progress as ProgressCallback
from hotline.commands.site import add_site_arguments, overrides, settings_file


def add_parser(sub) -> None:
    p = sub.add_parser(
        "build",
        help="检查全部案件并生成网站",
        description="检查全部案件并生成网站。先写到临时目录，全部成功（包括隐私检查）后才替换已发布的网站；"
        "出错时列出全部问题，已发布的网站一个字节都不变。\n"
        "在终端里显示进度条；输出不是终端或设置了环境变量 CI 时，每隔几秒打印一行进度。",
    )
    add_site_arguments(p, output=True)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    build = build_site(settings_file(args), overrides(args))
    print(summary(build, time.monotonic() - start))
    return 0


def build_site(settings: Path, overrides: dict[str, Any], stream: TextIO | None = None) -> Build:
    """Build in this process, showing progress on `stream` (stderr); BuildFailed on problems."""
    with progress_display(stream or sys.stderr) as progress:
        # Pelican's own "Done: Processed 0 articles…" line would only confuse staff.
        with pelican_console.capture():
            pelican = run_pelican(settings, overrides, progress)
    return pelican.hotline_build


def summary(build: Build, seconds: float) -> str:
    """构建完成：读取 … 个案件 … 用时 … 秒 (and where the site is)."""
    files = pages = 0
    for _folder, _subfolders, names in os.walk(build.final):
        files += len(names)
        pages += sum(name.endswith(".html") for name in names)
    s = build.summary
    read = f"读取 {s.cases} 个案件，公开 {s.published} 个，不公开 {s.withheld} 个" if s else "没有读取案件"
    other = s.cases - s.published - s.withheld if s else 0
    if other:
        read += f"（另有 {other} 个未办结或无效，只计入统计）"
    return f"构建完成：{read}；网站共 {files} 个文件，其中网页 {pages} 个；用时 {seconds:.1f} 秒。\n网站在 {build.final}"


@contextmanager
def progress_display(stream: TextIO, environ: Mapping[str, str] | None = None) -> Iterator[ProgressCallback]:
    """A progress bar on a terminal; plain lines otherwise or when CI is set."""
    environ = os.environ if environ is None else environ
    if stream.isatty() and not environ.get("CI"):
        with Bar(Console(file=stream)) as bar:
            yield bar
    else:
        yield Lines(stream)


class Bar:
    """One rich progress bar per build stage; gone when the build ends."""

    def __init__(self, console: Console):
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


class Lines:
    """Plain progress lines: when a stage is done, and at most every `every` seconds."""

    def __init__(self, stream: TextIO, every: float = 2.0):
        self.stream = stream
        self.every = every
        self.last = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= self.every:
            print(f"{stage}：{done}/{total}", file=self.stream, flush=True)
            self.last = now
