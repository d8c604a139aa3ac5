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
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup

from hotline.build.output import Output, SiteWriter
from hotline.feeds.atom import write_feeds
from hotline.model import CaseSet, PublicCase
from hotline.problems import HotlineError
from hotline.settings import HotlineSettings
from hotline.site.listings import INDEX_URLS, KIND_NAMES, Listing, listings, pages
from hotline.site.story import contact_word
from hotline.site.urls import HOME, case_url
from hotline.stats.disclosure import site_statistics
from hotline.stats.figures import percent

HOME_CASES = 6  # latest cases printed in full on the home page
_ROOT_MARK = "\x00root\x00"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a case's timeline."""

    label: str  # 受理 交办 重新办理 办结 回访
    date: dt.date | dt.datetime | None
    note: str


def render_site(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write the home page, every case page, every listing page, the listing indexes and the feeds."""
    by_kind = listings(cases)
    planned = _case_pages(cases, out) + _listing_pages(by_kind, out, settings) + [
        Output(HOME, "首页", lambda: out.render(
            HOME, "index.html", latest=cases.cases[:HOME_CASES], year_figures=year_figures(cases, settings),
            percent=percent, by_kind=by_kind))
    ]
    _refuse_collisions(planned)
    out.write_all(planned)
    write_feeds(cases, by_kind, out, settings)


def _case_pages(cases: CaseSet, out: SiteWriter) -> list[Output]:
    def page(i: int, case: PublicCase) -> Output:
        newer = cases.cases[i - 1] if i > 0 else None
        older = cases.cases[i + 1] if i + 1 < len(cases.cases) else None
        path = case_url(case)
        key = (case.digest, *((c.id, c.headline) if c else None for c in (newer, older)))
        return Output(path, f"案件 {case.id}", lambda: out.render(
            path, "case.html", case=case, steps=timeline(case), newer=newer, older=older),
            frozenset({case.id}), key)

    return [page(i, case) for i, case in enumerate(cases.cases)]


def _listing_pages(by_kind: dict[str, list[Listing]], out: SiteWriter, settings: HotlineSettings) -> list[Output]:
    brief = _briefs(out)
    planned = []
    for kind, group in by_kind.items():
        if kind != "cases":
            path = INDEX_URLS[kind]
            planned.append(Output(path, f"{KIND_NAMES[kind]}目录", partial(
                out.render, path, "directory.html", kind=kind, title=KIND_NAMES[kind], listings=group)))
        for listing in group:
            for page in pages(listing, settings.per_page):
                name = "全部案件列表" if kind == "cases" else f"{KIND_NAMES[kind]}“{listing.title}”的列表"
                what = f"{name}第 {page.number} 页"
                key = (kind, listing.title, listing.subject, len(listing.cases), listing.areas,
                       page.number, page.count, [c.digest for c in page.cases])
                planned.append(Output(page.path, what, partial(
                    out.render, page.path, "listing.html", page=page, listing=listing, index_url=INDEX_URLS[kind],
                    brief=brief), key=key))
    return planned


def _briefs(out: SiteWriter) -> Callable[[PublicCase, str], Markup]:
    """`column_brief` of _column.html, rendered once per case: a case appears
    in five listings. Rendered with a mark for the page's root (NUL is never
    in case text), which each listing page replaces by its own."""
    assert out.env is not None, "listings are rendered with templates"
    # Jinja's stub for TemplateModule lacks the template's macros, set as attributes.
    column_brief = out.env.get_template("_column.html").module.column_brief  # type: ignore[attr-defined]
    done: dict[str, str] = {}

    def brief(case: PublicCase, root: str) -> Markup:
        if case.id not in done:
            done[case.id] = str(column_brief(case, _ROOT_MARK))
        return Markup(done[case.id].replace(_ROOT_MARK, root))

    return brief


def _refuse_collisions(planned: list[Output]) -> None:
    """Stop the build if two pages would share a file (also on case-insensitive disks)."""
    seen: dict[str, Output] = {}
    for o in planned:
        first = seen.setdefault(o.path.lower(), o)
        if first is not o:
            raise HotlineError(f"网址冲突：{first.what}和{o.what}都要写到 {o.path}；"
                               f"请修改其中一个的编号或网址名（slug）后重新构建。")


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


def year_figures(cases: CaseSet, settings: HotlineSettings):
    """(year, figures as published) of the latest year any record was received in; None without records."""
    years = site_statistics(cases, settings).by_year
    if not years:
        return None
    key = years[-1].key
    assert key is not None  # a year's row is keyed by the year
    return int(key), years[-1].figures
