"""Figures computed from every record, published or not; only counts leave.

One definition for every place a figure appears (pages, bulletins, JSON,
ticker):
- records: all case files; invalid: status invalid; valid = records - invalid;
- in_progress: received + assigned; resolved: status resolved (published or
  withheld); published: resolved and not withheld;
- followed_up: resolved with a follow-up whose result is not unreachable;
  followup_rate = followed_up / resolved;
- satisfied: follow-ups satisfied or basically satisfied;
  satisfaction_rate = satisfied / followed_up;
- on_time: resolved within the deadline in Chinese working days;
  on_time_rate = on_time / resolved;
- rehandled: resolved cases sent back at least once;
  rehandled_rate = rehandled / resolved.
A rate over zero cases is None, shown as —. Each rate's definition, as
readers see it, is declared in `definitions` (the Rates properties below
compute the same fractions).

Breakdowns group records by the month and year they were received (so every
record is counted in exactly one month and the parts add up to the whole),
by category, department (a record handled by two departments counts for
each), district (those no published case names, and none, count under 其他)
and channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

import chinese_calendar

from hotline.dates import cn_month, month_key
from hotline.model import CHANNEL_NAMES, CaseFacts, District, Registries
from hotline.stats.definitions import RATES

if TYPE_CHECKING:  # disclosure imports this module
    from hotline.stats.disclosure import Shown, Withheld

_K = TypeVar("_K")  # a breakdown's key: a month, a year, a registry name (None: none)
_T = TypeVar("_T")  # what group() sorts: records, cases

DEFAULT_DEADLINE_DAYS = 10
DEFAULT_MIN_SAMPLE = 5
OTHER_DISTRICT = "其他"
NO_CATEGORY = "未分类"


@lru_cache(maxsize=None)
def is_working_day(day: dt.date) -> bool:
    """Official Chinese working day (holidays and make-up Saturdays included);
    outside the calendar library's years, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=None)
def _year_of_working_days(year: int) -> tuple[int, tuple[int, ...]]:
    """The ordinal of 1 January of `year`, and for each of its days the working days so far."""
    first = dt.date(year, 1, 1).toordinal()
    counts, n = [], 0
    for ordinal in range(first, dt.date(year + 1, 1, 1).toordinal()):
        n += is_working_day(dt.date.fromordinal(ordinal))
        counts.append(n)
    return first, tuple(counts)


def _working_days_through(day: dt.date) -> int:
    """Working days from 1 January of its year up to and including `day`."""
    first, counts = _year_of_working_days(day.year)
    return counts[day.toordinal() - first]


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if `end` is not later)."""
    if end <= start:
        return 0
    whole_years = sum(_year_of_working_days(y)[1][-1] for y in range(start.year, end.year))
    return whole_years + _working_days_through(end) - _working_days_through(start)


def on_time(fact: CaseFacts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> bool:
    return (
        fact.resolved_at is not None
        and working_days(fact.received_at.date(), fact.resolved_at.date()) <= deadline_days
    )


def rate(part: int | Withheld, whole: int | Withheld) -> float | None:
    """part / whole; None over zero cases or when either count is withheld (disclosure.py)."""
    return part / whole if isinstance(part, int) and isinstance(whole, int) and whole else None


def percent(value: float | None) -> str:
    """98.0% — one decimal; — when there was nothing to count."""
    return "—" if value is None else f"{value * 100:.1f}%"


def count_change(now: int | Withheld, before: int | Withheld | None) -> str:
    """+3 / −2 / 持平; — when there is nothing to compare with or either count is withheld."""
    if not isinstance(now, int) or not isinstance(before, int):
        return "—"
    diff = now - before
    return "持平" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff)}"


def rate_change(now: float | None, before: float | None) -> str:
    """The change of a rate in percentage points, as percent() rounds them:
    +2.3 个百分点; — when either rate is over zero cases."""
    if now is None or before is None:
        return "—"
    diff = Decimal(f"{now * 100:.1f}") - Decimal(f"{before * 100:.1f}")
    return "持平" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff)} 个百分点"


class Rates:
    """The rates of a row's counts (`Figures`, or `disclosure.Shown` where a
    withheld count gives None)."""

    __slots__ = ()

    if TYPE_CHECKING:  # the counts each subclass declares as fields
        followed_up: int | Withheld
        resolved: int | Withheld
        satisfied: int | Withheld
        on_time: int | Withheld
        rehandled: int | Withheld

    @property
    def followup_rate(self) -> float | None:
        return rate(self.followed_up, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.followed_up)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.resolved)

    @property
    def rehandled_rate(self) -> float | None:
        return rate(self.rehandled, self.resolved)

    def rates(self) -> dict[str, float | None]:
        """Every rate of a row, by key, as `definitions.RATES` declares them."""
        return {d.key: rate(getattr(self, d.numerator), getattr(self, d.denominator)) for d in RATES}


@dataclass(frozen=True, slots=True)
class Figures(Rates):
    records: int = 0
    invalid: int = 0
    in_progress: int = 0
    resolved: int = 0
    published: int = 0
    followed_up: int = 0
    satisfied: int = 0
    on_time: int = 0
    rehandled: int = 0

    @property
    def valid(self) -> int:
        return self.records - self.invalid

    def totals(self) -> dict[str, int]:
        return {
            "records": self.records, "invalid": self.invalid, "valid": self.valid,
            "in_progress": self.in_progress, "resolved": self.resolved, "published": self.published,
            "followed_up": self.followed_up, "satisfied": self.satisfied, "on_time": self.on_time,
            "rehandled": self.rehandled,
        }


IN_PROGRESS = ("received", "assigned")
SATISFIED = ("satisfied", "basically_satisfied")


def tally(f: CaseFacts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[int, ...]:
    """What one record adds to each count, in the order of Figures' fields."""
    resolved = f.status == "resolved"
    followed_up = resolved and f.followup_result is not None and f.followup_result != "unreachable"
    return (
        1,
        f.status == "invalid",
        f.status in IN_PROGRESS,
        resolved,
        resolved and f.published,
        followed_up,
        followed_up and f.followup_result in SATISFIED,
        resolved and on_time(f, deadline_days),
        resolved and f.rehandled > 0,
    )


def _sum(tallies: list[tuple[int, ...]]) -> Figures:
    return Figures(*map(sum, zip(*tallies, strict=False))) if tallies else Figures()


def figures(facts: Iterable[CaseFacts], deadline_days: int = DEFAULT_DEADLINE_DAYS) -> Figures:
    """The figures of a set of records."""
    return _sum([tally(f, deadline_days) for f in facts])


class Tally:
    """Records with what each adds to the counts, worked out once for all
    the breakdowns of a build (the on-time test is the costly part)."""

    def __init__(self, facts: Iterable[CaseFacts] = (), deadline_days: int = DEFAULT_DEADLINE_DAYS):
        self.deadline_days = deadline_days
        self.facts: list[CaseFacts] = list(facts)
        self.tallies = [tally(f, deadline_days) for f in self.facts]

    @classmethod
    def of(cls, facts: Iterable[CaseFacts] | Tally, deadline_days: int) -> Tally:
        return facts if isinstance(facts, Tally) else cls(facts, deadline_days)

    def extend(self, other: Tally) -> None:
        self.facts += other.facts
        self.tallies += other.tallies

    def figures(self) -> Figures:
        return _sum(self.tallies)

    def split(self, keys: Callable[[CaseFacts], Iterable[_K]]) -> dict[_K, Tally]:
        """The records by key; a record goes to every key `keys` gives it (none: nowhere)."""
        parts: dict[_K, Tally] = {}
        for f, t in zip(self.facts, self.tallies, strict=False):
            for k in keys(f):
                part = parts.get(k)
                if part is None:
                    part = parts[k] = Tally((), self.deadline_days)
                part.facts.append(f)
                part.tallies.append(t)
        return parts

    def by(self, keys: Callable[[CaseFacts], Iterable[_K]]) -> dict[_K, Figures]:
        return {k: part.figures() for k, part in self.split(keys).items()}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a breakdown: the name people read, a stable key
    (2013-01, 2013, a registry slug, a channel code; None for 其他/未分类)
    and its figures (as counted, or as shown once small counts are withheld)."""

    name: str
    key: str | None
    figures: Figures | Shown


def sort_count(count: int | Withheld) -> float:
    """Where a count sorts: a withheld one in the same place whatever it is
    (after every shown count but 0), so an order cannot tell it."""
    return count if isinstance(count, int) else 0.5


def group(items: Iterable[_T], keys: Callable[[_T], Iterable[_K]]) -> dict[_K, list[_T]]:
    """Items (records, cases) by key; an item goes to every key `keys` gives it."""
    groups: dict[_K, list[_T]] = {}
    for item in items:
        for k in keys(item):
            groups.setdefault(k, []).append(item)
    return groups


# Each breakdown takes records, or a Tally of them to count them only once.
Facts = Iterable[CaseFacts] | Tally


def by_month(facts: Facts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every month from the first to the last record received, empty ones included."""
    groups = Tally.of(facts, deadline_days).by(lambda f: (month_key(f.received_at),))
    if not groups:
        return ()
    first, last = min(groups), max(groups)
    year, month = int(first[:4]), int(first[5:])
    rows = []
    while (key := month_key(dt.date(year, month, 1))) <= last:
        rows.append(Row(cn_month(key), key, groups.get(key, Figures())))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(rows)


def by_year(facts: Facts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every year from the first to the last record received, empty ones included."""
    groups = Tally.of(facts, deadline_days).by(lambda f: (str(f.received_at.year),))
    if not groups:
        return ()
    years = range(int(min(groups)), int(max(groups)) + 1)
    return tuple(Row(f"{y}年", str(y), groups.get(str(y), Figures())) for y in years)


def by_category(facts: Facts, registries: Registries, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every registered category in registry order, then 未分类 if any record has none."""
    groups = Tally.of(facts, deadline_days).by(lambda f: (f.category,))
    rows = [Row(c.name, c.slug, groups.get(c.name, Figures())) for c in registries.categories]
    if None in groups:
        rows.append(Row(NO_CATEGORY, None, groups[None]))
    return tuple(rows)


def by_department(facts: Facts, registries: Registries, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every registered department in registry order; a record counts for
    each department that handled it, and for none if none did."""
    groups = Tally.of(facts, deadline_days).by(lambda f: f.departments)
    return tuple(Row(d.name, d.slug, groups.get(d.name, Figures())) for d in registries.departments)


def by_district(facts: Facts, districts: Iterable[District], deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every district published cases name, then 其他 (any other or none) if any."""
    groups = Tally.of(facts, deadline_days).by(lambda f: (f.district,))
    rows = [Row(d.name, d.slug, groups.get(d.name, Figures())) for d in districts]
    if None in groups:
        rows.append(Row(OTHER_DISTRICT, None, groups[None]))
    return tuple(rows)


def by_channel(facts: Facts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> tuple[Row, ...]:
    """Every channel (市长热线, 市长信箱, 其他渠道)."""
    groups = Tally.of(facts, deadline_days).by(lambda f: (f.channel,))
    return tuple(Row(name, code, groups.get(code, Figures())) for code, name in CHANNEL_NAMES.items())


@dataclass(frozen=True, slots=True)
class Statistics:
    """All figures of a set of records and their breakdowns: those of
    stats.json, and the finer ones of the bulletins and charts by month
    (2013-01) or year (2013) key, for the periods with records."""

    totals: Figures | Shown
    by_month: tuple[Row, ...]
    by_year: tuple[Row, ...]
    by_category: tuple[Row, ...]
    by_department: tuple[Row, ...]
    by_district: tuple[Row, ...]
    by_channel: tuple[Row, ...]
    as_of: dt.datetime | None  # the latest time received or resolved; None without records
    month_categories: dict[str, tuple[Row, ...]]
    month_departments: dict[str, tuple[Row, ...]]
    month_districts: dict[str, tuple[Row, ...]]
    year_categories: dict[str, tuple[Row, ...]]
    year_districts: dict[str, tuple[Row, ...]]
    year_channels: dict[str, tuple[Row, ...]]
    year_departments: dict[str, tuple[Row, ...]]

    BREAKDOWNS = ("by_month", "by_year", "by_category", "by_department", "by_district", "by_channel")
    FINER = ("month_categories", "month_departments", "month_districts", "year_categories", "year_districts", "year_channels",
             "year_departments")


def statistics(
    facts: Facts,
    registries: Registries,
    districts: Iterable[District],
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> Statistics:
    tallied = Tally.of(facts, deadline_days)
    districts = tuple(districts)
    months = sorted(tallied.split(lambda f: (month_key(f.received_at),)).items())
    years = sorted(tallied.split(lambda f: (str(f.received_at.year),)).items())
    return Statistics(
        totals=tallied.figures(),
        by_month=by_month(tallied),
        by_year=by_year(tallied),
        by_category=by_category(tallied, registries),
        by_department=by_department(tallied, registries),
        by_district=by_district(tallied, districts),
        by_channel=by_channel(tallied),
        as_of=as_of(tallied.facts),
        month_categories={k: by_category(part, registries) for k, part in months},
        month_departments={k: by_department(part, registries) for k, part in months},
        month_districts={k: by_district(part, districts) for k, part in months},
        year_categories={k: by_category(part, registries) for k, part in years},
        year_districts={k: by_district(part, districts) for k, part in years},
        year_channels={k: by_channel(part) for k, part in years},
        year_departments={k: by_department(part, registries) for k, part in years},
    )


def as_of(facts: Iterable[CaseFacts]) -> dt.datetime | None:
    """The latest time any of `facts` was received or resolved: when its figures last changed."""
    return max((t for f in facts for t in (f.received_at, f.resolved_at) if t is not None), default=None)


@dataclass(frozen=True, slots=True)
class Standing:
    """A department on the scoreboard; `rank` None: below the minimum sample."""

    rank: int | None
    row: Row


def scoreboard(rows: Iterable[Row], min_sample: int = DEFAULT_MIN_SAMPLE) -> tuple[Standing, ...]:
    """The 三率 ranking of departments that had records.

    Departments with at least `min_sample` resolved cases (and at least one;
    a withheld count is never enough) are ranked by satisfaction rate, then
    on-time rate, then follow-up rate, as shown (a withheld rate ranks as
    none); equal rates share a rank (1, 2, 2, 4), more cases first. The
    others follow, unranked, most cases first.
    """
    def enough(r: Row) -> bool:
        return isinstance(r.figures.resolved, int) and r.figures.resolved >= max(min_sample, 1)

    rows = [r for r in rows if r.figures.records]
    ranked = [r for r in rows if enough(r)]
    others = [r for r in rows if not enough(r)]

    def rates(r: Row) -> tuple[float, ...]:
        f = r.figures
        return tuple(-1.0 if v is None else v for v in (f.satisfaction_rate, f.on_time_rate, f.followup_rate))

    # enough() let in only rows whose resolved count is shown, an int.
    ranked.sort(key=lambda r: (tuple(-v for v in rates(r)), -sort_count(r.figures.resolved)))
    standings: list[Standing] = []
    for i, r in enumerate(ranked):
        tied = i and rates(ranked[i - 1]) == rates(r)
        standings.append(Standing(standings[-1].rank if tied else i + 1, r))
    others.sort(key=lambda r: -sort_count(r.figures.resolved))
    return tuple(standings) + tuple(Standing(None, r) for r in others)
