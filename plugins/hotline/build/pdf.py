"""PDFs of our pages: HTML -> PDF with WeasyPrint, offline, set in the CJK
fonts fontconfig finds; and the PDF's text back out, for the guard.

Used by the bulletins (stats/bulletins.py) and the column edition
(commands/column.py). WeasyPrint fetches nothing: only local files below a
page's `mounts` are read, every other URL is refused. Fonts are named by
family (Noto Serif/Sans CJK SC, Debian's fonts-noto-cjk) and found through
fontconfig, never downloaded.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from hotline.build.guard import Guard
from hotline.problems import HotlineError

# Four spaces or more in a page read in layout mode: a gap between columns.
_COLUMN_GAP = re.compile(" {4,}")

CJK_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
INSTALL_FONTS = "在 Debian 上安装：sudo apt-get install fonts-noto-cjk"


@functools.cache
def missing_fonts() -> tuple[str, ...]:
    """The families of `CJK_FONTS` fontconfig does not know (all of them without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return CJK_FONTS
    missing = []
    for family in CJK_FONTS:
        found = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True, text=True, check=False)
        if not found.stdout.strip():
            missing.append(family)
    return tuple(missing)


def require_fonts(what: str, otherwise: str = "") -> None:
    """HotlineError, saying how to install them (`otherwise`: what else to
    do), unless fontconfig finds the CJK fonts `what` is set in."""
    missing = missing_fonts()
    if missing:
        raise HotlineError(f"{what}需要中文字体 {'、'.join(missing)}，本机找不到（fontconfig）；"
                           f"{INSTALL_FONTS}{'，' + otherwise if otherwise else ''}")


class LocalFiles:
    """What a page's PDF may read. Pages are placed at `base` (the site's
    address, or `LOCAL_SITE` for a local build: the PDF's links use it, so it
    never names a folder of this machine); a URL below `base` whose path starts
    with a key of `mounts` is read from that folder; every other URL is refused."""

    def __init__(self, mounts: Mapping[str, Path], base: str = ""):
        self.base = (base or LOCAL_SITE).rstrip("/") + "/"
        self.mounts = {prefix: folder.resolve() for prefix, folder in mounts.items()}

    def read(self, url: str) -> tuple[bytes, str]:
        """The bytes at `url` and their media type; ValueError if it is not to be read."""
        if url.startswith(self.base):
            path = PurePosixPath(unquote(urlsplit(url[len(self.base):]).path))
            for prefix, folder in self.mounts.items():
                if ".." not in path.parts and path.is_relative_to(prefix):
                    local = (folder / path.relative_to(prefix)).resolve()
                    if local.is_relative_to(folder) and local.is_file():
                        return local.read_bytes(), MEDIA_TYPES.get(local.suffix, "application/octet-stream")
        raise ValueError(f"PDF 不取用 {url}：只读本机主题里的文件")


LOCAL_SITE = "file:///site/"
MEDIA_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


@functools.cache
def _fetcher_class() -> type:
    """WeasyPrint's URL fetcher, reading only what `LocalFiles` allows."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):
        def __init__(self, files: LocalFiles):
            super().__init__()
            self.files = files

        def fetch(self, url, headers=None):
            body, media_type = self.files.read(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return Fetcher


def render_pdf(html: str, files: LocalFiles, path: str = "page.html") -> bytes:
    """The PDF of the page `html`, which would be at `path` below `files.base`."""
    import weasyprint  # about a second to import: only when a PDF is made

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # refused URLs are expected, not news
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html, base_url=files.base + path, url_fetcher=_fetcher_class()(files)).write_pdf()


def pdf_text(data: bytes) -> str:
    """Every page's text and the document's metadata (pypdf).

    Pages are read in layout mode, where the columns of a table lie four
    spaces or more apart; each such gap is written 。, so that the counts of
    one row (市供水公司 69 69 85.5%) do not read as one number (6969855) or a
    number told in pieces. A number within a line or across lines is read whole."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [_COLUMN_GAP.sub("。", page.extract_text(extraction_mode="layout")) for page in reader.pages]
    texts += [str(value) for value in (reader.metadata or {}).values()]
    return "\n".join(texts)


def guarded_pdf(guard: Guard, path: str, html: str, fetcher: LocalFiles,
                scope: Collection[str] | None = None, page: str | None = None) -> bytes:
    """The PDF at `path`, made from `html` (the page at `page`), after the
    guard has read the HTML it is made from and the text taken back out of it."""
    data = pdf_of_guarded_html(guard, path, html, fetcher, scope, page)
    guard.check(path, pdf_text(data), scope)
    return data


def pdf_of_guarded_html(guard: Guard, path: str, html: str, fetcher: LocalFiles,
                        scope: Collection[str] | None = None, page: str | None = None) -> bytes:
    """The PDF at `path`, made from `html` (the page at `page`) once the guard
    has read that; the guard reads the PDF's own text when it is written
    (`Output.read` is `pdf_text`). Its bytes are compressed streams and
    fonts, where letters and digits spell names and numbers by chance (at
    300,000 cases a bulletin PDF's bytes spelled a caller's name in pinyin)."""
    guard.check(path, html, scope)
    return render_pdf(html, fetcher, page or path)
