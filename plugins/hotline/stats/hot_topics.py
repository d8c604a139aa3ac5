"""The hot topics (热点问题) of a month: the categories and districts whose
valid calls rose most against the average of the three months before, and
the words the month's published headlines use most.

- Rise: this month's valid calls minus the average of the three calendar
  months before (an absolute rise, in calls); a month without records counts
  0. Only rises above 0 of registered categories and districts (not 未分类,
  其他) are listed, largest first, ties by more calls this month, then in
  registry order. The first three months from the first with records have
  no history and list none.
- Disclosure: a rise is listed only when all four counts are shown (none
  withheld by disclosure.py), so it tells nothing a reader could not work
  out from the published figures; the month's district counts take part in
  the withholding like every other table (disclosure.DISTRICT_COUNTS).
- Terms: the month's published headlines (public text) cut by jieba with its
  dictionary only (the same every run); words of one character, without a
  letter, or in the stop-word list (stopwords.txt) are left out. A word
  counts once per case and is listed when at least max(MIN_CELL, 2) cases
  use it, most cases first, ties in code point order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from importlib import resources

from hotline.dates import cn_month, month_key
from hotline.model import PublicCase
from hotline.stats.figures import Row, Statistics, group

HISTORY = 3  # months the rise is measured against
TOP_RISES = 3  # categories and districts listed
TOP_TERMS = 8  # headline words listed
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)  # a letter (Chinese characters included)


@dataclass(frozen=True, slots=True)
class Rise:
    """A category or district: its row this month and its valid calls in the three months before."""

    row: Row
    before: tuple[int, ...]

    @property
    def count(self) -> int:
        assert isinstance(self.row.figures.valid, int), "a rise is listed only from shown counts"
        return self.row.figures.valid

    @property
    def average(self) -> Fraction:
        return Fraction(sum(self.before), len(self.before))

    @property
    def rise(self) -> Fraction:
        return self.count - self.average


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    cases: int


@dataclass(frozen=True, slots=True)
class HotTopics:
    """A month's hot topics; `history` False: fewer than three months before it."""

    key: str  # 2013-05
    history: bool
    categories: tuple[Rise, ...]
    districts: tuple[Rise, ...]
    terms: tuple[Term, ...]
    min_cases: int  # the fewest cases a listed word is in

    @property
    def name(self) -> str:
        return cn_month(self.key)

    def sentence(self, period: str) -> str:
        """One sentence, `period` 本月 or 2013年5月: 本月热点：供水供电（+7 件，较前三个月平均）……; empty without any."""
        rises = [f"{r.row.name}（{signed(r.rise)} 件，较前三个月平均）" for r in (*self.categories, *self.districts)]
        words = "、".join(t.word for t in self.terms)
        parts = ["、".join(rises)] if rises else []
        if words:
            parts.append(f"标题常用词：{words}")
        return f"{period}热点：{'；'.join(parts)}。" if parts else ""


def number(value: Fraction | int) -> str:
    """7, 6.7: calls to one decimal, whole numbers without one."""
    return str(int(value)) if value == int(value) else f"{float(value):.1f}"


def signed(rise: Fraction) -> str:
    """A rise (always above 0): +7, +1.7"""
    return f"+{number(rise)}"


def monthly_hot_topics(stats: Statistics, cases: Iterable[PublicCase], min_cell: int) -> dict[str, HotTopics]:
    """The hot topics of every month of `stats.by_month` (published figures), by month key."""
    headlines = group(cases, lambda c: (month_key(c.received_at),))
    months = [r.key for r in stats.by_month if r.key is not None]
    min_cases = max(min_cell, 2)
    topics = {}
    for i, key in enumerate(months):
        history = months[i - HISTORY:i] if i >= HISTORY else []
        topics[key] = HotTopics(
            key=key,
            history=bool(history),
            categories=risers(stats.month_categories, key, history),
            districts=risers(stats.month_districts, key, history),
            terms=headline_terms([c.headline for c in headlines.get(key, [])], min_cases),
            min_cases=min_cases,
        )
    return topics


def latest_complete_month(stats: Statistics) -> str | None:
    """The latest month of `stats.by_month` before the month of the latest
    record (`stats.as_of`), which may still be going on; None if there is none."""
    if stats.as_of is None:
        return None
    current = month_key(stats.as_of)
    return max((r.key for r in stats.by_month if r.key is not None and r.key < current), default=None)


def risers(tables: dict[str, tuple[Row, ...]], key: str, history: list[str]) -> tuple[Rise, ...]:
    """The rows of month `key` (`tables`: rows by month, a month without
    records missing) whose shown valid calls rose most above their shown
    average over the `history` months."""
    if not history or key not in tables:
        return ()
    before = [{r.key: r.figures.valid for r in tables.get(month, ())} for month in history]
    rises = []
    for order, row in enumerate(tables[key]):
        counts = [row.figures.valid, *(b.get(row.key, 0) for b in before)]
        shown = [c for c in counts if isinstance(c, int)]
        if row.key is not None and len(shown) == len(counts):
            rise = Rise(row, tuple(shown[1:]))
            if rise.rise > 0:
                rises.append((-rise.rise, -rise.count, order, rise))
    return tuple(r for *_, r in sorted(rises, key=lambda t: t[:3])[:TOP_RISES])


def headline_terms(headlines: list[tuple[str, ...]], min_cases: int) -> tuple[Term, ...]:
    """The words at least `min_cases` of `headlines` (each one or two lines) use, most used first."""
    if len(headlines) < min_cases:
        return ()
    stop = stopwords()
    counts: Counter[str] = Counter()
    for lines in headlines:
        words = frozenset().union(*map(_words, lines))
        counts.update(w for w in words if len(w) > 1 and _WORD.search(w) and w not in stop)
    ranked = sorted((t for t in counts.items() if t[1] >= min_cases), key=lambda t: (-t[1], t[0]))
    return tuple(Term(word, n) for word, n in ranked[:TOP_TERMS])


@lru_cache(maxsize=1 << 18)
def _words(line: str) -> frozenset[str]:
    """The words jieba cuts one headline line into; remembered, so that a
    live rebuild (`hotline watch`) cuts only the lines it has not seen."""
    return frozenset(_jieba().cut(line, HMM=False))


@cache
def stopwords() -> frozenset[str]:
    """The words stopwords.txt lists."""
    text = resources.files("hotline.stats").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@cache
def _jieba():
    """jieba's tokenizer, its dictionary loaded once (about a second) and only
    when a month has headlines to cut; quietly (it logs to stderr)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.dt
