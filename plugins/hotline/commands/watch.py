"""`hotline watch`: build, then rebuild on every change, without a server.

The loop `follow` is shared with `hotline serve`. Rebuilds go through a
`LiveSite` (build/live.py): after an edit of case files only the changed
files are read and only the outputs whose bytes change are written; any
other change takes a full build. Changes are watched with `watchfiles`
through Pelican's change filter (`FileChangeFilter`, which honours
IGNORE_FILES); a failed rebuild keeps the last good site while the
problems are printed.
"""

from __future__ import annotations

import argparse
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles
from pelican.utils import FileChangeFilter

from hotline.build.live import LiveSite
from hotline.build.outputdir import check_output
from hotline.build.pelican import Build
from hotline.commands.build import build_site, summary
from hotline.commands.site import add_site_arguments, load, overrides, settings_file
from hotline.load.records import display_name
from hotline.problems import BuildFailed
from hotline.settings import HotlineSettings


def add_parser(sub) -> None:
    p = sub.add_parser(
        "watch",
        help="生成网站，修改后自动重新生成（不启动预览服务器）",
        description="生成网站，并在案件、页面（content）、模板（theme）或设置文件改动后自动重新生成，"
        "不启动预览服务器（预览用 hotline serve）。只改了案件文件时只读取改动的文件、只改写字节变了的输出；"
        "改了登记表、模板、页面或设置，或案件的来电人、redact、是否公开有变化时，完整地重新生成。"
        "重新生成失败时列出问题，已发布的仍是上一次成功生成的网站。按 Ctrl-C 停止。",
    )
    add_site_arguments(p, output=True)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings, hotline = load(args)
    config = settings_file(args)
    check_output(settings["OUTPUT_PATH"], settings, hotline.cases_path, config)
    on_term = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    try:
        follow(settings, hotline, config, overrides(args), lambda: print("正在监视改动（修改后自动重新生成；按 Ctrl-C 停止）", flush=True))
    except KeyboardInterrupt:
        print("\n已停止。", flush=True)
    finally:
        signal.signal(signal.SIGTERM, on_term)
    return 0


def follow(
    settings: dict, hotline: HotlineSettings, config: Path, extra: dict, ready: Callable[[], None], kept: str = "已发布的"
) -> None:
    """Build, call `ready`, then rebuild after every change, until interrupted.
    `kept`: what stays as it was when a rebuild fails (已发布的, 预览的)."""
    changes: queue.Queue[set] = queue.Queue()
    stop = threading.Event()
    watch = (watched(settings, hotline, config), FileChangeFilter(settings["IGNORE_FILES"]), stop, changes)
    threading.Thread(target=_watch, args=watch, daemon=True).start()  # before the first build: miss nothing
    live = LiveSite(lambda: build_site(config, extra))
    try:
        rebuild(live, kept=kept)
        ready()
        while True:
            changed = _next(changes)
            names = sorted({display_name(Path(path)) for _, path in changed})
            print(f"\n有改动：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}，重新生成……", flush=True)
            rebuild(live, {Path(path) for _, path in changed}, kept)
    finally:
        stop.set()


def _watch(paths: list[Path], only: FileChangeFilter, stop: threading.Event, changes: queue.Queue) -> None:
    for found in watchfiles.watch(*paths, watch_filter=only, stop_event=stop, debounce=400, raise_interrupt=False):
        changes.put(found)


def _next(changes: queue.Queue) -> set:
    """The next changes, with any that came in meanwhile (one rebuild for all)."""
    while True:
        try:
            found = changes.get(timeout=0.5)  # a timeout keeps Ctrl-C working
            break
        except queue.Empty:
            continue
    while not changes.empty():
        found |= changes.get()
    return found


def watched(settings: dict, hotline: HotlineSettings, config: Path) -> list[Path]:
    """What a rebuild depends on: settings, cases, pages (content) and theme."""
    paths = [config.resolve(), hotline.cases_path, Path(settings["PATH"]), Path(settings["THEME"])]
    return [p for p in dict.fromkeys(paths) if p.exists()]


def rebuild(live: LiveSite, changed: set[Path] | None = None, kept: str = "已发布的") -> Build | None:
    """One rebuild; on failure the problems are printed and the last good site stays."""
    start = time.monotonic()
    try:
        build, full = live.rebuild(changed or ())
    except BuildFailed as e:
        print(e.code, file=sys.stderr, flush=True)
    except Exception as e:  # a theme or page being edited: say so and keep going
        print(f"生成出错：{type(e).__name__}: {e}", file=sys.stderr, flush=True)
    else:
        seconds = time.monotonic() - start
        print(summary(build, seconds) if full else f"构建完成（只更新了改动的案件）：用时 {seconds:.2f} 秒。", flush=True)
        return build
    print(f"这次没有生成成功：{kept}仍是上一次成功生成的网站。改好后保存，会自动重新生成。", file=sys.stderr, flush=True)
    return None


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
