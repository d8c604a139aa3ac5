"""Embeds for news sites: small widgets another site puts on its pages.

Each widget is written twice from the same `Widget`:
    embed/<name>.html       a page for an <iframe>: inline CSS, no script,
                            no site chrome; links open the case on this site
    embed/data/<name>.js    its data for the <script> embed: one call
                            `HotlineEmbed.receive({...})` with a JSON object,
                            which theme/static/js/embed.js renders
<name> is `latest`, `hotline`, `district/<slug>`, `category/<slug>` or
`department/<slug>`. A data file is a script, not JSON fetched with XHR, so
that another origin may load it without any header from the web server.

`embed.html`, the 转载与嵌入 page, shows each widget's embed code and a
live preview. A widget holds at most WIDGET_CASES cases and every text in it
is cut to a fixed length, so it stays small at any number of cases.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from functools import partial
from html import escape

from hotline.build.output import Output, SiteWriter, root_of
from hotline.dates import cn_date
from hotline.model import CaseSet, PublicCase
from hotline.settings import HotlineSettings
from hotline.site import urls
from hotline.site.listings import Listing, listings
from hotline.site.render import year_figures
from hotline.stats.disclosure import site_statistics
from hotline.stats.figures import percent, sort_count

PAGE = "embed.html"  # the 转载与嵌入 page
WIDGET_CASES = 8  # newest cases a widget lists
TOP_CATEGORIES = 3  # categories the hotline widget names
HOTLINE_NUMBERS = 4  # numbers the hotline widget shows at most
TEXT_MAX = 40  # characters of any one text in a widget (a headline line, a name, a place)
SUBJECT_KINDS = ("district", "category", "department")
GROUP_TITLES = {"district": "按地区", "category": "按类别", "department": "按承办部门"}
FRAME_HEIGHT = 660  # px, the height the embed code gives a frame: eight cases
HOTLINE_FRAME_HEIGHT = 360


@dataclass(frozen=True, slots=True)
class Item:
    """One case in a widget."""

    headline: tuple[str, ...]
    url: str  # the case page, relative to the site root
    date: str  # 2013-01-14, for <time>
    day: str  # 2013年1月14日
    meta: str  # 城市管理 · 浉河区 大拱桥居民小区


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Widget:
    """What a widget shows, as its page and its data file say it."""

    name: str  # latest, hotline, district/<slug>, …
    kind: str  # latest, hotline, or a key of SUBJECT_KINDS
    title: str
    more: str  # the page the link under the widget opens (its listing, the statistics), relative to the site root
    more_text: str
    items: tuple[Item, ...]
    empty: str = ""  # said when there are no items
    hotlines: tuple[str, ...] | None = None  # the hotline widget's numbers, hours and figures
    hours: str = ""
    figures_title: str = ""
    figures: tuple[Figure, ...] | None = None

    @property
    def page(self) -> str:
        return f"embed/{self.name}.html"

    @property
    def data(self) -> str:
        return f"embed/data/{self.name}.js"


def clip(text: str, limit: int = TEXT_MAX) -> str:
    """`text` cut to `limit` characters, … marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_embeds(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write every widget's page and data file, and the 转载与嵌入 page."""
    widgets = make_widgets(cases, settings)
    planned = []
    for w in widgets:
        key = (settings.site_url, w)
        planned.append(Output(w.page, f"嵌入件“{w.title}”", partial(widget_page, w, out, settings), key=key))
        planned.append(Output(w.data, f"嵌入件“{w.title}”的数据", partial(data_script, w, settings), key=key))
    out.write_all(planned)
    script = f"{out.context.get('THEME_STATIC_DIR') or 'theme'}/js/embed.js"
    local = replace(settings, site_url="")  # previews show this build's widgets, wherever it is served
    entries = [Entry(w, *embed_codes(w, settings, script), *embed_codes(w, local, script)) for w in widgets]
    main = [e for e in entries if e.widget.kind in ("latest", "hotline")]
    groups = [(GROUP_TITLES[k], [e for e in entries if e.widget.kind == k]) for k in SUBJECT_KINDS]
    out.write(PAGE, out.render(PAGE, "embed.html", cases_per_widget=WIDGET_CASES, main=main, groups=groups))


@dataclass(frozen=True, slots=True)
class Entry:
    """A widget on the 转载与嵌入 page: the code a news site copies, and the
    same code with URLs relative to the page, for the preview."""

    widget: Widget
    iframe: str
    script: str
    preview_iframe: str
    preview_script: str


def embed_codes(widget: Widget, settings: HotlineSettings, script: str) -> tuple[str, str]:
    """The <iframe> and the <script> embed code of a widget; `script` is embed.js's path.
    The frame is sandboxed: no script runs in it, its links may open new tabs."""
    def url(path: str) -> str:
        return escape(link(settings, PAGE, path))

    title = escape(f"{settings.site_name}：{widget.title}")
    height = HOTLINE_FRAME_HEIGHT if widget.kind == "hotline" else FRAME_HEIGHT
    iframe = (f'<iframe src="{url(widget.page)}" title="{title}" width="100%" height="{height}" '
              f'style="border:0;max-width:40rem" loading="lazy" '
              f'sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>')
    code = (f'<div data-hotline-embed="{url(widget.data)}"><a href="{url(widget.more)}">{title}</a></div>\n'
            f'<script src="{url(script)}" async></script>')
    return iframe, code


def make_widgets(cases: CaseSet, settings: HotlineSettings) -> list[Widget]:
    """The latest-cases widget, the hotline widget, then one per district, category and department."""
    by_kind = listings(cases)
    widgets = [_listing_widget("latest", "最新办结", by_kind["cases"][0]), _hotline_widget(cases, settings)]
    for kind in SUBJECT_KINDS:
        for listing in by_kind[kind]:
            subject = listing.subject
            assert subject is not None and not isinstance(subject, str)  # these kinds list a registry entry
            title = f"{clip(listing.title)}{'承办' if kind == 'department' else ''} · 最新办结"
            widgets.append(_listing_widget(f"{kind}/{subject.slug}", title, listing, kind))
    return widgets


def _listing_widget(name: str, title: str, listing: Listing, kind: str = "latest") -> Widget:
    count = len(listing.cases)
    return Widget(
        name, kind, title, listing.first, f"查看全部 {count} 件 →" if count > WIDGET_CASES else "到网站查看 →",
        tuple(_item(case) for case in listing.cases[:WIDGET_CASES]), empty="暂无已公开的办结案件。",
    )


def _item(case: PublicCase) -> Item:
    place = " ".join(clip(p) for p in (case.district.name, case.area) if p)
    return Item(
        tuple(clip(line) for line in case.headline),
        urls.case_url(case),
        case.resolved_at.date().isoformat(),
        cn_date(case.resolved_at),
        f"{clip(case.category.name)} · {place}",
    )


def _hotline_widget(cases: CaseSet, settings: HotlineSettings) -> Widget:
    """The numbers, the hours and the figures of the latest year with records:
    counts by time alone, rates from them, and the categories with the most
    valid records that year whose counts are shown (stats/disclosure.py)."""
    widget = Widget(
        "hotline", "hotline", "热线电话", "stats/index.html", "更多统计 →", (),
        hotlines=tuple(clip(n) for n in settings.hotlines[:HOTLINE_NUMBERS]),
        hours=f"{clip(settings.office)} · 接听时间：{clip(settings.hours)}",
    )
    year = year_figures(cases, settings)
    if year is None:
        return widget
    number, f = year
    figures = [Figure("受理来电来信", f"{f.records} 件"), Figure("办结", f"{f.resolved} 件"),
               Figure("回访率", percent(f.followup_rate)), Figure("满意率", percent(f.satisfaction_rate))]
    rows = site_statistics(cases, settings).year_categories.get(str(number), ())
    shown = [r for r in rows if r.key is not None and isinstance(r.figures.valid, int) and r.figures.valid > 0]
    top = sorted(shown, key=lambda r: -sort_count(r.figures.valid))[:TOP_CATEGORIES]
    if top:
        # Names only: counts side by side (城市管理 626 件、供水供电 360 件) read as a number told in pieces.
        figures.append(Figure("反映较多", "、".join(clip(r.name) for r in top)))
    return replace(widget, figures_title=f"{number}年热线数字", figures=tuple(figures))


def link(settings: HotlineSettings, source: str, target: str) -> str:
    """URL of the site's page `target` from the file `source`: absolute with SITEURL, relative without."""
    return f"{settings.site_url}/{target}" if settings.site_url else root_of(source) + target


def widget_page(widget: Widget, out: SiteWriter, settings: HotlineSettings) -> str:
    return out.render(widget.page, "embed_widget.html", widget=widget, link=partial(link, settings, widget.page))


def data_script(widget: Widget, settings: HotlineSettings) -> str:
    """The data file: the widget as JSON, handed to embed.js. Its links are
    absolute with SITEURL, else relative to the data file; embed.js resolves
    them against the file's URL."""
    data = {**asdict(widget), "home": urls.HOME, "source": settings.site_name}
    for item in [data, *data["items"]]:
        for field in ("more", "url", "home"):
            if field in item:
                item[field] = link(settings, widget.data, item[field])
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"HotlineEmbed.receive({body});\n"
