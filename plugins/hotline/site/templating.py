"""Filters and helpers the site's templates use (`_column.html`, `_directory.html` need them).

`install(env, settings)` is idempotent; `render_site` calls it first, and any
output that renders `_column.html` before it should call it too.
"""

from __future__ import annotations

from functools import partial

from jinja2 import Environment

from hotline.site import story
from hotline.site import urls
from hotline.dates import cn_date, cn_month
from hotline.site.listings import by_year
from hotline.model import CHANNEL_NAMES, FOLLOWUP_RESULTS
from hotline.settings import HotlineSettings

SUPERVISION_LEVELS = {1: "一级督查令", 2: "二级督查令", 3: "三级督查令"}


def install(env: Environment, settings: HotlineSettings) -> Environment:
    """Register the filters and URL helpers on `env`; returns it."""
    env.filters.update(
        cn_date=cn_date,
        cn_month=cn_month,
        story=partial(story.story, office=settings.office_in_column),
        credit=story.credit,
        with_phone=story.department_with_phone,
        contact_word=story.contact_word,
        channel_name=CHANNEL_NAMES.get,
        followup_result=FOLLOWUP_RESULTS.get,
        supervision=SUPERVISION_LEVELS.get,
        by_year=by_year,
    )
    env.globals.update(
        case_url=urls.case_url,
        category_url=urls.category_url,
        department_url=urls.department_url,
        district_url=urls.district_url,
        month_url=urls.month_url,
    )
    return env
