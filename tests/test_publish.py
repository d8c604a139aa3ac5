"""Atomic publishing: a reader sees the old site or the new one, never neither."""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from hotline.build import publish
from hotline.build.publish import (
    PublishError,
    build_lock,
    discard,
    prepare_staging,
    staging_path,
    swap_in,
)

NOBODY = 65534


def make_site(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def siblings(final: Path) -> list[str]:
    return sorted(p.name for p in final.parent.iterdir())


def test_staging_path_is_a_hidden_sibling(tmp_path: Path) -> None:
    assert staging_path(tmp_path / "output") == tmp_path / ".output.staging"


def test_first_publish_renames_staging(tmp_path: Path) -> None:
    final = tmp_path / "output"
    staging = prepare_staging(final)
    make_site(staging, {"index.html": "new"})
    swap_in(staging, final)
    assert tree(final) == {"index.html": "new"}
    assert siblings(final) == ["output"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "fallback"])
def test_swap_in_replaces_contents_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    final = tmp_path / "output"
    make_site(final, {"index.html": "old", "cases/gone.html": "old case"})
    staging = prepare_staging(final)
    make_site(staging, {"index.html": "new", "feeds/led.txt": "ticker"})
    swap_in(staging, final)
    assert tree(final) == {"index.html": "new", "feeds/led.txt": "ticker"}
    assert siblings(final) == ["output"]  # no staging, no old tree


@pytest.mark.skipif(publish._renameat2() is None, reason="no renameat2 on this system")
def test_existing_site_is_exchanged_not_renamed_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With renameat2 the output path never stops existing: no plain rename of it."""
    final = tmp_path / "output"
    make_site(final, {"index.html": "old"})
    staging = prepare_staging(final)
    make_site(staging, {"index.html": "new"})

    def no_rename(src, dst):
        raise AssertionError(f"os.rename({src}, {dst}) leaves a moment without a site")

    monkeypatch.setattr(os, "rename", no_rename)
    swap_in(staging, final)
    assert tree(final) == {"index.html": "new"}


def test_open_files_of_the_old_site_keep_working(tmp_path: Path) -> None:
    final = tmp_path / "output"
    make_site(final, {"index.html": "old page", "feeds/led.txt": "old ticker"})
    staging = prepare_staging(final)
    make_site(staging, {"index.html": "new page", "feeds/led.txt": "new ticker"})
    with open(final / "index.html", encoding="utf-8") as page, open(
        final / "feeds" / "led.txt", encoding="utf-8"
    ) as feed:
        assert page.read(3) == "old"
        swap_in(staging, final)
        assert page.read() == " page"
        assert feed.read() == "old ticker"
    assert (final / "index.html").read_text(encoding="utf-8") == "new page"


def test_fallback_puts_the_old_site_back_when_the_second_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    final = tmp_path / "output"
    make_site(final, {"index.html": "old"})
    staging = prepare_staging(final)
    make_site(staging, {"index.html": "new"})
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == staging:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(PublishError, match="磁盘已满"):
        swap_in(staging, final)
    assert tree(final) == {"index.html": "old"}


def test_final_that_is_a_file_is_refused(tmp_path: Path) -> None:
    final = tmp_path / "output"
    final.write_text("not a site", encoding="utf-8")
    staging = prepare_staging(final)
    with pytest.raises(PublishError, match="不是目录") as info:
        swap_in(staging, final)
    assert str(final) in str(info.value)
    assert final.read_text(encoding="utf-8") == "not a site"


def test_prepare_staging_removes_a_stale_staging_dir(tmp_path: Path) -> None:
    final = tmp_path / "output"
    stale = staging_path(final)
    make_site(stale, {"half-written.html": "<html"})
    staging = prepare_staging(final)
    assert staging == stale and staging.is_dir()
    assert list(staging.iterdir()) == []


def test_prepare_staging_restores_a_site_left_by_a_killed_fallback(tmp_path: Path) -> None:
    final = tmp_path / "output"
    make_site(tmp_path / ".output.old", {"index.html": "published"})
    prepare_staging(final)
    assert tree(final) == {"index.html": "published"}
    assert not (tmp_path / ".output.old").exists()


def test_discard(tmp_path: Path) -> None:
    staging = prepare_staging(tmp_path / "output")
    make_site(staging, {"a.html": "a"})
    discard(staging)
    assert not staging.exists()
    discard(staging)  # absent: nothing to do


def test_build_lock_is_exclusive(tmp_path: Path) -> None:
    final = tmp_path / "output"
    with build_lock(final):
        with pytest.raises(PublishError) as info:
            with build_lock(final):
                pass
        assert str(info.value) == f"另一个构建正在写入 {final}，请等它结束后再试。"
    with build_lock(final):  # released: can be taken again
        pass


def test_build_lock_is_released_when_the_build_fails(tmp_path: Path) -> None:
    final = tmp_path / "output"
    with pytest.raises(RuntimeError):
        with build_lock(final):
            raise RuntimeError("build failed")
    with build_lock(final):
        pass


def test_disk_full_becomes_a_chinese_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = tmp_path / "output"
    make_site(final, {"index.html": "old"})
    staging = prepare_staging(final)

    def full(a, b):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(b))

    monkeypatch.setattr(publish, "_exchange", full)
    with pytest.raises(PublishError, match="磁盘已满") as info:
        swap_in(staging, final)
    assert str(final) in str(info.value)


def _swap_as_nobody(staging: Path, final: Path) -> str:
    """Run swap_in in a child process without root's privileges; its error text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        message, code = b"", 0
        try:
            try:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            except OSError:
                os._exit(3)
            swap_in(staging, final)
        except PublishError as e:
            message = str(e).encode()
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            message, code = repr(e).encode(), 2
        os.write(write_end, message)
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 3:
        pytest.skip("running as root and unable to drop privileges")
    assert code == 0, message
    return message


def test_unwritable_parent_gives_a_chinese_message() -> None:
    # Not tmp_path: its parent is private to root, and the child must reach it.
    parent = Path(tempfile.mkdtemp(prefix="hotline-publish-"))
    try:
        final = parent / "output"
        make_site(final, {"index.html": "old"})
        staging = prepare_staging(final)
        make_site(staging, {"index.html": "new"})
        parent.chmod(0o555)
        if os.geteuid() == 0:
            # Root ignores file modes: swap as an unprivileged user instead.
            if not sys.platform.startswith("linux"):
                pytest.skip("dropping root privileges is only arranged on Linux")
            parent.chmod(0o755)  # root-owned: still not writable for nobody
            message = _swap_as_nobody(staging, final)
        else:
            with pytest.raises(PublishError) as info:
                swap_in(staging, final)
            message = str(info.value)
        assert "没有写入权限" in message and str(final) in message, message
        parent.chmod(0o755)
        assert tree(final) == {"index.html": "old"}
    finally:
        parent.chmod(0o755)
        shutil.rmtree(parent)
