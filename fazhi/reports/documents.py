"""The report as an official document: .docx in the GB/T 9704-2012 layout, and PDF (LibreOffice from the .docx, or\nreportlab with an embedded TrueType Chinese font).

GB/T 9704: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 2号 方正小标宋简体 (22 pt); body
3号 仿宋_GB2312 (16 pt); level-1 headings 黑体 "一、"; level-2 headings 楷体_GB2312 "（一）"; 22 lines of 28
characters — 225 mm of text height / 22 lines ≈ 28.95 pt exact line spacing. East-Asian fonts are set through
w:rFonts w:eastAsia, so Word uses them for Chinese text.
"""
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from fazhi.core import docx_layout
from fazhi.core.errors import DomainError

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
LINE_PT = 28.95
BODY_PT = 16
TITLE_PT = 22


def set_fonts(target, name, size=None):
    """Set the Latin and East-Asian font of a style or run (and drop theme fonts that would override them)."""
    target.font.name = name
    if size:
        target.font.size = Pt(size)
    rpr = target.element.get_or_add_rPr() if hasattr(target.element, "get_or_add_rPr") else target._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]


def _style(doc, name, font, size, *, bold=False, indent=True, align=None):
    style = doc.styles[name]
    set_fonts(style, font, size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.first_line_indent = Pt(size * 2) if indent else None
    pf.keep_with_next = name.startswith("Heading")
    if align is not None:
        pf.alignment = align
    return style


def _page(doc):
    section = doc.sections[0]
    docx_layout.set_page(section)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PT * 20)))  # twentieths of a point: 22 lines a page
    grid.set(qn("w:charSpace"), "0")


def docx_bytes(blocks):
    doc = Document()
    _page(doc)
    docx_layout.page_set_up(doc)  # "— 1 —" page numbers, line-breaking rules
    _style(doc, "Normal", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "Title", TITLE_FONT, TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Heading 1", H1_FONT, BODY_PT)
    _style(doc, "Heading 2", H2_FONT, BODY_PT)
    _drop_border(doc.styles["Title"])
    for b in blocks:
        if b["kind"] == "title":
            doc.add_paragraph(b["text"], style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.add_paragraph("", style="Normal")
        elif b["kind"] == "h1":
            doc.add_paragraph(b["text"], style="Heading 1")
        elif b["kind"] == "h2":
            doc.add_paragraph(f"{b['label']}{b['heading']}", style="Heading 2")
            if b["text"]:
                doc.add_paragraph(b["text"], style="Normal")
        else:
            p = doc.add_paragraph(b["text"], style="Normal")
            if b.get("strong") or b["kind"] == "note":
                for run in p.runs:
                    run.bold = b["kind"] != "note"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _drop_border(style):
    ppr = style.element.find(qn("w:pPr"))
    if ppr is None:
        return
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


#: 避头: punctuation a line never starts with (GB/T 15834 and the usual Chinese line-breaking rules); reportlab's own
#: list (Japanese) lacks "，；：！？" and the closing quotes, so a PDF line could start with "，"
NO_LINE_START = "，。、；：！？）》」』】〕〉”’…—·%‰℃,.;:!?)]}"
PDF_FONT = "FazhiCJK"
PDF_UNAVAILABLE = ("服务器未安装 LibreOffice，也未安装可嵌入的中文字体（如 Debian 软件包 fonts-arphic-uming），"
                   "暂不能生成 PDF，请导出 Word 版。")


def pdf_available() -> bool:
    return bool(docx_layout.soffice() or docx_layout.cjk_font())


def pdf_bytes(blocks):
    """The report as PDF: LibreOffice's conversion of the .docx when installed; otherwise reportlab with a TrueType
    Chinese font embedded (subset) — never a PDF that names a font the reader must have (STSong, Helvetica).
    Page numbers "— n —" as on the .docx (odd pages right, even pages left); no line starts with "，"."""
    converted = docx_layout.pdf_from_docx(docx_bytes(blocks))
    if converted:
        return converted
    font = docx_layout.cjk_font()
    if font is None:
        raise DomainError(PDF_UNAVAILABLE, code="pdf_unavailable")
    return _reportlab_pdf(blocks, font)


def _register_font(path: str, index: int) -> None:
    from reportlab.lib import textsplit
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import paragraph

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, path, subfontIndex=index))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(PDF_FONT, bold, italic, PDF_FONT)  # one face: headings are set apart by size and place
    for module in (paragraph, textsplit):  # both CJK line splitters (marked-up and plain paragraphs)
        missing = "".join(c for c in NO_LINE_START if c not in module.ALL_CANNOT_START)
        if missing:  # hung at the end of the line instead of starting the next one
            module.ALL_CANNOT_START += missing


def _reportlab_pdf(blocks, font):
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font(*font)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=BODY_PT, leading=LINE_PT, firstLineIndent=BODY_PT * 2,
                          alignment=TA_JUSTIFY, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=TITLE_PT, leading=TITLE_PT * 1.6, alignment=TA_CENTER,
                           firstLineIndent=0, spaceAfter=LINE_PT)
    story = []
    for b in blocks:
        if b["kind"] == "title":
            story.append(Paragraph(escape(b["text"]), title))
        elif b["kind"] == "h2":
            story.append(Paragraph(f"{escape(b['label'] + b['heading'])}{escape(b['text'])}", body))
        else:
            story.append(Paragraph(escape(b["text"]), body))
    story.append(Spacer(1, 1))

    def page_number(canvas, doc):
        """GB/T 9704 7.5: "— n —", 4号, 7 mm below the text block; odd pages right, even pages left, one character in."""
        n = canvas.getPageNumber()
        text = f"— {n} —"
        canvas.saveState()
        canvas.setFont(PDF_FONT, docx_layout.PAGE_NUMBER_PT)
        y = 35 * mm - 7 * mm - docx_layout.PAGE_NUMBER_PT
        if n % 2:
            canvas.drawRightString(A4[0] - 26 * mm - docx_layout.PAGE_NUMBER_PT, y, text)
        else:
            canvas.drawString(28 * mm + docx_layout.PAGE_NUMBER_PT, y, text)
        canvas.restoreState()

    def canvas(*args, **kwargs):  # the canvas's own start-up font is ours too: no unembedded Helvetica in the file
        from reportlab.pdfgen.canvas import Canvas

        return Canvas(*args, **{**kwargs, "initialFontName": PDF_FONT, "initialFontSize": BODY_PT})

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm,
                      rightMargin=26 * mm, title=blocks[0]["text"] if blocks else "").build(
        story, onFirstPage=page_number, onLaterPages=page_number, canvasmaker=canvas)
    return buf.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export(report, fmt, *, draft=False):
    """(bytes or str, filename, content type) of the latest finalised version — or of the current draft when there
    is none yet or ``draft`` is asked for (the title then says 草稿)."""
    from . import render
    from .selectors import latest_version

    version = None if draft else latest_version(report)
    if version is not None:
        blocks = version.blocks
        suffix = f"（定稿第{version.number}版）"
    else:
        blocks, _ = render.build_blocks(report)
        blocks = [dict(b, text=b["text"] + "（草稿）") if b["kind"] == "title" else b for b in blocks]
        suffix = "（草稿）"
    name = f"{report.title}{suffix}"
    if fmt == "docx":
        return docx_bytes(blocks), f"{name}.docx", DOCX_TYPE
    if fmt == "pdf":
        return pdf_bytes(blocks), f"{name}.pdf", "application/pdf"
    return render.to_markdown(blocks), f"{name}.md", "text/markdown; charset=utf-8"


def export_response(report, fmt, *, draft=False):
    """The download of ``export`` (page and API alike); an unknown format is a 404."""
    from django.http import Http404

    from fazhi.core import ui

    if fmt not in ("docx", "pdf", "md"):
        raise Http404()
    content, name, ctype = export(report, fmt, draft=draft)
    return ui.file_response(content, name, ctype)
