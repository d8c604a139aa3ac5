"""Filters and helpers the site's templates use (and `_column.html` needs).

`install(env)` is idempotent; `render_site` calls it first, and any output
that renders `_column.html` before it should call it too.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from . import story, urls
from .public import FOLLOWUP_RESULTS

SUPERVISION_LEVELS = {1: "一级督查令", 2: "二级督查令", 3: "三级督查令"}


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2013年1月14日"""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(month: str) -> str:
    """`2013/01` -> 2013年1月"""
    year, number = month.split("/")
    return f"{int(year)}年{int(number)}月"


def install(env: Environment) -> Environment:
    env.filters.update(
        cn_date=cn_date,
        cn_month=cn_month,
        story=story.story,
        credit=story.credit,
        with_phone=story.department_with_phone,
        contact_word=story.contact_word,
        followup_result=FOLLOWUP_RESULTS.get,
        supervision=SUPERVISION_LEVELS.get,
    )
    env.globals.update(
        case_url=urls.case_url,
        category_url=urls.category_url,
        department_url=urls.department_url,
        district_url=urls.district_url,
        month_url=urls.month_url,
    )
    return env
