"""The case listings: all cases, by category, department, district and month.

Each listing is newest first and split into pages of `per_page` cases:
…/index.html, …/page/2.html, … Every registry category and department has
its listing (also when it has no published case yet, so its URL and feed
are stable); districts and months exist as the published cases name them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hotline.dates import cn_month
from hotline.model import CaseSet, Category, Department, District, PublicCase
from hotline.site import urls
from hotline.site.navigation import NAVIGATION

# The listing kinds; their names and index pages are those of the navigation.
KINDS = ("cases", "category", "department", "district", "month")
KIND_NAMES = {item.section: item.label for item in NAVIGATION if item.section in KINDS}
INDEX_URLS = {item.section: item.url for item in NAVIGATION if item.section in KINDS}


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing: its kind, what it lists, where its first page is."""

    kind: str  # a key of KIND_NAMES
    title: str  # 城市管理 / 市城管执法局 / 平桥区 / 2013年1月 / 全部案件
    first: str  # relpath of page 1
    cases: tuple[PublicCase, ...]  # newest first
    subject: Category | Department | District | str | None = None  # str: a `YYYY/MM` month
    feed: str | None = None  # relpath of its Atom feed
    areas: tuple[str, ...] = ()  # district listings: the areas its cases name, in first-seen order


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing."""

    listing: Listing
    number: int  # 1-based
    count: int  # pages in the listing (at least 1)
    cases: tuple[PublicCase, ...]

    @property
    def path(self) -> str:
        return urls.page_url(self.listing.first, self.number)

    def url(self, number: int) -> str:
        """Relpath of another page of the same listing."""
        return urls.page_url(self.listing.first, number)

    def window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; None marks a gap."""
        near = range(max(1, self.number - radius), min(self.count, self.number + radius) + 1)
        out: list[int | None] = []
        previous = 0
        for n in sorted({1, self.count, *near}):
            if n - previous > 1:
                out.append(None)
            out.append(n)
            previous = n
        return out


def listings(cases: CaseSet) -> dict[str, list[Listing]]:
    """Every listing, by kind, each kind in its display order."""
    groups: dict[tuple[str, object], list[PublicCase]] = {}
    for case in cases.cases:  # one pass: each case goes to its category, departments, district and month
        for group in (("category", case.category), ("district", case.district), ("month", case.month),
                      *(("department", d) for d in case.departments)):
            groups.setdefault(group, []).append(case)

    def having(kind: str, subject: object) -> tuple[PublicCase, ...]:
        return tuple(groups.get((kind, subject), ()))

    def areas(district: District) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.area for c in having("district", district) if c.area))

    months = sorted({c.month for c in cases.cases}, reverse=True)
    return {
        "cases": [Listing("cases", KIND_NAMES["cases"], INDEX_URLS["cases"], cases.cases, feed=urls.FEED_ALL)],
        "category": [
            Listing("category", cat.name, urls.category_url(cat), having("category", cat), cat,
                    urls.category_feed_url(cat))
            for cat in cases.registries.categories
        ],
        "department": [
            Listing("department", d.name, urls.department_url(d), having("department", d), d,
                    urls.department_feed_url(d))
            for d in cases.registries.departments
        ],
        "district": [
            Listing("district", d.name, urls.district_url(d), having("district", d), d, areas=areas(d))
            for d in cases.districts
        ],
        "month": [Listing("month", cn_month(m), urls.month_url(m), having("month", m), m) for m in months],
    }


def by_year(month_listings: list[Listing]) -> list[tuple[str, list[Listing]]]:
    """Month listings grouped by year: [('2013', [12月, 11月, …]), …], order kept."""
    years: dict[str, list[Listing]] = {}
    for listing in month_listings:
        years.setdefault(str(listing.subject)[:4], []).append(listing)
    return list(years.items())


def pages(listing: Listing, per_page: int) -> Iterator[Page]:
    """The listing's pages; an empty listing still has its first page."""
    count = max(1, -(-len(listing.cases) // per_page))
    for number in range(1, count + 1):
        start = (number - 1) * per_page
        yield Page(listing, number, count, listing.cases[start:start + per_page])
