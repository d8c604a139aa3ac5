"""The settings file, and the typed settings of the hotline plugin read once from it.

Pelican's own override convention works for every key:
`pelican -s pelicanconf.py -e CASES_PATH='"DIR"'`. Everything else of ours
lives in one dict, `HOTLINE`, whose keys are the fields below in capitals.
"""

from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.settings import read_settings

from hotline.problems import ConfigError, need_file, unreadable
from hotline.feeds.led.config import Screen, parse_screens


# HOTLINE's whole numbers: the lowest and the highest (None: any) each may be.
# More processes than this would fork hundreds for a few thousand cases.
RANGES = {"per_page": (1, None), "processes": (1, 64), "deadline_days": (0, None), "min_sample": (0, None), "min_cell": (1, None)}


@dataclass(frozen=True, slots=True)
class HotlineSettings:
    cases_path: Path
    timezone: ZoneInfo
    office: str = "市长热线办公室"
    city: str = ""
    hotlines: tuple[str, ...] = ("12345",)
    hours: str = "全天 24 小时"
    per_page: int = 20
    site_name: str = "市长热线 12345"
    deadline_days: int = 10  # working days to resolve a case on time
    led_screens: tuple[Screen, ...] = (Screen(),)  # LED screens, main first (led/config.py)
    min_sample: int = 5  # resolved cases a department needs to be ranked
    min_cell: int = 3  # counts below it (but not 0) are shown as "<3" (disclosure.py); 1: all shown
    site_url: str = ""  # Pelican's SITEURL without the final slash; "" for a local build
    data_licence: str = "署名 4.0 国际（CC BY 4.0）"
    data_licence_url: str = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"
    search: bool = True  # the search page and its Pagefind index; False: neither
    processes: int = min(os.cpu_count() or 1, 4)  # processes that read cases and write pages

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
            raise ConfigError("设置错误：HOTLINE 应为字典，如 HOTLINE = {\"CITY\": \"信阳市\"}")
        # Not in HOTLINE: CASES_PATH and TIMEZONE are Pelican settings of their own, SITE_URL is SITEURL.
        known = {f.name.upper(): f for f in fields(cls) if f.name not in ("cases_path", "timezone", "site_url")}
        values: dict[str, Any] = {}
        for key, value in own.items():
            f = known.get(key)
            if f is None:
                raise ConfigError(f"设置错误：HOTLINE 中未知的设置项 {key}（可用：{', '.join(sorted(known))}）")
            if key == "LED_SCREENS":
                values[f.name] = parse_screens(value)
                continue
            default = f.default
            if isinstance(default, tuple):
                if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"设置错误：HOTLINE['{key}'] 应为文字列表，如 ['12345']")
                value = tuple(value)
            elif not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(default, bool):
                raise ConfigError(f"设置错误：HOTLINE['{key}'] 的类型应与默认值 {default!r} 相同")
            values[f.name] = value
        for key, (lowest, highest) in RANGES.items():
            value = values.get(key, lowest)
            if value < lowest or (highest is not None and value > highest):
                expected = f"应为 {lowest} 到 {highest} 之间的整数" if highest else f"应为不小于 {lowest} 的整数"
                raise ConfigError(f"设置错误：HOTLINE['{key.upper()}'] {expected}（现为 {value}）")
        site_url = str(settings.get("SITEURL") or "").rstrip("/")
        if site_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", site_url):
            raise ConfigError(f"设置错误：SITEURL “{site_url}” 应为完整网址，如 https://12345.example.gov.cn（本地预览时留空）")
        values["site_url"] = site_url
        return cls(cases_path=cases if cases.is_absolute() else root / cases, timezone=tz, **values)


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
