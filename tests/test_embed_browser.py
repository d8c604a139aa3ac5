"""The embeds in headless Chromium as a news site uses them: a host page on
another loopback port carries every widget's code, copied from the
转载与嵌入 page, once as an <iframe> and once as a <script> embed."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import LocalServer
from conftest import SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.pelican import run_pelican

HOSTILE = "<svg onload=alert(1)>灯"
CASES = {
    "seed.yaml": make_case(),
    "b.yaml": make_case(id="XY-2013-000050", resolved_at="2013-02-01", received_at="2013-01-20 10:00",
                        headline=[HOSTILE, "路灯修好了"], place={"district": "平桥区"}, category="户籍管理"),
}
HOST_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>信阳日报</title></head>
<body><h1>信阳日报 · 民生</h1>
{codes}
</body></html>
"""


@pytest.fixture(scope="module")
def origins(tmp_path_factory):
    """(site, host, out): the built site, published at its SITEURL on one port, and a
    news site's page on another port carrying every embed code of embed.html."""
    tmp = tmp_path_factory.mktemp("embed-browser")
    out = tmp / "site"
    with LocalServer(out) as site:
        cases = write_cases(tmp / "cases", CASES)
        run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "SITEURL": site.url})
        codes = html.parse(str(out / "embed.html")).getroot().xpath("//textarea/text()")
        host_dir = tmp / "host"
        host_dir.mkdir()
        (host_dir / "index.html").write_text(HOST_PAGE.format(codes="\n".join(codes)), "utf-8")
        with LocalServer(host_dir) as host:
            yield site, host, out


def widget_names(out: Path) -> list[str]:
    return sorted(p.relative_to(out / "embed").with_suffix("").as_posix() for p in (out / "embed").rglob("*.html"))


def title_of(out: Path, name: str) -> str:
    return html.parse(str(out / "embed" / f"{name}.html")).getroot().xpath("string(//h1)")


@pytest.fixture
def visit(chromium):
    """Opens a page in a fresh context; records every request and every Set-Cookie;
    refuses anything off this machine."""
    contexts = []

    def _visit(url: str, javascript: bool = True):
        context = chromium.new_context(java_script_enabled=javascript)
        contexts.append(context)
        context.requests, context.set_cookies, context.dialogs = [], [], []
        context.on("request", lambda r: context.requests.append(r.url))
        context.on("response", lambda r: context.set_cookies.extend(
            v for k, v in r.all_headers().items() if k.lower() == "set-cookie"))
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1:") else r.abort())
        page = context.new_page()
        page.on("dialog", lambda d: (context.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        return page

    yield _visit
    for context in contexts:
        context.close()


def scripts_done(page) -> None:
    """Wait until every <script> embed on the page has rendered its widget."""
    page.wait_for_function("[...document.querySelectorAll('[data-hotline-embed]')]"
                           ".every(e => e.dataset.hotlineState === 'done')", timeout=10_000)


def frame_title(page, src: str) -> str:
    """The widget's title inside the (lazily loaded) iframe showing `src`."""
    page.locator(f'iframe[src="{src}"]').scroll_into_view_if_needed()
    return page.frame_locator(f'iframe[src="{src}"]').locator("h1").inner_text(timeout=10_000)


def test_every_widget_shows_on_another_origin_without_cookies_or_outside_requests(visit, origins):
    site, host, out = origins
    assert site.url != host.url
    page = visit(f"{host.url}/index.html")
    names = widget_names(out)
    assert len(names) == 2 + 2 + 2 + 2  # latest, hotline; 2 districts, 2 categories, 2 departments
    scripts_done(page)
    for name in names:
        title = title_of(out, name)
        assert frame_title(page, f"{site.url}/embed/{name}.html") == title
        rendered = page.locator(f'[data-hotline-embed="{site.url}/embed/data/{name}.js"] .hotline-embed')
        assert rendered.locator(".he-title").first.inner_text() == title
    latest = page.locator(f'[data-hotline-embed="{site.url}/embed/data/latest.js"]')
    assert latest.locator(".he-hl span").first.inner_text() == HOSTILE  # text, not markup
    assert latest.locator(".he-hl").first.get_attribute("href") == f"{site.url}/cases/XY-2013-000050.html"
    hotline = page.locator(f'[data-hotline-embed="{site.url}/embed/data/hotline.js"]')
    assert hotline.locator(".he-numbers li").first.inner_text() == "12345"
    assert page.locator(".hotline-embed svg").count() == 0 and page.context.dialogs == []
    frame = page.frame_locator(f'iframe[src="{site.url}/embed/latest.html"]')
    assert frame.locator("a.hl span").first.inner_text() == HOSTILE
    # embed.js is loaded once per embed code, each data file once
    data_requests = [u for u in page.context.requests if "/embed/data/" in u]
    assert sorted(data_requests) == sorted(f"{site.url}/embed/data/{n}.js" for n in names)
    assert {u.split("/", 3)[2] for u in page.context.requests} == {site.url[7:], host.url[7:]}
    assert page.context.set_cookies == [] and page.context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_iframes_work_without_javascript_and_the_script_embed_leaves_a_link(visit, origins):
    site, host, out = origins
    page = visit(f"{host.url}/index.html", javascript=False)
    for name in widget_names(out):
        assert frame_title(page, f"{site.url}/embed/{name}.html") == title_of(out, name)
        fallback = page.locator(f'[data-hotline-embed="{site.url}/embed/data/{name}.js"] > a')
        assert fallback.inner_text() == f"市长热线 12345：{title_of(out, name)}"
        assert fallback.get_attribute("href").startswith(f"{site.url}/")
    assert page.locator(".hotline-embed").count() == 0
    assert all(u.startswith((site.url, host.url)) for u in page.context.requests)


def test_a_headline_in_a_frame_opens_the_case_on_the_site_in_a_new_tab(visit, origins):
    site, host, out = origins
    page = visit(f"{host.url}/index.html")
    src = f"{site.url}/embed/latest.html"
    scripts_done(page)
    frame_title(page, src)
    with page.context.expect_page() as opened:
        page.frame_locator(f'iframe[src="{src}"]').locator("a.hl").first.click()
    case_page = opened.value
    case_page.wait_for_load_state()
    assert case_page.url == f"{site.url}/cases/XY-2013-000050.html"
    assert case_page.locator("h1.headline span").first.inner_text() == HOSTILE
    assert page.url == f"{host.url}/index.html"  # the news site stays where it was


def test_the_embed_page_previews_every_widget(visit, origins):
    site, _, _ = origins
    page = visit(f"{site.url}/embed.html")
    assert frame_title(page, "embed/latest.html") == "最新办结"
    scripts_done(page)  # the previews of the latest cases and the hotline
    assert page.locator("[data-hotline-state=done]").count() == 2
    page.locator("details summary").first.focus()  # by keyboard: previews loading above move it about
    page.keyboard.press("Enter")
    src = page.locator("details iframe").first.get_attribute("src")
    assert frame_title(page, src) == page.locator("details summary").first.inner_text()
    code = page.locator("textarea").first  # the code is selectable and copyable as it is
    assert code.is_editable() is False and code.is_enabled()
    code.focus()
    page.keyboard.press("Control+A")
    assert code.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)") == code.input_value()
    assert code.input_value().startswith(f'<iframe src="{site.url}/embed/latest.html"')
