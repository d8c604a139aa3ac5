"""Faults: a killed build, a full disk, a read-only output and two builds at
once never leave a half-published site, and always say what happened.

The real command runs in its own process (`hotline build`); a full disk is a
real tmpfs mounted for the test (skipped where mounting is not allowed).
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, make_case, tree, write_cases

BIN = Path(sys.executable).parent
ENV = {**os.environ, "CI": "1"}
CORPUS_SIZE = 200
NEW = 8  # the version of the input every rebuild here publishes


def hotline_build(cases: Path, out: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([BIN / "hotline", "build", "--cases", cases, "--output", out], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=ENV)


def leftovers(out: Path) -> list[str]:
    """What a build leaves next to the output besides its lock and load cache."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and p.name not in (f".{out.name}.lock", f".{out.name}.cache"))


def change_every_page(cases: Path, version: int) -> None:
    """A new public phone for every department: every case page changes."""
    path = cases / "departments.yaml"
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"phone: (['\"])\d", lambda m: f"phone: {m.group(1)}{version}", text), "utf-8")
    assert path.read_text("utf-8") != text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """Generated cases (bench/generate.py) for a build that writes for a while,
    built once; and the complete site of the changed input (version NEW)."""
    root = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, ROOT / "bench" / "generate.py", root / "cases", "-n", str(CORPUS_SIZE), "--seed", "7"],
                   check=True, capture_output=True, cwd=ROOT)
    result = hotline_build(root / "cases", root / "out")
    assert result.returncode == 0, result.stderr
    changed = root / "changed"
    shutil.copytree(root / "cases", changed)
    change_every_page(changed, NEW)
    assert hotline_build(changed, root / "new").returncode == 0
    return root / "cases", root / "out", tree(root / "new")


@pytest.fixture
def site(tmp_path, corpus) -> tuple[Path, Path]:
    """(cases, out): a copy of the corpus and of its published site."""
    cases, out, _ = corpus
    shutil.copytree(cases, tmp_path / "cases")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "cases", tmp_path / "out"


@pytest.fixture
def new_site(corpus) -> dict[str, bytes]:
    """The complete site after `change_every_page(cases, NEW)`."""
    return corpus[2]


def test_sigkill_at_random_moments_never_leaves_a_half_published_site(site, new_site):
    """Kill `hotline build` at random moments while it writes: after each kill
    the output is byte for byte the last complete site; the next build works."""
    cases, out = site
    published, new = tree(out), new_site
    change_every_page(cases, NEW)
    started = time.monotonic()
    assert hotline_build(cases, out.parent / "timing").returncode == 0
    duration = time.monotonic() - started
    assert new != published
    rng = random.Random(20130110)
    states = []
    for delay in sorted(rng.uniform(0.15, 1.1) * duration for _ in range(7)):
        process = subprocess.Popen([BIN / "hotline", "build", "--cases", cases, "--output", out], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = tree(out)
        assert now == published or now == new, f"after a kill at {delay:.2f} s the output is neither the old nor the new site"
        states.append("old" if now == published else "new")
        published = now  # if it was published before the kill, later kills must keep this one
    result = hotline_build(cases, out)
    assert result.returncode == 0, result.stderr
    assert tree(out) == new
    assert leftovers(out) == []
    assert "old" in states, states  # at least one kill landed while writing


DRIVER = textwrap.dedent("""
    import os, signal, sys
    from hotline import cli
    from hotline.build import output, publish
    from hotline.build import pelican as build

    point, cases, out = sys.argv[1], sys.argv[2], sys.argv[3]

    def die(*_):
        os.kill(os.getpid(), signal.SIGKILL)

    if point.startswith("write:"):
        nth, original, calls = int(point[6:]), output.SiteWriter.write, [0]
        def write(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == nth:
                die()
            return original(self, *args, **kwargs)
        output.SiteWriter.write = write
    elif point == "before-swap":
        build.swap_in = lambda staging, final: die()
    elif point == "after-exchange":
        original_exchange = publish._exchange
        publish._exchange = lambda a, b: (original_exchange(a, b), die())
    elif point == "between-renames":
        publish._exchange = lambda a, b: False
        rename = os.rename
        def kill_after_first(src, dst):
            rename(src, dst)
            if os.fspath(src) == out:
                die()
        os.rename = kill_after_first
    elif point == "cache-save":
        from hotline.load import cache
        cache.LoadCache.save = lambda self: (self.path.parent.mkdir(parents=True, exist_ok=True),
                                             self.path.with_suffix(".tmp").write_bytes(b"half a pick"), die())
    sys.exit(cli.main(["build", "--cases", cases, "--output", out]))
""")


@pytest.mark.parametrize("point, expected", [
    ("cache-save", "old"),
    ("write:1", "old"),
    ("write:40", "old"),
    ("write:300", "old"),
    ("before-swap", "old"),
    ("after-exchange", "new"),
    ("between-renames", "missing"),
])
def test_sigkill_at_each_step_of_writing_and_publishing(site, new_site, point, expected):
    """The same, at chosen points: during the load cache, the N-th file, just
    before the swap, right after it, and between the two renames of the
    fallback used where renameat2 is missing (the only moment the output
    path is absent; the next build puts the old site back first)."""
    cases, out = site
    published = tree(out)
    change_every_page(cases, NEW)
    result = subprocess.run([sys.executable, "-c", DRIVER, point, cases, out], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr[-3000:]
    if expected == "missing":
        assert not out.exists() and tree(out.parent / f".{out.name}.old") == published
    else:
        assert tree(out) == published if expected == "old" else tree(out) == new_site
    result = hotline_build(cases, out)
    assert result.returncode == 0, result.stderr
    assert leftovers(out) == []
    assert tree(out) == new_site


def test_a_corrupt_load_cache_is_ignored(site):
    cases, out = site
    assert hotline_build(cases, out).returncode == 0  # writes the load cache next to the output
    published = tree(out)
    cache_dir = out.parent / f".{out.name}.cache"
    assert any(p.is_file() for p in cache_dir.rglob("*"))
    for path in [p for p in cache_dir.rglob("*") if p.is_file()]:
        path.write_bytes(b"\x80\x04garbage" + os.urandom(64))
    result = hotline_build(cases, out)
    assert result.returncode == 0, result.stderr
    assert tree(out) == published


# A real full disk ---------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs mounted for the test; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}); needs root with CAP_SYS_ADMIN")
    yield mount
    subprocess.run(["umount", "-l", mount], check=False)


def fill(disk: Path, leave_kb: int) -> None:
    """Fill `disk` so that `leave_kb` kilobytes stay free."""
    (disk / "filler").unlink(missing_ok=True)
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
    with open(disk / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave_kb) * 1024)


SMALL_CASES = {f"2013/01/XY-2013-{i:06d}.yaml": make_case(id=f"XY-2013-{i:06d}") for i in range(1, 9)}


def full_disk_build(disk: Path, tmp_path: Path, leave_kb: int) -> tuple[subprocess.CompletedProcess, Path, dict]:
    cases = write_cases(tmp_path / "cases", SMALL_CASES)
    out = disk / "out"
    assert hotline_build(cases, out).returncode == 0
    published = tree(out)
    change_every_page(cases, 9)
    fill(disk, leave_kb)
    return hotline_build(cases, out), out, published


@pytest.mark.parametrize("leave_kb", [0, 12, 40])
def test_a_full_disk_stops_the_build_with_a_clear_message(small_disk, tmp_path, leave_kb):
    result, out, published = full_disk_build(small_disk, tmp_path, leave_kb)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "磁盘已满" in result.stderr and "已发布的网站保持不变" in result.stderr, result.stderr[-1500:]
    assert tree(out) == published
    assert leftovers(out) == []
    (small_disk / "filler").unlink()
    cases = tmp_path / "cases"
    assert hotline_build(cases, out).returncode == 0


def test_every_level_of_a_full_disk_names_the_full_disk(small_disk, tmp_path):
    cases = write_cases(tmp_path / "cases", SMALL_CASES)
    out = small_disk / "out"
    assert hotline_build(cases, out).returncode == 0
    messages = {}
    for version, leave_kb in enumerate([0, 60, 120, 240, 480, 960], 1):
        published = tree(out)
        change_every_page(cases, version)
        fill(small_disk, leave_kb)
        result = hotline_build(cases, out)
        (small_disk / "filler").unlink()
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            continue  # enough room after all
        assert tree(out) == published and leftovers(out) == []
        messages[leave_kb] = result.stderr.strip().splitlines()[-1]
    assert messages
    assert all("磁盘已满" in m for m in messages.values()), messages


def test_a_read_only_output_stops_the_build_with_a_clear_message(small_disk, tmp_path):
    cases = write_cases(tmp_path / "cases", SMALL_CASES)
    out = small_disk / "out"
    assert hotline_build(cases, out).returncode == 0
    published = tree(out)
    change_every_page(cases, 5)
    subprocess.run(["mount", "-o", "remount,ro", small_disk], check=True)
    try:
        result = hotline_build(cases, out)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", small_disk], check=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "文件系统是只读的" in result.stderr, result.stderr[-1500:]
    assert tree(out) == published


def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    cases = write_cases(tmp_path / "cases", SMALL_CASES)
    out = tmp_path / "out"
    out.write_text("not a directory")
    result = hotline_build(cases, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不是目录" in result.stderr
    assert out.read_text() == "not a directory" and leftovers(out) == []


# Two builds at once ----------------------------------------------------------------

def test_a_build_started_while_another_holds_the_lock_says_so_and_touches_nothing(site):
    cases, out = site
    published = tree(out)
    staging = out.parent / f".{out.name}.staging"
    staging.mkdir()
    (staging / "half.html").write_text("another build is writing this")
    with open(out.parent / f".{out.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = hotline_build(cases, out)
    assert result.returncode == 1
    assert "另一个构建正在写入" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == published
    assert (staging / "half.html").read_text() == "another build is writing this"  # the other build's work


def test_two_builds_started_at_once_give_one_complete_site(site, new_site):
    cases, out = site
    change_every_page(cases, NEW)
    argv = [BIN / "hotline", "build", "--cases", cases, "--output", out]
    both = [subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
            for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in both]
    codes = sorted(code for code, _ in results)
    assert all("Traceback" not in err for _, err in results)
    # Both reach the lock within a second of each other; a build takes longer.
    assert codes == [0, 1], results
    assert any("另一个构建正在写入" in err for code, err in results if code == 1)
    assert tree(out) == new_site
    assert leftovers(out) == []
