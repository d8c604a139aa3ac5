"""The bulletins (市长热线简报): one per month with records, numbered 第N期 within
its year and 总第M期 since the first, a yearly report per year, their index and
an Atom feed.

A bulletin reports the records received in its month (the same grouping as
stats.json's by_month), compares them with the calendar month before, lists
the top categories and the month's department scoreboard, and prints a few
of the month's published cases in column form. Each bulletin and report is
also a PDF (A4, its page as printed), linked from its page, unless the
setting PDF is off.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator

from hotline.build.output import Output, SiteWriter
from hotline.build.pdf import LocalFiles, pdf_of_guarded_html, pdf_text, require_fonts
from hotline.dates import day_start, month_key
from hotline.feeds.atom import atom_id
from hotline.model import CaseFacts, CaseSet, PublicCase
from hotline.settings import HotlineSettings
from hotline.stats.charts import monthly_categories_chart
from hotline.stats.definitions import DEFINITIONS
from hotline.stats.figures import Row, Standing, Statistics, as_of, group, percent, scoreboard, sort_count
from hotline.stats.hot_topics import HotTopics

TOP_CATEGORIES = 5
FEATURED = 3  # cases printed in a monthly bulletin


@dataclass(frozen=True, slots=True)
class Issue:
    """One bulletin: a month (第N期（总第M期）) or a year (年度报告)."""

    number: int | None  # 总第M期, counted from the first bulletin; None for a yearly report
    in_year: int | None  # 第N期, counted from the year's first bulletin; None for a yearly report
    row: Row  # name (2013年1月 / 2013年), key (2013-01 / 2013) and figures
    previous: Row | None  # the month or year before, when there was data before
    categories: tuple[Row, ...]  # top categories, most valid calls first
    standings: tuple[Standing, ...]
    featured: tuple[PublicCase, ...]
    updated: dt.datetime  # the day one of its records was last received or resolved

    @property
    def path(self) -> str:
        return f"bulletins/{self.row.key}.html"

    @property
    def pdf_path(self) -> str:
        return f"bulletins/{self.row.key}.pdf"

    @property
    def title(self) -> str:
        if self.number is None:
            return f"市长热线{self.row.name}年度报告"
        return f"市长热线简报 {self.heading}"

    @property
    def label(self) -> str:
        """第N期（总第M期）, as the printed bulletin is numbered."""
        return f"第{self.in_year}期（总第{self.number}期）"

    @property
    def heading(self) -> str:
        """2013年8月 第8期（总第20期）: the month first, so that no year follows
        总第M期 (总第120期）（2013年 reads as the number 1202013 told in pieces)."""
        return f"{self.row.name} {self.label}"

    @property
    def summary(self) -> str:
        """The figures as the bulletin opens, each count in a sentence of its
        own and each rate with its formula; the rest is in the table below it.
        Two counts in one sentence (已办结3184件，在办146件) read as a number
        told in pieces, and may be some caller's; so would a year and a count
        (2013年共受理3060件): a yearly report says 全年."""
        f = self.row.figures
        period = "全年" if self.number is None else self.row.name
        return (
            f"{period}共受理来电{f.records}件。已办结{f.resolved}件。"
            + "，".join(DEFINITIONS[key].quoted(percent(getattr(f, key)))
                       for key in ("followup_rate", "satisfaction_rate", "on_time_rate"))
            + "。"
        )


def write_bulletins(
    cases: CaseSet,
    stats: Statistics,
    hot: dict[str, HotTopics],
    out: SiteWriter,
    settings: HotlineSettings,
    helpers: dict[str, Any],
) -> None:
    """bulletins/YYYY-MM.html, bulletins/YYYY.html, bulletins/index.html and
    bulletins/feed.atom.xml, from the published figures `stats` and each
    month's hot topics `hot`; `helpers`: what the templates call to show figures."""
    months = monthly_issues(cases, stats, settings)
    years = yearly_issues(cases, stats, settings)
    months_by_year = {_key(y.row): [m for m in months if _key(m.row)[:4] == _key(y.row)] for y in years}
    pages: list[tuple[Issue, str]] = []
    for issue in months:
        pages.append((issue, out.render(issue.path, "bulletin.html", issue=issue, issues=months,
                                        hot=hot[_key(issue.row)], **helpers)))
    for issue in years:
        year = _key(issue.row)
        month_rows = tuple(m for m in stats.by_month if _key(m)[:4] == year)
        pages.append((issue, out.render(
            issue.path,
            "yearly.html",
            issue=issue,
            months=months_by_year[year],
            month_rows=month_rows,
            chart=monthly_categories_chart(stats.month_categories, stats.year_categories[year], month_rows,
                                           id=f"year-{year}"),
            districts=tuple(r for r in stats.year_districts[year] if r.figures.records),
            channels=stats.year_channels[year],
            hot=hot,
            **helpers,
        )))
    for issue, html in pages:
        out.write(issue.path, html)
    if settings.pdf:
        write_pdfs(pages, out, settings)
    path = "bulletins/index.html"
    out.write(path, out.render(
        path, "bulletins_index.html", months=months, years=years, months_by_year=months_by_year, **helpers))
    out.write("bulletins/feed.atom.xml", feed(months, years, settings))


def write_pdfs(pages: list[tuple[Issue, str]], out: SiteWriter, settings: HotlineSettings) -> None:
    """bulletins/YYYY-MM.pdf and bulletins/YYYY.pdf: each page as printed on A4
    (its print style sheet), guarded through its page and its own text, in
    parallel; its links lead to SITEURL.
    A PDF whose page and style sheets are those of the previous build is
    reused, not made again."""
    require_fonts("简报和年度报告的 PDF", "或在设置里写 HOTLINE['PDF'] = False，不出 PDF")
    static = Path(out.context["THEME"]) / "static"
    fetcher = LocalFiles({out.context.get("THEME_STATIC_DIR", "theme"): static}, settings.site_url)
    styles = [(p.name, p.read_bytes()) for p in sorted(static.glob("css/*.css"))]
    outputs = []
    for issue, html in pages:
        scope = frozenset(c.id for c in issue.featured) or None
        make = functools.partial(pdf_of_guarded_html, out.guard, issue.pdf_path, html, fetcher, scope, issue.path)
        outputs.append(Output(issue.pdf_path, issue.title, make, scope, key=("pdf", html, styles), read=pdf_text))
    out.write_all(outputs)


def monthly_issues(cases: CaseSet, stats: Statistics, settings: HotlineSettings) -> tuple[Issue, ...]:
    """A bulletin for every month with records, oldest first, numbered from 1
    since the first bulletin and again from 1 in each year."""
    published = group(cases.cases, lambda c: (month_key(c.received_at),))
    received = group(cases.facts, lambda f: (month_key(f.received_at),))
    issues: list[Issue] = []
    previous = None
    for row in stats.by_month:
        key = _key(row)
        if key in stats.month_categories:
            in_year = 1 + sum(1 for i in issues if _key(i.row)[:4] == key[:4])
            issues.append(_issue(len(issues) + 1, in_year, row, previous, stats.month_categories[key],
                                 stats.month_departments[key], received[key], published.get(key, []),
                                 settings))
        previous = row
    return tuple(issues)


def yearly_issues(cases: CaseSet, stats: Statistics, settings: HotlineSettings) -> tuple[Issue, ...]:
    """A report for every year with records, oldest first."""
    received = group(cases.facts, lambda f: (str(f.received_at.year),))
    issues: list[Issue] = []
    previous = None
    for row in stats.by_year:
        key = _key(row)
        if key in stats.year_categories:
            issues.append(_issue(None, None, row, previous, stats.year_categories[key],
                                 stats.year_departments[key], received[key], [], settings))
        previous = row
    return tuple(issues)


def _key(row: Row) -> str:
    """A month's or a year's key (2013-01, 2013): those rows always have one."""
    assert row.key is not None, f"{row.name} has no period key"
    return row.key


def _issue(number: int | None, in_year: int | None, row: Row, previous: Row | None, categories: tuple[Row, ...],
           departments: tuple[Row, ...], records: list[CaseFacts], published: list[PublicCase],
           settings: HotlineSettings) -> Issue:
    updated = as_of(records)
    assert updated is not None, "a bulletin's period has records"
    top = tuple(sorted((c for c in categories if c.figures.valid), key=lambda c: -sort_count(c.figures.valid))
                [:TOP_CATEGORIES])
    return Issue(
        number=number,
        in_year=in_year,
        row=row,
        previous=previous,
        categories=top,
        standings=scoreboard(departments, settings.min_sample),
        featured=featured(published, top),
        updated=day_start(updated, settings.timezone),
    )


def featured(cases: list[PublicCase], top: tuple[Row, ...], n: int = FEATURED) -> tuple[PublicCase, ...]:
    """Up to `n` cases, the latest resolved of each top category first, then the latest."""
    chosen: list[PublicCase] = []
    for category in top:
        case = next((c for c in cases if c.category.name == category.name), None)
        if case is not None:
            chosen.append(case)
    chosen += [c for c in cases if c not in chosen]
    return tuple(chosen[:n])


def feed(months: tuple[Issue, ...], years: tuple[Issue, ...], settings: HotlineSettings) -> bytes:
    """An Atom feed of every bulletin and yearly report, newest first.

    Ids are `urn:uuid:` names from the office and the path, as the case feeds
    make theirs; links are absolute with SITEURL, relative to the feed without.
    """
    base = f"{settings.site_url}/bulletins/" if settings.site_url else ""
    fg = FeedGenerator()
    fg.id(atom_id(settings, "bulletins/feed.atom.xml"))
    fg.title(f"{settings.office}《市长热线简报》")
    fg.subtitle("每月一期：受理、办结、回访和满意情况，部门三率排名，办理实例。")
    fg.language("zh-CN")
    fg.generator(settings.site_name)
    fg.link(href=f"{base}index.html", rel="alternate")
    fg.link(href=f"{base}feed.atom.xml", rel="self")
    issues = sorted(months + years, key=lambda i: (i.updated, i.number is None, i.row.key))
    fg.updated(max((i.updated for i in issues), default=dt.datetime(2000, 1, 1, tzinfo=settings.timezone)))
    for issue in issues:  # feedgen puts the last added entry first
        name = issue.path.removeprefix("bulletins/")
        entry = fg.add_entry()
        entry.id(atom_id(settings, issue.path))
        entry.title(issue.title)
        entry.link(href=f"{base}{name}", rel="alternate")
        entry.updated(issue.updated)
        entry.author(name=settings.office)
        entry.summary(issue.summary)
    return fg.atom_str(pretty=True)
