"""Charts drawn at build time as inline SVG with pygal, in the site's red and
black, each with the data table printed beside it.

pygal's defaults reach for the internet (a tooltip script from
kozea.github.io, optionally Google fonts) and stamp every chart with a random
id, today's date and links to its home page. Here: no script at all, the
system's CJK font stack, ids from the chart's name and no comments, so a
chart is the same bytes for the same figures and works offline.

A chart's geometry is written so that no number in it reads as a caller's:
see `_short_numbers`.

Colour is never the only cue: each chart has a <desc> saying how to read it,
the series of stacked bars are filled with different hatchings (in the legend
too), the second line of a line chart is dashed with hollow dots, and single
bars carry their values.
"""

from __future__ import annotations

import re
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

# Hatchings of stacked-bar series, in turn: strokes on an 8-unit tile (the first is plain).
HATCHES = (
    "",
    "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",  # ///
    "M0,2 h8 M0,6 h8",  # ===
    "M1.5,2 h1.5 M5.5,6 h1.5",  # dots
    "M2,0 v8 M6,0 v8",  # |||
    "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",  # \\\
    "M0,4 h8 M4,0 v8",  # +++
    "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",  # xxx
)
DASHED = "7,4"  # the second series of a line chart

# Attributes of a chart that hold geometry: numbers only, with path letters and transform names.
GEOMETRY = frozenset("x y x1 y1 x2 y2 cx cy r rx ry width height d transform viewBox points stroke-width".split())
_SVG_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


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


def _clean(name: str, title: str, description: str):
    """An xml filter: no scripts or comments, an accessible title and description, role img."""

    def clean(root):
        for node in list(root.iter(etree.Comment, "{*}script")):
            node.getparent().remove(node)
        for node in root.iter("{*}title"):
            node.text = title
            desc = etree.Element(_svg(root, "desc"), id=f"chart-{name}-desc")
            desc.text = description
            node.addnext(desc)
            break
        root.set("role", "img")
        root.set("aria-label", title)
        root.set("aria-describedby", f"chart-{name}-desc")
        root.set("class", f"chart chart-{name}")
        _short_numbers(root)
        return root

    return clean


def _short_numbers(root) -> None:
    """Every number of the chart's geometry rounded (a whole number from 100,
    one decimal below) and ended with "e0", the same number.

    pygal writes six to fifteen decimals, and the output guard reads a list
    of them ("204.297087 0.000000") as one run of digits, which at 300,000
    cases spelled a caller's landline by chance. Here a digit run in the
    geometry holds at most four digits ("0 279", an exponent and the next
    number), fewer than any number the guard looks for, and no two numbers
    of three digits have only letters and blanks between them, so none are
    joined as a number told in pieces. (pygal also writes each bar's and point's
    position as text for its tooltip script, which these charts do not have:
    those go.)"""
    for node in list(root.iter("{*}*")):
        if etree.QName(node).localname == "desc" and (node.get("class") or "").split()[:1] in (["x"], ["y"]):
            node.getparent().remove(node)
            continue
        for attribute in GEOMETRY.intersection(node.attrib):
            node.set(attribute, _SVG_NUMBER.sub(_short_number, node.get(attribute)))


def _short_number(m: re.Match[str]) -> str:
    value = float(m.group())
    text = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text) + "e0"


def _svg(root, tag: str) -> str:
    """`tag` in the namespace of the chart's root element."""
    namespace = etree.QName(root).namespace
    return f"{{{namespace}}}{tag}" if namespace else tag


def _series_shapes(root, series: int):
    """The shapes of one series in the plot and its box in the legend."""
    shapes = "*[local-name()='rect' or local-name()='path' or local-name()='circle']"
    in_plot = root.xpath(f".//*[contains(concat(' ', @class, ' '), ' serie-{series} ')]//{shapes}")
    in_legend = root.xpath(f".//*[@id='activate-serie-{series}']/*[local-name()='rect']")
    return in_plot, in_legend


def _light(colour: str) -> bool:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 150


def _hatched(name: str, colours: Sequence[str]):
    """An xml filter: stacked-bar series i filled with HATCHES[i] over its colour, legend boxes too."""

    def hatch(root):
        defs = next(root.iter("{*}defs"))
        for i, colour in enumerate(colours):
            pattern_id = f"chart-{name}-hatch-{i}"
            pattern = etree.SubElement(defs, _svg(root, "pattern"), id=pattern_id, width="8", height="8",
                                       patternUnits="userSpaceOnUse")
            etree.SubElement(pattern, _svg(root, "rect"), width="8", height="8", fill=colour)
            strokes = HATCHES[i % len(HATCHES)]
            if strokes:
                etree.SubElement(pattern, _svg(root, "path"), d=strokes, fill="none", stroke="#000" if _light(colour) else "#fff",
                                 **{"stroke-width": "1.5"})
            in_plot, in_legend = _series_shapes(root, i)
            for shape in in_plot + in_legend:
                shape.set("style", f"fill:url(#{pattern_id})")
        return root

    return hatch


def _dashed_second_line(root):
    """An xml filter: the second line dashed with hollow dots; legend boxes become line samples."""
    for series, dashes in ((0, "none"), (1, DASHED)):
        in_plot, in_legend = _series_shapes(root, series)
        for shape in in_plot:
            if etree.QName(shape).localname != "circle":
                shape.set("style", f"stroke-dasharray:{dashes}")
            elif series:
                shape.set("style", "fill:#fff;stroke-width:2px")
        for box in in_legend:
            y = float(box.get("y")) + float(box.get("height")) / 2
            sample = etree.Element(_svg(root, "path"), d=f"M{box.get('x')},{y:g} h{box.get('width')}",
                                   style=f"fill:none;stroke-dasharray:{dashes};stroke-width:3", **{"class": box.get("class", "")})
            box.getparent().replace(box, sample)
    return root


def _render(chart: pygal.graph.graph.Graph, name: str, title: str, description: str) -> Markup:
    chart.uuid = name  # the SVG id and its CSS prefix: chart-<name>
    chart.add_xml_filter(_clean(name, title, description))
    # The SVG is ours: registry names and numbers, escaped by lxml.
    return Markup(chart.render(is_unicode=True))


def stacked_bars(name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]],
                 labels_name: str = "月份") -> Markup:
    """A stacked bar per label (None: no bar); the last series may be 其他, drawn in grey.
    `labels_name` says what the labels are, for the description."""
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
    chart.add_xml_filter(_hatched(name, colours))
    description = (f"堆积柱形图，横轴为{labels_name}，纵轴为件数；{'、'.join(s for s, _ in series)}各一段，"
                   "每段用不同的花纹区分（见图例），具体数字见图旁的表。")
    return _render(chart, name, title, description)


def lines(name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
          labels_name: str = "月份") -> Markup:
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
    chart.add_xml_filter(_dashed_second_line)
    names = [s for s, _ in series]
    description = f"折线图，横轴为{labels_name}，纵轴为百分比；" + (
        f"{names[0]}是实线、实心圆点，{names[1]}是虚线、空心圆点，" if len(names) == 2 else "") + "具体数字见图旁的表。"
    return _render(chart, name, title, description)


def bars(name: str, title: str, labels: Sequence[str], values: Sequence[int | None], labels_name: str = "区县") -> Markup:
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
    description = f"条形图，每个{labels_name}一条，条旁写着件数；数字也见图旁的表。"
    return _render(chart, name, title, description)


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
