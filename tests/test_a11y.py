"""Accessibility and robustness of the pages, in headless Chromium.

axe-core (bundled by the PyPI package axe-playwright-python, run offline)
checks the main kinds of page for serious or critical violations. With
JavaScript off every page still shows its content and its navigation; the
search page and the LED ticker, which need scripts, say so in <noscript>.
"""

from __future__ import annotations

from importlib import resources

import pytest
from browser import LocalServer

AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")

PAGES = {
    "home": "index.html",
    "case": "cases/XY-2013-000042.html",
    "listing": "cases/index.html",
    "department listing": "department/index.html",
    "archive": "archive/index.html",
    "statistics": "stats/index.html",
    "statistics definitions": "stats/definitions.html",
    "search": "search.html",
    "open data": "open-data.html",
    "data dictionary": "data-dictionary.html",
    "led ticker": "led/index.html",
    "content page": "pages/privacy.html",
}
NEED_SCRIPTS = {"search", "led ticker"}


def violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(found: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}" for v in found
    )


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(sample_site, page, name):
    path = sample_site / PAGES[name]
    assert path.is_file(), f"{PAGES[name]} is not built"
    with LocalServer(sample_site) as server:
        page.goto(f"{server.url}/{PAGES[name]}")
        page.wait_for_load_state("networkidle")
        found = violations(page)
    assert not found, describe(found)
    assert page.external_requests == []


@pytest.fixture
def no_script_page(chromium):
    context = chromium.new_context(java_script_enabled=False)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_pages_work_without_javascript(sample_site, no_script_page, name):
    path = sample_site / PAGES[name]
    assert path.is_file(), f"{PAGES[name]} is not built"
    page = no_script_page
    with LocalServer(sample_site) as server:
        page.goto(f"{server.url}/{PAGES[name]}")
        visible_text = page.evaluate("() => document.body.innerText")
        links = page.evaluate("""() => [...document.querySelectorAll('a[href]')]
            .filter(a => a.offsetParent !== null).map(a => a.getAttribute('href'))""")
        noscript = page.evaluate("() => [...document.querySelectorAll('noscript')].map(n => n.textContent.trim())")
        if name in NEED_SCRIPTS:
            assert any(noscript), f"{PAGES[name]}: needs JavaScript but has no <noscript> that says so"
            assert any("JavaScript" in n or "脚本" in n for n in noscript), noscript
        else:
            assert len(visible_text.strip()) > 40, visible_text
            assert "index.html" in " ".join(links) or "../" in " ".join(links), links
            if name == "case":
                assert "管道损坏致停水" in visible_text
            if name in ("home", "listing"):
                assert page.locator("a[href*='cases/XY-']").count() > 0
            assert len(links) >= 3, f"{PAGES[name]}: navigation links missing without JavaScript: {links}"
