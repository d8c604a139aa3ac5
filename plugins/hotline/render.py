"""The public site: home page, one page per case, the listings and their indexes.

Pages (relative to the site root; see urls.py and listings.py):
    index.html                              home: masthead, figures, latest cases, directory
    cases/<id>.html                         one case in column form, facts, timeline
    cases/index.html, cases/page/N.html     all cases
    category/index.html, category/<slug>/index.html, …/page/N.html
    department/…, district/…                the same by department and district
    archive/index.html, archive/YYYY/MM/index.html, …/page/N.html
and the Atom feeds (atom.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinja2 import Environment

from .atom import write_feeds
from .casedata import CaseSet
from .listings import INDEX_URLS, KIND_NAMES, listings, pages
from .output import SiteWriter, root_of
from .public import PublicCase
from .settings import HotlineSettings
from .stats import figures, percent
from .story import contact_word
from .templating import install
from .urls import HOME, case_url

HOME_CASES = 6  # latest cases printed in full on the home page


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a case's timeline."""

    label: str  # 受理 交办 重新办理 办结 回访
    date: dt.date | dt.datetime | None
    note: str


def render_site(cases: CaseSet, out: SiteWriter, env: Environment, settings: HotlineSettings) -> None:
    """Write the home page, every case page, every listing page, the listing indexes and the feeds."""
    install(env)
    by_kind = listings(cases)
    _case_pages(cases, out, env)
    template = env.get_template("listing.html")
    for kind, group in by_kind.items():
        for listing in group:
            for page in pages(listing, settings.per_page):
                out.write(page.path, template.render(page=page, listing=listing, index_url=INDEX_URLS[kind],
                                                          section=kind, root=root_of(page.path)))
    directory = env.get_template("directory.html")
    for kind in ("category", "department", "district", "month"):
        path = INDEX_URLS[kind]
        out.write(path, directory.render(kind=kind, title=KIND_NAMES[kind], listings=by_kind[kind],
                                         section=kind, root=root_of(path)))
    out.write(HOME, env.get_template("index.html").render(
        latest=cases.cases[:HOME_CASES], year_figures=_year_figures(cases, settings), percent=percent,
        by_kind=by_kind, section="home", root=""))
    write_feeds(cases, out, env, settings)


def _case_pages(cases: CaseSet, out: SiteWriter, env: Environment) -> None:
    template = env.get_template("case.html")
    for i, case in enumerate(cases.cases):
        path = case_url(case)
        newer = cases.cases[i - 1] if i > 0 else None
        older = cases.cases[i + 1] if i + 1 < len(cases.cases) else None
        html = template.render(case=case, steps=timeline(case), newer=newer, older=older,
                               section="cases", root=root_of(path))
        out.write(path, html, scope=frozenset({case.id}))


def timeline(case: PublicCase) -> list[Step]:
    """受理 → 交办 (each department) → 重新办理 → 办结 → 回访."""
    steps = [Step("受理", case.received_at, contact_word(case))]
    steps += [Step("交办", h.assigned_at, h.department.name) for h in case.handling]
    if case.rehandled:
        steps.append(Step("重新办理", None, f"{case.rehandled} 次"))
    steps.append(Step("办结", case.resolved_at, ""))
    if case.followup:
        steps.append(Step("回访", case.followup.at, case.followup.result_name))
    return steps


def _year_figures(cases: CaseSet, settings: HotlineSettings):
    """(year, figures) of the latest year any record was received in; None without records."""
    if not cases.facts:
        return None
    year = max(f.received_at.year for f in cases.facts)
    return year, figures((f for f in cases.facts if f.received_at.year == year), settings.deadline_days)

