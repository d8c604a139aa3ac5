"""Where a build may write: never over, above or inside what it reads.

A build replaces its whole output directory with the new site (publish.py),
so an output directory that is the cases directory, or a folder holding it,
would delete every case. Before anything is written or served the output
directory is refused when it is the filesystem root, the home folder or a
folder above it, one of the build's inputs (the cases, the site's folder,
its pages and theme) or a folder above one, inside the cases directory (the
build would read its own output), or a file. Paths are compared resolved:
a symbolic link, `..` or a trailing slash change nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hotline.problems import HotlineError


def check_output(output: str | Path, settings: dict[str, Any], cases: Path, settings_file: Path | None = None) -> None:
    """HotlineError, with the reason, when building into `output` could destroy or read back input."""
    reason = _refusal(_real(output), _real(cases), _inputs(settings, cases, settings_file))
    if reason:
        raise HotlineError(
            f"输出目录 {output} {reason}。请用 --output 或设置中的 OUTPUT_PATH 另选一个目录"
            "（如网站目录下的 output）；什么都没有写，也没有删除。"
        )


def _inputs(settings: dict[str, Any], cases: Path, settings_file: Path | None) -> list[tuple[str, Path]]:
    """What a build reads, by the name staff know it by."""
    found = [("案件目录", cases)]
    if settings_file is not None:
        found.append(("网站目录", settings_file.parent))
    for key, name in (("SITE_ROOT", "网站目录"), ("PATH", "页面目录"), ("THEME", "主题目录")):
        if settings.get(key):
            found.append((name, Path(settings[key])))
    return found


def _refusal(out: Path, cases: Path, inputs: list[tuple[str, Path]]) -> str | None:
    """Why `out` may not be the output directory; None if it may."""
    replaced = "构建会用生成的网站替换整个输出目录"
    if out.exists() and not out.is_dir():
        return "已存在但不是目录"
    if out == Path(out.anchor):
        return f"是文件系统的根目录：{replaced}"
    home = os.path.expanduser("~")
    if home != "~":
        inputs = [*inputs, ("主目录", Path(home))]
    inputs = [(name, _real(path)) for name, path in inputs]
    for verb, hit in (("就是", lambda path: out == path), ("包含", lambda path: out in path.parents)):
        for name, path in inputs:
            if hit(path):
                return f"{verb}{name} {path}：{replaced}，{name}里的文件会被删除"
    if cases in out.parents:
        return f"在案件目录 {cases} 里面：构建会把自己的输出当作案件来读"
    return None


def _real(path: str | Path) -> Path:
    """`path` absolute, with `~`, `..` and symbolic links resolved."""
    return Path(path).expanduser().resolve()
