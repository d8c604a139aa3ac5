"""Dates as the site prints them: 2013年1月14日, 2013年1月; times only to the day."""

from __future__ import annotations

import datetime as dt


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2013年1月14日 (a datetime prints its local date)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(month: str) -> str:
    """`2013/01` (as PublicCase.month gives it) -> 2013年1月"""
    year, number = month.split("/")
    return f"{int(year)}年{int(number)}月"


def day_start(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Midnight at the start of `moment`'s day in `tz`: every time the site
    publishes is to the day (the time of a call could tell who called)."""
    return dt.datetime.combine(moment.astimezone(tz).date(), dt.time(), tz)
