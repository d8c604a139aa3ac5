"""Open data: Open311 GeoReport v2 as static JSON files, the bulk CSV files, and
the 开放数据 page that explains them.

Built from `PublicCase` only. A request carries exactly the GeoReport v2
request fields; what we do not publish (coordinates, media, postcode,
address id) is null. A service also carries `category_code`, the category's
national code (GB/T 39666-2020) or null. Readers' guide:
theme/templates/open_data.html; the CSV columns: `data_dictionary`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import partial

from hotline.build.output import Output, SiteWriter
from hotline.dates import day_start
from hotline.feeds import data_dictionary
from hotline.model import CaseSet, PublicCase
from hotline.settings import HotlineSettings

BASE = "open311/v2"
BULK = "open311/bulk/requests-{year}.csv"  # one file per year of receipt
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DESCRIPTION_MAX = 4000  # GeoReport v2: description is at most 4,000 characters
# requests.json holds the newest requests only, as a GeoReport server answers
# a query without dates with one page of recent ones; every request has its
# own file and is in a bulk CSV file.
REQUESTS_PAGE = 1000

BULK_COLUMNS = data_dictionary.NAMES
SOURCES = {"hotline": "phone", "mailbox": "mailbox", "other": "other"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SENTENCE_END = "。！？；…!?;.”’）)」』"


def w3c(moment: dt.datetime, settings: HotlineSettings) -> str:
    """The day of `moment` as a W3C date and time at local midnight with the
    site's UTC offset, 2013-01-10T00:00:00+08:00: the time of a call could
    tell who called, and consumers still get the datetime the spec asks for."""
    return day_start(moment, settings.timezone).isoformat(timespec="seconds")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(tuple(_SENTENCE_END)) else text + "。"


def status_notes(case: PublicCase) -> str | None:
    """The handling result: each department's finding and action, one line each."""
    lines = []
    for h in case.handling:
        said = "".join(_sentence(t) for t in (h.finding, h.action) if t and t.strip())
        if said:
            lines.append(f"{h.department.name}：{said}")
    return "\n".join(lines) or None


def description(case: PublicCase) -> str:
    """The anonymised complaint, cut to the spec's 4,000 characters."""
    text = case.complaint.strip()
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def service_request(case: PublicCase, settings: HotlineSettings) -> dict:
    """One GeoReport v2 service request, fields in the spec's order."""
    return {
        "service_request_id": case.id,
        "status": "closed",
        "status_notes": status_notes(case),
        "service_name": case.category.name,
        "service_code": case.category.slug,
        "description": description(case),
        "agency_responsible": "、".join(d.name for d in case.departments),
        "requested_datetime": w3c(case.received_at, settings),
        "updated_datetime": w3c(case.resolved_at, settings),
        "address": case.district.name + (case.area or ""),
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def services(cases: CaseSet, settings: HotlineSettings) -> list[dict]:
    """One service per registered category; keywords name the departments
    that handled its published cases."""
    handled: dict[str, set[str]] = {}
    for case in cases.cases:
        handled.setdefault(case.category.slug, set()).update(d.name for d in case.departments)
    return [
        {
            "service_code": c.slug,
            "service_name": c.name,
            "category_code": c.code,
            "description": f"{settings.office}办结并公开的“{c.name}”类来电和来信",
            "metadata": False,
            "type": "batch",
            "keywords": ",".join(
                [c.name, *(d.name for d in cases.registries.departments if d.name in handled.get(c.slug, ()))]
            ),
            "group": settings.site_name,
        }
        for c in cases.registries.categories
    ]


def discovery(cases: CaseSet, settings: HotlineSettings) -> dict:
    """The service discovery document. `changeset` is the newest case's
    update (null with no case), so the same cases give the same bytes."""
    changeset = w3c(max(c.resolved_at for c in cases.cases), settings) if cases.cases else None
    return {
        "changeset": changeset,
        "contact": f"{settings.office}，电话 {'、'.join(settings.hotlines)}",
        "key_service": "不需要 API 密钥：这些是只读的静态文件。",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.site_url}/{BASE}" if settings.site_url else BASE,
                "changeset": changeset,
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


def csv_cell(value: str | None) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe (OWASP's advice)."""
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def bulk_csv(cases: list[PublicCase], settings: HotlineSettings) -> str:
    """Requests in the GeoReport bulk columns, with a BOM for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(BULK_COLUMNS)
    for case in cases:
        r = service_request(case, settings)
        row = {
            **r,
            "closed_date": r["updated_datetime"],
            "status_description": r["status"],
            "source": SOURCES.get(case.channel, "other"),
            "category_code": case.category.code,
        }
        writer.writerow([csv_cell(row[c]) for c in BULK_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_open_data(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write the Open311 files, the bulk CSV files and the 开放数据 page."""
    newest = cases.cases[:REQUESTS_PAGE]
    years = cases.by_year_received()
    catalogue = services(cases, settings)
    out.write(f"{BASE}/discovery.json", _json(discovery(cases, settings)))
    out.write(f"{BASE}/services.json", _json(catalogue))
    out.write_all([  # the larger files first: write_all deals them out to the processes in turn
        Output(f"{BASE}/requests.json", "开放数据的最新案件", lambda: _json([service_request(c, settings) for c in newest]),
               key=[c.digest for c in newest]),
        *(Output(BULK.format(year=year), f"{year} 年的开放数据 CSV 文件", partial(bulk_csv, part, settings),
                 key=[c.digest for c in part]) for year, part in years.items()),
        *(Output(f"{BASE}/requests/{c.id}.json", f"案件 {c.id} 的开放数据", partial(_one_request, c, settings),
                 frozenset({c.id}), c.digest) for c in cases.cases),
    ])
    if years:  # the README goes beside the CSV files
        out.write(data_dictionary.README, data_dictionary.readme(settings))
    path = data_dictionary.PAGE
    out.write(path, out.render(path, "data_dictionary.html", columns=data_dictionary.COLUMNS,
                               readme=data_dictionary.README if years else None, bulk=BULK.format(year="年份")))
    page = "open-data.html"
    out.write(page, out.render(
        page, "open_data.html", base=BASE, count=len(cases.cases), page_size=REQUESTS_PAGE,
        bulk=[(year, BULK.format(year=year), len(part)) for year, part in years.items()],
        services=catalogue, example=cases.cases[0].id if cases.cases else None,
    ))


def _one_request(case: PublicCase, settings: HotlineSettings) -> str:
    return _json([service_request(case, settings)])
