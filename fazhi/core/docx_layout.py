"""The one GB/T 9704-2012 page set-up every .docx of the platform uses (党政机关公文格式): A4, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; body in 仿宋 三号 (16 pt) on a 28 pt line; East Asian font names set on the
run so that Word shows the Chinese font, not a Latin fallback."""
from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def set_page(section) -> None:
    """A4 with the standard's margins."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def set_font(run, name: str, size: float, *, bold: bool = False) -> None:
    """Font name (Latin and East Asian) and size of one run."""
    run.font.name = name
    run.font.size = Pt(size)
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document(body_font: str = BODY_FONT):
    """An empty document laid out by the standard: page, margins, the body style's font, size and line."""
    doc = Document()
    set_page(doc.sections[0])
    style = doc.styles["Normal"]
    style.font.name = body_font
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), body_font)
    style.paragraph_format.line_spacing = Pt(28)
    return doc
