"""sitemap.xml and robots.txt, listing every page of the built site.

Not the `pelican-sitemap` plugin: it does hear the `content_written` signal
we send for each file, but it lists every file written (JSON, CSV, feeds
too), dates pages it does not know with the time of the build (so no two
builds agree), writes its file with `open()` after the build has been
published (bypassing the guard and the staging directory) and needs a
SITEURL anyway. Here the pages are read from the staging directory once
all HTML is written: Pelican's own pages, ours and any other output's.

The sitemap protocol requires absolute URLs, so sitemap.xml is written only
when SITEURL is set (publishconf.py); robots.txt is always written and
names the sitemap when there is one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from hotline.build.output import SiteWriter
from hotline.model import CaseSet
from hotline.settings import HotlineSettings
from hotline.site import urls

log = logging.getLogger(__name__)

SITEMAP = "sitemap.xml"
NOT_PAGES = ("pagefind/", "theme/", "embed/")  # search bundle, theme files and widgets for other sites are not pages
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def pages(root: Path) -> list[str]:
    """Relative paths of the site's HTML pages, the home page first."""
    found = (p.relative_to(root).as_posix() for p in root.rglob("*.html") if p.is_file())
    return sorted((p for p in found if not p.startswith(NOT_PAGES)), key=lambda p: (p != "index.html", p))


def page_url(site_url: str, relpath: str) -> str:
    """Absolute URL of a page; a directory's index.html is the directory."""
    index = relpath == "index.html" or relpath.endswith("/index.html")
    path = relpath.removesuffix("index.html") if index else relpath
    return f"{site_url}/{quote(path)}"


_URLSET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NS}">\n'
_URLSET_TAIL = "</urlset>\n"


def url_line(url: str, lastmod: str | None) -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(url)}</loc>{modified}</url>\n"


def urlsets(lines: list[str], max_urls: int, max_bytes: int) -> list[str]:
    """The <urlset> files holding these <url> lines, each within both limits."""
    files: list[str] = []
    chunk: list[str] = []
    size = len(_URLSET_HEAD) + len(_URLSET_TAIL)
    for line in lines:
        grown = size + len(line.encode())
        if chunk and (len(chunk) == max_urls or grown > max_bytes):
            files.append(_URLSET_HEAD + "".join(chunk) + _URLSET_TAIL)
            chunk, grown = [], len(_URLSET_HEAD) + len(_URLSET_TAIL) + len(line.encode())
        chunk.append(line)
        size = grown
    files.append(_URLSET_HEAD + "".join(chunk) + _URLSET_TAIL)
    return files


def sitemap_index(urls: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{_NS}">']
    lines += [f"<sitemap><loc>{escape(url)}</loc></sitemap>" for url in urls]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def robots_txt(settings: HotlineSettings, has_sitemap: bool) -> str:
    """Everything may be crawled but the search index's data files."""
    prefix = urlsplit(settings.site_url).path.rstrip("/")
    lines = ["User-agent: *", f"Disallow: {prefix}/pagefind/", ""]
    if has_sitemap:
        lines.append(f"Sitemap: {settings.site_url}/{SITEMAP}")
    return "\n".join(lines) + "\n"


def write_sitemap(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write sitemap.xml and robots.txt. Past SITEMAP_MAX_URLS pages or
    SITEMAP_MAX_BYTES, sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml …

    Runs after every output that writes HTML (build/generator.py's POST_BUILD)."""
    if not settings.site_url:
        log.warning("未设置 SITEURL：没有生成 sitemap.xml（网站地图必须使用完整网址）。"
                    "发布时请设置 SITEURL，例如 HOTLINE_SITEURL=https://… hotline --settings publishconf.py build")
        out.write("robots.txt", robots_txt(settings, has_sitemap=False))
        return
    modified = {urls.case_url(c): c.resolved_at.date().isoformat() for c in cases.cases}
    lines = [url_line(page_url(settings.site_url, p), modified.get(p)) for p in pages(out.root)]
    files = urlsets(lines, settings.sitemap_max_urls, settings.sitemap_max_bytes)
    if len(files) == 1:
        out.write(SITEMAP, files[0])
    else:
        names = [f"sitemap-{n}.xml" for n in range(1, len(files) + 1)]
        for name, text in zip(names, files, strict=True):
            out.write(name, text)
        out.write(SITEMAP, sitemap_index([f"{settings.site_url}/{name}" for name in names]))
    out.write("robots.txt", robots_txt(settings, has_sitemap=True))
