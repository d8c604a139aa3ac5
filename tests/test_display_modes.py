"""大字版 and 高对比度: the reading settings at the top of every page, in headless Chromium.

Each mode (three text sizes × standard or high contrast) at a phone's 390 px
and a desktop's 1280 px: the text grows, running text keeps a line height of
at least 1.5, nothing sticks out sideways on the phone, and axe-core finds no
WCAG 2.1 A/AA violation. The switch works with JavaScript off; with it on, the
choice follows the reader to the next page. Screenshots go to tmp_path.
"""

from __future__ import annotations

from importlib import resources

import pytest
from browser import LocalServer

AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

SIZES = {"standard": 1.0, "large": 1.25, "larger": 1.5}  # root font size against the browser's 16 px
CONTRASTS = ("standard", "high")
MODES = [(size, contrast) for size in SIZES for contrast in CONTRASTS]
WIDTHS = (390, 1280)

PAGES = {
    "home": "index.html",
    "case": "cases/XY-2013-000042.html",
    "listing": "cases/index.html",
    "statistics": "stats/index.html",
    "bulletin": "bulletins/2013-12.html",
    "search": "search.html",
    "open data": "open-data.html",
    "content page": "pages/privacy.html",
}
LOOKED_AT = ("home", "case", "statistics")  # screenshots and measurements in every mode
# axe in every mode on the pages looked at; on every other kind of page in the plainest and the strongest mode.
AXE_MODES = {name: MODES if name in LOOKED_AT else [("standard", "standard"), ("larger", "high")] for name in PAGES}

# Running text: what is read line by line. Headings and the big single-line
# figures (the hotline numbers, the headline counts) may sit closer.
MEASURE = """() => {
  const running = 'main p, main li:not(.hotlines li), main dd:not(.figures dd):not(.headline-figures dd), main dt, '
    + 'main td, main th, main caption, main figcaption, .site-nav a, .site-footer p, .display-bar label';
  const tight = [...document.querySelectorAll(running)]
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .map(el => { const s = getComputedStyle(el); return [el.tagName + '.' + el.className, parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; })
    .filter(([, ratio]) => !(ratio >= 1.495));  // 1.5 after rounding to pixels
  const scrolled = '.chart-scroll, .table-wrap';
  const sticking_out = [...document.querySelectorAll('body *')]
    .filter(el => !el.closest(scrolled) && !el.closest('svg') && el.getBoundingClientRect().right > innerWidth + 0.5)
    .map(el => el.tagName + '.' + el.className);
  const body = getComputedStyle(document.body);
  return {
    root: parseFloat(getComputedStyle(document.documentElement).fontSize),
    body: parseFloat(body.fontSize),
    tight: tight.slice(0, 5),
    scroll_width: document.documentElement.scrollWidth,
    width: innerWidth,
    sticking_out: sticking_out.slice(0, 5),
    background: body.backgroundColor,
    colour: body.color,
  };
}"""


@pytest.fixture(scope="module")
def server(sample_site):
    with LocalServer(sample_site) as running:
        yield running


def _offline(context):
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    return context


def choose(page, size: str, contrast: str) -> None:
    """Press the two buttons as a reader does (the radios themselves are hidden behind their labels)."""
    page.click(f"label[for=display-size-{size}]")
    page.click(f"label[for=display-contrast-{contrast}]")


def chosen(page) -> tuple[str, str]:
    return tuple(page.evaluate("""() => [document.querySelector('[name=display-size]:checked').value,
                                    document.querySelector('[name=display-contrast]:checked').value]"""))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("size", "contrast"), MODES)
def test_each_mode_reads_well_on_a_phone_and_a_desktop(chromium, server, tmp_path, width, size, contrast):
    context = _offline(chromium.new_context(viewport={"width": width, "height": 900}))
    page = context.new_page()
    try:
        page.goto(f"{server.url}/{PAGES[LOOKED_AT[0]]}")
        plain = page.evaluate(MEASURE)
        assert plain["root"] == 16
        for name in LOOKED_AT:
            page.goto(f"{server.url}/{PAGES[name]}")
            if name != LOOKED_AT[0]:
                assert chosen(page) == (size, contrast), f"{name}: the choice was not remembered"
            choose(page, size, contrast)
            shown = page.evaluate(MEASURE)
            shot = tmp_path / f"{name}-{width}-{size}-{contrast}.png".replace(" ", "-")
            page.screenshot(path=shot)
            assert shot.stat().st_size > 1000

            assert shown["root"] == pytest.approx(16 * SIZES[size]), name
            assert shown["body"] == pytest.approx(plain["body"] * SIZES[size]), name
            assert not shown["tight"], f"{name}: running text with line height under 1.5: {shown['tight']}"
            if width == 390:
                assert shown["scroll_width"] <= shown["width"], f"{name}: scrolls sideways: {shown['sticking_out']}"
                assert not shown["sticking_out"], f"{name}: sticks out: {shown['sticking_out']}"
            if contrast == "high":
                assert (shown["background"], shown["colour"]) == ("rgb(255, 255, 255)", "rgb(0, 0, 0)"), name
            else:
                assert shown["background"] == plain["background"] != "rgb(255, 255, 255)", name
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_aa_violations_in_any_mode(server, page, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/{PAGES[name]}")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE)
    found = []
    for size, contrast in AXE_MODES[name]:
        choose(page, size, contrast)
        page.mouse.move(0, 0)  # no button left in its hover look
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert len(result["passes"]) > 10 and "color-contrast" in {r["id"] for r in result["passes"]}  # axe did look
        found += [f"{size}/{contrast} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]
    assert not found, "\n".join(found)
    assert page.external_requests == []


def test_the_switch_works_without_javascript(chromium, server):
    context = _offline(chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900}))
    page = context.new_page()
    try:
        for width in reversed(WIDTHS):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{server.url}/{PAGES['case']}")
            assert page.evaluate(MEASURE)["root"] == 16
            buttons = [page.locator(f"label[for=display-size-{size}]").bounding_box() for size in SIZES]
            choose(page, "larger", "high")
            shown = page.evaluate(MEASURE)
            assert shown["root"] == 24 and shown["background"] == "rgb(255, 255, 255)"
            # The bar does not grow with the page: the button just pressed stays under the pointer.
            assert [page.locator(f"label[for=display-size-{size}]").bounding_box() for size in SIZES] == buttons, width
            assert all(box["width"] >= 44 and box["height"] >= 44 for box in buttons)
        # The keyboard: one tab stop per group, arrow keys move the choice.
        page.focus("#display-size-larger")
        page.keyboard.press("ArrowLeft")
        assert chosen(page) == ("large", "high")
        assert page.evaluate(MEASURE)["root"] == 20
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "display-contrast-high"
        page.keyboard.press("ArrowLeft")
        assert chosen(page) == ("large", "standard")
        assert page.evaluate(MEASURE)["background"] != "rgb(255, 255, 255)"
    finally:
        context.close()


def test_with_javascript_the_choice_follows_the_reader(chromium, server):
    context = _offline(chromium.new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    try:
        page.goto(f"{server.url}/{PAGES['home']}")
        assert chosen(page) == ("standard", "standard")
        choose(page, "larger", "high")
        page.click("main a[href*='cases/XY-']")
        page.wait_for_url("**/cases/XY-*.html")
        assert chosen(page) == ("larger", "high")
        shown = page.evaluate(MEASURE)
        assert shown["root"] == 24 and shown["background"] == "rgb(255, 255, 255)"

        page.click("label[for=display-size-large]")
        page.click(".site-nav a[href$='stats/index.html']")
        page.wait_for_url("**/stats/index.html")
        assert chosen(page) == ("large", "high")
        page.go_back()
        assert chosen(page) == ("large", "high")
        assert page.evaluate(MEASURE)["root"] == 20
    finally:
        context.close()


def test_every_page_but_the_led_screen_has_the_switch(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 50
    without = [str(p.relative_to(sample_site)) for p in pages if 'name="display-size"' not in p.read_text("utf-8")]
    # The LED page fills a street screen by itself: its text size is its own `?size=`.
    assert without and all(p.startswith("led/") for p in without), without


def test_the_settings_are_not_printed(page, server):
    page.goto(f"{server.url}/{PAGES['statistics']}")
    page.emulate_media(media="print")
    assert page.locator(".display-bar").evaluate("e => getComputedStyle(e).display") == "none"
