"""`hotline deploy` against a real OpenSSH server on 127.0.0.1 (tests/sshd.py)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_case, one_chinese_line, tree, write_cases
from sshd import free_port, local_sshd

from hotline.build.manifest import manifest_path
from hotline.build.pelican import run_pelican
from hotline.deploy.remote import DeployError, Server, state
from hotline.deploy.target import parse_target


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    with local_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


class Site:
    """A tiny site, its settings (deploying to `remote` on the local sshd) and its output."""

    def __init__(self, tmp_path: Path, sshd, run):
        self.tmp, self.sshd, self.run = tmp_path, sshd, run
        cases = {f"2013/0{i}/XY-{i}.yaml": make_case(id=f"XY-{i}", received_at=f"2013-0{i}-10", resolved_at=f"2013-0{i}-20")
                 for i in range(1, 4)}
        self.cases = write_cases(tmp_path / "cases", cases)
        self.output = tmp_path / "output"
        self.remote = tmp_path / "server" / "hotline"
        self.settings = self.write_settings(DEPLOY_TARGET=sshd.target(self.remote), **sshd.settings())

    def write_settings(self, **hotline) -> Path:
        path = self.tmp / f"conf{len(list(self.tmp.glob('conf*.py')))}.py"
        path.write_text("\n".join([
            "import sys", f"sys.path.insert(0, {str(ROOT)!r})", "from pelicanconf import *",
            f"PATH = {str(ROOT / 'content')!r}", f"THEME = {str(ROOT / 'theme')!r}",
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]", f"HOTLINE = {{**HOTLINE, **{hotline!r}}}", "",
        ]), "utf-8")
        return path

    def build(self) -> None:
        run_pelican(self.settings, {"CASES_PATH": str(self.cases), "OUTPUT_PATH": str(self.output)})

    def edit(self, n: int, text: str) -> None:
        path = self.cases / f"2013/0{n}/XY-{n}.yaml"
        path.write_text(path.read_text("utf-8").replace("影响居民正常生活", f"影响居民正常生活{text}"), "utf-8")

    def deploy(self, *extra, settings: Path | None = None) -> tuple[int, str, str]:
        return self.run("--settings", settings or self.settings, "deploy", "--output", self.output, *extra)

    def current(self) -> str | None:
        link = self.remote / "current"
        return os.readlink(link) if link.is_symlink() else None

    def releases(self) -> list[str]:
        folder = self.remote / "releases"
        return sorted(os.listdir(folder)) if folder.is_dir() else []

    def live(self) -> dict[str, bytes]:
        return tree(self.remote / "current")


@pytest.fixture
def site(tmp_path, sshd, run):
    return Site(tmp_path, sshd, run)


def manifest(folder: Path) -> dict[str, list]:
    return json.loads(manifest_path(folder).read_text("utf-8"))["files"]


def sent(stdout: str) -> int:
    return int(re.search(r"上传了 (\d+) 个", stdout).group(1))


def test_first_deploy_then_a_one_case_change_sends_only_what_changed(site):
    site.build()
    code, out, err = site.deploy()
    assert code == 0, err
    first = site.current()
    assert first is not None and first.startswith("releases/") and site.releases() == [first.removeprefix("releases/")]
    assert site.live() == tree(site.output)
    assert sent(out) == len(tree(site.output))  # everything, the first time
    assert "发布完成" in out

    before = manifest(site.output)
    site.edit(2, "和洗衣做饭")
    site.build()
    after = manifest(site.output)
    changed = {rel for rel, entry in after.items() if before.get(rel) != entry}
    assert 0 < len(changed) < len(after) // 2
    code, out, err = site.deploy()
    assert code == 0, err
    assert sent(out) == len(changed)
    assert site.current() != first and len(site.releases()) == 2
    assert site.live() == tree(site.output)
    old, new = site.remote / first, site.remote / site.current()
    unchanged = sorted(set(after) - changed)
    assert unchanged and all((old / rel).stat().st_ino == (new / rel).stat().st_ino for rel in unchanged)  # hard links


def test_keeps_the_last_three_releases_and_rolls_back(site):
    lives = []
    for n in range(4):
        if n:
            site.edit(1, f"第{n}次")
        site.build()
        assert site.deploy()[0] == 0
        lives.append((site.current(), site.live()))
    assert len(site.releases()) == 3 and f"releases/{site.releases()[-1]}" == site.current()
    assert lives[0][0].removeprefix("releases/") not in site.releases()

    code, out, _ = site.deploy("--rollback")
    assert code == 0 and "已回退" in out
    assert (site.current(), site.live()) == lives[2]
    assert site.deploy("--rollback")[0] == 0
    assert (site.current(), site.live()) == lives[1]
    code, _, err = site.deploy("--rollback")  # the oldest kept: nothing before it
    assert code == 1 and "没有比当前版本" in one_chinese_line(err)
    assert (site.current(), site.live()) == lives[1]

    site.edit(3, "再次发布")  # a deploy after a rollback goes live and keeps three
    site.build()
    assert site.deploy()[0] == 0
    assert site.live() == tree(site.output) and len(site.releases()) == 3


def _edit_a_page(output: Path) -> str:
    page = output / "index.html"
    page.write_text(page.read_text("utf-8").replace("</body>", "<p>手工加的一行</p></body>"), "utf-8")
    return "index.html"


def _remove_a_file(output: Path) -> str:
    path = sorted(output.rglob("*.css"))[0]
    path.unlink()
    return path.relative_to(output).as_posix()


def _add_a_file(output: Path) -> str:
    (output / "notes.txt").write_text("草稿", "utf-8")
    return "notes.txt"


def _remove_the_manifest(output: Path) -> str:
    manifest_path(output).unlink()
    return manifest_path(output).name


@pytest.mark.parametrize("spoil, message", [
    (_edit_a_page, "改动了"),
    (_remove_a_file, "缺少"),
    (_add_a_file, "多出"),
    (_remove_the_manifest, "没有构建清单"),
])
def test_an_output_that_is_not_a_complete_guarded_build_is_refused(site, spoil, message):
    site.build()
    assert site.deploy()[0] == 0
    live, current = site.live(), site.current()
    name = spoil(site.output)
    code, _, err = site.deploy()
    line = one_chinese_line(err)
    assert code == 1 and message in line and name in line and "没有发布任何文件" in line
    assert (site.current(), site.live(), len(site.releases())) == (current, live, 1)


def test_a_folder_that_is_not_a_build_is_refused_before_connecting(site, tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "index.html").write_text("<p>手写的页面</p>", "utf-8")
    code, _, err = site.run("--settings", site.settings, "deploy", "--output", folder)
    assert code == 1 and "没有构建清单" in one_chinese_line(err)
    assert not site.remote.exists()


def test_the_build_manifest_lists_every_file_with_its_hash(site):
    site.build()
    files = manifest(site.output)
    assert set(files) == set(tree(site.output))
    for rel, (size, digest) in files.items():
        data = (site.output / rel).read_bytes()
        assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest())


def test_an_unreachable_server_leaves_the_live_site_as_it_was(site):
    site.build()
    assert site.deploy()[0] == 0
    live, current = site.live(), site.current()
    site.edit(1, "新的内容")
    site.build()
    closed = site.write_settings(**{**site.sshd.settings(), "DEPLOY_SSH_PORT": free_port()},
                                 DEPLOY_TARGET=site.sshd.target(site.remote))
    code, _, err = site.deploy(settings=closed)
    line = one_chinese_line(err)
    assert code == 1 and "无法连接到服务器 127.0.0.1" in line and "连接被拒绝" in line and "网站仍是原来的版本" in line
    code, _, err = site.deploy("--target", f"{site.sshd.user}@no-such-host.invalid:/srv/x")
    assert code == 1 and "找不到服务器 no-such-host.invalid" in one_chinese_line(err)
    assert (site.current(), site.live()) == (current, live)


def test_a_key_the_server_does_not_accept_is_a_clear_message(site, tmp_path):
    site.build()
    assert site.deploy()[0] == 0
    live, current = site.live(), site.current()
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    for key, message in ((other, "服务器拒绝"), (tmp_path / "missing_key", "找不到发布用的 SSH 私钥")):
        settings = site.write_settings(**{**site.sshd.settings(), "DEPLOY_SSH_KEY": str(key)},
                                       DEPLOY_TARGET=site.sshd.target(site.remote))
        code, _, err = site.deploy(settings=settings)
        assert code == 1 and message in one_chinese_line(err), err
    assert (site.current(), site.live()) == (current, live)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs: a real filesystem that fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_remote_disk_leaves_current_untouched(site, small_disk):
    site.remote = small_disk / "hotline"
    site.settings = site.write_settings(DEPLOY_TARGET=site.sshd.target(site.remote), **site.sshd.settings())
    site.build()
    code, _, err = site.deploy()
    assert code == 0, err
    live, current = site.live(), site.current()
    with open(small_disk / "filler", "wb") as f:  # fill the disk to the last block
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    site.edit(1, "磁盘满时")
    site.build()
    code, _, err = site.deploy()
    line = one_chinese_line(err)
    assert code == 1 and "磁盘已满" in line and "网站仍是原来的版本" in line
    assert (site.current(), site.live(), len(site.releases())) == (current, live, 1)  # nothing half-uploaded left


def test_target_on_the_command_line_overrides_the_setting(site, tmp_path):
    site.build()
    elsewhere = tmp_path / "other-server"
    code, out, err = site.deploy("--target", site.sshd.target(elsewhere))
    assert code == 0, err
    assert tree(elsewhere / "current") == tree(site.output) and not site.remote.exists()


@pytest.mark.parametrize("target, message", [
    ("www.example.gov.cn", "不是有效的发布目标"),
    ("deploy@www.example.gov.cn:relative/path", "不是有效的发布目标"),
    ("deploy@www.example.gov.cn:/", "不是有效的发布目标"),
    ("deploy@www.example.gov.cn:/srv/../etc", "不是有效的发布目标"),
])
def test_a_target_that_is_not_user_at_host_path_is_refused(site, target, message):
    code, _, err = site.deploy("--target", target)
    assert code == 1 and message in one_chinese_line(err) and "--target" in err


def test_without_a_target_the_message_says_where_to_set_it(site):
    settings = site.write_settings(**site.sshd.settings())
    site.build()
    code, _, err = site.deploy(settings=settings)
    assert code == 1 and "没有发布目标" in one_chinese_line(err)


def test_current_that_is_a_real_folder_is_not_replaced(site):
    site.build()
    (site.remote / "current").mkdir(parents=True)
    (site.remote / "current" / "index.html").write_text("旧网站", "utf-8")
    code, _, err = site.deploy()
    assert code == 1 and "不是符号链接" in one_chinese_line(err)
    assert (site.remote / "current" / "index.html").read_text("utf-8") == "旧网站"


def test_the_deploy_benchmark_counts_what_a_one_case_change_sends(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "deploy.py"), "-n", "30", "--workdir", str(tmp_path / "work"),
                           "--results", str(tmp_path / "results")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(next((tmp_path / "results").glob("*-deploy-n*.json")).read_text("utf-8"))
    first, change = report["first"], report["one_change"]
    assert first["sent"] == first["files"] == first["not_linked"]
    assert 0 < change["sent"] == change["not_linked"] < 20  # what deploy reports is what the server got


def _unknown_host_key(sshd, tmp_path):
    return str(sshd.key), ("UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null")


def _key_others_can_read(sshd, tmp_path):
    key = tmp_path / "loose_key"
    key.write_bytes(sshd.key.read_bytes())
    key.chmod(0o644)
    return str(key), (f"UserKnownHostsFile={sshd.known_hosts}",)


def _not_a_key(sshd, tmp_path):
    key = tmp_path / "not_a_key"
    key.write_text("这不是私钥\n", "utf-8")
    key.chmod(0o600)
    return str(key), (f"UserKnownHostsFile={sshd.known_hosts}",)


@pytest.mark.parametrize("setup, message", [
    (_unknown_host_key, "无法确认服务器 127.0.0.1 的身份"),
    (_key_others_can_read, "别人也能读，ssh 拒绝使用它（请运行 chmod 600"),
    (_not_a_key, "不是有效的私钥"),
])
def test_ssh_refusals_are_said_in_chinese(sshd, tmp_path, setup, message):
    key, options = setup(sshd, tmp_path)
    server = Server(parse_target(sshd.target(tmp_path / "srv"), "--target"), key, sshd.port, options)
    with pytest.raises(DeployError) as refused:
        state(server)
    assert message in str(refused.value) and "网站仍是原来的版本" in str(refused.value)
    assert not (tmp_path / "srv").exists()


def test_a_build_stopped_before_its_manifest_was_written_is_refused(site, monkeypatch):
    site.build()
    assert site.deploy()[0] == 0
    live = site.live()
    monkeypatch.setattr("hotline.build.pelican.commit_manifest", lambda pending, final: None)  # stopped right after the swap
    site.edit(2, "没写完清单")
    site.build()
    code, _, err = site.deploy()
    assert code == 1 and "改动了" in one_chinese_line(err)
    assert site.live() == live and len(site.releases()) == 1
