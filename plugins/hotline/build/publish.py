"""Atomic publishing of a built site.

The build writes into a staging directory next to the output directory and
swaps it in only when the build and the guard succeeded, so a web server or
a polling screen sees the old site or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from hotline.problems import HotlineError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# renameat2 errors that mean "not supported here": use the fallback.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}
_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统是只读的",
    errno.EBUSY: "目录正被占用",
    errno.EXDEV: "暂存目录与输出目录不在同一个文件系统上",
}


class PublishError(HotlineError):
    """Publishing failed; the message is for a person, in Chinese."""


def staging_path(final: Path) -> Path:
    """Where the build of `final` is written before it is swapped in."""
    return final.parent / f".{final.name}.staging"


def _old_path(final: Path) -> Path:
    return final.parent / f".{final.name}.old"


def _lock_path(final: Path) -> Path:
    return final.parent / f".{final.name}.lock"


def os_error_text(action: str, path: Path | str, error: OSError) -> str:
    """`action path` failed, said in Chinese with a reason a person can act on."""
    fallback = error.strerror or str(error)
    reason = _REASONS.get(error.errno, fallback) if error.errno is not None else fallback
    return f"{action} {path} 失败：{reason}（{error.strerror}）。"


def _os_error(action: str, path: Path, error: OSError) -> PublishError:
    return PublishError(os_error_text(action, path, error))


def _remove(path: Path) -> None:
    """Remove a directory tree, file or symlink if present."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def prepare_staging(final: Path) -> Path:
    """An empty staging directory for `final`; leftovers of a killed build go."""
    staging = staging_path(final)
    old = _old_path(final)
    try:
        if old.exists() and not final.exists():
            os.rename(old, final)  # killed between the two renames of the fallback
        _remove(old)
        _remove(staging)
        staging.mkdir(parents=True)
    except OSError as e:
        raise _os_error("准备暂存目录", staging, e) from e
    return staging


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False if this system cannot."""
    func = _renameat2()
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, final: Path) -> None:
    """Make `staging` the content of `final` atomically; the old tree is removed."""
    if final.exists() and not final.is_dir():
        raise PublishError(f"输出路径 {final} 已存在但不是目录，无法发布网站。")
    try:
        if not final.exists():
            os.rename(staging, final)
            return
        if _exchange(staging, final):
            old = staging  # the old tree now lives at the staging path
        else:
            old = _old_path(final)
            _remove(old)
            os.rename(final, old)
            try:
                os.rename(staging, final)
            except OSError:
                os.rename(old, final)  # put the published site back
                raise
    except OSError as e:
        raise _os_error("发布网站到", final, e) from e
    try:
        _remove(old)
    except OSError as e:
        raise _os_error("网站已发布，但删除旧版本", old, e) from e


def discard(staging: Path) -> None:
    """Remove a staging directory after a failed build, if present."""
    try:
        _remove(staging)
    except OSError as e:
        raise _os_error("删除暂存目录", staging, e) from e


@contextlib.contextmanager
def build_lock(final: Path) -> Iterator[None]:
    """Hold an exclusive lock on building `final`; fail at once if taken."""
    path = _lock_path(final)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise _os_error("创建构建锁", path, e) from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"另一个构建正在写入 {final}，请等它结束后再试。") from None
        except OSError as e:
            raise _os_error("获取构建锁", path, e) from e
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
