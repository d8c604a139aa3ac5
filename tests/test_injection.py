"""Markup injection: hostile text in every public field and registry name is
escaped or neutralised in every file the build writes.

One site is built with a case per payload, the payload in every free-text
field, and in department names, phones and aliases, category names, and
district names and aliases. Then the whole output tree is walked and each file is checked by its
type, so outputs added later are covered as they land: HTML (no script,
event handler, javascript: link or markup that came from a payload), Atom
and RSS (well-formed XML; HTML content checked as HTML), SVG, JSON, CSV (no
cell a spreadsheet would run as a formula), plain text (no control or
invisible characters). Browser tests open the pages whose scripts render
data (LED ticker, search) and watch for a script that runs.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, make_case, write_cases
from lxml import etree, html

from hotline.build.pelican import run_pelican
from hotline.privacy.spelling import INVISIBLE

# Each fits the shortest field (reporter, 40 characters) and says which payload it is.
PAYLOADS = {
    "script": "<script>alert('x1')</script>",
    "close-script": "</script><script>alert('x2')</script>",
    "attribute": "\"><img src=x onerror=alert('x3')>",
    "attribute-single": "'><svg onload=alert('x4')>",
    "javascript-url": "javascript:alert('x5')",
    "jinja": "{{ 7*7 }}{% if 1 %}金甲{% endif %}",
    "markdown": "[点我](javascript:alert('x6')) **粗体**",
    "entity": "&lt;b&gt;实体&amp;amp;",
    "cdata": "]]><x>CDATA</x><![CDATA[",
    "direction": "\u202e文字反转\u202c零\u200b宽\u2066隔离\u2069",
    "formula": "=cmd|' /C calc'!A0",
    "formula-plus": "+1+cmd|' /C calc'!A0",
    "formula-minus": "-2+cmd|' /C calc'!A0",
    "formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula-tab": "\t=1+cmd|' /C calc'!A0",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WIDGET_FRAME = re.compile(r"(https?://[a-z0-9.:]+/)?embed/[a-z0-9/-]+\.html")
SHORT_ROLE = {"script": "<b>居民</b>", "attribute": '"><i>x', "formula": "=1+1", "jinja": "{{7*7}}"}


def hostile_cases() -> tuple[dict, dict[str, list]]:
    """The cases, and the registries (departments, categories, districts) they name."""
    cases, departments, categories, districts = {}, [], [], []
    for i, (name, payload) in enumerate(PAYLOADS.items()):
        departments.append({"name": f"部门{i}{payload}", "phone": payload if name.startswith("formula") else f"63812{i:02d}",
                            "aliases": [f"别名{i}{payload}"]})
        categories.append({"name": f"类别{i}{payload}"})
        districts.append({"name": f"区{i}{payload}", "aliases": [f"区别名{i}{payload}"]})
        case = make_case(
            id=f"XY-INJ-{i}",
            headline=[payload, f"标题{i}{payload}"],
            complaint=f"{payload}\n\n反映{i}：{payload}",
            handling=[{"department": f"别名{i}{payload}", "assigned_at": "2013-01-10", "finding": payload,
                       "action": f"{payload}\n办理{i}{payload}"}],
            followup={"at": "2013-01-16", "result": "satisfied", "comment": payload},
            place={"district": f"区别名{i}{payload}", "area": payload},
            category=f"类别{i}{payload}",
            caller_role=SHORT_ROLE.get(name, "市民"),
            reporter=payload,
        )
        case["caller"] = {"name": "何乙丙", "gender": ["female", "male", "unknown"][i % 3]}
        cases[f"2013/01/inj-{i}.yaml"] = case
    return cases, {"departments": departments, "categories": categories, "districts": districts}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    cases, registries = hostile_cases()
    write_cases(root / "cases", cases, **registries)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        # With SITEURL, as published: absolute URLs in feeds and a sitemap.xml too.
        run_pelican(ROOT / "pelicanconf.py", {"CASES_PATH": str(root / "cases"), "OUTPUT_PATH": str(root / "out"),
                                              "SITEURL": "https://12345.example.invalid"})
    return root / "out"


def outputs(site: Path, *suffixes: str) -> list[Path]:
    """Files the build made from data: theme assets and the search engine's own files left out."""
    skip = ("theme", "pagefind")
    return [p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in suffixes
            and p.relative_to(site).parts[0] not in skip]


def html_problems(doc: html.HtmlElement, where: str) -> list[str]:
    """Everything in a parsed HTML document that a payload could have made."""
    found = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            if attr.lower().startswith("on"):
                found.append(f"{where}: <{el.tag} {attr}={value!r}>")
            if attr.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"{where}: <{el.tag} {attr}={value!r}>")
        if el.tag == "script" and ("alert(" in (el.text or "") or "x-" in el.get("src", "")):
            found.append(f"{where}: <script>{el.text!r}")
        ours = "theme/" in el.get("src", "theme/") or WIDGET_FRAME.fullmatch(el.get("src", ""))  # embed.html's previews
        if el.tag in ("img", "svg", "x", "iframe", "object", "embed") and not ours:
            found.append(f"{where}: <{el.tag}> from a payload")
        if el.tag in ("b", "i", "strong", "em") and any(w in (el.text_content() or "") for w in ("居民", "粗体", "实体", "城管")):
            found.append(f"{where}: <{el.tag}> from a payload")
    return found


def test_the_site_was_built_with_every_payload(site):
    """The test below cannot pass vacuously: each payload is on its case page, as text."""
    for i, payload in enumerate(PAYLOADS.values()):
        page = html.fromstring((site / "cases" / f"XY-INJ-{i}.html").read_bytes())
        text = page.text_content()
        visible = "".join(c for c in payload if c not in INVISIBLE)
        assert visible.strip() in text, (i, payload)
    assert outputs(site, ".html") and outputs(site, ".xml")


def test_html_pages_show_payloads_as_text(site):
    problems = []
    for path in outputs(site, ".html"):
        raw = path.read_text("utf-8")
        problems += html_problems(html.fromstring(raw), path.relative_to(site).as_posix())
        if "alert('x" in raw:
            for bad in ("<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "<x>CDATA"):
                if bad in raw:
                    problems.append(f"{path.relative_to(site)}: raw {bad!r}")
    assert not problems, "\n".join(problems[:30])


def test_jinja_syntax_in_data_is_never_evaluated(site):
    seen = 0
    for path in outputs(site, ".html", ".xml", ".json", ".txt", ".csv", ".rss"):
        text = html_lib.unescape(path.read_text("utf-8", errors="replace"))
        if "金甲" in text:
            seen += 1
            assert "{% if 1 %}金甲{% endif %}" in text, path.relative_to(site)
    assert seen


def test_feeds_are_well_formed_and_their_html_is_inert(site):
    problems = []
    for path in outputs(site, ".xml", ".rss", ".atom", ".svg"):
        where = path.relative_to(site).as_posix()
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            for attr, value in el.attrib.items():
                if etree.QName(attr).localname.lower().startswith("on"):
                    problems.append(f"{where}: <{local} {attr}>")
                if etree.QName(attr).localname == "href" and value.strip().lower().startswith("javascript:"):
                    problems.append(f"{where}: <{local} href={value!r}>")
            if local in ("script", "x"):
                problems.append(f"{where}: <{local}> element")
            is_html = el.get("type") == "html" or (local == "description" and path.suffix == ".rss")
            if is_html and el.text:
                problems += html_problems(html.fromstring(f"<div>{el.text}</div>"), f"{where} <{local}>")
    assert not problems, "\n".join(problems[:30])


def test_json_files_parse_and_keep_the_text_as_text(site):
    for path in outputs(site, ".json"):
        data = json.loads(path.read_text("utf-8"))
        text = json.dumps(data, ensure_ascii=False)
        assert not (INVISIBLE & set(text)), path


def test_no_csv_cell_starts_a_formula(site):
    checked = 0
    for path in outputs(site, ".csv"):
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
        for row in rows:
            for cell in row:
                checked += "calc'!A0" in cell
                if cell.startswith(FORMULA_START) and not re.fullmatch(r"[-+]?\d+(\.\d+)?", cell):
                    pytest.fail(f"{path.relative_to(site)}: cell {cell[:40]!r} would run as a formula")
    if outputs(site, ".csv"):
        assert checked, "no payload reached any CSV: the test saw nothing"


def test_text_feeds_carry_no_control_or_invisible_characters(site):
    for path in outputs(site, ".txt"):
        text = path.read_bytes().decode("gbk" if "gb" in path.name else "utf-8", errors="replace")
        bad = {c for c in text if (ord(c) < 32 and c not in "\n\r") or c in INVISIBLE}
        assert not bad, (path.relative_to(site), bad)


def test_no_output_carries_a_direction_override(site):
    for path in outputs(site, ".html", ".xml", ".json", ".txt", ".csv", ".rss", ".svg"):
        text = path.read_text("utf-8", errors="replace")
        assert "\u202e" not in text and "\u2066" not in text and "\u200b" not in text, path.relative_to(site)
    assert "文字反转" in (site / "cases" / f"XY-INJ-{list(PAYLOADS).index('direction')}.html").read_text("utf-8")


@pytest.mark.parametrize("page_path", ["led/index.html", "search.html", "index.html", "stats/index.html", "embed.html"])
def test_pages_with_scripts_run_no_payload(site, page, page_path):
    """In a real browser: no dialog opens, no element a payload describes appears."""
    from browser import LocalServer

    if not (site / page_path).is_file():
        pytest.fail(f"{page_path} is not built yet")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with LocalServer(site) as server:
        page.goto(f"{server.url}/{page_path}")
        page.wait_for_load_state("networkidle")
        if page_path == "search.html":
            box = page.locator("input[type=search], input[type=text]").first
            for query in ("alert", "点我", "部门"):
                box.fill(query)
                page.wait_for_timeout(1500)
        else:
            page.wait_for_timeout(1000)
        injected = page.evaluate("""() => [...document.querySelectorAll('img[src="x"], svg[onload], x, [onerror], [onload]')]
                                   .map(e => e.outerHTML)""")
    assert not dialogs and not injected, (dialogs, injected)


@pytest.mark.parametrize("char", [0x00AD, 0x034F, 0x061C, 0x115F, 0x180E, 0x200B, 0x200F, 0x202E, 0x2066, 0x2069,
                                  0x206F, 0x3164, 0xFE0F, 0xFEFF, 0xFFA0, 0x1D173, 0xE0041, 0xE0100])
def test_an_invisible_character_cannot_hide_a_private_value_from_the_guard(char):
    from hotline.build.guard import Guard, LeakError
    from hotline.privacy.private import NUMBER, PrivateValue

    guard = Guard([PrivateValue("何丽华", "X", "caller.name"), PrivateValue("13837612045", "X", "caller.phone", NUMBER)])
    c = chr(char)
    for text in (f"感谢何{c}丽华", f"电话 138{c}3761{c}2045"):
        with pytest.raises(LeakError):
            guard.check("pages/about.html", text.encode("utf-8"))


def test_invisible_characters_in_a_case_are_dropped_so_the_name_is_scrubbed(tmp_path):
    """A name split by a zero-width space or wrapped in an isolate is still the
    caller's name: it is replaced by 何女士 and the build succeeds."""
    complaint = "何\u200b丽华反映，小区停水。\u2066何丽华\u2069再次来电。"
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(complaint=complaint)})
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(ROOT / "pelicanconf.py", {"CASES_PATH": str(cases), "OUTPUT_PATH": str(tmp_path / "out")})
    text = (tmp_path / "out" / "cases" / "XY-2013-000042.html").read_text("utf-8")
    assert "何女士反映，小区停水。何女士再次来电。" in text


def test_a_page_that_hides_a_name_with_invisible_characters_stops_the_build(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "thanks.md").write_text("Title: 致谢\n\n感谢何\ufe0f丽华（138\u2066 3761 2045）。\n", "utf-8")
    out = tmp_path / "out"
    with pytest.MonkeyPatch.context() as mp, pytest.raises(SystemExit) as stopped:
        mp.chdir(ROOT)
        run_pelican(ROOT / "pelicanconf.py", {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out), "PATH": str(content)})
    assert "隐私保护" in str(stopped.value.code) and "XY-2013-000042" in str(stopped.value.code)
    assert not out.exists()
