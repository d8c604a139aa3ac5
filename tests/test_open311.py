"""Open311 GeoReport v2 static files, the bulk CSV and the 开放数据 page, read
back as another system would: by the spec's field list, not by our code."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.pelican import run_pelican
from hotline.feeds import open311
from hotline.feeds.open311 import csv_cell

# GeoReport v2, GET service requests: the fields we publish, and their types.
REQUEST_TYPES = {
    "service_request_id": str, "status": str, "status_notes": (str, type(None)), "service_name": str,
    "service_code": str, "description": str, "agency_responsible": str, "requested_datetime": str,
    "updated_datetime": str, "address": str,
    "address_id": type(None), "zipcode": type(None), "lat": type(None), "long": type(None), "media_url": type(None),
}
SERVICE_TYPES = {
    "service_code": str, "service_name": str, "description": str, "metadata": bool, "type": str,
    "keywords": str, "group": str, "category_code": (str, type(None)),
}
BULK_COLUMNS = [
    "service_request_id", "requested_datetime", "updated_datetime", "closed_date", "status_description",
    "status_notes", "source", "service_name", "description", "agency_responsible", "address", "category_code",
]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
LONG = "路灯不亮，晚上出行不便。" * 400  # 4,800 characters

CASES = {
    "seed.yaml": make_case(),
    "mailbox.yaml": make_case(
        id="XY-2013-000100", channel="mailbox", received_at="2013-03-01 10:00", resolved_at="2013-03-05",
        category="户籍管理", headline=["户口迁移难", "民警上门办"],
        caller={"name": "张建国", "gender": "male", "phone": "139 0376 1111"},
        complaint="@市公安局：孩子上户口需要哪些材料？多次询问没有答复。",
        handling=[
            {"department": "市公安局", "finding": "情况属实", "action": "已为其办理户口迁移。"},
            {"department": "城管执法局", "action": "+协助核实住址"},
        ],
        followup=None,
    ),
    "long.yaml": make_case(
        id="XY-2013-000200", received_at="2013-05-20 08:00", resolved_at="2013-06-01",
        caller={"name": "李秀英", "gender": "female"}, complaint=LONG, followup=None,
    ),
    "withheld.yaml": make_case(id="XY-2013-000300", publish=False, caller={"name": "王卫东", "gender": "male"}),
    "open.yaml": {"id": "XY-2013-000400", "status": "received", "received_at": "2013-06-02"},
}
PUBLISHED = ["XY-2013-000200", "XY-2013-000100", "XY-2013-000042"]  # newest first


def build(tmp: Path, cases: dict, **overrides) -> Path:
    out = tmp / "site"
    cases_dir = write_cases(tmp / "cases", cases)
    run_pelican(SETTINGS, {"CASES_PATH": str(cases_dir), "OUTPUT_PATH": str(out), **overrides})
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("open311"), CASES)


def load(site: Path, name: str):
    return json.loads((site / "open311/v2" / name).read_text("utf-8"))


@pytest.fixture(scope="module")
def requests(site):
    return load(site, "requests.json")


def test_discovery_names_the_endpoint(site, requests):
    discovery = load(site, "discovery.json")
    assert set(discovery) == {"changeset", "contact", "key_service", "endpoints"}
    assert discovery["changeset"] == requests[0]["updated_datetime"]
    assert "12345" in discovery["contact"]
    [endpoint] = discovery["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "open311/v2",
        "changeset": discovery["changeset"],
        "type": "production",
        "formats": ["application/json"],
    }


def test_one_service_per_category(site):
    services = load(site, "services.json")
    for service in services:
        assert set(service) == set(SERVICE_TYPES)
        for field, kind in SERVICE_TYPES.items():
            assert isinstance(service[field], kind), field
        assert service["metadata"] is False and service["type"] == "batch"
        assert re.fullmatch(r"[a-z0-9-]+", service["service_code"])
    by_name = {s["service_name"]: s for s in services}
    assert set(by_name) == {"城市管理", "户籍管理"}
    assert by_name["城市管理"]["service_code"] == "urban-management"
    assert by_name["户籍管理"]["keywords"] == "户籍管理,市城管执法局,市公安局"


def test_requests_have_exactly_the_spec_fields_and_types(requests):
    assert [r["service_request_id"] for r in requests] == PUBLISHED
    for r in requests:
        assert set(r) == set(REQUEST_TYPES)
        for field, kind in REQUEST_TYPES.items():
            assert isinstance(r[field], kind), (r["service_request_id"], field)
        assert r["status"] == "closed"
        assert W3C.match(r["requested_datetime"]) and W3C.match(r["updated_datetime"])
        assert r["requested_datetime"] <= r["updated_datetime"]
        assert len(r["description"]) <= 4000 and "<" not in r["description"]
    updated = [r["updated_datetime"] for r in requests]
    assert updated == sorted(updated, reverse=True)


def test_request_values(requests):
    by_id = {r["service_request_id"]: r for r in requests}
    seed = by_id["XY-2013-000042"]
    assert seed["service_name"] == "城市管理" and seed["service_code"] == "urban-management"
    assert seed["agency_responsible"] == "市城管执法局"
    assert seed["address"] == "浉河区大拱桥居民小区"
    assert seed["requested_datetime"] == "2013-01-10T00:00:00+08:00"  # to the day: the time of a call is not published
    assert seed["updated_datetime"] == "2013-01-14T00:00:00+08:00"
    assert seed["description"].startswith("大拱桥居民小区近期经常停水")
    assert seed["status_notes"] == "市城管执法局：情况属实。" + make_case()["handling"][0]["action"]
    mailbox = by_id["XY-2013-000100"]
    assert mailbox["agency_responsible"] == "市公安局、市城管执法局"  # an alias resolves to the name
    assert mailbox["status_notes"] == "市公安局：情况属实。已为其办理户口迁移。\n市城管执法局：+协助核实住址。"
    long = by_id["XY-2013-000200"]["description"]
    assert len(long) == 4000 and long.endswith("…") and LONG.startswith(long[:-1])


def test_one_file_per_request(site, requests):
    folder = site / "open311/v2/requests"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{i}.json" for i in PUBLISHED)
    for r in requests:
        assert json.loads((folder / f"{r['service_request_id']}.json").read_text("utf-8")) == [r]


def test_no_caller_data_and_no_unpublished_case(site):
    text = "\n".join(p.read_text("utf-8") for p in (site / "open311").rglob("*") if p.is_file())
    for secret in ("何丽华", "张建国", "李秀英", "王卫东", "13837612045", "138 3761 2045", "139 0376 1111",
                   "3号楼", "商贸有限公司", "XY-2013-000300", "XY-2013-000400"):
        assert secret not in text
    assert "何女士" not in text  # the caller's public name is on the page, not in the data


def test_bulk_csv_reads_back(site, requests):
    assert sorted(p.name for p in (site / "open311/bulk").iterdir()) == ["README.txt", "requests-2013.csv"]  # one per year
    raw = (site / "open311/bulk/requests-2013.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == BULK_COLUMNS
    assert [row["service_request_id"] for row in rows] == PUBLISHED
    for row, r in zip(rows, requests, strict=False):
        assert row["closed_date"] == row["updated_datetime"] == r["updated_datetime"]
        assert row["status_description"] == "closed"
        for field in ("requested_datetime", "status_notes", "service_name", "agency_responsible", "address"):
            assert row[field] == r[field]
    by_id = {row["service_request_id"]: row for row in rows}
    assert by_id["XY-2013-000042"]["source"] == "phone"
    assert by_id["XY-2013-000100"]["source"] == "mailbox"
    # a cell a spreadsheet would run as a formula is neutralised; inner lines are not
    assert by_id["XY-2013-000100"]["description"] == "'@市公安局：孩子上户口需要哪些材料？多次询问没有答复。"
    assert by_id["XY-2013-000100"]["status_notes"].splitlines()[1].startswith("市城管执法局：+")


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("正常的文字=1", "正常的文字=1"), ("", ""), (None, ""),
])
def test_csv_cell_neutralises_formulas(value, cell):
    assert csv_cell(value) == cell


def test_open_data_page_links_every_file(site):
    page = site / "open-data.html"
    doc = html.fromstring(page.read_text("utf-8"))
    text = doc.text_content()
    assert "署名 4.0 国际（CC BY 4.0）" in text and "3 个办结案件" in text
    links = [a.get("href") for a in doc.iter("a") if "open311" in (a.get("href") or "")]
    assert len(links) == 6  # the five kinds of file and the CSV files' README
    for href in links:
        assert (page.parent / href).is_file(), href


def test_licence_and_site_url_are_settings(tmp_path):
    site = build(tmp_path, {"seed.yaml": make_case()}, SITEURL="https://12345.example.gov.cn/",
                 HOTLINE={"DATA_LICENCE": "公有领域（CC0）", "DATA_LICENCE_URL": ""})
    doc = html.fromstring((site / "open-data.html").read_text("utf-8"))
    assert "公有领域（CC0）" in doc.text_content()
    assert not doc.xpath("//a[@rel='license']")
    assert "https://12345.example.gov.cn/open311/v2" in doc.text_content()
    assert load(site, "discovery.json")["endpoints"][0]["url"] == "https://12345.example.gov.cn/open311/v2"


def test_no_published_case_still_gives_valid_files(tmp_path):
    site = build(tmp_path, {"open.yaml": CASES["open.yaml"]})
    assert load(site, "requests.json") == []
    assert load(site, "discovery.json")["changeset"] is None
    assert len(load(site, "services.json")) == 2
    assert not (site / "open311/bulk").exists()
    assert "暂无已公开的案件" in (site / "open-data.html").read_text("utf-8")


def test_requests_json_is_one_page_of_the_newest_and_the_rest_are_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setattr(open311, "REQUESTS_PAGE", 2)
    cases = {f"{i}.yaml": make_case(id=f"XY-{i}", received_at=f"2013-01-0{i}", resolved_at=f"2013-01-1{i}") for i in range(1, 5)}
    site = build(tmp_path, cases)
    assert [r["service_request_id"] for r in load(site, "requests.json")] == ["XY-4", "XY-3"]
    assert all((site / f"open311/v2/requests/XY-{i}.json").is_file() for i in range(1, 5))
    rows = list(csv.DictReader(io.StringIO((site / "open311/bulk/requests-2013.csv").read_text("utf-8-sig"))))
    assert [r["service_request_id"] for r in rows] == ["XY-4", "XY-3", "XY-2", "XY-1"]
    assert "最近办结的 2 个公开案件" in (site / "open-data.html").read_text("utf-8")


def test_bulk_csv_has_a_file_per_year_of_receipt_listed_on_the_page(tmp_path):
    cases = {"a.yaml": make_case(id="XY-A", received_at="2012-12-30", resolved_at="2013-01-05"),
             "b.yaml": make_case(id="XY-B", received_at="2013-01-10", resolved_at="2013-01-14")}
    site = build(tmp_path, cases)
    for year, case_id in (("2012", "XY-A"), ("2013", "XY-B")):
        rows = list(csv.DictReader(io.StringIO((site / f"open311/bulk/requests-{year}.csv").read_text("utf-8-sig"))))
        assert [r["service_request_id"] for r in rows] == [case_id]
    page = html.fromstring((site / "open-data.html").read_text("utf-8"))
    assert page.xpath("//table[contains(@class, 'bulk-files')]//td/a/@href") == ["open311/bulk/requests-2013.csv", "open311/bulk/requests-2012.csv"]
