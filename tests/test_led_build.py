"""LED ticker, built for real: every feed of every screen is valid and within
its limits, nothing private or unpublished gets in, and a screen polling
during builds always reads a complete file."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import etree
from pelican.settings import read_settings

from hotline.build.pelican import run_pelican
from hotline.feeds.led.feeds import content_version
from hotline.load.casedata import load_cases
from hotline.problems import BuildFailed

HOTLINE = read_settings(str(SETTINGS))["HOTLINE"]
SCREENS = [
    {"NAME": "pingqiao", "TITLE": "平桥区", "DISTRICT": "平桥区", "MAX_CHARS": 24, "ITEMS": 5, "CHARSET": "GBK"},
    {"NAME": "city", "CATEGORY": ["城市管理", "环保问题"], "MAX_CHARS": 16, "ITEMS": 8, "REFRESH_SECONDS": 30},
]
JSON_FEED_ITEM = {"id", "url", "content_text", "date_published"}
LED_KEYS = {"version", "generated_at", "hotlines", "max_chars", "charset", "refresh_seconds", "stats_text", "lines"}


def build(cases: Path, out: Path, screens=None, **overrides) -> None:
    hotline = {**HOTLINE, **({"LED_SCREENS": screens} if screens is not None else {})}
    run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "HOTLINE": hotline, **overrides})


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample site (cases_data/) with the main screen and two more."""
    out = tmp_path_factory.mktemp("led-sample") / "out"
    build(ROOT / "cases_data", out, SCREENS)
    return out


def screen_dirs(out: Path) -> dict[str, Path]:
    return {"main": out / "led", **{s["NAME"]: out / "led" / s["NAME"] for s in SCREENS}}


@pytest.mark.parametrize("name", ["main", "pingqiao", "city"])
def test_every_feed_of_every_screen_is_valid_and_within_its_limits(sample, name):
    folder = screen_dirs(sample)[name]
    feed = json.loads((folder / "ticker.json").read_text("utf-8"))
    led = feed["_led"]
    config = next((s for s in SCREENS if s["NAME"] == name), {})
    charset = config.get("CHARSET", "gb2312").lower()
    max_chars = config.get("MAX_CHARS", 40)

    # JSON Feed 1.1 with the _led extension
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"] and feed["feed_url"]
    assert LED_KEYS <= set(led)
    assert (led["max_chars"], led["charset"]) == (max_chars, charset)
    assert led["refresh_seconds"] == config.get("REFRESH_SECONDS", 60)
    assert led["hotlines"] == HOTLINE["HOTLINES"]
    shown, rate = r"(\d+|<\d|×)", r"(\d+\.\d%|[—―])"  # a withheld count or rate (disclosure.py)
    assert re.fullmatch(rf"\d{{4}}年\d+(-\d+)?月共受理{shown}件( 回访率{rate})?( 满意率{rate})?", led["stats_text"])
    assert led["version"] == content_version(feed)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", led["generated_at"])
    items = feed["items"]
    assert 0 < len(items) <= config.get("ITEMS", 20)
    dates = []
    for item in items:
        assert JSON_FEED_ITEM <= set(item)
        assert (folder / item["url"]).resolve().is_file()  # relative to the feed without SITEURL
        assert item["date_published"].endswith("+08:00")
        dates.append(dt.datetime.fromisoformat(item["date_published"]))
    assert dates == sorted(dates, reverse=True)

    # the text files: the same lines, each fitting the screen
    lines = (folder / "ticker.txt").read_text("utf-8").split("\n")
    assert lines.pop() == ""
    raw = (folder / f"ticker.{charset}.txt").read_bytes()
    assert raw.decode(charset).split("\r\n") == [*lines, ""]
    assert lines == led["lines"] == [*led["hotline_lines"], led["stats_text"], *led["definition_lines"],
                                     *(i["content_text"] for i in items)]
    assert "12345" in lines[0]
    for line in lines:
        assert 0 < len(line) <= max_chars, line
        line.encode(charset)  # every character encodable

    # RSS 2.0, the same messages
    rss = etree.fromstring((folder / "ticker.rss").read_bytes())
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == feed["title"] and channel.findtext("link") and channel.findtext("description")
    assert [i.findtext("title") for i in channel.findall("item")] == [i["content_text"] for i in items]
    assert [i.findtext("guid") for i in channel.findall("item")] == [i["id"] for i in items]

    # the page carries the same messages for browsers without JavaScript
    page = html.unescape((folder / "index.html").read_text("utf-8"))
    assert all(i["content_text"] in page for i in items) and "<noscript>" in page
    assert led["version"] in page
    assert not re.search(r"""(?:src|href)="(?:https?:)?//""", page)


def test_each_screen_shows_its_own_cases(sample):
    feeds = {n: json.loads((d / "ticker.json").read_text("utf-8")) for n, d in screen_dirs(sample).items()}
    cases, _ = load_cases(ROOT / "cases_data", ZoneInfo("Asia/Shanghai"))
    expected = {
        "main": [c.id for c in cases.cases][:20],
        "pingqiao": [c.id for c in cases.cases if c.district.name == "平桥区"][:5],
        "city": [c.id for c in cases.cases if c.category.name in ("城市管理", "环保问题")][:8],
    }
    assert len(expected["pingqiao"]) == 5 and len(expected["city"]) == 8
    assert {n: [i["id"] for i in f["items"]] for n, f in feeds.items()} == expected
    assert feeds["pingqiao"]["title"] == "市长热线 12345 LED 屏（平桥区）"
    assert feeds["pingqiao"]["feed_url"] == "../../led/pingqiao/ticker.json"
    assert feeds["pingqiao"]["items"][0]["url"].startswith("../../cases/")
    # the gb2312 main screen shows the placeholder for 浉 (not in GB2312); the GBK screen does not need to
    assert "浉" not in (sample / "led" / "ticker.txt").read_text("utf-8")


def test_nothing_private_or_unpublished_in_any_led_file(sample):
    secrets = set()
    for path in (ROOT / "cases_data").rglob("XY-*.yaml"):
        record = yaml.safe_load(path.read_text("utf-8"))
        caller = record.get("caller") or {}
        secrets |= {str(v) for k, v in caller.items() if k in ("name", "phone", "address", "id_number", "employer")}
        if record["status"] != "resolved" or record.get("publish") is False:
            secrets.add(record["id"])
            secrets |= {line.strip() for line in str(record.get("complaint") or "").splitlines() if len(line.strip()) > 8}
            secrets |= {h for h in record.get("headline") or []}
    assert len(secrets) > 50
    files = sorted(p for p in (sample / "led").rglob("*") if p.is_file())
    assert len(files) == 3 * 5
    for path in files:
        raw = path.read_bytes()
        texts = [raw.decode("utf-8")] if not path.name.endswith(("gb2312.txt", "gbk.txt")) else [raw.decode("gbk")]
        for text in texts:
            squeezed = re.sub(r"\s", "", text)
            for secret in secrets:
                assert re.sub(r"\s", "", secret) not in squeezed, (path.name, secret)


@pytest.fixture
def tiny(tmp_path):
    cases = write_cases(tmp_path / "cases", {
        "a.yaml": make_case(id="XY-1", resolved_at="2013-01-14"),
        "b.yaml": make_case(id="XY-2", headline=["户口四年无着落", "部门督促得办理"], resolved_at="2013-01-15",
                            place={"district": "平桥区", "area": "平昌关镇"}),
    })
    return cases, tmp_path / "out"


def test_version_and_bytes_change_only_with_the_content(tiny):
    cases, out = tiny
    build(cases, out)
    first = (out / "led" / "ticker.json").read_bytes()
    build(cases, out)
    assert (out / "led" / "ticker.json").read_bytes() == first  # generated_at too: it is the data's time
    path = cases / "b.yaml"
    path.write_text(path.read_text("utf-8").replace("户口四年无着落", "户口五年无着落"), "utf-8")
    build(cases, out)
    old, new = json.loads(first), json.loads((out / "led" / "ticker.json").read_text("utf-8"))
    assert new["_led"]["version"] != old["_led"]["version"]
    assert "户口五年无着落" in new["items"][0]["content_text"]


def test_site_url_gives_absolute_urls(tiny):
    cases, out = tiny
    build(cases, out, SITEURL="https://12345.example.gov.cn")
    feed = json.loads((out / "led" / "ticker.json").read_text("utf-8"))
    assert feed["feed_url"] == "https://12345.example.gov.cn/led/ticker.json"
    assert feed["home_page_url"] == "https://12345.example.gov.cn/index.html"
    assert feed["items"][0]["url"] == "https://12345.example.gov.cn/cases/XY-2.html"
    rss = etree.fromstring((out / "led" / "ticker.rss").read_bytes())
    assert rss.find("channel").findtext("link") == "https://12345.example.gov.cn/index.html"


def test_an_unknown_category_stops_the_build_and_keeps_the_site(tiny):
    cases, out = tiny
    build(cases, out)
    before = (out / "led" / "ticker.json").read_bytes()
    with pytest.raises(BuildFailed) as e:
        build(cases, out, [{"NAME": "x", "CATEGORY": "城市管里"}])
    assert "屏 x 的 CATEGORY “城市管里” 不在 categories.yaml 中" in str(e.value.code)
    with pytest.raises(BuildFailed) as e:
        build(cases, out, [{"NAME": "平桥"}])
    assert "不能用作网址中的名称" in str(e.value.code)
    assert (out / "led" / "ticker.json").read_bytes() == before


def test_the_guard_reads_the_led_files_too(tiny):
    """A replacement that writes a caller's name into the messages stops the build."""
    cases, out = tiny
    with pytest.raises(BuildFailed) as e:
        build(cases, out, [{"NAME": "main", "REPLACE": {"管道": "何丽华"}}])
    assert "隐私保护" in str(e.value.code) and "led/ticker.json" in str(e.value.code)
    assert "何丽华" not in str(e.value.code)
    assert not out.exists()


def test_a_screen_polling_during_builds_always_reads_a_complete_feed(tiny):
    cases, out = tiny
    build(cases, out)
    feed = out / "led" / "ticker.json"
    reads, problems, versions = [0], [], set()
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            try:
                versions.add(json.loads(feed.read_bytes())["_led"]["version"])
                reads[0] += 1
            except (OSError, ValueError, KeyError) as e:
                problems.append(repr(e))
            time.sleep(0.001)  # let the build have the interpreter too

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        for n in range(3):
            path = cases / "a.yaml"
            path.write_text(path.read_text("utf-8").replace("管道损坏", f"第{n}次管道损坏", 1), "utf-8")
            build(cases, out)
    finally:
        stop.set()
        poller.join()
    assert problems == []
    assert reads[0] > 100 and len(versions) >= 3
