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
- rehandled: resolved cases sent back at least once.
A rate over zero cases is None, shown as —.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from .public import CaseFacts

DEFAULT_DEADLINE_DAYS = 10


@lru_cache(maxsize=None)
def is_working_day(day: dt.date) -> bool:
    """Official Chinese working day (holidays and make-up Saturdays included);
    outside the calendar library's years, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    return sum(is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))


def on_time(fact: CaseFacts, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> bool:
    return (
        fact.resolved_at is not None
        and working_days(fact.received_at.date(), fact.resolved_at.date()) <= deadline_days
    )


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """98.0% — one decimal; — when there was nothing to count."""
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True, slots=True)
class Figures:
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

    @property
    def followup_rate(self) -> float | None:
        return rate(self.followed_up, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.followed_up)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.resolved)

    def totals(self) -> dict[str, int]:
        return {
            "records": self.records, "invalid": self.invalid, "valid": self.valid,
            "in_progress": self.in_progress, "resolved": self.resolved, "published": self.published,
            "followed_up": self.followed_up, "satisfied": self.satisfied, "on_time": self.on_time,
            "rehandled": self.rehandled,
        }

    def rates(self) -> dict[str, float | None]:
        return {
            "followup_rate": self.followup_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "on_time_rate": self.on_time_rate,
        }


def figures(facts: Iterable[CaseFacts], deadline_days: int = DEFAULT_DEADLINE_DAYS) -> Figures:
    """The figures of a set of records."""
    counts = dict.fromkeys(Figures.__slots__, 0)
    for f in facts:
        counts["records"] += 1
        if f.status == "invalid":
            counts["invalid"] += 1
        elif f.status in ("received", "assigned"):
            counts["in_progress"] += 1
        elif f.status == "resolved":
            counts["resolved"] += 1
            counts["published"] += f.published
            if f.followup_result and f.followup_result != "unreachable":
                counts["followed_up"] += 1
                counts["satisfied"] += f.followup_result in ("satisfied", "basically_satisfied")
            counts["on_time"] += on_time(f, deadline_days)
            counts["rehandled"] += f.rehandled > 0
    return Figures(**counts)
