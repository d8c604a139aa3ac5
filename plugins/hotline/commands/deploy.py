"""`hotline deploy`: send the published output to the web server, or roll back."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hotline.build.manifest import verify
from hotline.build.publish import PublishError, build_lock
from hotline.commands.site import load
from hotline.deploy.remote import DeployError, Sent, Server, need_tools, new_release, state, switch, upload
from hotline.deploy.target import EXAMPLE, parse_target
from hotline.problems import need_file
from hotline.settings import HotlineSettings


def add_parser(sub) -> None:
    p = sub.add_parser(
        "deploy",
        help="把生成的网站上传到网站服务器（SSH + rsync），或回退到上一个版本",
        description="把 hotline build 生成的网站上传到网站服务器：经 SSH 用 rsync 传到服务器上一个新的版本目录，"
        "只传送变了的文件（其余与正在服务的版本硬链接），上传完整后才把 current 一次切换过去，网站不会出现"
        "一半新一半旧。服务器上保留最近几个版本（DEPLOY_KEEP，默认 3）。只发布完整构建并通过隐私检查的网站："
        "输出目录与它的构建清单不符时拒绝发布。\n"
        "服务器的目录结构和网站服务器的设置见 docs/deploy.md。",
    )
    p.add_argument("--output", metavar="目录", help="要发布的输出目录（默认为设置中的 OUTPUT_PATH，即 output）")
    p.add_argument("--target", metavar="目标",
                   help=f"发布目标 用户@服务器:/路径，如 {EXAMPLE}（默认为设置中的 DEPLOY_TARGET）")
    p.add_argument("--rollback", action="store_true",
                   help="不上传：把 current 切回服务器上当前版本之前的那个版本")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    settings, hotline = load(args)
    server = _server(args, hotline)
    need_tools()
    if args.rollback:
        print(rollback(server))
        return 0
    output = Path(settings["OUTPUT_PATH"]).resolve()
    try:
        with build_lock(output):  # no build swaps the output while it is read
            verify(output)
            before = state(server)
            release = new_release()
            sent = upload(server, output, release, before.current or (before.releases[-1] if before.releases else None))
            removed = switch(server, release, before, hotline.deploy_keep)
    except PublishError as e:
        raise DeployError(f"{e}网站服务器上没有改动。") from None
    print(summary(server, sent, removed, time.monotonic() - start))
    return 0


def _server(args: argparse.Namespace, hotline: HotlineSettings) -> Server:
    if args.target:
        target = parse_target(args.target, "--target")
    elif hotline.deploy_target:
        target = parse_target(hotline.deploy_target, "设置错误：HOTLINE['DEPLOY_TARGET']")
    else:
        raise DeployError(f"没有发布目标：请用 --target 用户@服务器:/路径（如 {EXAMPLE}）指定，或写在设置 HOTLINE['DEPLOY_TARGET'] 里。")
    key = str(Path(hotline.deploy_ssh_key).expanduser()) if hotline.deploy_ssh_key else ""
    if key:
        need_file(Path(key), "发布用的 SSH 私钥", "（见设置 HOTLINE['DEPLOY_SSH_KEY']）；网站服务器上没有改动。")
    return Server(target, key, hotline.deploy_ssh_port, hotline.deploy_ssh_options)


def rollback(server: Server) -> str:
    """Point `current` at the release before it; the message says which."""
    found = state(server)
    if found.current is None:
        raise DeployError(f"{server.target} 上还没有发布过网站（没有 current），无法回退。")
    earlier = [r for r in found.releases if r < found.current]
    if not earlier:
        raise DeployError(f"{server.target} 上没有比当前版本 {found.current} 更早的版本，无法回退；网站仍是原来的版本，没有改动。")
    switch(server, earlier[-1])
    return f"已回退：{server.target}/current 现在指向 releases/{earlier[-1]}（原来是 releases/{found.current}）。"


def summary(server: Server, sent: Sent, removed: list[str], seconds: float) -> str:
    """发布完成：… (what was sent, what went live, what was removed)."""
    text = (f"发布完成：{server.target}/current 现在指向 releases/{sent.release}。网站共 {sent.files} 个文件，"
            f"上传了 {sent.transferred} 个（{_size(sent.literal)}，连同传输开销共 {_size(sent.network)}），"
            f"其余 {sent.files - sent.transferred} 个与上一版相同，在服务器上硬链接；用时 {seconds:.1f} 秒。")
    if removed:
        text += f"\n删除了更早的 {len(removed)} 个版本，保留最近的版本以便回退（hotline deploy --rollback）。"
    return text


def _size(count: int) -> str:
    for unit, size in (("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} 字节"
