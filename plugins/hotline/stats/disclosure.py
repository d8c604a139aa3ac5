"""Small counts are withheld: statistics must not tell of a single unpublished case.

Statistics count every record, published or not, so a count of 1 or 2 for a
category, department or district in a month tells a reader that one
particular unpublished call exists. Every count from 1 to MIN_CELL - 1 of a
row that names a category, department, district or channel (over all years,
a year or a month) is shown as "<3" (primary suppression; 0 stays 0: nothing
to hide). Counts by time alone (the whole, a year, a month) point at no
place, office or subject and are always shown.

A withheld count must not be recoverable from the others either. The cells
of every table are tied by sums a reader can use:
- within a row: records = invalid + valid, valid = in_progress + resolved;
  resolved - published and records - published count the withheld and the
  unpublished records, and published counts are public (the open data);
- down a column: the months of a year add up to the year, the years, the
  categories, the districts or the channels to the whole, the months (years)
  of a category, district, channel or department to its year (its total).
After withholding the small counts we work out, as a reader could, the least
and most each unknown cell can be from these sums and what is shown ("<3":
1 to MIN_CELL - 1; "×": a count withheld for this reason, at least MIN_CELL).
While a small count (shown or not) is pinned to one value, the smallest
non-zero shown count in a sum with it (or, failing that, in a sum with a cell
the reader has pinned on the way) is withheld too, as "×" (complementary
suppression), and the reader's reckoning starts again. Only counts by
category, department, district or channel are withheld so: a count by time
alone is a figure readers quote and is always shown, even where, with zeros
beside it, it pins a small count (one month, one category, one call). Such a
count, pinned whatever else is withheld, withholds nothing beyond its own row.

Rates, shares and changes are shown only when every count they come from is
shown, and orders use what is shown (`stats.sort_count`).
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.fingerprint import fingerprint
from hotline.stats import definitions
from hotline.stats.figures import Figures, Rates, Row, Statistics, Tally, statistics

if TYPE_CHECKING:
    from hotline.model import CaseSet
    from hotline.settings import HotlineSettings

SMALL = "small"  # 1 to MIN_CELL - 1: shown as <3
COMPLEMENTARY = "complementary"  # withheld so that a small count cannot be worked out: ×
DERIVED = "derived"  # a rate computed from a withheld count

COUNTS = ("records", "invalid", "valid", "in_progress", "resolved", "published", "followed_up", "satisfied",
          "on_time", "rehandled")
RATES = {d.key: (d.numerator, d.denominator) for d in definitions.RATES}
# The counts each finer table prints (rates count as their two counts); the
# other tables print every count (stats.json, the figures tables).
CATEGORY_COUNTS = ("valid", "resolved", "followed_up", "satisfied")  # top categories, charts
DEPARTMENT_COUNTS = ("records", "resolved", "followed_up", "satisfied", "on_time", "rehandled")  # scoreboards
DISTRICT_COUNTS = ("valid",)  # a month's districts: hot topics (hot_topics.py)

# Cells never shown but worked out from shown ones and the public cases.
CELLS = COUNTS + ("withheld", "unpublished")
ROW_SUMS = (
    ("records", ("invalid", "valid")),
    ("valid", ("in_progress", "resolved")),
    ("resolved", ("published", "withheld")),
    ("records", ("published", "unpublished")),
    ("unpublished", ("invalid", "in_progress", "withheld")),
)


@dataclass(frozen=True, slots=True)
class Withheld:
    """A count not shown: `reason` SMALL (1 to `below` - 1) or COMPLEMENTARY."""

    reason: str
    below: int

    def __str__(self) -> str:
        return f"<{self.below}" if self.reason == SMALL else "×"


Count = int | Withheld


@dataclass(frozen=True, slots=True)
class Shown(Rates):
    """A row's figures as published: the attributes of `stats.Figures`, a
    withheld count as `Withheld`, a rate over a withheld count as None."""

    records: Count
    invalid: Count
    valid: Count
    in_progress: Count
    resolved: Count
    published: Count
    followed_up: Count
    satisfied: Count
    on_time: Count
    rehandled: Count

    def totals(self) -> dict[str, int | None]:
        return {name: v if isinstance(v, int) else None for name in COUNTS for v in [getattr(self, name)]}

    def withheld(self) -> dict[str, str]:
        """Why each count or rate is not shown, by name (stats.json's `suppressed`)."""
        out = {name: v.reason for name in COUNTS for v in [getattr(self, name)] if isinstance(v, Withheld)}
        for name, (part, whole) in RATES.items():
            if part in out or whole in out:
                out[name] = DERIVED
        return out


def shown(figures: Figures) -> Shown:
    """Every count shown (MIN_CELL 1)."""
    return Shown(**figures.totals())


class Cells:
    """The counts of every table as one set of cells tied by sums, and the
    reckoning a reader can do with them."""

    def __init__(self, min_cell: int):
        self.min_cell = min_cell
        self.value: list[int] = []
        self.printed: list[bool] = []
        self.sensitive: list[bool] = []
        self.sums: list[tuple[int, tuple[int, ...]]] = []  # (whole, parts)
        self.in_row: list[bool] = []  # whether each sum is one within a row

    def row(self, figures: Figures, printed: tuple[str, ...], sensitive: bool) -> dict[str, int]:
        """Add a row's cells and the sums within it; returns the cell of each name.
        `sensitive`: the row names a category, department, district or channel."""
        values = {**figures.totals(), "withheld": figures.resolved - figures.published,
                  "unpublished": figures.records - figures.published}
        ids = {}
        for name in CELLS:
            ids[name] = len(self.value)
            self.value.append(values[name])
            self.printed.append(name in printed)
            self.sensitive.append(sensitive)
        self.sums += [(ids[whole], tuple(ids[p] for p in parts)) for whole, parts in ROW_SUMS]
        self.in_row += [True] * len(ROW_SUMS)
        return ids

    def add_up(self, whole: dict[str, int], parts: list[dict[str, int]]) -> None:
        """Rows `parts` add up to row `whole`, cell by cell."""
        if parts:
            self.sums += [(whole[name], tuple(p[name] for p in parts)) for name in CELLS]
            self.in_row += [False] * len(CELLS)

    def solve(self) -> list[str | None]:
        """For each cell: None (shown), SMALL or COMPLEMENTARY."""
        small = [s and 1 <= v < self.min_cell for v, s in zip(self.value, self.sensitive, strict=False)]
        state = [SMALL if p and s else None for p, s in zip(self.printed, small, strict=False)]
        self.top = max(self.value, default=0)  # no count is more than all records (the whole is shown)
        self._sums_of: list[list[int]] = [[] for _ in self.value]
        for k, (whole, parts) in enumerate(self.sums):
            for c in (whole, *parts):
                self._sums_of[c].append(k)
        # A small count still pinned with every count that may be withheld
        # withheld is pinned by counts by time alone: withholding more is in vain.
        lo, hi = self._bounds([COMPLEMENTARY if self._may_withhold(c, state) else s for c, s in enumerate(state)])
        protectable = [s and lo[i] != hi[i] for i, s in enumerate(small)]
        protected = [i for i, p in enumerate(protectable) if p]
        while True:
            self._close(state, small, protectable)
            lo, hi = self._bounds(state)
            disclosed = [i for i in protected if lo[i] == hi[i]]
            if not disclosed:
                return state
            dead: set[int] = set()
            choice = {i: self._complement(i, state, lo, hi, dead) for i in disclosed}
            protected = [i for i in protected if choice.get(i, -1) is not None]  # None: nothing left to withhold
            for j in {c for c in choice.values() if c is not None}:
                state[j] = COMPLEMENTARY

    def _close(self, state: list[str | None], small: list[bool], protectable: list[bool]) -> None:
        """The plain rule, to a fixpoint: a sum whose only unknown cell is a
        complementary count or a small one that can be protected gets its
        smallest non-zero shown count withheld too. Cheap, and most of what
        `solve` needs. A small count that cannot be protected is still not
        left to its own row's sums (10 = <3 + 9), but is not followed
        through the tables: that would withhold counts in vain."""
        queue = deque(range(len(self.sums)))
        queued = set(queue)
        while queue:
            k = queue.popleft()
            queued.discard(k)
            whole, parts = self.sums[k]
            members = (whole, *parts)
            unknown = [c for c in members if not (self.printed[c] and state[c] is None)]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            if not (state[u] == COMPLEMENTARY or protectable[u] or (small[u] and self.in_row[k])):
                continue
            shown = [(self.value[c], c) for c in members if self._may_withhold(c, state)]
            if shown:
                c = min(shown)[1]
                state[c] = COMPLEMENTARY
                for k2 in self._sums_of[c]:
                    if k2 not in queued:
                        queue.append(k2)
                        queued.add(k2)

    def _may_withhold(self, c: int, state: list[str | None]) -> bool:
        """Whether cell `c` may be withheld to protect another: a shown,
        non-zero count by category, department, district or channel. Counts by
        time alone (the whole, a year's, a month's) are the figures readers
        quote, the LED screen shows and newspapers print: never withheld."""
        return self.printed[c] and state[c] is None and self.value[c] > 0 and self.sensitive[c]

    def _domain(self, i: int, state: list[str | None]) -> tuple[int, int]:
        """What a reader knows of cell `i` before any reckoning."""
        if self.printed[i] and state[i] is None:
            return self.value[i], self.value[i]
        if self.printed[i] and state[i] == SMALL:
            return 1, self.min_cell - 1
        if self.printed[i]:  # complementary: never 0, and never small where small ones are <3
            return (self.min_cell if self.sensitive[i] else 1), self.top
        return 0, self.top

    def _bounds(self, state: list[str | None]) -> tuple[list[int], list[int]]:
        """The least and most each cell can be, for a reader who sees the cells `state` shows."""
        lo, hi = map(list, zip(*(self._domain(i, state) for i in range(len(self.value))), strict=False)) if self.value else ([], [])
        queue = deque(k for k, (w, parts) in enumerate(self.sums) if any(lo[c] != hi[c] for c in (w, *parts)))
        queued = set(queue)
        while queue:
            k = queue.popleft()
            queued.discard(k)
            whole, parts = self.sums[k]
            sum_lo, sum_hi = sum(lo[p] for p in parts), sum(hi[p] for p in parts)
            changed = []
            if sum_lo > lo[whole] or sum_hi < hi[whole]:
                lo[whole], hi[whole] = max(lo[whole], sum_lo), min(hi[whole], sum_hi)
                changed.append(whole)
            for p in parts:
                least = lo[whole] - (sum_hi - hi[p])
                most = hi[whole] - (sum_lo - lo[p])
                if least > lo[p] or most < hi[p]:
                    lo[p], hi[p] = max(lo[p], least), min(hi[p], most)
                    changed.append(p)
            for c in changed:
                if lo[c] > hi[c]:
                    raise RuntimeError(f"disclosure: the sums do not hold (cell {c})")
                for k2 in self._sums_of[c]:
                    if k2 not in queued:
                        queue.append(k2)
                        queued.add(k2)
        return lo, hi

    def _pins(self, k: int, i: int, state: list[str | None], lo: list[int], hi: list[int]) -> bool:
        """Whether sum `k` alone, with what is known of its other cells, gives cell `i` one value."""
        whole, parts = self.sums[k]
        if i == whole:
            least, most = sum(lo[p] for p in parts), sum(hi[p] for p in parts)
        else:
            others = [p for p in parts if p != i]
            least, most = lo[whole] - sum(hi[p] for p in others), hi[whole] - sum(lo[p] for p in others)
        first, last = self._domain(i, state)
        return max(least, first) == min(most, last)

    def _complement(self, i: int, state: list[str | None], lo: list[int], hi: list[int], dead: set[int]) -> int | None:
        """A shown count to withhold so that cell `i` is no longer pinned: the
        smallest non-zero one in a sum that pins it; failing that, one that
        frees a cell pinned on the way (depth first, with a stack: the way can
        be long); failing that, the smallest in any sum with it. None if there is none.
        `dead`: cells a search with the same `state` went through in vain; a
        search that finds nothing adds its cells (every way on from them was tried)."""
        if i in dead:
            return None
        seen: set[int] = set()

        def visit(c: int) -> tuple[int | None, list[int]]:
            """The count to withhold for cell `c` from the sums with it, and the cells of those sums."""
            seen.add(c)
            pinning = [k for k in self._sums_of[c] if self._pins(k, c, state, lo, hi)] or self._sums_of[c]
            members = [m for k in pinning for m in (self.sums[k][0], *self.sums[k][1])]
            candidates = [(self.value[m], m) for m in members if self._may_withhold(m, state)]
            return (min(candidates)[1] if candidates else None), members

        found, members = visit(i)
        stack = [iter(members)]
        while found is None and stack:
            c = next(stack[-1], None)
            if c is None:
                stack.pop()
            elif c not in seen and c not in dead and lo[c] == hi[c] and not (self.printed[c] and state[c] is None):
                found, members = visit(c)
                stack.append(iter(members))
        if found is None:
            dead |= seen
        return found


def suppress(stats: Statistics, min_cell: int) -> Statistics:
    """`stats` as published: every row's figures `Shown`, small counts and
    those they could be worked out from withheld."""
    if min_cell <= 1:
        return _rebuild(stats, shown)
    cells = Cells(min_cell)
    placed: dict[int, tuple[dict[str, int], tuple[str, ...]]] = {}  # id(figures) -> its cells, printed counts

    def add(row_figures: Figures | Shown, printed: tuple[str, ...], sensitive: bool) -> dict[str, int]:
        figures = _counted(row_figures)
        placed[id(figures)] = (cells.row(figures, printed, sensitive), printed)
        return placed[id(figures)][0]

    def table(rows: tuple[Row, ...], printed: tuple[str, ...] = COUNTS, sensitive: bool = True) -> dict[str, dict[str, int]]:
        """The cells of each row by its key (its name for 其他 and 未分类)."""
        return {r.key or r.name: add(r.figures, printed, sensitive) for r in rows}

    total = add(stats.totals, COUNTS, False)
    whole = {name: table(getattr(stats, name), sensitive=name not in ("by_month", "by_year"))
             for name in Statistics.BREAKDOWNS}
    printed = {"month_categories": CATEGORY_COUNTS, "year_categories": CATEGORY_COUNTS,
               "month_departments": DEPARTMENT_COUNTS, "year_departments": DEPARTMENT_COUNTS,
               "month_districts": DISTRICT_COUNTS}
    finer = {name: {key: table(rows, printed.get(name, COUNTS)) for key, rows in getattr(stats, name).items()}
             for name in Statistics.FINER}
    for name in ("by_year", "by_category", "by_district", "by_channel"):
        cells.add_up(total, list(whole[name].values()))
    for year, ids in whole["by_year"].items():
        cells.add_up(ids, [m for key, m in whole["by_month"].items() if key[:4] == year])
    for name in ("month_categories", "month_districts"):
        for key, parts in finer[name].items():
            cells.add_up(whole["by_month"][key], list(parts.values()))
    for name in ("year_categories", "year_districts", "year_channels"):
        for year, parts in finer[name].items():
            cells.add_up(whole["by_year"][year], list(parts.values()))

    def across(wholes: dict[str, dict[str, int]], periods: list[dict[str, dict[str, int]]]) -> None:
        """Each name's row in `wholes` is the sum of its rows in `periods`."""
        for name, ids in wholes.items():
            cells.add_up(ids, [p[name] for p in periods if name in p])

    for by, per_year in (("by_category", "year_categories"), ("by_district", "year_districts"),
                         ("by_channel", "year_channels"), ("by_department", "year_departments")):
        across(whole[by], list(finer[per_year].values()))
    for per_year, per_month in (("year_categories", "month_categories"), ("year_departments", "month_departments"),
                                ("year_districts", "month_districts")):
        for year, rows in finer[per_year].items():
            across(rows, [parts for key, parts in finer[per_month].items() if key[:4] == year])
    state = cells.solve()

    def show(figures: Figures) -> Shown:
        ids, row_printed = placed[id(figures)]
        values: dict[str, Count] = {}
        for name in COUNTS:
            i = ids[name]
            if name not in row_printed:  # never printed: withheld like a complementary cell
                values[name] = Withheld(COMPLEMENTARY, min_cell)
            else:
                reason = state[i]
                values[name] = cells.value[i] if reason is None else Withheld(reason, min_cell)
        return Shown(**values)

    return _rebuild(stats, show)


def _counted(figures: Figures | Shown) -> Figures:
    """Figures as counted: what every row holds before `suppress` shows them."""
    assert isinstance(figures, Figures), "statistics already shown"
    return figures


def _rebuild(stats: Statistics, show: Callable[[Figures], Shown]) -> Statistics:
    """`stats` with the figures of every row as `show` gives them."""

    def table(rows: tuple[Row, ...]) -> tuple[Row, ...]:
        return tuple(Row(r.name, r.key, show(_counted(r.figures))) for r in rows)

    def tables(parts: dict[str, tuple[Row, ...]]) -> dict[str, tuple[Row, ...]]:
        return {k: table(rows) for k, rows in parts.items()}

    return Statistics(
        totals=show(_counted(stats.totals)),
        by_month=table(stats.by_month),
        by_year=table(stats.by_year),
        by_category=table(stats.by_category),
        by_department=table(stats.by_department),
        by_district=table(stats.by_district),
        by_channel=table(stats.by_channel),
        as_of=stats.as_of,
        month_categories=tables(stats.month_categories),
        month_departments=tables(stats.month_departments),
        month_districts=tables(stats.month_districts),
        year_categories=tables(stats.year_categories),
        year_districts=tables(stats.year_districts),
        year_channels=tables(stats.year_channels),
        year_departments=tables(stats.year_departments),
    )


_last: list = []  # [(cases, deadline_days, min_cell), statistics]: the last build's


def site_statistics(cases: CaseSet, settings: HotlineSettings, store: Path | None = None, code: str = "") -> Statistics:
    """The published statistics of a build's records, worked out once for
    every output that shows them (pages, bulletins, stats.json, home page,
    LED screens).

    Withholding (`suppress`) is the costly part and depends only on the
    counts: `store`, a file beside the output (never in it), keeps the last
    counts' fingerprint and their published statistics, so a rebuild whose
    counts did not change (a text edit) does not work them out again;
    `code` fingerprints the code that worked them out.
    """
    if _last and _last[0][0] is cases and _last[0][1:] == (settings.deadline_days, settings.min_cell):
        return _last[1]
    counted = statistics(Tally(cases.facts, settings.deadline_days), cases.registries, cases.districts)
    key = fingerprint(counted, settings.min_cell, code)
    result = _stored(store, key)
    if result is None:
        result = suppress(counted, settings.min_cell)
        _store(store, key, result)
    _last[:] = [(cases, settings.deadline_days, settings.min_cell), result]
    return result


_solved: dict[str, Statistics] = {}  # the last counts' fingerprint -> their published statistics


def _stored(store: Path | None, key: str) -> Statistics | None:
    """The published statistics of the counts `key`, from the last build in
    this process or from `store`; None if neither has them."""
    if key in _solved:
        return _solved[key]
    if store is None:
        return None
    try:
        with open(store, "rb") as f:
            stored_key, result = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None  # no store yet, or one of other code: worked out again
    return result if stored_key == key else None


def _store(store: Path | None, key: str, result: Statistics) -> None:
    """Remember `result` for the counts `key`; a failure to write only costs time."""
    _solved.clear()
    _solved[key] = result
    if store is None:
        return
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((key, result), pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, store)
    except OSError:
        pass
