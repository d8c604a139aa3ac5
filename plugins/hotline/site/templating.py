"""The Jinja environment of our pages: filters, URL helpers and the globals
every page's template sees (`environment`, the one place they are installed).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from jinja2 import Environment

from hotline.dates import cn_date, cn_month
from hotline.model import CHANNEL_NAMES, FOLLOWUP_RESULTS
from hotline.settings import HotlineSettings
from hotline.site import story, urls
from hotline.site.listings import by_year
from hotline.site.navigation import NAVIGATION
from hotline.stats import definitions

SUPERVISION_LEVELS = {1: "一级督查令", 2: "二级督查令", 3: "三级督查令"}


def common(settings: HotlineSettings) -> dict[str, Any]:
    """What every page sees besides its `root` and `section`: the settings
    (`hotline`, the site URL among them) and the navigation."""
    return {"hotline": settings, "navigation": NAVIGATION}


def environment(pelican: Environment, settings: HotlineSettings) -> Environment:
    """Pelican's environment (the theme's templates), autoescaping, with our
    filters, URL helpers and `common(settings)` as globals."""
    env = pelican.overlay(autoescape=True)
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
        rate_definitions=definitions.DEFINITIONS,
        rate_by_name=definitions.BY_NAME,
        definitions_page=definitions.PAGE,
        **common(settings),
    )
    return env
