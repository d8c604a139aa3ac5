"""The public site in headless Chromium: phone width, no external requests, print, keyboard."""

from __future__ import annotations

import pytest
from browser import LocalServer

PAGES = ["index.html", "cases/XY-2013-000042.html", "cases/index.html", "department/index.html", "pages/process.html"]


@pytest.fixture(scope="module")
def server(sample_site):
    with LocalServer(sample_site) as s:
        yield s


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_and_nothing_is_fetched_from_outside(page, server, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(f"{server.url}/{path}")
    assert response.ok
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")
    assert page.external_requests == []
    assert failed == []
    # the stylesheet is applied: the masthead's flag is white on red
    flag = page.locator(".flag-name")
    assert flag.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(176, 19, 27)"


def test_case_page_reads_as_the_column_at_phone_width(page, server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server.url}/cases/XY-2013-000042.html")
    headline = page.locator("h1.headline span")
    assert headline.all_inner_texts() == ["管道损坏致停水", "及时维修促供水"]
    # the two headline lines stand on two lines
    boxes = [headline.nth(i).bounding_box() for i in range(2)]
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
    assert page.locator(".story p").first.inner_text().startswith("市民何女士反映，")
    assert page.locator(".credit").inner_text() == "（值班记者 曾宪科）"


def test_keyboard_reaches_the_skip_link_then_the_navigation(page, server):
    page.goto(f"{server.url}/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0  # shown when focused
    for group in ("display-size", "display-contrast"):  # the reading settings: one stop per group
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == group
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('flag')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "首页"


def test_printing_a_case_keeps_masthead_headline_and_credit_only(page, server):
    page.goto(f"{server.url}/cases/XY-2013-000042.html")
    page.emulate_media(media="print")
    def shown(selector):
        return page.locator(selector).first.evaluate("e => getComputedStyle(e).display") != "none"

    assert shown(".masthead") and shown("h1.headline") and shown(".credit") and shown(".story")
    assert not shown(".site-nav") and not shown(".neighbours") and not shown(".crumbs")
    assert page.locator(".story").evaluate("e => getComputedStyle(e).columnCount") == "2"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
