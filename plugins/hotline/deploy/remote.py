"""The web server's side of a deploy, driven over SSH: releases and one symlink.

Layout below the target path:

    releases/<UTC time>/        one complete upload each, the newest `keep` kept
    releases/.incoming-<time>/  an upload under way (removed if it fails)
    current -> releases/<time>  what the web server serves (its document root)

An upload goes into a new incoming folder with rsync; files equal to those
of the live release (by checksum) are hard-linked to them on the server,
not sent. Only a complete upload is renamed into place, and `current` is
switched with a rename(2) of a new symlink over it (`mv -T`), so the web
server sees the old release or the new one, never a mix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hotline.deploy.target import Target
from hotline.problems import HotlineError

RELEASE = re.compile(r"\d{8}T\d{6}\.\d{6}Z")
_INCOMING = ".incoming-"
_NOT_A_LINK = 64  # exit code of the remote script: `current` is not a symbolic link
_UNCHANGED = "网站仍是原来的版本，没有改动"


class DeployError(HotlineError):
    """A deploy that stopped; the message is for a person, in Chinese."""


@dataclass(frozen=True, slots=True)
class Server:
    """How to reach the target: ssh's key, port and extra `-o` options."""

    target: Target
    key: str = ""
    port: int = 22
    options: tuple[str, ...] = ()

    def ssh(self) -> list[str]:
        """The ssh command, without the login: never asks for a password or a host key."""
        command = ["ssh", "-p", str(self.port), "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                   "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"]
        if self.key:
            command += ["-i", self.key, "-o", "IdentitiesOnly=yes"]
        for option in self.options:
            command += ["-o", option]
        return command

    def run(self, script: str) -> subprocess.CompletedProcess[str]:
        """Run a POSIX shell `script` in the target folder on the server."""
        where = shlex.quote(self.target.path)
        remote = f"mkdir -p {where} && cd {where} && {script}"
        return _run([*self.ssh(), self.target.login, "sh -c " + shlex.quote(remote)])


@dataclass(frozen=True, slots=True)
class State:
    """What is on the server: its complete releases (oldest first) and the one `current` names."""

    releases: tuple[str, ...]
    current: str | None


@dataclass(frozen=True, slots=True)
class Sent:
    """What one upload cost, from rsync's statistics."""

    release: str
    files: int  # regular files in the release
    transferred: int  # of them, sent (the rest hard-linked to the live release)
    literal: int  # bytes of file data sent
    network: int  # bytes sent over the connection, everything included


def new_release(now: dt.datetime | None = None) -> str:
    """A release name: the UTC time, sortable, to the microsecond."""
    return (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%S.%fZ")


def need_tools() -> None:
    """DeployError unless ssh and rsync are installed here."""
    for tool in ("ssh", "rsync"):
        if shutil.which(tool) is None:
            package = "openssh-client" if tool == "ssh" else "rsync"
            raise DeployError(f"这台电脑上没有安装 {tool}，无法发布（Debian/Ubuntu：apt-get install {package}）。")


def state(server: Server) -> State:
    """The server's releases and `current`; leftovers of an interrupted upload are removed."""
    script = (
        "mkdir -p releases && rm -rf releases/" + _INCOMING + "* && "
        f"if [ -e current ] && [ ! -L current ]; then exit {_NOT_A_LINK}; fi && "
        "printf 'current=%s\\n' \"$(readlink current || true)\" && ls -1 releases"
    )
    result = server.run(script)
    if result.returncode == _NOT_A_LINK:
        raise DeployError(
            f"服务器上的 {server.target.path}/current 已存在，但不是符号链接：发布用它指向当前的版本，"
            f"不能替换一个目录或文件。请把它改名移开后再发布；{_UNCHANGED}。"
        )
    _check(result, server, "连接服务器")
    lines = result.stdout.splitlines()
    current_line = next((line for line in lines if line.startswith("current=")), "current=")
    link = current_line.removeprefix("current=")
    current = link.removeprefix("releases/") if link.startswith("releases/") else None
    releases = tuple(sorted(line for line in lines if RELEASE.fullmatch(line)))
    return State(releases, current if current in releases else None)


def upload(server: Server, output: Path, release: str, base: str | None) -> Sent:
    """Send `output` into a new incoming folder; files equal to those of the
    release `base` are hard-linked to them on the server, not sent."""
    root = server.target.path
    incoming = f"{root}/releases/{_INCOMING}{release}/"
    command = ["rsync", "--recursive", "--links", "--perms", "--checksum", "--stats", "--no-human-readable",
               "--timeout=120", "-e", shlex.join(server.ssh())]
    if base is not None:
        command.append(f"--link-dest={root}/releases/{base}")
    command += [f"{output}/", f"{server.target.login}:{incoming}"]
    result = _run(command)
    if result.returncode != 0:
        cleanup = server.run(f"rm -rf releases/{_INCOMING}{release}")
        left = "" if cleanup.returncode == 0 else f"（上传了一半的 releases/{_INCOMING}{release} 会在下次发布时删除）"
        _check(result, server, "上传网站", left)
    stats = _stats(result.stdout)
    return Sent(release, stats.get("reg", 0), stats.get("Number of regular files transferred", 0),
                stats.get("Literal data", 0), stats.get("Total bytes sent", 0))


def switch(server: Server, release: str, keep_from: State | None = None, keep: int = 3) -> list[str]:
    """Point `current` at `release` in one rename; with `keep_from`, `release`
    is a finished upload: move it into place first and afterwards remove all
    but the newest `keep` releases. Returns the releases removed."""
    steps = []
    if keep_from is not None:
        steps.append(f"mv -T releases/{_INCOMING}{release} releases/{release}")
    steps += [f"ln -sfn releases/{release} .current.tmp", "mv -T .current.tmp current"]
    removed = []
    if keep_from is not None:
        names = sorted({*keep_from.releases, release})
        removed = [r for r in names[:-keep] if r != release]
    script = " && ".join(steps) + " && echo switched"
    if removed:
        script += " && rm -rf -- " + " ".join(f"releases/{r}" for r in removed)
    result = server.run(script)
    if result.returncode != 0:
        if "switched" in result.stdout.split():
            raise DeployError(
                f"网站已切换到新版本 releases/{release}，但删除旧版本失败：{_reason(result.stderr, server)}"
            )
        if keep_from is not None:
            server.run(f"rm -rf releases/{_INCOMING}{release} releases/{release} .current.tmp")
        _check(result, server, "切换版本")
    return removed


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C")  # English messages from ssh and rsync, to recognise them
    return subprocess.run(command, capture_output=True, text=True, errors="replace", env=env,
                          stdin=subprocess.DEVNULL, check=False)


def _check(result: subprocess.CompletedProcess[str], server: Server, action: str, extra: str = "") -> None:
    if result.returncode != 0:
        raise DeployError(f"{action}失败：{_reason(result.stderr, server)}{extra}；{_UNCHANGED}。")


# What ssh and rsync say (LC_ALL=C), first match wins, and what it means for staff.
_REASONS = (
    (("No space left on device", "Disk quota exceeded"), "服务器 {host} 上 {path} 所在的磁盘已满（或配额已用完），请清理后再发布"),
    (("Could not resolve hostname",), "找不到服务器 {host}（主机名无法解析），请检查发布目标"),
    (("Connection refused",),
     "无法连接到服务器 {host} 的 SSH 端口 {port}（连接被拒绝：服务器上没有运行 SSH，或端口不对，见 DEPLOY_SSH_PORT）"),
    (("timed out", "No route to host", "Network is unreachable", "Connection closed", "Connection reset"),
     "无法连接到服务器 {host} 的 SSH 端口 {port}（连接超时或网络不通）"),
    (("UNPROTECTED PRIVATE KEY FILE",), "SSH 私钥文件 {key} 别人也能读，ssh 拒绝使用它（请运行 chmod 600 {key}）"),
    (("Host key verification failed",),
     "无法确认服务器 {host} 的身份：它的主机密钥不在 known_hosts 里，或与记下的不同（第一次发布前请在这台电脑上"
     "用 ssh 登录一次并核对指纹，或在 DEPLOY_SSH_OPTIONS 里指定 UserKnownHostsFile）"),
    (("invalid format", "error in libcrypto"), "SSH 私钥文件 {key} 不是有效的私钥，或需要口令（发布用的私钥不能设口令）"),
    (("Permission denied (publickey", "Too many authentication failures"),
     "服务器拒绝 {login} 登录：{which}不被接受（请检查 DEPLOY_SSH_KEY，以及服务器上该用户的 authorized_keys）"),
    (("rsync: command not found", "rsync: not found"), "服务器 {host} 上没有安装 rsync（Debian/Ubuntu：apt-get install rsync）"),
    (("Read-only file system",), "服务器上 {path} 所在的文件系统是只读的"),
    (("Permission denied",), "服务器上的用户 {login} 没有写入 {path} 的权限"),
)


def _reason(stderr: str, server: Server) -> str:
    """Why an ssh or rsync command failed, in Chinese, with what to check."""
    t = server.target
    for markers, text in _REASONS:
        if any(marker in stderr for marker in markers):
            which = f"私钥 {server.key} " if server.key else "本机的 SSH 私钥"
            return text.format(host=t.host, path=t.path, login=t.login, port=server.port, key=server.key, which=which)
    last = next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "没有说明原因")
    return f"服务器 {t.host} 报告：{last}"


def _stats(output: str) -> dict[str, int]:
    """rsync --stats: each `Name: 1234 …` line as a number; `reg` from `Number of files`."""
    found: dict[str, int] = {}
    for line in output.splitlines():
        name, colon, rest = line.partition(":")
        number = re.match(r"\s*([\d,]+)", rest) if colon else None
        if number:
            found[name.strip()] = int(number.group(1).replace(",", ""))
        if name.strip() == "Number of files":
            reg = re.search(r"reg: ([\d,]+)", rest)
            found["reg"] = int(reg.group(1).replace(",", "")) if reg else 0
    return found
