"""A settings file or setting that cannot be used: one line in Chinese naming it, exit 1, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SETTINGS, make_case, one_chinese_line, write_cases

from hotline.problems import ConfigError
from hotline.settings import OPTIONS, HotlineSettings

BIN = Path(sys.executable).parent
COMMANDS = (["check"], ["build"])  # check reads the settings itself, build through Pelican


def site_settings(path: Path, **values) -> Path:
    """A settings file elsewhere: the site's own, with `values` changed."""
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from pelicanconf import *",
        f"PATH = {str(ROOT / 'content')!r}",
        f"THEME = {str(ROOT / 'theme')!r}",
    ]
    lines += [f"{key} = {value}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def run_with(run, tmp_path: Path, settings: Path, command: list[str]) -> tuple[int, str]:
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    extra = ["--output", tmp_path / "out"] if command == ["build"] else []
    code, _, stderr = run("--settings", settings, *command, "--cases", cases, *extra)
    return code, stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name, text, message", [
    ("s.py", 'SITENAME = "市长热线\n', "s.py:1: 设置文件有 Python 语法错误：SITENAME = \"市长热线"),
    ("s.py", 'SITENAME = "x"\nraise RuntimeError("boom")\n', "s.py:2: 设置文件运行出错（RuntimeError）：raise RuntimeError(\"boom\")"),
    ("s.py", "from no_such_settings import *\n", "s.py:1: 设置文件找不到模块 no_such_settings：from no_such_settings import *"),
    ("s.py", "X = SITENAME\n", "s.py:1: 设置文件用了没有定义的名称 SITENAME"),
    ("s.py", 'SITENAME = "市长热线"\n'.encode("gbk"), "s.py:1: 设置文件不是 UTF-8 编码"),
    ("s.txt", 'SITENAME = "x"\n', "s.txt 应为 .py 文件"),
    ("s.py", f'PATH = "nosuch"\nTHEME = {str(ROOT / "theme")!r}\n', "s.py: PATH（页面目录）不是已有的目录"),
    ("s.py", f'PATH = {str(ROOT / "content")!r}\nTHEME = "nosuch"\n', "s.py: 找不到主题 THEME “nosuch”"),
])
def test_a_broken_settings_file_is_one_line_naming_it(tmp_path, run, command, name, text, message):
    settings = tmp_path / name
    settings.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, stderr = run_with(run, tmp_path, settings, command)
    assert code == 1 and message in one_chinese_line(stderr)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_error_in_a_settings_file_it_imports_is_named_at_its_line(tmp_path, run, command):
    base = tmp_path / f"base_{command[0]}.py"  # a name of its own: these tests share one process
    base.write_text('SITENAME = "x"\n\nPER_PAGE = int("二十")\n', "utf-8")
    publish = tmp_path / "publish.py"  # as publishconf.py imports pelicanconf.py
    publish.write_text(f"import os, sys\nsys.path.append(os.path.dirname(__file__))\nfrom {base.stem} import *\n", "utf-8")
    code, stderr = run_with(run, tmp_path, publish, command)
    assert code == 1
    assert f"{base}:3: 设置文件运行出错（ValueError）：PER_PAGE = int(\"二十\")" in one_chinese_line(stderr)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("make, message", [
    (Path.mkdir, "设置文件 {} 是目录，不是文件"),
    (lambda path: None, "找不到设置文件 {}"),
])
def test_a_settings_path_that_is_not_a_file(tmp_path, run, command, make, message):
    settings = tmp_path / "pelicanconf.py"
    make(settings)
    code, stderr = run_with(run, tmp_path, settings, command)
    assert code == 1 and one_chinese_line(stderr).startswith(message.format(settings))


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("zone", ['"Mars/Base"', '"../../etc/passwd"', '"/etc/passwd"', "5", '"Asia"', '""', "None"])
def test_a_bad_timezone_is_one_line(tmp_path, run, command, zone):
    code, stderr = run_with(run, tmp_path, site_settings(tmp_path / "s.py", TIMEZONE=zone), command)
    shown = zone.strip('"')
    assert code == 1
    assert one_chinese_line(stderr) == f"设置错误：TIMEZONE “{shown}” 不是有效的时区（应为时区名称，如 \"Asia/Shanghai\"）"


def test_pelican_itself_says_a_bad_timezone_in_one_line_before_reading_pages(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    argv = [BIN / "pelican", "-s", SETTINGS, "-o", tmp_path / "out", "-e", f'CASES_PATH="{cases}"', 'TIMEZONE="Mars/Base"']
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1  # Pelican logs to stdout: "Could not process pages/about.md" and so on
    assert "TIMEZONE “Mars/Base” 不是有效的时区" in one_chinese_line(result.stdout + result.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("values, message", [
    ({"HOTLINE": '"信阳市"'}, "设置错误：HOTLINE 应为字典，如 HOTLINE = {\"OFFICE\": \"信阳市市长热线办公室\"}"),
    ({"HOTLINE": "[1, 2]"}, "设置错误：HOTLINE 应为字典，如 HOTLINE = {\"OFFICE\": \"信阳市市长热线办公室\"}"),
    ({"HOTLINE": '{"SITE_NAME": "市长热线 12345"}'}, "设置错误：HOTLINE['SITE_NAME'] 已不再使用：网站名称请写在 Pelican 的设置 "
     "SITENAME 里，如 SITENAME = \"市长热线 12345\""),
    ({"SITENAME": '""'}, "设置错误：SITENAME 应为网站名称，如 SITENAME = \"市长热线 12345\""),
    ({"SITENAME": "12345"}, "设置错误：SITENAME 应为网站名称，如 SITENAME = \"市长热线 12345\""),
    ({"HOTLINE": '{"CITY": "信阳市"}'}, "设置错误：HOTLINE['CITY'] 已不再使用：请删去这一项（网站没有用到城市名）"),
    ({"HOTLINE": '{"PROCESSES": 100000}'}, "设置错误：HOTLINE['PROCESSES'] 应为 1 到 64 之间的整数（现为 100000）"),
    ({"HOTLINE": '{"PROCESSES": 0}'}, "设置错误：HOTLINE['PROCESSES'] 应为 1 到 64 之间的整数（现为 0）"),
    ({"HOTLINE": '{"PER_PAGE": -20}'}, "设置错误：HOTLINE['PER_PAGE'] 应为不小于 1 的整数（现为 -20）"),
    ({"HOTLINE": '{"DEADLINE_DAYS": -10}'}, "设置错误：HOTLINE['DEADLINE_DAYS'] 应为不小于 0 的整数（现为 -10）"),
    ({"HOTLINE": '{"MIN_SAMPLE": -5}'}, "设置错误：HOTLINE['MIN_SAMPLE'] 应为不小于 0 的整数（现为 -5）"),
    ({"HOTLINE": '{"HOTLINES": 12345}'}, "设置错误：HOTLINE['HOTLINES'] 应为文字列表，如 ['12345']"),
    ({"HOTLINE": '{"HOTLINES": None}'}, "设置错误：HOTLINE['HOTLINES'] 应为文字列表，如 ['12345']"),
    ({"HOTLINE": '{"TIMEZONE": "Asia/Shanghai"}'}, "设置错误：HOTLINE 中未知的设置项 TIMEZONE（可用：COLUMN_HEADLINE_WIDTH, COLUMN_OFFICE, "
     "COLUMN_REPORTER, DATA_LICENCE, DATA_LICENCE_URL, DEADLINE_DAYS, DEPLOY_KEEP, DEPLOY_SSH_KEY, DEPLOY_SSH_OPTIONS, DEPLOY_SSH_PORT, "
     "DEPLOY_TARGET, HOTLINES, "
     "HOURS, LED_SCREENS, MIN_CELL, MIN_SAMPLE, OFFICE, PDF, PER_PAGE, PROCESSES, SEARCH, SITEMAP_MAX_BYTES, "
     "SITEMAP_MAX_URLS）"),
    ({"HOTLINE": '{"DEPLOY_TARGET": "www.example.gov.cn/srv"}'}, "设置错误：HOTLINE['DEPLOY_TARGET'] “www.example.gov.cn/srv” 不是有效的"
     "发布目标（应为 用户@服务器:/绝对路径，如 deploy@www.example.gov.cn:/srv/hotline；路径里不能有 ..，也不能是根目录 /）"),
    ({"HOTLINE": '{"DEPLOY_KEEP": 1}'}, "设置错误：HOTLINE['DEPLOY_KEEP'] 应为 2 到 100 之间的整数（现为 1）"),
])
def test_a_wrong_hotline_setting_is_one_line(tmp_path, run, values, message):
    for command in COMMANDS:
        code, stderr = run_with(run, tmp_path, site_settings(tmp_path / "s.py", **values), command)
        assert code == 1 and one_chinese_line(stderr) == message


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc/self/mem")
@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreadable_settings_file_is_one_line(tmp_path, run, command):
    settings = tmp_path / "s.py"
    settings.symlink_to("/proc/self/mem")  # a file whose every read fails, even for root
    code, stderr = run_with(run, tmp_path, settings, command)
    assert code == 1 and one_chinese_line(stderr) == f"无法读取设置文件 {settings}（读取出错，错误号 5）"


# --- HOTLINE's keys, each declared once with its validator (hotline.settings.OPTIONS) ---------

def test_the_unknown_key_message_lists_only_keys_that_are_accepted():
    with pytest.raises(ConfigError) as e:
        HotlineSettings.from_pelican({"HOTLINE": {"NO_SUCH_KEY": 1}})
    listed = re.fullmatch(r"设置错误：HOTLINE 中未知的设置项 NO_SUCH_KEY（可用：(.+)）", str(e.value)).group(1).split(", ")
    assert listed == sorted(OPTIONS)
    for key in listed:
        value = [{"NAME": "main"}] if key == "LED_SCREENS" else OPTIONS[key].default
        settings = HotlineSettings.from_pelican({"HOTLINE": {key: value}})
        assert getattr(settings, key.lower()) == getattr(HotlineSettings.from_pelican({}), key.lower())


@pytest.mark.parametrize("key", [k for k, o in OPTIONS.items() if o.lowest is not None])
def test_every_whole_number_key_keeps_to_its_bounds(key):
    lowest, highest = OPTIONS[key].lowest, OPTIONS[key].highest
    assert getattr(HotlineSettings.from_pelican({"HOTLINE": {key: lowest}}), key.lower()) == lowest
    for wrong in (lowest - 1, *([highest + 1] if highest is not None else [])):
        with pytest.raises(ConfigError, match=rf"^设置错误：HOTLINE\['{key}'\] 应为.*（现为 {wrong}）$"):
            HotlineSettings.from_pelican({"HOTLINE": {key: wrong}})
    with pytest.raises(ConfigError, match=rf"^设置错误：HOTLINE\['{key}'\] 的类型应与默认值 "):
        HotlineSettings.from_pelican({"HOTLINE": {key: True}})


def test_every_key_has_a_description_and_is_documented():
    documented = re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "settings.md").read_text("utf-8"), re.M)
    assert sorted(documented) == sorted(OPTIONS)
    assert all(re.search(r"[\u4e00-\u9fff]", o.description) for o in OPTIONS.values())


def test_the_site_name_is_pelicans_sitename():
    assert HotlineSettings.from_pelican({"SITENAME": "郑州市长热线 12345"}).site_name == "郑州市长热线 12345"
    assert "SITE_NAME" not in OPTIONS
