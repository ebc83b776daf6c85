"""What every .docx of the platform must show a reader (GB/T 9704-2012), checked on the produced file."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn


def _footer_layout(footer):
    """(alignment, text around the field, field instructions) of a footer's first paragraph."""
    p = footer.paragraphs[0]
    instructions = [el.text.strip() for el in p._p.iter(qn("w:instrText"))]
    return p.alignment, p.text, instructions


def assert_official_layout(content: bytes, title: str | None = None):
    """Page numbers "— n —" from a PAGE field (odd pages right, even pages left) and a centred title; returns the
    document for further checks."""
    doc = Document(io.BytesIO(content))
    assert doc.settings.odd_and_even_pages_header_footer, "odd and even pages need their own footers"
    for section in doc.sections:
        odd = _footer_layout(section.footer)
        even = _footer_layout(section.even_page_footer)
        assert odd[2] == ["PAGE"] and even[2] == ["PAGE"], "the footer carries a PAGE field"
        assert odd[1].startswith("— ") and odd[1].endswith(" —") and even[1].startswith("— "), odd[1]
        assert odd[0] == WD_ALIGN_PARAGRAPH.RIGHT and even[0] == WD_ALIGN_PARAGRAPH.LEFT
        assert section.footer.paragraphs[0].runs[0].font.size.pt == 14  # 4号
    first = next(p for p in doc.paragraphs if p.text.strip())
    alignment = first.alignment if first.alignment is not None else first.style.paragraph_format.alignment
    assert alignment == WD_ALIGN_PARAGRAPH.CENTER, f"the title “{first.text}” is centred"
    if title is not None:
        assert title in "".join(p.text for p in doc.paragraphs[:3])
    return doc
