"""Atom feeds of the resolved cases: all cases, each category, each department.

feeds/all.atom.xml, feeds/category/<slug>.atom.xml, feeds/department/<slug>.atom.xml.
Each carries the newest FEED_ENTRIES cases with their anonymised column text.
Ids are `urn:uuid:` names derived from the office and the case id, so they
stay the same whether or not the site's address (SITEURL) is known; links
are absolute with SITEURL and relative to the feed file without it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from html import escape

from feedgen.feed import FeedGenerator

from hotline.build.output import SiteWriter, root_of
from hotline.dates import day_start
from hotline.model import CaseSet, PublicCase
from hotline.settings import HotlineSettings
from hotline.site import urls
from hotline.site.listings import Listing
from hotline.site.story import credit, story

FEED_ENTRIES = 50
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # `updated` of a site without cases


def write_feeds(cases: CaseSet, by_kind: dict[str, list[Listing]], out: SiteWriter, settings: HotlineSettings) -> None:
    """Write the feed of all cases and one per category and per department; `by_kind`: the listings."""
    site_url = settings.site_url
    newest = cases.cases[0].resolved_at if cases.cases else EPOCH
    for listing in by_kind["cases"] + by_kind["category"] + by_kind["department"]:
        assert listing.feed is not None  # these kinds of listing all have a feed
        key = (listing.kind, listing.title, listing.first, site_url, newest,
               [c.digest for c in listing.cases[:FEED_ENTRIES]])
        out.write_cached(listing.feed, key, partial(feed_xml, listing, settings, site_url, newest))


def feed_xml(listing: Listing, settings: HotlineSettings, site_url: str, newest: dt.datetime) -> bytes:
    """The Atom document of one listing."""
    feed = listing.feed
    assert feed is not None, f"{listing.title} has no feed"

    def link(path: str) -> str:
        return f"{site_url}/{path}" if site_url else root_of(feed) + path

    fg = FeedGenerator()
    fg.id(atom_id(settings, feed))
    title = settings.site_name if listing.kind == "cases" else f"{settings.site_name} · {listing.title}"
    fg.title(title)
    fg.subtitle(f"{settings.office}办理的市民来电来信，按报纸专栏“{settings.site_name}”的样式公开。")
    fg.author(name=settings.office)
    fg.language("zh-CN")
    fg.generator(settings.site_name)
    fg.link(href=link(listing.first), rel="alternate", type="text/html")
    fg.link(href=link(feed), rel="self", type="application/atom+xml")
    fg.updated(day_start(listing.cases[0].resolved_at if listing.cases else newest, settings.timezone))
    for case in listing.cases[:FEED_ENTRIES]:
        _entry(fg, case, settings, link)
    return fg.atom_str(pretty=True)


def _entry(fg: FeedGenerator, case: PublicCase, settings: HotlineSettings, link) -> None:
    entry = fg.add_entry(order="append")
    entry.id(atom_id(settings, urls.case_url(case)))
    entry.title(" ".join(case.headline))
    entry.link(href=link(urls.case_url(case)), rel="alternate", type="text/html")
    entry.published(day_start(case.resolved_at, settings.timezone))  # to the day, as every time published
    entry.updated(day_start(case.resolved_at, settings.timezone))
    entry.author(name=case.reporter or settings.office)
    entry.category(term=f"category/{case.category.slug}", label=case.category.name)
    for d in case.departments:
        entry.category(term=f"department/{d.slug}", label=d.name)
    paragraphs = [*story(case, settings.office_in_column), *filter(None, [credit(case)])]
    entry.content("".join(f"<p>{escape(p)}</p>" for p in paragraphs), type="html")


def atom_id(settings: HotlineSettings, path: str) -> str:
    """The Atom id of the page or feed at `path`: the same with or without SITEURL."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"hotline:{settings.office}/{path}").urn
