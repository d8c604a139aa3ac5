"""The settings file, and the typed settings of the hotline plugin read once from it.

Pelican's own override convention works for every key:
`pelican -s pelicanconf.py -e CASES_PATH='"DIR"'`. Everything else of ours
lives in one dict, `HOTLINE`, whose keys are the fields below in capitals.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.settings import read_settings

from hotline.deploy.target import target_setting
from hotline.feeds.led.config import Screen, parse_screens
from hotline.problems import ConfigError, need_file, unreadable


@dataclass(frozen=True, slots=True)
class Option:
    """One key of HOTLINE, declared as MkDocs declares a config option:
    the kind of value it takes, its default, its bounds and what it means."""

    kind: type  # str, int, bool, or tuple: a list of texts
    default: Any
    description: str  # what it means, for people (docs/settings.md)
    lowest: int | None = None  # a whole number's least value
    highest: int | None = None  # and its greatest; None: no limit
    parse: Callable[[Any], Any] | None = None  # checks and converts a value of its own shape instead

    def validate(self, key: str, value: Any) -> Any:
        """`value` as the settings hold it; ConfigError, naming HOTLINE[key], if it is wrong."""
        if self.parse is not None:
            return self.parse(value)
        if self.kind is tuple:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"设置错误：HOTLINE['{key}'] 应为文字列表，如 ['12345']")
            return tuple(value)
        if not isinstance(value, self.kind) or isinstance(value, bool) != (self.kind is bool):
            raise ConfigError(f"设置错误：HOTLINE['{key}'] 的类型应与默认值 {self.default!r} 相同")
        # Bounds are declared only on int options, and the check above made value that kind.
        if self.lowest is not None and isinstance(value, int) and (value < self.lowest or (self.highest is not None and value > self.highest)):
            expected = f"应为 {self.lowest} 到 {self.highest} 之间的整数" if self.highest is not None else f"应为不小于 {self.lowest} 的整数"
            raise ConfigError(f"设置错误：HOTLINE['{key}'] {expected}（现为 {value}）")
        return value


def option(kind: type, default: Any, description: str, lowest: int | None = None, highest: int | None = None,
           parse: Callable[[Any], Any] | None = None) -> Any:
    """A field of HotlineSettings that HOTLINE sets, under the field's name in capitals."""
    return field(default=default, metadata={"option": Option(kind, default, description, lowest, highest, parse)})


@dataclass(frozen=True, slots=True)
class HotlineSettings:
    cases_path: Path
    timezone: ZoneInfo
    office: str = option(str, "市长热线办公室", "办公室名称")
    column_office: str = option(str, "", "专栏正文里对办公室的称呼（接电后，市长热线办公室立即安排……）；空表示与 OFFICE 相同")
    hotlines: tuple[str, ...] = option(tuple, ("12345",), "全部热线号码")
    hours: str = option(str, "全天 24 小时", "接听时间")
    per_page: int = option(int, 20, "列表每页的案件数", lowest=1)
    deadline_days: int = option(int, 10, "按时办结的期限（工作日）", lowest=0)
    led_screens: tuple[Screen, ...] = option(tuple, (Screen(),), "LED 屏，主屏在前（见 docs/led.md）", parse=parse_screens)
    min_sample: int = option(int, 5, "部门参加三率排名至少需要的办结件数", lowest=0)
    min_cell: int = option(int, 3, "统计中小于它（但不是 0）的数写作 <3；1 表示都写出", lowest=1)
    site_name: str = "市长热线 12345"  # Pelican's SITENAME
    site_url: str = ""  # Pelican's SITEURL without the final slash; "" for a local build
    data_licence: str = option(str, "署名 4.0 国际（CC BY 4.0）", "开放数据的许可")
    data_licence_url: str = option(str, "https://creativecommons.org/licenses/by/4.0/deed.zh-hans", "许可的链接；空表示不加链接")
    search: bool = option(bool, True, "站内搜索；False 时不建索引")
    pdf: bool = option(bool, True, "简报和年度报告另出 A4 的 PDF（需要中文字体 fonts-noto-cjk）；False 时不出")
    column_headline_width: int = option(
        int, 8, "专栏标题每行最多几个字（数字和字母算半个字）：hotline column 超过就停下，hotline check 给出警告", lowest=1)
    column_reporter: str = option(str, "", "专栏稿署名的值班记者（值班记者 曾宪科）；空表示用所选案件的 reporter")
    # More processes than 64 would fork hundreds for a few thousand cases.
    processes: int = option(int, min(os.cpu_count() or 1, 4), "读取案件、生成网页的进程数", lowest=1, highest=64)
    deploy_target: str = option(str, "", "hotline deploy 的发布目标 用户@服务器:/路径；空表示只能用 --target 指定", parse=target_setting)
    deploy_ssh_key: str = option(str, "", "发布用的 SSH 私钥文件；空表示用 ssh 自己的设置")
    deploy_ssh_port: int = option(int, 22, "服务器的 SSH 端口", lowest=1, highest=65535)
    deploy_ssh_options: tuple[str, ...] = option(tuple, (), "另加给 ssh 的 -o 选项，如 ['UserKnownHostsFile=/srv/known_hosts']")
    deploy_keep: int = option(int, 3, "服务器上保留最近几个版本（至少 2，才能回退）", lowest=2, highest=100)
    # The sitemap protocol's limits are 50,000 URLs and 50 MB (uncompressed) per file.
    sitemap_max_urls: int = option(int, 50_000, "每个网站地图文件最多几个网址；超过就拆成几个文件和一个索引", lowest=1, highest=50_000)
    sitemap_max_bytes: int = option(int, 50 * 1024 * 1024, "每个网站地图文件最多多少字节", lowest=1_000, highest=50 * 1024 * 1024)

    @property
    def site_words(self) -> tuple[str, ...]:
        """What every page prints whatever the cases say: the site's name, the
        office, the hotline numbers and hours. A caller's value that is one of
        them, or part of one, cannot be kept private (load/privacy_checks.py)."""
        return tuple(dict.fromkeys(w for w in (self.site_name, self.office, self.office_in_column, self.hours, *self.hotlines) if w))

    @property
    def office_in_column(self) -> str:
        """How the column's sentences name the office: COLUMN_OFFICE, else OFFICE."""
        return self.column_office or self.office

    @classmethod
    def from_pelican(cls, settings: dict[str, Any]) -> HotlineSettings:
        """Validated settings; a wrong value stops the build with a clear message."""
        root = Path(settings.get("SITE_ROOT") or os.getcwd())
        cases = Path(os.path.expanduser(str(settings.get("CASES_PATH") or "cases_data")))
        zone = settings.get("TIMEZONE", "Asia/Shanghai")
        try:
            tz = ZoneInfo(zone) if isinstance(zone, str) and zone else None
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones, "Asia"
            tz = None
        if tz is None:
            raise ConfigError(f"设置错误：TIMEZONE “{zone}” 不是有效的时区（应为时区名称，如 \"Asia/Shanghai\"）")
        own = settings.get("HOTLINE") or {}
        if not isinstance(own, dict):
            raise ConfigError("设置错误：HOTLINE 应为字典，如 HOTLINE = {\"OFFICE\": \"信阳市市长热线办公室\"}")
        values: dict[str, Any] = {}
        for key, value in own.items():
            if key in RETIRED:
                raise ConfigError(f"设置错误：HOTLINE['{key}'] 已不再使用：{RETIRED[key]}")
            if key not in OPTIONS:
                raise ConfigError(f"设置错误：HOTLINE 中未知的设置项 {key}（可用：{', '.join(sorted(OPTIONS))}）")
            values[key.lower()] = OPTIONS[key].validate(key, value)
        if "SITENAME" in settings:
            if not isinstance(settings["SITENAME"], str) or not settings["SITENAME"].strip():
                raise ConfigError("设置错误：SITENAME 应为网站名称，如 SITENAME = \"市长热线 12345\"")
            values["site_name"] = settings["SITENAME"]
        site_url = str(settings.get("SITEURL") or "").rstrip("/")
        if site_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", site_url):
            raise ConfigError(f"设置错误：SITEURL “{site_url}” 应为完整网址，如 https://12345.example.gov.cn（本地预览时留空）")
        values["site_url"] = site_url
        return cls(cases_path=cases if cases.is_absolute() else root / cases, timezone=tz, **values)


# The keys of HOTLINE. Not among them: CASES_PATH and TIMEZONE are Pelican settings of their own,
# the site's name and address are Pelican's SITENAME and SITEURL.
OPTIONS: dict[str, Option] = {f.name.upper(): f.metadata["option"] for f in fields(HotlineSettings) if "option" in f.metadata}
# Keys HOTLINE once had, and what to do instead.
RETIRED = {
    "CITY": "请删去这一项（网站没有用到城市名）",
    "SITE_NAME": "网站名称请写在 Pelican 的设置 SITENAME 里，如 SITENAME = \"市长热线 12345\"",
}


def read_file(path: Path, override: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pelican's settings from the settings file `path`, with `override`.

    A file that is missing, not a .py file, not valid Python or that raises
    when run, and Pelican's own refusals (no PATH, no THEME), stop with one
    line in Chinese that names the file and, where known, the line.
    """
    need_file(path, "设置文件", "（请在网站目录中运行，或用 hotline --settings 文件 指定）")
    if path.suffix != ".py":
        raise ConfigError(f"设置文件 {path} 应为 .py 文件（Python 写的设置，如 pelicanconf.py）")
    try:
        return read_settings(str(path), override=dict(override or {}))
    except SyntaxError as e:  # also a file that is not UTF-8
        raise ConfigError(_syntax_error(e)) from None
    except Exception as e:
        raise ConfigError(_run_error(e, path)) from None


def _syntax_error(e: SyntaxError) -> str:
    where = f"{e.filename}:{e.lineno}"
    if "codec" in str(e.msg):
        return f"{where}: 设置文件不是 UTF-8 编码（请用编辑器另存为 UTF-8）"
    code = (e.text or "").strip()
    return f"{where}: 设置文件有 Python 语法错误{f'：{code}' if code else ''}（应为 Python 的赋值，如 SITENAME = \"市长热线 12345\"）"


# Pelican's refusals of a settings file (pelican/settings.py, configure_settings), in Chinese.
_PELICAN = (
    (r"You need to specify a path containing the content.*", "PATH（页面目录）不是已有的目录（应为如 PATH = \"content\"，相对于设置文件）"),
    (r"Could not find the theme (.*)", r'找不到主题 THEME “\1”（应为主题目录，如 THEME = "theme"）'),
)


def _run_error(e: Exception, path: Path) -> str:
    """Where running the settings file failed: its line (or that of a file beside
    it that it imports), else what Pelican refused about it."""
    folder = path.resolve().parent
    frames = [
        f for f in traceback.extract_tb(e.__traceback__)
        if not f.filename.startswith("<") and Path(f.filename).resolve().parent == folder
    ]
    if frames:
        frame = frames[-1]
        if isinstance(e, ModuleNotFoundError):
            what = f"找不到模块 {e.name}"
        elif isinstance(e, NameError):
            what = f"用了没有定义的名称 {e.name}"
        else:
            what = f"运行出错（{type(e).__name__}）"
        return f"{frame.filename}:{frame.lineno}: 设置文件{what}：{(frame.line or '').strip()}（设置文件应能由 Python 直接运行）"
    if isinstance(e, OSError):
        return unreadable("设置文件", path, e)
    for pattern, chinese in _PELICAN:
        if re.fullmatch(pattern, str(e)):
            return f"{path}: {re.sub(pattern, chinese, str(e))}"
    return f"{path}: Pelican 无法使用这个设置文件（{type(e).__name__}）；请检查各设置项的类型，如 SITEURL 应为文字、PAGE_PATHS 应为列表"
