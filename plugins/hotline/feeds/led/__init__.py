"""The LED ticker: feeds for outdoor screens and controller cards, and a
full-screen page for signage players, all from the public cases.

Each screen (`HOTLINE['LED_SCREENS']`, see `config`) gets, in `led/` for
`main` and `led/<name>/` for the others: ticker.json (JSON Feed 1.1 with a
`_led` object), ticker.txt, ticker.<charset>.txt, ticker.rss and index.html.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hotline.build.output import SiteWriter, root_of
from hotline.dates import cn_date, day_start
from hotline.feeds.led.config import Screen
from hotline.feeds.led.feeds import Ticker, charset_text, json_feed, rss, text
from hotline.feeds.led.messages import Composer
from hotline.model import CaseSet
from hotline.problems import ConfigError
from hotline.stats.disclosure import site_statistics

if TYPE_CHECKING:  # settings imports .config: no import cycle at run time
    from hotline.settings import HotlineSettings
    from hotline.stats.figures import Row

log = logging.getLogger(__name__)


def write_led(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write every configured screen's feeds and page."""
    static = str(out.context.get("THEME_STATIC_DIR") or "theme")
    for screen in settings.led_screens:
        ticker = make_ticker(cases, settings, screen)
        _write_screen(ticker, out, settings.timezone, settings.site_url, static)


def _write_screen(ticker: Ticker, out: SiteWriter, tz: ZoneInfo, site_url: str, static: str) -> None:
    directory = ticker.screen.directory
    feed_path = f"{directory}/ticker.json"

    def url(path: str) -> str:
        """Absolute with SITEURL; otherwise relative to the feed (local preview)."""
        return f"{site_url}/{path}" if site_url else root_of(feed_path) + path

    feed = json_feed(ticker, url, tz)
    out.write(feed_path, json.dumps(feed, ensure_ascii=False, indent=1) + "\n")
    out.write(f"{directory}/ticker.txt", text(ticker))
    out.write(f"{directory}/{ticker.text_file}", charset_text(ticker))
    out.write(f"{directory}/ticker.rss", rss(ticker, url, tz))
    page = f"{directory}/index.html"
    out.write(page, out.render(
        page,
        "led.html",
        ticker=ticker,
        version=feed["_led"]["version"],
        updated=cn_date(ticker.data_time) if ticker.data_time else "—",
        shown=[m for _, m in ticker.messages] or [ticker.stats_text or ticker.hotline_lines[0]],
        led_root=root_of(page.removeprefix("led/")),
        static=f"{static}/led/",
    ))


def make_ticker(cases: CaseSet, settings: HotlineSettings, screen: Screen) -> Ticker:
    """What `screen` shows: its lines fitted to its width and charset."""
    _check_filter(cases, screen)
    composer = Composer(screen)
    stats = site_statistics(cases, settings)
    years, as_of = stats.by_year, stats.as_of
    chosen = [
        c for c in cases.cases
        if (not screen.district or c.district.name in screen.district)
        and (not screen.category or c.category.name in screen.category)
    ][: screen.items]
    messages = tuple((case, composer.case_message(case)) for case in chosen)
    stats_text = composer.stats_line(years[-1], _months_with_records(stats.by_month, years[-1])) if years else ""
    ticker = Ticker(
        screen=screen,
        title=f"{settings.site_name} LED 屏" + (f"（{screen.title}）" if screen.title else ""),
        description=f"{settings.office}室外 LED 屏滚动播放的热线电话和办理情况",
        hotlines=tuple(composer.clean(n) for n in settings.hotlines),
        hotline_lines=tuple(composer.hotline_lines(settings.hotlines, settings.office, settings.hours)),
        stats_text=stats_text,
        definition_lines=tuple(composer.definition_lines(stats_text)),
        messages=messages,
        data_time=day_start(as_of, settings.timezone) if as_of else None,
    )
    composer.warn()
    return ticker


def _check_filter(cases: CaseSet, screen: Screen) -> None:
    """A category must be registered; a district no published case names yet is only reported."""
    where = f"HOTLINE['LED_SCREENS'] 中的屏 {screen.name} 的 CATEGORY"
    known = [c.name for c in cases.registries.categories]
    for name in screen.category:
        if name not in known:
            raise ConfigError(f"设置错误：{where} “{name}” 不在 categories.yaml 中（可用：{'、'.join(known)}）")
    districts = {d.name for d in cases.districts}
    for name in screen.district:
        if name not in districts:
            log.warning("LED 屏 %s：还没有公开的案件属于 DISTRICT “%s”，这块屏暂时只显示热线电话和统计数字。", screen.name, name)


def _months_with_records(months: tuple[Row, ...], year: Row) -> tuple[int, int]:
    """The first and last month of `year` with records, as numbers."""
    numbers = [int(m.key[5:7]) for m in months
               if m.key and m.key.startswith(f"{year.key}-") and isinstance(m.figures.records, int) and m.figures.records]
    return (min(numbers), max(numbers)) if numbers else (1, 12)
