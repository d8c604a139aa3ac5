"""LED screens as configured in `HOTLINE['LED_SCREENS']`, validated once.

Each screen is a dict; keys are case-insensitive:

    {"NAME": "pingqiao", "TITLE": "平桥区", "MAX_CHARS": 24, "ITEMS": 10,
     "CHARSET": "gbk", "REFRESH_SECONDS": 30, "DISTRICT": "平桥区",
     "CATEGORY": ["城市管理"], "REPLACE": {"浉": "氵师"}}

The screen named `main` is always there (written to `led/`); an entry named
`main` only changes its settings. Every other screen goes to `led/<name>/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from hotline.problems import ConfigError

MAIN = "main"
CHARSETS = ("gb2312", "gbk")
MIN_CHARS, MAX_CHARS = 16, 1000
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class Screen:
    """One screen (or controller card) and what it shows."""

    name: str = MAIN
    title: str = ""  # shown in the feed title and on the page, e.g. 平桥区
    max_chars: int = 40  # every line at most this many characters
    items: int = 20  # case messages after the hotline and stats lines
    charset: str = "gb2312"  # every character is encodable in it
    refresh_seconds: int = 60  # how often the page polls ticker.json
    district: tuple[str, ...] = ()  # only cases in these districts (empty: all)
    category: tuple[str, ...] = ()  # only cases in these categories (empty: all)
    replace: tuple[tuple[str, str], ...] = ()  # text -> text, before the charset check

    @property
    def directory(self) -> str:
        """Where its files go, relative to the site root."""
        return "led" if self.name == MAIN else f"led/{self.name}"


_KEYS = {f.name.upper(): f for f in fields(Screen)}
_RANGES = {"max_chars": (MIN_CHARS, MAX_CHARS), "items": (1, 500), "refresh_seconds": (1, 86400)}


def parse_screens(value: Any) -> tuple[Screen, ...]:
    """The screens of `HOTLINE['LED_SCREENS']`, main first; ConfigError if wrong."""
    if not isinstance(value, (list, tuple)):
        raise ConfigError("设置错误：HOTLINE['LED_SCREENS'] 应为列表，每一项是一块屏的设置，如 [{'NAME': 'main', 'MAX_CHARS': 40}]")
    screens: dict[str, Screen] = {}
    for number, entry in enumerate(value, 1):
        screen = _screen(entry, f"HOTLINE['LED_SCREENS'] 第 {number} 项")
        if screen.name in screens:
            raise ConfigError(f"设置错误：HOTLINE['LED_SCREENS'] 中有两块屏都叫 “{screen.name}”；每块屏的 NAME 必须不同")
        screens[screen.name] = screen
    main = screens.pop(MAIN, Screen())
    return (main, *screens.values())


def _screen(entry: Any, where: str) -> Screen:
    if not isinstance(entry, dict):
        raise ConfigError(f"设置错误：{where} 应为字典，如 {{'NAME': 'pingqiao', 'DISTRICT': '平桥区'}}")
    values: dict[str, Any] = {}
    for key, raw in entry.items():
        f = _KEYS.get(str(key).upper())
        if f is None:
            raise ConfigError(f"设置错误：{where} 中未知的设置项 {key}（可用：{', '.join(_KEYS)}）")
        values[f.name] = _value(f.name, raw, f"{where} 的 {f.name.upper()}")
    if "name" not in values:
        raise ConfigError(f"设置错误：{where} 缺少 NAME（屏的名称，小写字母、数字和连字符，如 pingqiao）")
    screen = Screen(**values)
    for old, new in screen.replace:
        try:
            new.encode(screen.charset)
        except UnicodeEncodeError:
            raise ConfigError(
                f"设置错误：{where} 的 REPLACE 把 “{old}” 换成的 “{new}” 不能用 {screen.charset.upper()} 显示，请换一种写法"
            ) from None
    return screen


def _value(name: str, raw: Any, where: str) -> Any:
    """One checked value; `where` names it in the message."""
    if name == "name":
        if not isinstance(raw, str) or not _NAME.fullmatch(raw):
            raise ConfigError(
                f"设置错误：{where} “{raw}” 不能用作网址中的名称；请只用小写英文字母、数字和连字符（如 pingqiao、hall-2），最长 40 个字符"
            )
        return raw
    if name == "title":
        if not isinstance(raw, str):
            raise ConfigError(f"设置错误：{where} 应为文字，如 '平桥区'")
        return raw.strip()
    if name in _RANGES:
        low, high = _RANGES[name]
        if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
            raise ConfigError(f"设置错误：{where} 应为 {low} 到 {high} 之间的整数（现为 {raw!r}）")
        return raw
    if name == "charset":
        charset = raw.lower() if isinstance(raw, str) else raw
        if charset not in CHARSETS:
            raise ConfigError(f"设置错误：{where} “{raw}” 不是支持的字符集；请写 GB2312 或 GBK")
        return charset
    if name in ("district", "category"):
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, (list, tuple)) or not items or not all(isinstance(v, str) and v.strip() for v in items):
            raise ConfigError(f"设置错误：{where} 应为一个名称或名称列表，如 '平桥区' 或 ['平桥区', '浉河区']")
        return tuple(v.strip() for v in items)
    if name == "replace":
        if not isinstance(raw, dict) or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in raw.items()):
            raise ConfigError(f"设置错误：{where} 应为字典（原文字: 替代文字），如 {{'浉': '氵师'}}")
        return tuple(raw.items())
    raise AssertionError(name)
