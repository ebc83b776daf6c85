"""The one GB/T 9704-2012 page set-up every .docx of the platform uses (党政机关公文格式): A4, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; body in 仿宋 三号 (16 pt) on a 28 pt line; East Asian font names set on the
run so that Word shows the Chinese font, not a Latin fallback.

Every document made here also gets, from ``new_document`` (or ``page_set_up`` for a document built otherwise):

- page numbers as GB/T 9704-2012 7.5 asks: 4号 (14 pt) 半角宋体 Arabic digits from a PAGE field, with a 一字线 on
  each side ("— 1 —"), below the text block; odd pages on the right and even pages on the left, each one character
  in from the edge of the text block (Word's "different odd and even pages" footers);
- a title centred on the first lines (``add_title``);
- East Asian line breaking switched on (``w:kinsoku``): no line starts with "，" "。" "、" "）" and the like.

``pdf_from_docx`` turns such a .docx into a PDF with LibreOffice when ``soffice`` is installed (fonts embedded);
``cjk_font`` finds a TrueType Chinese font a PDF can embed when it is not.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_PT = 14  # 4号
TITLE_PT = 22  # 2号
#: 7.5: the page number's 一字线 sits 7 mm below the text block (which ends 35 mm above the page's foot); the
#: footer's baseline distance from the foot is that less one 4号 line
FOOTER_DISTANCE = Mm(35 - 7) - Pt(PAGE_NUMBER_PT)


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


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (``PAGE``) in its own runs: begin, instruction, separate, the shown value, end."""
    def run_with(child):
        run = paragraph.add_run()
        set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        run._element.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = paragraph.add_run(placeholder)
    set_font(shown, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number(footer, *, odd: bool) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for run in list(paragraph.runs):
        run._element.getparent().remove(run._element)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = None
    fmt.right_indent = Pt(PAGE_NUMBER_PT) if odd else None  # 单页码居右空一字
    fmt.left_indent = None if odd else Pt(PAGE_NUMBER_PT)  # 双页码居左空一字
    fmt.space_before = fmt.space_after = Pt(0)
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    _field(paragraph, "PAGE")
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def add_page_numbers(doc) -> None:
    """"— 1 —" page numbers (GB/T 9704-2012 7.5) in every section: odd pages right, even pages left."""
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.footer_distance = FOOTER_DISTANCE
        _page_number(section.footer, odd=True)
        _page_number(section.even_page_footer, odd=False)


def _kinsoku(doc) -> None:
    """East Asian line-breaking rules on the body style (Word's default, written down so every reader applies it)."""
    ppr = doc.styles["Normal"].element.get_or_add_pPr()
    for tag in ("w:kinsoku", "w:overflowPunct", "w:topLinePunct"):
        if ppr.find(qn(tag)) is None:
            el = OxmlElement(tag)
            el.set(qn("w:val"), "1" if tag != "w:topLinePunct" else "0")
            ppr.append(el)


def page_set_up(doc) -> None:
    """Page, margins, page numbers and line-breaking rules of a document made with ``docx.Document()``."""
    for section in doc.sections:
        set_page(section)
    add_page_numbers(doc)
    _kinsoku(doc)


def new_document(body_font: str = BODY_FONT):
    """An empty document laid out by the standard: page, margins, page numbers, the body style's font, size and
    line."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = body_font
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), body_font)
    style.paragraph_format.line_spacing = Pt(28)
    page_set_up(doc)
    return doc


def add_title(doc, text: str, *, font: str = TITLE_FONT, size: float = TITLE_PT, bold: bool = False, style=None):
    """The document's title: centred, 2号 小标宋 unless told otherwise, never indented."""
    p = doc.add_paragraph(style=style)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    set_font(p.add_run(text), font, size, bold=bold)
    return p


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---- PDF ---------------------------------------------------------------------------------------------------------

def soffice() -> str | None:
    """The LibreOffice binary, when installed (``FAZHI["SOFFICE"]`` may name it; an empty value turns it off)."""
    configured = settings.FAZHI.get("SOFFICE")
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_from_docx(content: bytes, *, timeout: int = 120) -> bytes | None:
    """The .docx converted by LibreOffice (headless, its own profile), or None when it is not installed or fails."""
    binary = soffice()
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="fazhi-pdf-") as tmp:
        source = os.path.join(tmp, "document.docx")
        with open(source, "wb") as fh:
            fh.write(content)
        try:
            subprocess.run([binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, source], check=True, capture_output=True, timeout=timeout)
            with open(os.path.join(tmp, "document.pdf"), "rb") as fh:
                return fh.read()
        except (OSError, subprocess.SubprocessError):
            return None


#: TrueType (glyf) Chinese fonts of Debian packages a PDF can embed — serif first (宋体/明体 style): fonts-arphic-uming,
#: fonts-wqy-zenhei, fonts-wqy-microhei. Noto CJK (fonts-noto-cjk) is CFF-based and cannot be embedded by reportlab.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def cjk_font() -> tuple[str, int] | None:
    """(path, sub-font index) of an embeddable Chinese TrueType font: ``FAZHI["PDF_FONT"]`` when set, else the
    first installed candidate; the Simplified Chinese face of a collection (its name ends in "CN" or "GB")."""
    configured = settings.FAZHI.get("PDF_FONT") or ""
    for path in ([configured] if configured else []) + list(CJK_FONT_CANDIDATES):
        if path and os.path.exists(path):
            return path, _simplified_face(path)
    return None


def _simplified_face(path: str) -> int:
    if not path.lower().endswith(".ttc"):
        return 0
    try:
        from reportlab.pdfbase.ttfonts import TTFontFile

        for index in range(8):
            name = TTFontFile(path, subfontIndex=index).name
            name = name.decode() if isinstance(name, bytes) else name
            if name.endswith(("CN", "GB")):
                return index
    except Exception:  # noqa: BLE001 - past the last face, or a face reportlab cannot read: the first one will do
        pass
    return 0
