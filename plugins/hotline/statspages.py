"""The statistics outputs: stats/stats.json, the statistics page with its
charts (stats/index.html) and the department scoreboard
(stats/departments.html); then the bulletins, from the same figures."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment

from . import bulletins, templating, urls
from .casedata import CaseSet
from .charts import districts_chart, monthly_categories_chart, monthly_rates_chart
from .output import SiteWriter, root_of
from .public import Category, Department, District
from .settings import HotlineSettings
from .stats import (
    Figures,
    Row,
    Statistics,
    Tally,
    count_change,
    month_key,
    percent,
    rate,
    rate_change,
    scoreboard,
    statistics,
)

_LISTINGS = {
    "category": lambda r: urls.category_url(Category(r.name, r.key)),
    "department": lambda r: urls.department_url(Department(r.name, r.key)),
    "district": lambda r: urls.district_url(District(r.name, r.key)),
}


def row_url(kind: str, row: Row) -> str | None:
    """The listing page of a category, department or district row; None for 其他/未分类."""
    return None if row.key is None else _LISTINGS[kind](row)


# What the templates call to show a figure: one way everywhere.
HELPERS = {"percent": percent, "count_change": count_change, "rate_change": rate_change, "share": rate, "row_url": row_url}


def write_statistics(cases: CaseSet, out: SiteWriter, env: Environment, settings: HotlineSettings) -> None:
    """Compute the figures once; write stats.json, the pages and the bulletins."""
    templating.install(env)  # cn_date, and the filters _column.html needs
    tallied = Tally(cases.facts, settings.deadline_days)
    stats = statistics(tallied, cases.registries, cases.districts)
    per_month = tallied.split(lambda f: (month_key(f),))
    out.write("stats/stats.json", stats_json(stats, settings))
    path = "stats/index.html"
    charts = (
        monthly_categories_chart(per_month, cases.registries, stats.by_month),
        monthly_rates_chart(stats.by_month),
        districts_chart(stats.by_district),
    )
    page = env.get_template("stats.html").render(stats=stats, charts=charts, root=root_of(path), **HELPERS)
    out.write(path, page)
    path = "stats/departments.html"
    page = env.get_template("scoreboard.html").render(
        stats=stats, standings=scoreboard(stats.by_department, settings.min_sample), root=root_of(path), **HELPERS
    )
    out.write(path, page)
    bulletins.write_bulletins(cases, stats, per_month, out, env, settings, HELPERS)


def rates(f: Figures) -> dict[str, float | None]:
    """The rates stats.json carries: the three of `Figures.rates()` and the rehandled share."""
    return {**f.rates(), "rehandled_rate": f.rehandled_rate}


def stats_json(stats: Statistics, settings: HotlineSettings) -> str:
    """stats/stats.json; its shape is schema/stats.schema.json."""

    def row(r: Row) -> dict[str, Any]:
        return {"name": r.name, "key": r.key, "totals": r.figures.totals(), "rates": rates(r.figures)}

    data = {
        "generated_at": stats.as_of.isoformat(timespec="seconds") if stats.as_of else None,
        "deadline_days": settings.deadline_days,
        "min_sample": settings.min_sample,
        "totals": stats.totals.totals(),
        "rates": rates(stats.totals),
        **{name: [row(r) for r in getattr(stats, name)] for name in Statistics.BREAKDOWNS},
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


