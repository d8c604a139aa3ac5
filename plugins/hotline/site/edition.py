"""The column edition (专栏稿) for the print paper, in its three forms: an
HTML fragment to paste into the paper's editor, a Word file and a PDF laid
out in newspaper columns. Made from public cases only (`PublicCase`).

    市长热线 12345
    管道损坏致停水          <- headline, two lines
    及时维修促供水
    市民何女士反映，……      <- the column text (site/story.py), with the department's phone
    （值班记者 曾宪科）      <- one credit line for the edition
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import escape

from hotline.model import PublicCase
from hotline.site import story

# Inline style of each element of the fragment: the only markup a paste keeps.
FRAGMENT_STYLE = {
    "flag": "margin:0 0 0.8em;font-size:1.1em;font-weight:bold;color:#b0131b;letter-spacing:0.1em",
    "headline": "margin:1.2em 0 0.6em;text-align:center;font-size:1.3em;line-height:1.4",
    "second": "font-size:0.85em",
    "paragraph": "margin:0 0 0.5em;text-indent:2em;line-height:1.7",
    "credit": "margin:0.8em 0 0;text-align:right",
}
A4 = (210, 297)  # mm
MARGIN = 20  # mm
SERIF, SANS = "宋体", "黑体"  # what the paper's Word installs have


@dataclass(frozen=True, slots=True)
class Item:
    """One case of the edition: its id, headline lines and paragraphs."""

    case_id: str
    headline: tuple[str, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Edition:
    """One column edition: the flag (市长热线 12345), a title for file
    properties, the cases and the edition's one credit line."""

    flag: str
    title: str
    items: tuple[Item, ...]
    credit: str


def edition(cases: list[PublicCase], flag: str, title: str, reporter: str, office: str) -> Edition:
    """The edition of `cases`; `office`: how its sentences name the office."""
    items = tuple(Item(c.id, c.headline, tuple(story.story(c, office))) for c in cases)
    return Edition(flag, title, items, story.credit_line(reporter))


def fragment(e: Edition) -> str:
    """The paste-safe HTML fragment: plain elements with inline styles only,
    no classes, style sheets, scripts or links."""

    def tag(name: str, style: str, content: str) -> str:
        return f'<{name} style="{FRAGMENT_STYLE[style]}">{content}</{name}>'

    out = [tag("p", "flag", str(escape(e.flag)))]
    for item in e.items:
        first, *rest = item.headline
        lines = [f"<strong>{escape(first)}</strong>"]
        lines += [f"<strong>{tag('span', 'second', str(escape(line)))}</strong>" for line in rest]
        out.append(tag("h2", "headline", "<br>".join(lines)))
        out += [tag("p", "paragraph", str(escape(p))) for p in item.paragraphs]
    out.append(tag("p", "credit", str(escape(e.credit))))
    return "<div>\n" + "\n".join(out) + "\n</div>\n"


def docx(e: Edition, author: str) -> bytes:
    """The Word file: A4, each headline in its lines, the paragraphs, the credit line."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(A4[0]), Mm(A4[1])
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(MARGIN)
    document.core_properties.title = e.title
    document.core_properties.author = author
    document.core_properties.comments = ""

    def run(paragraph, text: str, font: str, size: float, bold: bool = False) -> None:
        r = paragraph.add_run(text)
        r.bold = bold
        r.font.size = Pt(size)
        r.font.name = font
        r.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    run(document.add_paragraph(), e.flag, SANS, 16, bold=True)
    for item in e.items:
        for i, line in enumerate(item.headline):
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(12 if i == 0 else 0)
            run(p, line, SANS, 16 if i == 0 else 13, bold=True)
        for text in item.paragraphs:
            p = document.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(21)  # two characters of 10.5 pt
            run(p, text, SERIF, 10.5)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(p, e.credit, SERIF, 10.5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word file and its document properties, as python-docx reads them back."""
    from docx import Document

    document = Document(io.BytesIO(data))
    props = document.core_properties
    texts = [p.text for p in document.paragraphs]
    texts += [props.title or "", props.author or "", props.subject or "", props.comments or "", props.keywords or ""]
    return "\n".join(texts)


def print_page(e: Edition, templates: Path) -> str:
    """The edition as the page its PDF is made from (template column_edition.html)."""
    env = Environment(loader=FileSystemLoader(templates), autoescape=True)
    return env.get_template("column_edition.html").render(edition=e)
