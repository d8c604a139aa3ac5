"""build/pdf.py: PDFs made offline (no URL fetched but the theme's own files),
their text read back and guarded, and a clear message without the CJK fonts."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest

from hotline.build import pdf
from hotline.build.guard import Guard, LeakError
from hotline.privacy.private import NUMBER, PrivateValue
from hotline.problems import HotlineError

NAME = PrivateValue("何丽华", "XY-2013-000042", "caller.name")
PHONE = PrivateValue("138 3761 2045", "XY-2013-000042", "caller.phone", NUMBER)


@pytest.fixture
def theme(tmp_path) -> Path:
    """A theme's static folder with one style sheet, and a file beside it that is not the theme's."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "print.css").write_text('body { font-family: "Noto Serif CJK SC"; }', "utf-8")
    (tmp_path / "secret.txt").write_text("outside the theme", "utf-8")
    return static


def test_only_files_of_the_mounted_theme_are_read(tmp_path, theme):
    for base in ("", "https://12345.example.gov.cn"):
        files = pdf.LocalFiles({"theme": theme}, base)
        site = files.base
        body, media_type = files.read(site + "theme/css/print.css")
        assert body.startswith(b"body") and media_type == "text/css"
        for url in ("http://127.0.0.1/theme/css/print.css", "https://fonts.example.com/noto.woff2",
                    "data:text/css,body{}", site + "theme/%2e%2e/secret.txt", site + "theme/../secret.txt",
                    site + "secret.txt", (tmp_path / "secret.txt").as_uri(), (theme / "css/print.css").as_uri()):
            with pytest.raises(ValueError):
                files.read(url)


def test_a_pdf_names_no_folder_of_this_machine_and_links_to_the_site(tmp_path, theme):
    page = ('<html><head><link rel="stylesheet" href="../theme/css/print.css"></head>'
            '<body><p><a href="2013-02.html">第2期</a></p></body></html>')
    local = pdf.render_pdf(page, pdf.LocalFiles({"theme": theme}), "bulletins/2013-01.html")
    moved = tmp_path / "elsewhere"
    shutil.copytree(theme, moved)
    assert pdf.render_pdf(page, pdf.LocalFiles({"theme": moved}), "bulletins/2013-01.html") == local
    assert str(tmp_path).encode() not in local and links(local) == ["file:///site/bulletins/2013-02.html"]
    online = pdf.render_pdf(page, pdf.LocalFiles({"theme": theme}, "https://12345.example.gov.cn"), "bulletins/2013-01.html")
    assert links(online) == ["https://12345.example.gov.cn/bulletins/2013-02.html"]


def links(data: bytes) -> list[str]:
    """The web links of a PDF's pages."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    return [a["/A"]["/URI"] for a in annotations if "/A" in a and "/URI" in a["/A"]]


def test_a_pdf_fetches_nothing_from_a_server(tmp_path, theme):
    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    page = (f'<html><head><link rel="stylesheet" href="{url}/remote.css"><link rel="stylesheet" href="theme/css/print.css">'
            f'<style>@font-face {{ font-family: X; src: url({url}/font.woff2); }}</style></head>'
            f'<body><p>市长热线</p><img src="{url}/logo.png"></body></html>')
    try:
        data = pdf.render_pdf(page, pdf.LocalFiles({"theme": theme}))
    finally:
        server.shutdown()
        server.server_close()
    assert data.startswith(b"%PDF") and requests == []


def test_pdf_text_is_read_back_with_its_metadata(tmp_path, theme):
    page = "<html><head><title>市长热线简报 第1期</title></head><body><p>管道损坏致停水</p></body></html>"
    data = pdf.render_pdf(page, pdf.LocalFiles({"theme": theme}))
    text = pdf.pdf_text(data)
    assert "管道损坏致停水" in text and "市长热线简报 第1期" in text
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert "管道损坏致停水" in out


def test_the_guard_reads_the_text_of_the_pdf_not_only_its_html(tmp_path, theme):
    # The page is clean; its style sheet writes the caller's name into the PDF.
    (theme / "css" / "print.css").write_text('p::after { content: "（何丽华）"; }', "utf-8")
    files = pdf.LocalFiles({"theme": theme})
    page = '<html><head><link rel="stylesheet" href="../theme/css/print.css"></head><body><p>市民何女士反映</p></body></html>'
    guard = Guard([NAME, PHONE])
    guard.check("bulletins/2013-01.html", page)  # the page itself passes
    with pytest.raises(LeakError) as leak:
        pdf.guarded_pdf(guard, "bulletins/2013-01.pdf", page, files, page="bulletins/2013-01.html")
    assert leak.value.path == "bulletins/2013-01.pdf" and leak.value.field == "caller.name"
    (theme / "css" / "print.css").write_text("p { color: #111; }", "utf-8")
    assert pdf.guarded_pdf(guard, "bulletins/2013-01.pdf", page, files).startswith(b"%PDF")


def test_the_counts_of_a_table_row_in_a_pdf_are_numbers_apart(tmp_path, theme):
    """Seen at 100,000 cases: a bulletin's row 市供水公司 69 69 85.5% read back
    as 6969855, a caller's landline. Columns are read apart; a number in a
    paragraph is still read whole, also where the line breaks inside it."""
    from hotline.privacy.private import caller_values

    guard = Guard([*caller_values({"phone": "0376 696 9855"}, "XY-2017-006986", "caller"), PHONE])
    files = pdf.LocalFiles({"theme": theme})
    row = '<tr><td>4</td><td>市供水公司</td><td>69</td><td>69</td><td>85.5%</td><td>97.1%</td></tr>'
    table = f'<html><body><table style="width: 100%">{row}</table></body></html>'
    assert "69" in pdf.pdf_text(pdf.guarded_pdf(guard, "bulletins/2018-08.pdf", table, files))
    # The same text reaching the PDF by its style sheet, so that only the PDF's text is read:
    (theme / "css" / "print.css").write_text('p::after { content: "电话 138 3761 2045"; }', "utf-8")
    styled = '<html><head><link rel="stylesheet" href="../theme/css/print.css"></head><body><p>反映</p></body></html>'
    with pytest.raises(LeakError):
        pdf.guarded_pdf(guard, "bulletins/2013-01.pdf", styled, files, page="bulletins/2013-01.html")
    (theme / "css" / "print.css").write_text('p::after { content: "电话 138 3761 2045"; } p { width: 4.5em; }', "utf-8")
    with pytest.raises(LeakError):
        pdf.guarded_pdf(guard, "bulletins/2013-01.pdf", styled, files, page="bulletins/2013-01.html")


def test_the_guard_reads_a_pdf_s_html_first(tmp_path, theme):
    page = "<html><body><p>电话 138-3761-2045</p></body></html>"
    with pytest.raises(LeakError) as leak:
        pdf.guarded_pdf(Guard([NAME, PHONE]), "column.pdf", page, pdf.LocalFiles({"theme": theme}))
    assert leak.value.field == "caller.phone"


def test_fonts_are_found_through_fontconfig():
    pdf.missing_fonts.cache_clear()
    assert pdf.missing_fonts() == ()  # .ci/run installs fonts-noto-cjk


def test_without_the_fonts_the_message_says_how_to_install_them(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    pdf.missing_fonts.cache_clear()
    try:
        with pytest.raises(HotlineError) as error:
            pdf.require_fonts("简报的 PDF", "或不出 PDF")
    finally:
        pdf.missing_fonts.cache_clear()
    assert str(error.value) == ("简报的 PDF需要中文字体 Noto Serif CJK SC、Noto Sans CJK SC，本机找不到（fontconfig）；"
                                "在 Debian 上安装：sudo apt-get install fonts-noto-cjk，或不出 PDF")
