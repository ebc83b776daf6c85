"""The report's PDF (issue 17 item 6): made from the .docx by LibreOffice when installed, otherwise with an embedded
TrueType Chinese font — never a file that names fonts the reader's computer must supply (STSong, Helvetica); no
line starts with "，"; a server with neither says so in Chinese instead of failing."""
import os
import re
import shutil
import subprocess

import pytest
from django.test import override_settings

from fazhi.core import docx_layout
from fazhi.reports import documents

pytestmark = pytest.mark.django_db

NO_SOFFICE = {"SOFFICE": ""}


def _fazhi(**extra):
    from django.conf import settings

    return override_settings(FAZHI={**settings.FAZHI, **extra})


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) of every font of the PDF — ``pdffonts`` when installed, else read from the file's
    (uncompressed) object dictionaries: a font is embedded when its descriptor points at a FontFile stream."""
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        rows = out.splitlines()[2:]
        return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]
    objects = dict(re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S))
    fonts = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Font\b", body) or b"/DescendantFonts" in body:
            continue
        name = re.search(rb"/BaseFont\s*/([^\s/<>]+)", body).group(1).decode()
        descriptor = re.search(rb"/FontDescriptor\s+(\d+) 0 R", body)
        embedded = bool(descriptor) and bool(re.search(rb"/FontFile[23]?\s+\d+ 0 R", objects[descriptor.group(1)]))
        fonts.append((name, embedded))
    return fonts


def test_the_report_pdf_embeds_every_font_it_uses(report):
    if not docx_layout.cjk_font() and not docx_layout.soffice():
        pytest.skip("neither LibreOffice nor an embeddable Chinese font is installed")
    pdf, name, ctype = documents.export(report, "pdf", draft=True)
    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    names = " ".join(n for n, _e in fonts)
    assert "STSong" not in names and "Helvetica" not in names


def test_without_libreoffice_the_pdf_embeds_a_truetype_chinese_font(report):
    if not docx_layout.cjk_font():
        if os.environ.get("CI") == "true":
            pytest.fail("CI 环境缺少 fonts-arphic-uming（make test 应已安装）")
        pytest.skip("no embeddable Chinese TrueType font installed (apt install fonts-arphic-uming)")
    with _fazhi(**NO_SOFFICE):
        pdf, _, _ = documents.export(report, "pdf", draft=True)
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded and "+" in name and "UMing" in name for name, embedded in fonts)  # subsets


def test_a_pdf_line_never_starts_with_closing_punctuation():
    """Lay a paragraph out the way the PDF does; every position of "，" and "；" at a line end is tried."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    font = docx_layout.cjk_font()
    if not font:
        pytest.skip("no embeddable Chinese TrueType font installed")
    documents._register_font(*font)
    style = ParagraphStyle("b", fontName=documents.PDF_FONT, fontSize=16, leading=28, wordWrap="CJK",
                           firstLineIndent=32)
    seen = 0
    for mark in ("，", "；", "”", "。", "："):
        for n in range(20, 32):
            p = Paragraph("法" * n + mark + "治政府建设" * 30, style)
            p.wrap(16 * 28, 2000)
            lines = ["".join(line[1]) for line in p.blPara.lines]  # (extra space, [text]) per line
            assert all(line[:1] not in documents.NO_LINE_START for line in lines), (mark, n, lines[:3])
            seen += any(line.endswith(mark) for line in lines)
    assert seen  # the marks did fall at line ends and were kept there


def test_without_libreoffice_or_font_the_pdf_is_refused_in_chinese(report, client_for, users, monkeypatch):
    monkeypatch.setattr(docx_layout, "CJK_FONT_CANDIDATES", ())
    with _fazhi(SOFFICE="", PDF_FONT="/nonexistent/font.ttf"):
        assert not documents.pdf_available()
        r = client_for(users.office).get(f"/work/reports/{report.pk}/export/pdf/", follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "fonts-arphic-uming" in html and "请导出 Word 版" in html
    assert r.redirect_chain[-1][0] == f"/work/reports/{report.pk}/"


def test_with_libreoffice_the_pdf_is_the_converted_docx(tmp_path):
    """A stand-in ``soffice`` records what it was asked and writes a PDF where LibreOffice would."""
    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\nfor last; do :; done\nout=$(dirname "$last")\ncp "$last" "$out/seen.docx"\n'
                    'printf "%%PDF-1.7 converted" > "$out/document.pdf"\n')
    fake.chmod(0o755)
    content = docx_layout.to_bytes(docx_layout.new_document())
    with _fazhi(SOFFICE=str(fake)):
        assert docx_layout.pdf_from_docx(content) == b"%PDF-1.7 converted"
        blocks = [{"kind": "title", "text": "报告"}]
        assert documents.pdf_bytes(blocks) == b"%PDF-1.7 converted"
    with _fazhi(SOFFICE=""):
        assert docx_layout.pdf_from_docx(content) is None
