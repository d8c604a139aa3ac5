"""`hotline serve`: build, preview on this computer, rebuild on every change.

Pelican's own pieces: its HTTP handler (`ComplexHTTPRequestHandler`, which
finds `x.html` for `/x`) and its server class. The build-and-rebuild loop
is `hotline watch`'s (commands/watch.py): unlike `pelican -lr` it also
watches the cases directory, rebuilds after a case edit only what changed,
and a failed rebuild keeps the last good site (our builds publish
atomically) while the problems are printed.
"""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import socket
import threading

from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

from hotline.build.outputdir import check_output
from hotline.commands.casefile import ascii_number
from hotline.commands.site import add_site_arguments, load, overrides, settings_file
from hotline.commands.watch import follow
from hotline.problems import BuildFailed


def add_parser(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="生成网站并在本机预览，修改后自动重新生成",
        description="生成网站，在本机提供预览（浏览器打开显示的网址），并在案件、页面（content）、模板（theme）"
        "或设置文件改动后自动重新生成。重新生成失败时列出问题，预览的仍是上一次成功生成的网站。"
        "按 Ctrl-C 停止。",
    )
    add_site_arguments(p, output=True)
    p.add_argument("--port", type=port, default=8000, metavar="端口", help="端口（默认 8000；0 表示任选一个空闲端口）")
    p.add_argument("--bind", default="127.0.0.1", metavar="地址", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    p.set_defaults(run=run)


def port(text: str) -> int:
    """`--port`: 0 (any free port) to 65535."""
    number = ascii_number(text)
    if number is None or number > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' 不是有效的端口（应为 0 到 65535 之间的整数；0 表示任选一个空闲端口）")
    return number


def run(args: argparse.Namespace) -> int:
    settings, hotline = load(args)
    config, extra = settings_file(args), overrides(args)
    check_output(settings["OUTPUT_PATH"], settings, hotline.cases_path, config)  # before it is served
    logging.getLogger("pelican.server").setLevel(logging.ERROR)  # no English line per request or 404
    try:
        server = RootedHTTPServer(settings["OUTPUT_PATH"], (args.bind, args.port), ComplexHTTPRequestHandler)
    except OSError as e:
        raise BuildFailed(f"无法在 {args.bind}:{args.port} 上预览：{_bind_error(e, args.bind, args.port)}") from None
    on_term = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]

    def ready() -> None:
        print(f"预览网址：http://{host}:{port}/  （修改后自动重新生成；按 Ctrl-C 停止）", flush=True)

    try:
        follow(settings, hotline, config, extra, ready, kept="预览的")
    except KeyboardInterrupt:
        print("\n已停止预览。", flush=True)
    finally:
        on_int = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.shutdown()
        server.server_close()
        signal.signal(signal.SIGINT, on_int)
        signal.signal(signal.SIGTERM, on_term)
    return 0


def _bind_error(error: OSError, bind: str, port: int) -> str:
    """Why the preview cannot listen there, and what to change."""
    other_port = "请用 --port 换一个（--port 0 任选一个空闲端口）"
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return f"这台电脑没有地址 {bind}（应为 127.0.0.1、0.0.0.0 这样的 IPv4 地址或本机的名字；请检查 --bind）"
    if error.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用；{other_port}"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限使用端口 {port}（1024 以下的端口只有管理员能用）；{other_port}"
    return f"系统拒绝了（错误号 {error.errno}）；{other_port}，或检查 --bind"


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
