"""The bulletins and yearly reports as PDFs in the build: one per page, linked
from it, its text (pdftotext) the bulletin's and nothing private, guarded on
that text, reused on a rebuild without changes, off with PDF = False, and a
clear message without the CJK fonts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import html

from hotline.build import pdf
from hotline.build.pelican import run_pelican
from hotline.problems import BuildFailed

CASES = {
    "2013/01/XY-2013-000042.yaml": make_case(),
    "2013/02/XY-2013-000070.yaml": make_case(id="XY-2013-000070", headline=["路灯不亮夜难行", "连夜抢修照归途"],
                                             received_at="2013-02-03 08:00", resolved_at="2013-02-08",
                                             followup={"at": "2013-02-10", "result": "satisfied"}),
}
PRIVATE = ("何丽华", "13837612045", "大拱桥小区3号楼2单元501室", "信阳市某某商贸有限公司")
ISSUES = {"2013-01": "第1期", "2013-02": "第2期", "2013": "2013年年度报告"}


def build(cases: Path, out: Path, **hotline) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        overrides = {"CASES_PATH": str(cases), "OUTPUT_PATH": str(out)}
        if hotline:
            overrides["HOTLINE"] = {"OFFICE": "信阳市市长热线办公室", **hotline}
        run_pelican(SETTINGS, overrides)
    return out


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    return write_cases(tmp_path_factory.mktemp("pdf") / "cases", CASES)


@pytest.fixture(scope="module")
def site(tmp_path_factory, cases) -> Path:
    return build(cases, tmp_path_factory.mktemp("pdf-site") / "out")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("key, title", ISSUES.items())
def test_each_bulletin_has_a_pdf_linked_from_its_page(site, key, title):
    page = html.fromstring((site / "bulletins" / f"{key}.html").read_bytes())
    assert page.xpath(f'//a[@href="{key}.pdf"]/text()') == ["下载 PDF（A4，可打印）"]
    text = "".join(pdf_text(site / "bulletins" / f"{key}.pdf").split())
    assert "市长热线简报" in text and title in text
    assert "信阳市市长热线办公室" in text
    assert not [v for v in PRIVATE if v in text]
    assert "下载PDF" not in text  # the link is for the screen only


def test_a_monthly_pdf_prints_its_featured_cases(site):
    text = "".join(pdf_text(site / "bulletins" / "2013-01.pdf").split())
    assert "管道损坏致停水" in text and "（值班记者曾宪科）" in text


def test_a_rebuild_without_changes_makes_no_pdf_again(site, cases, monkeypatch):
    before = {p.name: p.read_bytes() for p in (site / "bulletins").glob("*.pdf")}

    def refuse(*args, **kwargs):
        raise AssertionError("a PDF was made again")

    monkeypatch.setattr(pdf, "render_pdf", refuse)
    build(cases, site)
    assert {p.name: p.read_bytes() for p in (site / "bulletins").glob("*.pdf")} == before


def test_pdf_false_makes_no_pdf_and_no_link(tmp_path, cases):
    out = build(cases, tmp_path / "out", PDF=False)
    assert not list(out.rglob("*.pdf"))
    assert ".pdf" not in (out / "bulletins" / "2013-01.html").read_text("utf-8")


def test_the_guard_stops_a_private_value_only_the_pdf_would_carry(tmp_path, cases):
    # A theme whose print style sheet writes a caller's name: the pages stay
    # clean, only the PDF's text has it.
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    with (theme / "static" / "css" / "bulletin.css").open("a", encoding="utf-8") as css:
        css.write('\n@media print { .bulletin-meta::after { content: "何丽华"; } }\n')
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        with pytest.raises(BuildFailed) as failed:
            run_pelican(SETTINGS, {"CASES_PATH": str(cases), "OUTPUT_PATH": str(tmp_path / "out"), "THEME": str(theme)})
    message = str(failed.value.code)
    assert "隐私保护" in message and ".pdf" in message and "caller.name" in message and "何丽华" not in message
    assert not (tmp_path / "out").exists()


def test_a_pdf_is_guarded_on_its_text_not_its_bytes(tmp_path, cases, monkeypatch):
    """A PDF's bytes are compressed streams and fonts, where letters spell
    names by chance (at 300,000 cases a bulletin's bytes spelled a caller in
    pinyin): the guard reads its page and its text, not its bytes."""
    made = pdf.render_pdf

    def with_noise(*args, **kwargs):
        return made(*args, **kwargs) + b"\n% HeLihua\n"  # after %%EOF: bytes no reader shows

    monkeypatch.setattr(pdf, "render_pdf", with_noise)
    out = build(cases, tmp_path / "out")
    noisy = out / "bulletins" / "2013-01.pdf"
    assert noisy.read_bytes().endswith(b"% HeLihua\n") and "HeLihua" not in pdf_text(noisy)


def test_without_the_fonts_the_build_says_how_to_install_them_or_turn_pdfs_off(tmp_path, cases, monkeypatch):
    monkeypatch.setattr(pdf, "missing_fonts", lambda: pdf.CJK_FONTS)
    with pytest.raises(BuildFailed) as failed:
        build(cases, tmp_path / "out")
    message = str(failed.value.code)
    assert "apt-get install fonts-noto-cjk" in message and "HOTLINE['PDF'] = False" in message
    assert "Traceback" not in message and not (tmp_path / "out").exists()
