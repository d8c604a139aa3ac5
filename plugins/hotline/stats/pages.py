"""The statistics outputs: stats/stats.json, the statistics page with its
charts (stats/index.html), the department scoreboard (stats/departments.html)
and the 统计口径 page (stats/definitions.html); then the bulletins, from the
same figures."""

from __future__ import annotations

import json
from typing import Any

from hotline.build.output import SiteWriter
from hotline.dates import day_start
from hotline.model import CaseSet, Category, Department, District
from hotline.settings import HotlineSettings
from hotline.site import urls
from hotline.stats import bulletins, definitions, hot_topics
from hotline.stats.charts import districts_chart, monthly_categories_chart, monthly_rates_chart
from hotline.stats.disclosure import Shown, site_statistics
from hotline.stats.figures import Figures, Row, Statistics, count_change, percent, rate, rate_change, scoreboard

_LISTINGS = {
    "category": lambda r: urls.category_url(Category(r.name, r.key)),
    "department": lambda r: urls.department_url(Department(r.name, r.key)),
    "district": lambda r: urls.district_url(District(r.name, r.key)),
}


def row_url(kind: str, row: Row) -> str | None:
    """The listing page of a category, department or district row; None for 其他/未分类."""
    return None if row.key is None else _LISTINGS[kind](row)


# What the templates call to show a figure: one way everywhere.
HELPERS = {"percent": percent, "count_change": count_change, "rate_change": rate_change, "share": rate, "row_url": row_url,
           "calls": hot_topics.number}


def write_statistics(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write stats.json, the pages and the bulletins from the published figures."""
    stats = site_statistics(cases, settings)
    hot = hot_topics.monthly_hot_topics(stats, cases.cases, settings.min_cell)
    latest = hot.get(hot_topics.latest_complete_month(stats) or "")
    out.write("stats/stats.json", stats_json(stats, settings, latest))
    path = "stats/index.html"
    charts = (
        monthly_categories_chart(stats.month_categories, stats.by_category, stats.by_month),
        monthly_rates_chart(stats.by_month),
        districts_chart(stats.by_district),
    )
    out.write(path, out.render(path, "stats.html", stats=stats, charts=charts, hot=latest, **HELPERS))
    path = "stats/departments.html"
    out.write(path, out.render(
        path, "scoreboard.html", stats=stats, standings=scoreboard(stats.by_department, settings.min_sample), **HELPERS
    ))
    path = definitions.PAGE
    out.write(path, out.render(
        path, "definitions.html", rates=definitions.RATES, shares=definitions.SHARES,
        counts=definitions.COUNT_DEFINITIONS, count_names=definitions.COUNT_NAMES,
    ))
    bulletins.write_bulletins(cases, stats, hot, out, settings, HELPERS)


def definitions_json(settings: HotlineSettings) -> dict[str, dict[str, str]]:
    """stats.json's `definitions`: every rate of `rates`, with its numerator
    and denominator as keys of `totals` and its row on the 统计口径 page."""
    base = f"{settings.site_url}/" if settings.site_url else ""
    return {
        d.key: {
            "name": d.name,
            "definition": d.definition(settings.deadline_days),
            "formula": d.formula,
            "numerator": d.numerator,
            "denominator": d.denominator,
            "url": base + d.url,
        }
        for d in definitions.RATES
    }


def stats_json(stats: Statistics, settings: HotlineSettings, hot: hot_topics.HotTopics | None = None) -> str:
    """stats/stats.json; its shape is schema/stats.schema.json. A withheld
    count or rate is null, and `suppressed` says why; `hot`: the hot topics
    of the latest complete month."""

    def figures(f: Figures | Shown) -> dict[str, Any]:
        assert isinstance(f, Shown), "stats.json is written from suppressed statistics"
        return {"totals": f.totals(), "rates": f.rates(), "suppressed": f.withheld()}

    data = {
        "generated_at": day_start(stats.as_of, settings.timezone).isoformat() if stats.as_of else None,
        "deadline_days": settings.deadline_days,
        "min_sample": settings.min_sample,
        "min_cell": settings.min_cell,
        "definitions": definitions_json(settings),
        **figures(stats.totals),
        **{name: [{"name": r.name, "key": r.key, **figures(r.figures)} for r in getattr(stats, name)]
           for name in Statistics.BREAKDOWNS},
        "hot_topics": hot_topics_json(hot),
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def hot_topics_json(hot: hot_topics.HotTopics | None) -> dict[str, Any] | None:
    """stats.json's `hot_topics`: a month's rises (the average to two decimals) and headline words."""
    if hot is None:
        return None

    def rises(items: tuple[hot_topics.Rise, ...]) -> list[dict[str, Any]]:
        return [{"name": r.row.name, "key": r.row.key, "valid": r.count, "before": list(r.before),
                 "average": round(float(r.average), 2), "rise": round(float(r.rise), 2)} for r in items]

    return {"month": hot.key, "history": hot.history, "categories": rises(hot.categories),
            "districts": rises(hot.districts), "min_cases": hot.min_cases,
            "terms": [{"word": t.word, "cases": t.cases} for t in hot.terms]}
