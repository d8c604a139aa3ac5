"""Charts drawn at build time as inline SVG with pygal, in the site's red and
black, each with the data table printed beside it.

pygal's defaults reach for the internet (a tooltip script from
kozea.github.io, optionally Google fonts) and stamp every chart with a random
id, today's date and links to its home page. Here: no script at all, the
system's CJK font stack, ids from the chart's name and no comments, so a
chart is the same bytes for the same figures and works offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

from hotline.stats.disclosure import COMPLEMENTARY, Count, Withheld
from hotline.stats.figures import Row, percent, sort_count

TOP_CATEGORIES = 6  # categories drawn on their own in the monthly chart; the rest are 其他类别
OTHER_CATEGORIES = "其他类别"

# The site's sans-serif stack and colours (theme/static/css/site.css).
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Heiti SC", sans-serif'
RED = "#b0131b"
INK = "#1c1c1c"
# Series colours: the masthead red and ink first, then tints told apart in grey print too.
PALETTE = (RED, INK, "#e0736f", "#7a7a7a", "#8c4a2f", "#c9a227", "#3f5866", "#f2b8b5", "#b0b0b0", "#5c1a1a")
OTHER_COLOUR = "#d9d9d9"


def _style(colours: Sequence[str] = PALETTE, stroke_width: int = 1) -> Style:
    return Style(
        font_family=SANS,
        background="transparent",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle="#6b6b6b",
        guide_stroke_color="#d0d0d0",
        major_guide_stroke_color="#a0a0a0",
        opacity="1",
        opacity_hover="0.85",
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=15,
        value_font_size=14,
        title_font_size=18,
        no_data_font_size=28,
        colors=tuple(colours),
        stroke_width=str(stroke_width),
        stroke_width_hover=str(stroke_width + 1),
        transition="0s",
    )


COMMON = dict(
    js=[],  # pygal's default loads a tooltip script from kozea.github.io
    disable_xml_declaration=True,
    legend_at_bottom=True,
    legend_box_size=14,
    truncate_legend=-1,
    truncate_label=-1,
    no_data_text="暂无数据",
    width=700,
    height=420,
    margin=12,
    spacing=14,
)


def _clean(name: str, title: str):
    """An xml filter: no scripts or comments, an accessible title, role img."""

    def clean(root):
        for node in list(root.iter(etree.Comment, "{*}script")):
            node.getparent().remove(node)
        for node in root.iter("{*}title"):
            node.text = title
            break
        root.set("role", "img")
        root.set("aria-label", title)
        root.set("class", f"chart chart-{name}")
        return root

    return clean


def _render(chart: pygal.graph.graph.Graph, name: str, title: str) -> Markup:
    chart.uuid = name  # the SVG id and its CSS prefix: chart-<name>
    chart.add_xml_filter(_clean(name, title))
    # The SVG is ours: registry names and numbers, escaped by lxml.
    return Markup(chart.render(is_unicode=True))


def stacked_bars(name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]]) -> Markup:
    """A stacked bar per label (None: no bar); the last series may be 其他, drawn in grey."""
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    if series and series[-1][0].startswith("其他"):
        colours[-1] = OTHER_COLOUR
    chart = pygal.StackedBar(
        **COMMON,
        style=_style(colours),
        x_labels=list(labels),
        x_label_rotation=-40 if len(labels) > 8 else 0,
        show_minor_x_labels=True,
        min_scale=4,
        max_scale=8,
        y_title="件数",
    )
    for serie, values in series:
        chart.add(serie, list(values))
    return _render(chart, name, title)


def lines(name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> Markup:
    """Rates in percent per label; None (nothing to count) leaves a gap."""
    chart = pygal.Line(
        **COMMON,
        style=_style(stroke_width=3),
        x_labels=list(labels),
        x_label_rotation=-40 if len(labels) > 8 else 0,
        range=(0, 100),
        y_labels=[0, 20, 40, 60, 80, 100],
        value_formatter=lambda v: f"{v:g}%",
        dots_size=4,
        allow_interruptions=True,
    )
    for serie, values in series:
        chart.add(serie, [None if v is None else round(v * 100, 1) for v in values])
    return _render(chart, name, title)


def bars(name: str, title: str, labels: Sequence[str], values: Sequence[int | None]) -> Markup:
    """One red horizontal bar per label (None: no bar), the first on top, its value printed beside it."""
    chart = pygal.HorizontalBar(
        **{**COMMON, "height": 90 + 34 * max(len(labels), 3)},
        style=_style((RED,)),
        show_legend=False,
        x_labels=list(reversed(labels)),
        print_values=True,
        print_values_position="top",
        min_scale=4,
        max_scale=8,
        x_title="件数",
    )
    chart.add("件数", list(reversed(values)))
    return _render(chart, name, title)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart and the data table printed beside it (the same numbers)."""

    id: str
    title: str
    svg: Markup
    head: tuple[str, ...]  # column headers; the first names the rows
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row header, cells)

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside the chart: the table goes below it."""
        return len(self.head) > 6


def _bar(count: Count) -> int | None:
    """A bar's height: none for a withheld count (the table says <3 or ×)."""
    return count if isinstance(count, int) else None


def monthly_categories_chart(month_categories: dict[str, tuple[Row, ...]], categories: tuple[Row, ...],
                             months: tuple[Row, ...], id: str = "monthly") -> Chart:
    """Valid calls per month, stacked by category: the largest of the period
    (`categories`, as shown) on their own, the rest together; a withheld count
    draws no bar. `month_categories`: each month's categories by month key."""
    ranked = [c.name for c in sorted((c for c in categories if c.figures.valid), key=lambda c: -sort_count(c.figures.valid))]
    shown = ranked if len(ranked) <= TOP_CATEGORIES + 1 else ranked[:TOP_CATEGORIES]
    names = shown + ([OTHER_CATEGORIES] if len(shown) < len(ranked) else [])

    def counts(month: Row) -> list[Count]:
        rows = month_categories.get(month.key, ()) if month.key is not None else ()
        valid = {r.name: r.figures.valid for r in rows}
        own = [valid.get(n, 0) for n in shown]
        if len(names) == len(shown):
            return own
        return own + [_rest([v for n, v in valid.items() if n not in shown], month.figures.valid, own)]

    table = [(m.name, counts(m)) for m in months]
    title = "每月有效来电（按类别）"
    svg = stacked_bars(id, title, [m.name for m in months],
                       [(n, [_bar(row[i]) for _, row in table]) for i, n in enumerate(names)])
    return Chart(
        id, title, svg, ("月份", *names, "合计"),
        tuple((label, (*map(str, row), str(m.figures.valid))) for (label, row), m in zip(table, months, strict=False)),
    )


def _rest(rest: list[Count], total: Count, own: list[Count]) -> Count:
    """The calls of the other categories: shown only if the shown counts give it."""
    shown_rest = [v for v in rest if isinstance(v, int)]
    if len(shown_rest) == len(rest):
        return sum(shown_rest)
    shown_own = [v for v in own if isinstance(v, int)]
    if isinstance(total, int) and len(shown_own) == len(own):
        return total - sum(shown_own)
    return Withheld(COMPLEMENTARY, 0)


def monthly_rates_chart(months: tuple[Row, ...], id: str = "rates") -> Chart:
    """Satisfaction and on-time rate per month; a month with nothing to count, or a withheld count, is a gap."""
    title = "每月满意率和按时办结率"
    svg = lines(
        id, title, [m.name for m in months],
        [("满意率", [m.figures.satisfaction_rate for m in months]), ("按时办结率", [m.figures.on_time_rate for m in months])],
    )
    rows = tuple(
        (m.name, (str(m.figures.resolved), str(m.figures.followed_up), percent(m.figures.satisfaction_rate),
                  str(m.figures.on_time), percent(m.figures.on_time_rate)))
        for m in months
    )
    return Chart(id, title, svg, ("月份", "办结", "已回访", "满意率", "按时办结", "按时办结率"), rows)


def districts_chart(districts: tuple[Row, ...], id: str = "districts") -> Chart:
    """Valid calls per district, most first (as shown), 其他 last; a withheld count draws no bar."""
    rows = sorted((d for d in districts if d.figures.valid), key=lambda d: (d.key is None, -sort_count(d.figures.valid)))
    title = "各区县有效来电"
    svg = bars(id, title, [d.name for d in rows], [_bar(d.figures.valid) for d in rows])
    table = tuple(
        (d.name, (str(d.figures.valid), str(d.figures.resolved), percent(d.figures.satisfaction_rate))) for d in rows
    )
    return Chart(id, title, svg, ("区县", "有效来电", "办结", "满意率"), table)
