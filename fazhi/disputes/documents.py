"""The module's .docx documents in the official layout (A4, 仿宋 body, 小标宋 title; GB/T 9704-2012 margins).

Which document a case gets follows its kind of mediation:
- people's mediation (人民调解): 人民调解申请书, 人民调解记录, 人民调解协议书 — the agreement carries what
  人民调解法第二十九条 lists (parties' basic facts; the main facts, the dispute and each party's responsibility; the
  terms, manner and time of performance), a signature line per party, the people's mediator's signature and the
  committee's seal; copies = one per party + one kept by the committee; it states the 30-day window for judicial
  confirmation (第三十三条) with the due date rolled past rest days (民事诉讼法第八十五条第三款);
- administrative mediation (行政调解): 调解申请书, 调解笔录, 行政调解协议书 — no promise of judicial confirmation;
- court-entrusted / court-invited mediation (司法调解): 调解申请书, 调解笔录, 调解协议 — the court decides what follows.
"""
from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from fazhi.core import docx_layout
from fazhi.core.docx_layout import BODY_FONT, HEADING_FONT, TITLE_FONT
from fazhi.core.errors import DomainError, NotFound

from .models import Agreement, Dispute

_DIGITS = "零一二三四五六七八九"


_font = docx_layout.set_font
_new = docx_layout.new_document


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


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 31 → 三十一 (copies and counts in documents)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


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
    if dispute.level == Dispute.Level.SUBDISTRICT or dispute.village is None:
        sub = dispute.village.tenant() if dispute.village else dispute.node.tenant()
        return f"{sub.name}人民调解委员会"
    return f"{dispute.village.name}人民调解委员会"


def _keeper(dispute, kind):
    """Who keeps the last copy and seals the agreement."""
    sub = dispute.village.tenant() if dispute.village else dispute.node.tenant()
    if kind == Agreement.Kind.PEOPLE:
        return _committee_name(dispute)
    if kind == Agreement.Kind.ADMINISTRATIVE:
        return f"{sub.name}{dispute.centre_body.name if dispute.centre_body else '行政调解委员会'}"
    return "主持调解的调解组织"


def agreement_title(dispute) -> str:
    a = getattr(dispute, "agreement", None)
    kind = a.kind if a is not None else dispute.mediation_type
    return Agreement.Kind(kind).label


def agreement_docx(dispute):
    a = getattr(dispute, "agreement", None)
    if a is None:
        raise DomainError("本案尚未达成调解协议。")
    parties = list(dispute.parties.all())
    doc = _new()
    _title(doc, Agreement.Kind(a.kind).label, a.number)
    _para(doc, "当事人基本情况：", heading=True)
    for line in _party_lines(parties):
        _para(doc, line, indent=False)
    _para(doc, "纠纷的主要事实、争议事项以及各方当事人的责任：", heading=True)
    _para(doc, a.facts)
    if a.responsibility:
        _para(doc, a.responsibility)
    _para(doc, "经调解，各方当事人自愿达成如下协议：", heading=True)
    _para(doc, a.terms)
    _para(doc, "履行方式、期限：", heading=True)
    _para(doc, f"{a.performance_method}，于{a.performance_deadline:%Y年%m月%d日}前履行完毕。")
    keeper = _keeper(dispute, a.kind)
    copies = f"本协议一式{chinese_number(len(parties) + 1)}份，各方当事人各执一份，{keeper}留存一份。"
    if a.kind == Agreement.Kind.PEOPLE:
        _para(doc, copies + "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
                   "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。")
        from .services import judicial_deadline

        window = judicial_deadline(a)
        due = f"（申请截止日：{window.due:%Y年%m月%d日}）" if window is not None and window.due else ""
        _para(doc, f"双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认{due}。")
    else:
        _para(doc, copies)
    for p in parties:
        _para(doc, f"{p.get_role_display()}（签名、盖章或者按指印）：{p.name}", indent=False)
    signer = "人民调解员" if a.kind == Agreement.Kind.PEOPLE else "调解人员"
    _para(doc, f"{signer}（签名）：{a.signed_by}", indent=False)
    seal = f"{keeper}（印章）" if a.kind != Agreement.Kind.JUDICIAL else ""
    if seal:
        _para(doc, seal, align="right")
    _para(doc, f"{a.signed_on:%Y年%m月%d日}", align="right")
    return _bytes(doc)


def _prefix(dispute) -> str:
    return "人民调解" if dispute.mediation_type == Dispute.MediationType.PEOPLE else "调解"


def application_docx(dispute):
    doc = _new()
    _title(doc, f"{_prefix(dispute)}申请书", f"登记编号：{dispute.tracking_code}")
    for line in _party_lines(dispute.parties.all()):
        _para(doc, line, indent=False)
    _para(doc, f"纠纷类型：{dispute.kind.name}    来源渠道：{dispute.get_channel_display()}"
               + (f"（{dispute.get_referral_source_display()}）" if dispute.referral_source else ""), indent=False)
    _para(doc, f"发生地点：{dispute.village.name if dispute.village else ''}{dispute.place}", indent=False)
    if dispute.amount is not None:
        _para(doc, f"涉及金额：{dispute.amount}元", indent=False)
    _para(doc, "纠纷简要情况及申请事项：", heading=True)
    _para(doc, dispute.description)
    if dispute.mediation_type == Dispute.MediationType.PEOPLE:
        _para(doc, "申请人自愿申请人民调解，知悉人民调解不收取任何费用，调解不成不影响依法通过仲裁、行政、司法等途径维护"
                   "自己的权利。")
    else:
        _para(doc, "申请人自愿申请调解，调解不成不影响依法通过仲裁、行政、司法等途径维护自己的权利。")
    for p in dispute.parties.all():
        if p.role == "applicant":
            _para(doc, f"申请人（签名）：{p.name}", indent=False)
    _para(doc, f"登记日期：{dispute.received_on:%Y年%m月%d日}", align="right")
    return _bytes(doc)


def record_docx(dispute):
    sessions = list(dispute.sessions.all())
    if not sessions:
        raise DomainError("本案尚无调解记录。")
    doc = _new()
    title = "人民调解记录" if dispute.mediation_type == Dispute.MediationType.PEOPLE else "调解笔录"
    _title(doc, title, f"登记编号：{dispute.tracking_code}")
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
    "agreement": ("调解协议书", agreement_docx),
    "application": ("调解申请书", application_docx),
    "record": ("调解记录", record_docx),
}


def documents_for(dispute) -> list[tuple[str, str]]:
    """[(kind, title)] of the documents this case has now, titled for its kind of mediation."""
    out = [("application", f"{_prefix(dispute)}申请书")]
    if dispute.sessions.exists():
        out.append(("record", "人民调解记录" if dispute.mediation_type == Dispute.MediationType.PEOPLE else "调解笔录"))
    if getattr(dispute, "agreement", None) is not None:
        out.append(("agreement", agreement_title(dispute)))
    return out


def render(dispute, kind: str) -> tuple[str, bytes]:
    """(title, .docx bytes) of document ``kind``; NotFound for a kind that does not exist."""
    if kind not in DOCUMENTS:
        raise NotFound("没有这种文书。")
    make = DOCUMENTS[kind][1]
    content = make(dispute)
    titles = dict(documents_for(dispute))
    return titles.get(kind, DOCUMENTS[kind][0]), content
