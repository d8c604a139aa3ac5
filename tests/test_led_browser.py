"""The LED screen page in headless Chromium, served over HTTP like a signage player sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import LocalServer
from conftest import SETTINGS, make_case, write_cases
from pelican.settings import read_settings

from hotline.build.pelican import run_pelican

POLL = "?refresh=1"
WAIT = 5000  # ms: several poll intervals


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("led-browser")
    cases = write_cases(tmp / "cases", {
        "a.yaml": make_case(id="XY-1", resolved_at="2013-01-14"),
        "b.yaml": make_case(id="XY-2", headline=["户口四年无着落", "部门督促得办理"], resolved_at="2013-01-15",
                            place={"district": "平桥区", "area": "平昌关镇"}),
    })
    hotline = {**read_settings(str(SETTINGS))["HOTLINE"], "LED_SCREENS": [{"NAME": "pq", "DISTRICT": "平桥区", "CHARSET": "gbk"}]}
    run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(tmp / "out"), "HOTLINE": hotline})
    return tmp / "out"


@pytest.fixture
def served(site):
    """The built site over HTTP; ticker.json is put back after each test."""
    feed = site / "led" / "ticker.json"
    original = feed.read_bytes()
    with LocalServer(site) as server:
        yield server, feed, json.loads(original)
    feed.write_bytes(original)


def scroll_text(page) -> str:
    return page.inner_text("#led-scroll")


def state(page) -> str:
    return page.get_attribute("#led", "data-state")


def test_the_page_shows_the_messages_and_the_numbers(served, page):
    server, _, feed = served
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server.url}/led/index.html{POLL}")
    page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)
    for item in feed["items"]:
        assert item["content_text"] in scroll_text(page)
    numbers = page.locator(".led-number")
    assert numbers.all_inner_texts() == ["12345", "8912345", "3772020", "3785008"]
    for number in numbers.all():
        box = number.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 1080 and box["x"] + box["width"] <= 1920
    assert page.inner_text("#led-stats") == feed["_led"]["stats_text"]
    assert page.inner_text("#led-updated") == "2013年1月15日"
    assert page.evaluate("getComputedStyle(document.getElementById('led-scroll')).animationName") == "led-scroll"
    assert page.external_requests == [] and errors == []


def test_a_new_version_is_picked_up_and_broken_json_keeps_the_last_good_messages(served, page):
    server, path, feed = served
    page.goto(f"{server.url}/led/index.html{POLL}")
    page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)

    # the same version with other text: not re-rendered (only _led.version counts)
    same = json.loads(json.dumps(feed))
    same["items"][0]["content_text"] = "【已办结】版本号未变"
    path.write_text(json.dumps(same, ensure_ascii=False), "utf-8")
    page.wait_for_timeout(2500)
    assert "版本号未变" not in scroll_text(page)

    new = json.loads(json.dumps(feed))
    new["items"][0]["content_text"] = "【已办结】新的一条消息"
    new["_led"].update(version="v2", stats_text="2013年共受理3件", hotlines=["12345", "6666666"])
    path.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
    page.wait_for_function("document.getElementById('led-scroll').innerText.includes('新的一条消息')", timeout=WAIT)
    assert page.get_attribute("#led", "data-version") == "v2"
    assert page.inner_text("#led-stats") == "2013年共受理3件"
    assert page.locator(".led-number").all_inner_texts() == ["12345", "6666666"]

    for broken in (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', b'{"items": "none"}', None):
        if broken is None:
            path.unlink()  # 404
        else:
            path.write_bytes(broken)
        page.wait_for_function("document.getElementById('led').dataset.state === 'stale'", timeout=WAIT)
        assert "新的一条消息" in scroll_text(page)
        assert page.inner_text("#led-stats") == "2013年共受理3件"
        assert "正在重试" in page.inner_text("#led-offline")
        path.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
        page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)
        assert page.inner_text("#led-offline") == ""


def test_screen_speed_and_size_come_from_the_query_string(served, page):
    server, _, _ = served
    page.set_viewport_size({"width": 960, "height": 540})
    page.goto(f"{server.url}/led/index.html?screen=pq&refresh=1&size=10")
    page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)
    pq = json.loads((served[1].parent / "pq" / "ticker.json").read_text("utf-8"))
    assert [i["id"] for i in pq["items"]] == ["XY-2"]
    assert scroll_text(page).strip() == pq["items"][0]["content_text"]
    assert page.evaluate("getComputedStyle(document.getElementById('led-scroll')).fontSize") == "54px"  # 10% of 540

    def duration(query):
        page.goto(f"{server.url}/led/index.html{query}")
        page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)
        return float(page.evaluate("getComputedStyle(document.getElementById('led-scroll')).animationDuration")[:-1])

    assert duration("?speed=2") == pytest.approx(2 * duration("?speed=4"), rel=0.01)


def test_reduced_motion_shows_one_message_at_a_time_without_movement(served, chromium):
    server, _, feed = served
    context = chromium.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/led/index.html{POLL}")
        page.wait_for_function("document.getElementById('led').dataset.state === 'live'", timeout=WAIT)
        assert page.evaluate("getComputedStyle(document.getElementById('led-scroll')).animationName") == "none"
        visible = page.locator(".led-message:visible").all_inner_texts()
        assert len(visible) == 1 and visible[0] in [i["content_text"] for i in feed["items"]]
    finally:
        context.close()


def test_without_javascript_the_built_messages_still_scroll(served, chromium):
    server, _, feed = served
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/led/index.html")
        assert page.is_visible("noscript p, .led-noscript")
        for item in feed["items"]:
            assert item["content_text"] in scroll_text(page)
        assert page.evaluate("getComputedStyle(document.getElementById('led-scroll')).animationName") == "led-scroll"
        assert page.inner_text("#led-stats") == feed["_led"]["stats_text"]
    finally:
        context.close()
