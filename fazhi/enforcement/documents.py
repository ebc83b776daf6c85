"""The case's official documents as .docx (python-docx): 立案审批表, 行政处罚事先告知书, 听证通知书, and the decision
document that fits the decision — 行政处罚决定书 (第五十九条: facts and evidence, the remedies with the named
reconsideration body and court and their time limits, the late-payment surcharge cap of 第七十二条第一项),
不予行政处罚决定书, or 责令改正通知书 (an inspection or rectification-only case) — and 送达回证.

Layout follows the usual official-document form: the issuing body and document title centred in 宋体/黑体, the
document number right-aligned, body text in 仿宋 16pt-ish, signature block and date at the right, seal space.
Time limits are read from DeadlineRule rows (rules.py), never written here as numbers."""
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from fazhi.core import docx_layout, files, workdays
from fazhi.core.errors import DomainError

from . import rules
from .models import EVIDENCE_STEP_KINDS, PowerType, Result, StepKind

KINDS = {
    "filing": "立案审批表",
    "notice": "行政处罚事先告知书",
    "hearing_notice": "听证通知书",
    "decision": "行政处罚决定书",
    "no_penalty": "不予行政处罚决定书",
    "rectification": "责令改正通知书",
    "receipt": "送达回证",
}


def decision_kind(case) -> str | None:
    """The decision document that fits the case: a penalty → 行政处罚决定书; no penalty → 不予行政处罚决定书;
    rectification only, or an inspection case → 责令改正通知书; a transfer or a revoked case has none."""
    if not case.decided_on:
        return None
    return {Result.PENALTY: "decision", Result.NO_PENALTY: "no_penalty", Result.ORDER: "rectification"}.get(case.result)


def AVAILABLE(case):
    out = [("filing", KINDS["filing"])]
    if case.notified_on:
        out.append(("notice", KINDS["notice"]))
    if case.hearing_notified_on:
        out.append(("hearing_notice", KINDS["hearing_notice"]))
    kind = decision_kind(case)
    if kind:
        out.append((kind, KINDS[kind]))
    if case.decided_on:
        out.append(("receipt", KINDS["receipt"]))
    return out


def _you(case) -> str:
    """你 for a person, 你单位 for an organisation (never "你（单位）")."""
    return "你" if case.party_is_person else "你单位"


def _limit(code: str) -> str:
    r = workdays.rule(code)
    return f"{r.amount}{r.get_unit_display()}"


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
    doc = docx_layout.new_document("仿宋")  # GB/T 9704 page, margins and "— 1 —" page numbers
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
    label = "当事人" if case.party_is_person else "当事人（单位）名称"
    text = f"{label}：{case.party_name}"
    if case.party_id_number:
        text += f"，{'身份证号' if case.party_is_person else '统一社会信用代码'}：{case.party_id_number}"
    text += f"，地址：{case.party_address or '（未登记）'}"
    return text


def filing_form(case):
    doc = _doc(case, "立案审批表", case.number)
    filing = case.steps.filter(kind=StepKind.FILING).first()
    _table(doc, [
        ("案由", case.title), ("执法事项", f"{case.power.code} {case.power.name}"), ("当事人", case.party_name),
        ("证件号码", case.party_id_number), ("联系电话", case.party_phone), ("地址", case.party_address),
        ("案件来源及基本事实", case.facts),
        ("承办人", "、".join(f"{o.name}（执法证号{o.certificate_number}）" for o in case.officers.all())),
        ("承办人意见", "建议立案调查。"), ("负责人审批意见", filing.content if filing else "（待审批）"),
        ("审批人", case.filing_approved_by.display_name if case.filing_approved_by else ""),
        ("立案日期", f"{case.filed_on:%Y年%m月%d日}" if case.filed_on else ""),
    ])
    return doc


def notice_letter(case):
    if not case.notified_on:
        raise DomainError("案件尚未告知，不能生成事先告知书。")
    you = _you(case)
    doc = _doc(case, "行政处罚事先告知书", case.number.replace("立", "告") if case.number else "")
    _para(doc, f"{case.party_name}：", indent=False)
    _para(doc, f"经调查，{case.facts}")
    _para(doc, f"{you}的上述行为违反了{case.power.legal_basis}。本机关拟对{you}作出如下行政处罚："
               + (f"罚款人民币{case.proposed_fine}元。" if case.proposed_fine else "依法处理。"))
    _para(doc, f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，{you}有权进行陈述和申辩，"
               f"请于收到本告知书之日起{_limit(rules.STATEMENT)}内提出。"
               + (f"根据该法第六十三条、第六十四条第一项的规定，{you}有权要求举行听证，应当在本机关告知后"
                  f"{_limit(rules.HEARING_REQUEST)}内提出（该法第八十五条：五日指工作日）。" if case.heavy_penalty else ""))
    _para(doc, "逾期未提出陈述、申辩" + ("或听证要求" if case.heavy_penalty else "") + "的，视为放弃上述权利。")
    _sign(doc, case, case.notified_on)
    return doc


def hearing_notice(case):
    if not case.hearing_notified_on:
        raise DomainError("尚未通知听证，不能生成听证通知书。")
    doc = _doc(case, "听证通知书", case.number.replace("立", "听") if case.number else "")
    _para(doc, f"{case.party_name}：", indent=False)
    _para(doc, f"根据{_you(case)}的申请，本机关定于{case.hearing_at:%Y年%m月%d日%H时%M分}在{case.hearing_place}"
               f"就{case.title}一案公开举行听证（涉及国家秘密、商业秘密或者个人隐私的除外），由"
               f"{case.hearing_host.display_name if case.hearing_host else ''}主持（行政处罚法第六十四条）。")
    _para(doc, f"{_you(case)}可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，有权申请回避。"
               "无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。")
    _sign(doc, case, case.hearing_notified_on)
    return doc


def _evidence_lines(case):
    lines = []
    for step in case.steps.filter(kind__in=EVIDENCE_STEP_KINDS, corrects__isnull=True).order_by("occurred_at", "id"):
        attached = list(files.files_of(step))
        line = f"{step.get_kind_display()}（{step.occurred_at:%Y年%m月%d日}，{step.place}）：{step.content}"
        if step.documents:
            line += f"；{step.documents}"
        if attached:
            line += "；附" + "、".join(f.original_name for f in attached)
        lines.append(line)
    return lines


def _remedies(case, doc):
    """第五十九条第五项: the ways and time limits of reconsideration and litigation, with the named body and court."""
    subject = case.subject
    if not subject.reconsideration_body or not subject.litigation_court:
        raise DomainError("执法主体尚未填写行政复议机关和管辖人民法院，决定书无法载明申请行政复议、提起行政诉讼的途径"
                          "（行政处罚法第五十九条第五项）。请执法办负责人在“执法主体信息”中填写。")
    you = _you(case)
    _para(doc, f"{you}如不服本决定，可以自收到本决定书之日起{_limit(rules.RECONSIDERATION)}内向{subject.reconsideration_body}"
               f"申请行政复议（《中华人民共和国行政复议法》第二十条），或者自收到本决定书之日起{_limit(rules.LITIGATION)}内"
               f"直接向{subject.litigation_court}提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。")


def _decision_doc(case, kind, title):
    """A decision document's head: refused unless the case's result calls for this ``kind``; the party's line."""
    if decision_kind(case) != kind:
        raise DomainError(_wrong_document(case, kind))
    doc = _doc(case, title, case.decision_number)
    _para(doc, _party_line(case), indent=False)
    return doc


def _numbered(doc, lines):
    for i, line in enumerate(lines, 1):
        _para(doc, f"{i}. {line}")


def decision_letter(case):
    doc = _decision_doc(case, "decision", "行政处罚决定书")
    you = _you(case)
    _para(doc, f"本机关于{case.filed_on:%Y年%m月%d日}对{you}{case.title}一案立案调查。")
    _para(doc, f"经查明：{case.facts}")
    evidence = _evidence_lines(case)
    _para(doc, "以上事实有下列证据证明：" + ("" if evidence else "（无）"))
    _numbered(doc, evidence)
    if case.statement_waived:
        _para(doc, f"本机关已告知{you}拟作出的行政处罚及陈述、申辩权利，{you}明确放弃陈述、申辩。")
    elif case.statement_on:
        _para(doc, f"{you}提出陈述、申辩：{case.statement_text}。经复核：{case.statement_review}")
    if case.hearing_held:
        _para(doc, f"本机关依法举行了听证，听取了{you}的陈述和申辩。")
    if case.is_major:
        _para(doc, "本案经法制审核人员审核同意。")
    if case.collective_on:
        _para(doc, f"本案经本机关负责人于{case.collective_on:%Y年%m月%d日}集体讨论决定。")
    _para(doc, f"以上事实违反了{case.decision_basis}。{case.discretion_applied}")
    _para(doc, f"本机关决定：{case.decision_text}")
    if case.fine_amount:
        _para(doc, f"{you}应当自收到本决定书之日起{_limit(rules.PAYMENT)}内，到指定的银行或者通过电子支付系统缴纳罚款"
                   "（行政处罚法第六十七条第三款）。到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，"
                   f"加处罚款的数额不得超出罚款的数额（即不超过{case.fine_amount}元；行政处罚法第七十二条第一项）。")
    _remedies(case, doc)
    _sign(doc, case, case.decided_on)
    return doc


def no_penalty_letter(case):
    doc = _decision_doc(case, "no_penalty", "不予行政处罚决定书")
    you = _you(case)
    _para(doc, f"本机关于{case.filed_on:%Y年%m月%d日}对{you}{case.title}一案立案调查。经查明：{case.facts}")
    _numbered(doc, _evidence_lines(case))
    _para(doc, f"依据{case.decision_basis}及《中华人民共和国行政处罚法》第五十七条第一款，本机关决定：{case.decision_text}")
    _remedies(case, doc)
    _sign(doc, case, case.decided_on)
    return doc


def rectification_notice(case):
    if decision_kind(case) != "rectification":
        raise DomainError(_wrong_document(case, "rectification"))
    you = _you(case)
    doc = _doc(case, "责令改正通知书", case.decision_number)
    _para(doc, f"{case.party_name}：", indent=False)
    _para(doc, f"经{'检查' if case.power.power_type == PowerType.INSPECTION else '调查'}，{case.facts}")
    _para(doc, f"{you}的上述行为违反了{case.decision_basis}。根据《中华人民共和国行政处罚法》第二十八条第一款，"
               f"本机关责令{you}：{case.decision_text}")
    _para(doc, f"{you}对本通知不服的，可以依法申请行政复议或者提起行政诉讼。")
    _remedies(case, doc)
    _sign(doc, case, case.decided_on)
    return doc


def _wrong_document(case, kind):
    right = decision_kind(case)
    if right is None:
        return f"案件尚未作出决定或处理结果（{case.get_result_display() or '未决定'}）不出具{KINDS[kind]}。"
    return f"本案处理结果为“{case.get_result_display()}”，应出具{KINDS[right]}，而不是{KINDS[kind]}。"


def service_receipt(case):
    kind = decision_kind(case)
    if not case.decided_on:
        raise DomainError("案件尚未作出决定，不能生成送达回证。")
    doc = _doc(case, "送达回证", case.decision_number)
    service = case.steps.filter(kind=StepKind.SERVICE).first()
    _table(doc, [
        ("送达文书", f"{KINDS.get(kind, '执法决定书')}（{case.decision_number}）"), ("受送达人", case.party_name),
        ("送达地点", service.place if service else ""), ("送达方式", "直接送达"),
        ("送达人", "、".join(o.name for o in service.officers.all()) if service else ""),
        ("送达时间", f"{service.occurred_at:%Y年%m月%d日 %H时%M分}" if service else ""),
        ("受送达人签名或盖章", ""), ("备注", service.content if service else ""),
    ])
    return doc


BUILDERS = {"filing": filing_form, "notice": notice_letter, "hearing_notice": hearing_notice,
            "decision": decision_letter, "no_penalty": no_penalty_letter, "rectification": rectification_notice,
            "receipt": service_receipt}


def render(case, kind):
    """(bytes, filename) of the document ``kind`` for ``case``."""
    builder = BUILDERS[kind]
    doc = builder(case)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), f"{KINDS[kind]}-{case.number or case.pk}.docx"
