"""`hotline column`: the column edition (专栏稿) for the print paper. Which
cases it picks, the house-style checks that stop it, the Word file, the PDF
(read back with pdftotext), the paste-safe HTML fragment (pasted into a
contenteditable in Chromium), the guard, and clear messages for bad input."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import LocalServer
from conftest import ROOT, SETTINGS, make_case, one_chinese_line, write_cases
from docx import Document
from lxml import html

from hotline.build import pdf

CALLER = {"name": "林秀珍", "gender": "female", "phone": "139 0376 5521", "address": "平桥区平昌关镇东街18号"}
PRIVATE = ("林秀珍", "13903765521", "139 0376 5521", "何丽华", "138 3761 2045", "大拱桥小区3号楼2单元501室")
CASES = {
    "2013/01/XY-2013-000042.yaml": make_case(),  # resolved 2013-01-14
    "2013/01/XY-2013-000043.yaml": make_case(
        id="XY-2013-000043", caller=CALLER, place={"district": "平桥区", "area": "平昌关镇"}, category="户籍管理",
        headline=["户口四年无着落", "部门督促得办理"], caller_role="居民",
        complaint="其子的户口于2009年迁入平昌关派出所，至今仍未办理落实，请求相关部门帮助解决。",
        handling=[{"department": "市公安局", "assigned_at": "2013-01-18", "finding": "情况属实",
                   "action": "市公安局治安支队已协调固始县公安局，拟将其子的户口落户于固始城郊派出所。"}],
        received_at="2013-01-17 10:00", resolved_at="2013-01-20",
        followup={"at": "2013-01-22", "result": "satisfied", "comment": "反映人对此结果表示满意"}),
    "2013/01/XY-2013-000044.yaml": make_case(id="XY-2013-000044", headline=["路灯不亮夜难行", "连夜抢修照归途"],
                                             received_at="2013-01-21 08:00", resolved_at="2013-01-25",
                                             followup={"at": "2013-01-27", "result": "satisfied"}),
    "2013/02/XY-2013-000050.yaml": make_case(id="XY-2013-000050", headline=["小区垃圾无人清", "督促物业保洁净"],
                                             received_at="2013-02-01 08:00", resolved_at="2013-02-10", followup=None),
    "2013/02/XY-2013-000051.yaml": make_case(id="XY-2013-000051", headline=["小区门口的道路坑洼不平长期无人修补", "修路"],
                                             received_at="2013-02-02 08:00", resolved_at="2013-02-12",
                                             followup={"at": "2013-02-14", "result": "satisfied"}),
    "2013/02/XY-2013-000060.yaml": make_case(id="XY-2013-000060", status="assigned", received_at="2013-02-20 08:00",
                                             resolved_at=None, followup=None,
                                             handling=[{"department": "市公安局", "assigned_at": "2013-02-20"}]),
    "2013/02/XY-2013-000061.yaml": make_case(id="XY-2013-000061", publish=False, received_at="2013-02-21 08:00",
                                             resolved_at="2013-02-25"),
}
JANUARY = ("--from", "2013-01-01", "--to", "2013-01-31")


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    return write_cases(tmp_path_factory.mktemp("column") / "cases", CASES)


@pytest.fixture
def column(run, cases, tmp_path):
    """Run `hotline column` on the fixture's cases; returns (code, stdout, stderr, folder)."""

    def _column(*argv: str):
        folder = tmp_path / "edition"
        code, out, err = run("column", *argv, "--cases-path", cases, "--output", folder)
        return code, out, err, folder

    return _column


@pytest.fixture(scope="module")
def january(tmp_path_factory, cases) -> Path:
    """The January edition, made once for the tests that read its files."""
    from hotline import cli

    folder = tmp_path_factory.mktemp("january") / "edition"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        assert cli.main(["column", *JANUARY, "--cases-path", str(cases), "--output", str(folder)]) == 0
    return folder


def picked(out: str) -> list[str]:
    """The case ids the command says it put in the edition, in order."""
    return out.split("个案件（", 1)[1].split("）", 1)[0].split("、")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_period_gives_its_resolved_public_cases_in_the_order_they_were_resolved(column):
    code, out, err, folder = column(*JANUARY)
    assert code == 0, err
    assert picked(out) == ["XY-2013-000042", "XY-2013-000043", "XY-2013-000044"]
    assert sorted(p.name for p in folder.iterdir()) == ["column.docx", "column.html", "column.pdf"]


def test_cases_n_keeps_the_latest_resolved_of_the_period(column):
    code, out, err, _ = column(*JANUARY, "--cases", "2")
    assert code == 0, err
    assert picked(out) == ["XY-2013-000043", "XY-2013-000044"]


def test_ids_give_those_cases_in_the_order_given(column):
    code, out, err, _ = column("XY-2013-000044", "XY-2013-000042")
    assert code == 0, err
    assert picked(out) == ["XY-2013-000044", "XY-2013-000042"]


def test_house_style_stops_the_edition_with_every_problem_and_writes_nothing(column):
    code, out, err, folder = column("--from", "2013-02-01", "--to", "2013-02-28")
    assert code == 1 and "Traceback" not in err
    assert "headline[0]: 标题“小区门口的道路坑洼不平长期无人修补”超过 8 个字，专栏里一行排不下" in err
    assert "followup: 案件 XY-2013-000050 还没有回访，不能上专栏" in err
    assert "专栏稿没有生成：2 个问题" in err
    assert not folder.exists()


def test_the_headline_width_is_a_setting(run, cases, tmp_path):
    settings = tmp_path / "wide.py"
    text = SETTINGS.read_text("utf-8").replace('PATH = "content"', f'PATH = "{ROOT}/content"')
    text = text.replace('THEME = "theme"', f'THEME = "{ROOT}/theme"')
    settings.write_text(text + '\nHOTLINE["COLUMN_HEADLINE_WIDTH"] = 20\n', "utf-8")
    code, _, err = run("--settings", settings, "column", "XY-2013-000051", "--cases-path", cases,
                       "--output", tmp_path / "out")
    assert code == 0, err


def test_unresolved_unpublished_and_unknown_ids_are_named_together(column):
    code, _, err, folder = column("XY-2013-000060", "XY-2013-000061", "XY-2099-000001", "XY-2013-000042")
    assert code == 1 and "Traceback" not in err
    assert "status: 案件 XY-2013-000060 还没有办结（status: assigned），不能上专栏" in err
    assert "publish: 案件 XY-2013-000061 设为不公开（publish: false），不能上专栏" in err
    assert "找不到案件 XY-2099-000001" in err
    assert not folder.exists()


def test_an_empty_period_says_so(column):
    code, _, err, folder = column("--from", "2014-01-01", "--to", "2014-01-31")
    assert code == 1
    assert one_chinese_line(err) == "2014年1月1日至2014年1月31日没有办结的公开案件，专栏稿没有生成；请换一个时段"
    assert not folder.exists()


@pytest.mark.parametrize("argv, expected", [
    (("--from", "2013-02-30", "--to", "2013-03-01"), "参数 --from：“2013-02-30”不是日期"),
    (("--from", "2013-02-01", "--to", "2013-01-01"), "时段写反了"),
    (("XY-2013-000042", "--from", "2013-01-01"), "案件编号和 --from/--to 只能用一种"),
    ((), "请给出时段"),
    (("XY-2013-000042", "--cases", "0"), "“0”不是正整数"),
    (("XY-2013-000042", "--cases", "1"), "--cases 只用于时段"),
])
def test_command_line_mistakes_exit_2_in_chinese(column, argv, expected):
    code, _, err, folder = column(*argv)
    assert code == 2 and "Traceback" not in err
    assert expected in err.splitlines()[-1]
    assert not folder.exists()


def test_missing_cjk_fonts_stop_the_edition_with_how_to_install_them(column, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)  # no fontconfig at all
    pdf.missing_fonts.cache_clear()
    try:
        code, _, err, folder = column(*JANUARY)
    finally:
        pdf.missing_fonts.cache_clear()
    assert code == 1
    line = one_chinese_line(err)
    assert "Noto Serif CJK SC" in line and "apt-get install fonts-noto-cjk" in line
    assert not folder.exists()


def test_the_guard_stops_a_private_value_that_reaches_the_edition(column):
    # The credit line comes from the command line, not from an anonymised case:
    # a caller's name given there would leak if the files were not guarded.
    code, _, err, folder = column(*JANUARY, "--reporter", "何丽华")
    assert code == 1
    line = one_chinese_line(err)
    assert "隐私保护" in line and "column.html" in line and "caller.name" in line and "何丽华" not in line
    assert not folder.exists()


def test_word_file_is_a4_with_two_line_headlines_the_phone_and_the_credit(january):
    document = Document(str(january / "column.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "市长热线 12345"
    first = texts.index("管道损坏致停水")
    assert texts[first + 1] == "及时维修促供水"
    assert texts[first + 2].startswith("市民何女士反映，")
    assert "市城管执法局（电话：6381234）" in texts[first + 3]
    assert texts[texts.index("户口四年无着落") + 1] == "部门督促得办理"
    assert texts[-1] == "（值班记者 曾宪科）"
    headline = document.paragraphs[first]
    assert headline.alignment == 1 and headline.runs[0].bold  # centred, bold
    whole = "\n".join(texts) + document.core_properties.title + document.core_properties.author
    assert not [v for v in PRIVATE if v in whole]


def test_pdf_is_a4_and_its_text_has_the_headlines_and_credit_and_nothing_private(january):
    text = pdf_text(january / "column.pdf")
    flat = "".join(text.split())
    for line in ("管道损坏致停水", "及时维修促供水", "户口四年无着落", "部门督促得办理", "路灯不亮夜难行", "（值班记者曾宪科）",
                 "市城管执法局（电话：6381234）"):
        assert line in flat
    assert not [v for v in PRIVATE if "".join(v.split()) in flat]
    info = subprocess.run(["pdfinfo", str(january / "column.pdf")], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info


def test_html_fragment_has_no_class_style_sheet_script_or_link(january):
    source = (january / "column.html").read_text("utf-8")
    root = html.fragment_fromstring(source)
    tags = {e.tag for e in root.iter()}
    assert tags <= {"div", "p", "h2", "strong", "span", "br"}, tags
    assert not root.xpath("//*[@class or @id or @href or @src or starts-with(name(@*), 'on')]")
    assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrib)]
    assert [e.text_content() for e in root.iter("h2")][:1] == ["管道损坏致停水及时维修促供水"]
    assert root.xpath("string(//p[last()])") == "（值班记者 曾宪科）"


def test_html_fragment_survives_a_paste_into_a_contenteditable(page, january, tmp_path):
    # A real paste: the fragment goes on the clipboard as text/html, then Ctrl+V in an editable box.
    source = (january / "column.html").read_text("utf-8")
    (tmp_path / "editor.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><body><div id="editor" contenteditable="true"></div></body></html>', "utf-8")
    with LocalServer(tmp_path) as server:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        page.goto(f"{server.url}/editor.html")
        page.evaluate("""html => navigator.clipboard.write([new ClipboardItem({
            'text/html': new Blob([html], {type: 'text/html'}),
            'text/plain': new Blob(['plain text only'], {type: 'text/plain'})})])""", source)
        page.click("#editor")
        page.keyboard.press("Control+V")
        pasted = page.evaluate("""() => {
            const editor = document.getElementById('editor');
            const paragraphs = [...editor.querySelectorAll('p')];
            return {
                headlines: [...editor.querySelectorAll('h2')].map(h => h.innerText.split('\\n').filter(Boolean)),
                paragraphs: paragraphs.length,
                centred: getComputedStyle(editor.querySelector('h2')).textAlign,
                bold: getComputedStyle(editor.querySelector('h2 strong')).fontWeight,
                credit: paragraphs.pop().innerText,
                text: editor.innerText,
                scripts: editor.querySelectorAll('script, style, link').length,
            };
        }""")
    assert pasted["headlines"][0] == ["管道损坏致停水", "及时维修促供水"]
    assert len(pasted["headlines"]) == 3
    assert pasted["paragraphs"] == source.count("<p ")
    assert pasted["centred"] == "center" and int(pasted["bold"]) >= 700
    assert pasted["credit"] == "（值班记者 曾宪科）"
    assert "plain text only" not in pasted["text"] and "市城管执法局（电话：6381234）" in pasted["text"]
    assert pasted["scripts"] == 0
    assert page.external_requests == []


def words(path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word of the PDF's first page with its box (pdftotext -bbox): text, x0, y0, x1, y1."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = html.fromstring(out)
    return [(w.text_content(), *(float(w.get(k)) for k in ("xmin", "ymin", "xmax", "ymax"))) for w in root.iter("word")]


def test_pdf_page_looks_like_the_seed_column(january, tmp_path):
    # As the paper prints it: the red flag, a two-line headline centred over its
    # column (the first line larger), the body in newspaper columns, the credit
    # closing the last column at its right edge.
    found = words(january / "column.pdf")
    by_text = {w[0]: w for w in found}
    first, second = by_text["管道损坏致停水"], by_text["及时维修促供水"]
    body = [w for w in found if w[0].startswith("市民何女士反映")][0]
    height = lambda w: w[4] - w[2]  # noqa: E731
    assert height(first) > height(second) > height(body)
    assert first[4] <= second[2] + 1 and second[4] <= body[2] + 1  # line 1, line 2, then the body
    lines = [w for w in found if height(w) < height(second) and w[1] < first[3]]
    left, right = min(w[1] for w in lines), max(w[3] for w in lines)
    for line in (first, second):
        assert abs((line[1] - left) - (right - line[3])) < 2  # centred in its column
    columns = sorted({round(w[1], -1) for w in found if height(w) <= height(body) + 0.5})
    assert len([x for x in columns if x - columns[0] > 100]) >= 1  # more than one column
    credit = [w for w in found if w[0].startswith("（值班记者")][0]
    assert found[-1][0] == "曾宪科）" and abs(found[-1][3] - max(w[3] for w in found)) < 1
    last_column = [w for w in found if w[1] > found[-1][3] - 170]
    assert max(w[2] for w in last_column) == credit[2]  # nothing below the credit
    picture = subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(january / "column.pdf")],
                             capture_output=True, check=True).stdout  # PPM: "P6 width height 255", then RGB
    header = re.match(rb"P6\s(\d+)\s(\d+)\s255\s", picture)
    assert header is not None
    width_, height_, pixels = int(header[1]), int(header[2]), picture[header.end():]
    flag = [pixels[3 * (y * width_ + x): 3 * (y * width_ + x) + 3] for x in range(width_ // 3) for y in range(height_ // 12)]
    assert sum(1 for r, g, b in flag if r > 150 and g < 60 and b < 60) > 100  # the red flag
