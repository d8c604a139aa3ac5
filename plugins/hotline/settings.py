"""Typed settings of the hotline plugin, read once from Pelican's settings.

Pelican's own override convention works for every key:
`pelican -s pelicanconf.py -e CASES_PATH='"DIR"'`. Everything else of ours
lives in one dict, `HOTLINE`, whose keys are the fields below in capitals.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import BuildFailed
from .led.config import Screen, parse_screens


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
        try:
            tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai")
        except (ZoneInfoNotFoundError, ValueError):
            raise BuildFailed(f"设置错误：TIMEZONE “{settings.get('TIMEZONE')}” 不是有效的时区（如 Asia/Shanghai）")
        own = dict(settings.get("HOTLINE") or {})
        known = {f.name.upper(): f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in own.items():
            f = known.get(key)
            if f is None or key in ("CASES_PATH", "TIMEZONE", "SITE_URL"):
                raise BuildFailed(f"设置错误：HOTLINE 中未知的设置项 {key}（可用：{', '.join(sorted(known))}）")
            if key == "LED_SCREENS":
                values[f.name] = parse_screens(value)
                continue
            default = f.default
            if isinstance(default, tuple):
                if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                    raise BuildFailed(f"设置错误：HOTLINE['{key}'] 应为文字列表，如 ['12345']")
                value = tuple(value)
            elif not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(default, bool):
                raise BuildFailed(f"设置错误：HOTLINE['{key}'] 的类型应与默认值 {default!r} 相同")
            values[f.name] = value
        for key in ("per_page", "processes", "min_cell"):
            if values.get(key, 1) < 1:
                raise BuildFailed(f"设置错误：HOTLINE['{key.upper()}'] 应为正整数")
        site_url = str(settings.get("SITEURL") or "").rstrip("/")
        if site_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", site_url):
            raise BuildFailed(f"设置错误：SITEURL “{site_url}” 应为完整网址，如 https://12345.example.gov.cn（本地预览时留空）")
        values["site_url"] = site_url
        return cls(cases_path=cases if cases.is_absolute() else root / cases, timezone=tz, **values)
