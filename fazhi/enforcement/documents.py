"""The case's official documents as .docx (python-docx): 立案审批表, 行政处罚事先告知书, 行政处罚决定书, 送达回证.

Layout follows the usual official-document form: the issuing body and document title centred in 宋体/黑体, the
document number right-aligned, body text in 仿宋 16pt-ish, signature block and date at the right, seal space."""
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from fazhi.core.errors import DomainError

from .models import StepKind

KINDS = {
    "filing": "立案审批表",
    "notice": "行政处罚事先告知书",
    "decision": "行政处罚决定书",
    "receipt": "送达回证",
}


def AVAILABLE(case):
    out = [("filing", KINDS["filing"])]
    if case.notified_on:
        out.append(("notice", KINDS["notice"]))
    if case.decided_on:
        out += [("decision", KINDS["decision"]), ("receipt", KINDS["receipt"])]
    return out


def _font(run, name="仿宋", size=16, bold=False):
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.bold = bold
    return run


def _para(doc, text="", *, align=None, name="仿宋", size=16, bold=False, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), name, size, bold)
    return p


def _doc(case, title, number=""):
    doc = Document()
    for s in doc.sections:
        s.page_height, s.page_width = Cm(29.7), Cm(21.0)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _para(doc, case.subject.node.name + case.subject.unit.name, align=WD_ALIGN_PARAGRAPH.CENTER, name="宋体", size=22, bold=True)
    _para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, name="黑体", size=22, bold=True)
    if number:
        _para(doc, number, align=WD_ALIGN_PARAGRAPH.RIGHT, size=16)
    return doc


def _table(doc, rows):
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run(label), "黑体", 12)
        _font(cells[1].paragraphs[0].add_run(str(value or "")), "仿宋", 12)
    return table


def _sign(doc, case, day):
    _para(doc, "")
    _para(doc, f"{case.subject.node.name}{case.subject.unit.name}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{day:%Y年%m月%d日}" if day else "    年  月  日", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _party_line(case):
    label = "当事人" if case.party_is_person else "当事人（单位）"
    text = f"{label}：{case.party_name}"
    if case.party_id_number:
        text += f"，{'身份证号' if case.party_is_person else '统一社会信用代码'}：{case.party_id_number}"
    if case.party_address:
        text += f"，地址：{case.party_address}"
    return text


def filing_form(case):
    doc = _doc(case, "立案审批表", case.number)
    filing = case.steps.filter(kind=StepKind.FILING).first()
    _table(doc, [
        ("案由", case.title), ("执法事项", f"{case.power.code} {case.power.name}"), ("当事人", case.party_name),
        ("证件号码", case.party_id_number), ("联系电话", case.party_phone), ("地址", case.party_address),
        ("案件来源及基本事实", case.facts), ("承办人", "、".join(f"{o.name}（执法证号{o.certificate_number}）" for o in case.officers.all())),
        ("承办人意见", "建议立案调查。"), ("负责人审批意见", filing.content if filing else "（待审批）"),
        ("审批人", case.filing_approved_by.display_name if case.filing_approved_by else ""),
        ("立案日期", f"{case.filed_on:%Y年%m月%d日}" if case.filed_on else ""),
    ])
    return doc


def notice_letter(case):
    if not case.notified_on:
        raise DomainError("案件尚未告知，不能生成事先告知书。")
    doc = _doc(case, "行政处罚事先告知书", case.number.replace("立", "告") if case.number else "")
    _para(doc, f"{case.party_name}：", indent=False)
    _para(doc, f"经调查，{case.facts}")
    _para(doc, f"你（单位）的上述行为违反了{case.power.legal_basis}。本机关拟对你（单位）作出如下行政处罚："
               + (f"罚款人民币{case.proposed_fine}元。" if case.proposed_fine else "依法处理。"))
    _para(doc, "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩。"
               + ("根据该法第六十三条、第六十四条的规定，你（单位）有权要求举行听证，应当在收到本告知书之日起五日内提出。" if case.heavy_penalty else ""))
    _para(doc, "逾期未提出陈述、申辩" + ("或听证要求" if case.heavy_penalty else "") + "的，视为放弃上述权利。")
    _sign(doc, case, case.notified_on)
    return doc


def decision_letter(case):
    if not case.decided_on:
        raise DomainError("案件尚未作出决定，不能生成决定书。")
    doc = _doc(case, "行政处罚决定书", case.decision_number)
    _para(doc, _party_line(case), indent=False)
    _para(doc, f"本机关于{case.filed_on:%Y年%m月%d日}对你（单位）{case.title}一案立案调查。")
    _para(doc, f"经查明：{case.facts}")
    if case.hearing_held:
        _para(doc, "本机关依法举行了听证，听取了你（单位）的陈述和申辩。")
    if case.is_major:
        _para(doc, "本案经法制审核机构审核同意。")
    _para(doc, f"以上事实违反了{case.decision_basis}。{case.discretion_applied}")
    _para(doc, f"本机关决定：{case.decision_text}")
    if case.fine_amount:
        _para(doc, "罚款应于收到本决定书之日起十五日内缴纳至指定银行或通过电子支付系统缴纳。到期不缴纳的，每日按罚款数额的百分之三加处罚款。")
    _para(doc, "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。")
    _sign(doc, case, case.decided_on)
    return doc


def service_receipt(case):
    if not case.decided_on:
        raise DomainError("案件尚未作出决定，不能生成送达回证。")
    doc = _doc(case, "送达回证", case.decision_number)
    service = case.steps.filter(kind=StepKind.SERVICE).first()
    _table(doc, [
        ("送达文书", f"行政处罚决定书（{case.decision_number}）"), ("受送达人", case.party_name),
        ("送达地点", service.place if service else ""), ("送达方式", "直接送达"),
        ("送达人", "、".join(o.name for o in service.officers.all()) if service else ""),
        ("送达时间", f"{service.occurred_at:%Y年%m月%d日 %H时%M分}" if service else ""),
        ("受送达人签名或盖章", ""), ("备注", service.content if service else ""),
    ])
    return doc


BUILDERS = {"filing": filing_form, "notice": notice_letter, "decision": decision_letter, "receipt": service_receipt}


def render(case, kind):
    """(bytes, filename) of the document ``kind`` for ``case``."""
    builder = BUILDERS[kind]
    doc = builder(case)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), f"{KINDS[kind]}-{case.number or case.pk}.docx"
