"""One screen's files: ticker.json (JSON Feed 1.1), ticker.txt, the charset
text file for controller cards, and ticker.rss (RSS 2.0)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from hotline.dates import day_start
from hotline.feeds.led.config import Screen
from hotline.feeds.led.messages import shown_rates
from hotline.feeds.stable_index import HASH_LETTERS
from hotline.model import PublicCase
from hotline.site import urls

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True, slots=True)
class Ticker:
    """What one screen shows, every line already fitted to it."""

    screen: Screen
    title: str
    description: str
    hotlines: tuple[str, ...]
    hotline_lines: tuple[str, ...]
    stats_text: str
    definition_lines: tuple[str, ...]  # the formulas of the rates stats_text shows
    messages: tuple[tuple[PublicCase, str], ...]  # newest first
    data_time: dt.datetime | None  # the day the newest record was received or resolved (stats.as_of)

    @property
    def lines(self) -> list[str]:
        """The lines of ticker.txt: hotline, figures and their definitions, then the cases."""
        return [*self.hotline_lines, *([self.stats_text] if self.stats_text else []), *self.definition_lines,
                *(m for _, m in self.messages)]

    @property
    def text_file(self) -> str:
        return f"ticker.{self.screen.charset}.txt"


def text(ticker: Ticker) -> str:
    """ticker.txt: UTF-8, one line per message."""
    return "".join(line + "\n" for line in ticker.lines)


def charset_text(ticker: Ticker) -> bytes:
    """ticker.gb2312.txt (or .gbk.txt): the same lines in the screen's charset,
    Windows line ends, for the card vendors' Windows software."""
    return "".join(line + "\r\n" for line in ticker.lines).encode(ticker.screen.charset)


def json_feed(ticker: Ticker, url: Callable[[str], str], tz: ZoneInfo) -> dict:
    """The JSON Feed; `url(path)` gives the URL of a site path as seen from the feed."""
    directory = ticker.screen.directory
    feed: dict[str, Any] = {  # a JSON document
        "version": JSON_FEED_VERSION,
        "title": ticker.title,
        "home_page_url": url("index.html"),
        "feed_url": url(f"{directory}/ticker.json"),
        "description": ticker.description,
        "language": "zh-CN",
        "items": [
            {
                "id": case.id,
                "url": url(urls.case_url(case)),
                "content_text": message,
                "date_published": day_start(case.resolved_at, tz).isoformat(),
            }
            for case, message in ticker.messages
        ],
        "_led": {
            "screen": ticker.screen.name,
            "hotlines": list(ticker.hotlines),
            "hotline_lines": list(ticker.hotline_lines),
            "stats_text": ticker.stats_text,
            "definition_lines": list(ticker.definition_lines),
            "definitions": [
                {"key": d.key, "name": d.name, "formula": d.formula, "numerator": d.numerator,
                 "denominator": d.denominator, "url": url(d.url)}
                for d in shown_rates(ticker.stats_text)
            ],
            "lines": ticker.lines,
            "max_chars": ticker.screen.max_chars,
            "charset": ticker.screen.charset,
            "text_file": ticker.text_file,
            "refresh_seconds": ticker.screen.refresh_seconds,
        },
    }
    feed["_led"]["version"] = content_version(feed)
    feed["_led"]["generated_at"] = ticker.data_time.isoformat() if ticker.data_time else None
    return feed


def content_version(feed: dict) -> str:
    """A hash of everything in the feed except `_led.version` and `_led.generated_at`."""
    led = {k: v for k, v in feed["_led"].items() if k not in ("version", "generated_at")}
    canonical = json.dumps({**feed, "_led": led}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # In letters, not hex: a hash's digits may spell a number (stable_index.HASH_LETTERS).
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16].translate(HASH_LETTERS)


def rss(ticker: Ticker, url: Callable[[str], str], tz: ZoneInfo) -> bytes:
    """ticker.rss: RSS 2.0 whose item titles are the messages (what ticker widgets show)."""
    fg = FeedGenerator()
    fg.title(ticker.title)
    fg.link(href=url(f"{ticker.screen.directory}/ticker.rss"), rel="self", type="application/rss+xml")
    fg.link(href=url("index.html"), rel="alternate")  # after self: feedgen's channel link is the last one
    fg.description(ticker.description)
    fg.language("zh-CN")
    fg.docs("")  # feedgen's default points at rssboard.org
    fg.generator("hotline")
    fg.ttl(max(1, ticker.screen.refresh_seconds // 60))
    if ticker.data_time:
        fg.lastBuildDate(ticker.data_time)  # the same data gives the same bytes
    for case, message in ticker.messages:
        entry = fg.add_entry(order="append")
        entry.guid(case.id, permalink=False)
        entry.title(message)
        entry.link(href=url(urls.case_url(case)))
        entry.description(html.escape(message))  # readers render an RSS description as HTML
        entry.pubDate(day_start(case.resolved_at, tz))
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
