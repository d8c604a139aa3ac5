"""Dates as the site prints them: 2013年1月14日, 2013年1月; times only to the day;
and the keys of months: 2013-01, 2013/01."""

from __future__ import annotations

import datetime as dt
import re


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2013年1月14日 (a datetime prints its local date)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def month_key(day: dt.date | dt.datetime, sep: str = "-") -> str:
    """The month of `day`: 2013-01 (statistics, bulletins); with sep="/", 2013/01 (the archive's paths)."""
    return f"{day.year:04d}{sep}{day.month:02d}"


def cn_month(key: str) -> str:
    """A month key, 2013-01 or 2013/01 -> 2013年1月"""
    year, number = re.split("[-/]", key)
    return f"{int(year)}年{int(number)}月"


def day_start(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Midnight at the start of `moment`'s day in `tz`: every time the site
    publishes is to the day (the time of a call could tell who called)."""
    return dt.datetime.combine(moment.astimezone(tz).date(), dt.time(), tz)
