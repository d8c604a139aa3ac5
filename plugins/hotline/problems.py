"""Problems in the input, reported to staff all at once, in Chinese."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with one input file: `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class HotlineError(Exception):
    """Something that stops a build or a command, said for a person in Chinese.

    Raised by the code that finds it; only the command line and the places
    where Pelican calls us turn it into an exit (`BuildFailed`).
    """


class ConfigError(HotlineError):
    """A setting, or the settings file, that cannot be used."""


class BuildFailed(SystemExit):
    """Stops a build with a message for a person, never a traceback.

    A `SystemExit` so that it passes through Pelican's catch-all handler,
    which would print a traceback for any `Exception`; Python prints the
    message to stderr and exits with status 1.
    """

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = problems


def report(problems: list[Problem], limit: int = 200) -> str:
    """All problems, one per line, sorted by file and line; bounded output."""
    lines = [str(p) for p in sorted(problems)]
    if len(lines) > limit:
        lines = lines[:limit] + [f"……另有 {len(lines) - limit} 个问题未列出"]
    files = len({p.file for p in problems})
    lines.append(f"共发现 {len(problems)} 个问题，涉及 {files} 个文件；请改正后重新构建。")
    return "\n".join(lines)


def need_file(path: Path, what: str, hint: str = "") -> None:
    """HotlineError unless `path` is a file: say whether it is missing, a folder or something else."""
    if path.is_file():
        return
    if path.is_dir():
        raise HotlineError(f"{what} {path} 是目录，不是文件{hint}")
    if path.exists():
        raise HotlineError(f"{what} {path} 不是普通文件{hint}")
    raise HotlineError(f"找不到{what} {path}{hint}")


def need_folder(path: Path, what: str, hint: str = "") -> None:
    """HotlineError unless `path` is a folder: say whether it is missing or not a folder."""
    if path.is_dir():
        return
    if path.exists():
        raise HotlineError(f"{what} {path} 不是目录{hint}")
    raise HotlineError(f"找不到{what} {path}{hint}")


def unreadable(what: str, path: Path, error: OSError) -> str:
    """`what` at `path` could not be read, said in Chinese."""
    reason = "没有读取权限" if error.errno in (errno.EACCES, errno.EPERM) else f"读取出错，错误号 {error.errno}"
    return f"无法读取{what} {path}（{reason}）"
