"""The module's .docx documents in the official layout (A4, 仿宋 body, 小标宋 title; GB/T 9704-2012 margins):
人民调解协议书, 人民调解申请书（登记表）, 人民调解记录."""
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fazhi.core.errors import DomainError

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"


def _font(run, name, size, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _new():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.line_spacing = Pt(28)
    style.paragraph_format.space_after = Pt(0)
    return doc


def _title(doc, text, sub=""):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, 22)
    if sub:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(sub), BODY_FONT, 16)


def _para(doc, text, *, indent=True, heading=False, align=None):
    for line in (text or "").split("\n"):
        p = doc.add_paragraph()
        if indent and not heading:
            p.paragraph_format.first_line_indent = Pt(32)
        if align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(line), HEADING_FONT if heading else BODY_FONT, 16)


def _bytes(doc):
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _party_lines(parties):
    lines = []
    for p in parties:
        bits = [f"{p.get_role_display()}：{p.name}"]
        if p.kind == "person" and p.id_number:
            bits.append(f"身份证号码：{p.id_number}")
        elif p.id_number:
            bits.append(f"统一社会信用代码：{p.id_number}")
        if p.phone:
            bits.append(f"联系电话：{p.phone}")
        if p.address:
            bits.append(f"住址：{p.address}")
        lines.append("，".join(bits))
    return lines


def _committee_name(dispute):
    sub = dispute.village.subdistrict if dispute.village else dispute.node
    if dispute.level == "subdistrict":
        return f"{sub.name}人民调解委员会"
    return f"{dispute.village.name}人民调解委员会"


def agreement_docx(dispute):
    a = getattr(dispute, "agreement", None)
    if a is None:
        raise DomainError("本案尚未达成调解协议。")
    doc = _new()
    _title(doc, "人民调解协议书", a.number)
    for line in _party_lines(dispute.parties.all()):
        _para(doc, line, indent=False)
    _para(doc, "纠纷主要事实、争议事项：", heading=True)
    _para(doc, a.facts)
    _para(doc, "经调解，双方自愿达成如下协议：", heading=True)
    _para(doc, a.terms)
    _para(doc, "履行方式、时限：", heading=True)
    _para(doc, f"{a.performance_method}，于{a.performance_deadline:%Y年%m月%d日}前履行完毕。")
    _para(doc, "本协议一式三份，双方当事人、人民调解委员会各持一份，自各方当事人签名（盖章）、人民调解员签名并加盖"
               "人民调解委员会印章之日起生效。经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
               "双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认"
               f"（截止{a.judicial_deadline:%Y年%m月%d日}）。" if a.judicial_deadline else "")
    _para(doc, "当事人（签名）：", indent=False)
    _para(doc, "人民调解员（签名）：" + "、".join(m.name for m in dispute.mediators.all()), indent=False)
    _para(doc, f"{_committee_name(dispute)}（印章）", align="right")
    _para(doc, f"{a.signed_on:%Y年%m月%d日}", align="right")
    return _bytes(doc)


def application_docx(dispute):
    doc = _new()
    _title(doc, "人民调解申请书", f"登记编号：{dispute.tracking_code}")
    for line in _party_lines(dispute.parties.all()):
        _para(doc, line, indent=False)
    _para(doc, f"纠纷类型：{dispute.kind.name}    来源渠道：{dispute.get_channel_display()}"
               + (f"（{dispute.get_referral_source_display()}）" if dispute.referral_source else ""), indent=False)
    _para(doc, f"发生地点：{dispute.village.name if dispute.village else ''}{dispute.place}", indent=False)
    if dispute.amount is not None:
        _para(doc, f"涉及金额：{dispute.amount}元", indent=False)
    _para(doc, "纠纷简要情况及申请事项：", heading=True)
    _para(doc, dispute.description)
    _para(doc, "申请人自愿申请人民调解，知悉人民调解不收取任何费用，调解不成不影响依法通过仲裁、行政、司法等途径维护自己的权利。")
    _para(doc, "申请人（签名）：", indent=False)
    _para(doc, f"登记日期：{dispute.received_on:%Y年%m月%d日}", align="right")
    return _bytes(doc)


def record_docx(dispute):
    sessions = list(dispute.sessions.all())
    if not sessions:
        raise DomainError("本案尚无调解记录。")
    doc = _new()
    _title(doc, "人民调解记录", f"登记编号：{dispute.tracking_code}")
    for line in _party_lines(dispute.parties.all()):
        _para(doc, line, indent=False)
    for i, s in enumerate(sessions, start=1):
        _para(doc, f"第{i}次调解", heading=True)
        _para(doc, f"时间：{s.held_on:%Y年%m月%d日}    地点：{s.place}", indent=False)
        _para(doc, f"参加人员：{s.participants}", indent=False)
        _para(doc, s.record)
    _para(doc, f"调解结果：{dispute.get_status_display()}", indent=False)
    _para(doc, "记录人（签名）：", indent=False)
    return _bytes(doc)


DOCUMENTS = {
    "agreement": ("人民调解协议书", agreement_docx),
    "application": ("人民调解申请书", application_docx),
    "record": ("人民调解记录", record_docx),
}
