"""The module's .docx documents in the official layout (GB/T 9704-2012): the reply letter to a disclosure request and
the decision file (决策档案) bundle of a major administrative decision."""
import io
import zipfile

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from fazhi.core import audit, docx_layout, files

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"


def _font(run, name, size):
    docx_layout.set_font(run, name, size)


_new_document = docx_layout.new_document


def _title(doc, text):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, 22)


def _para(doc, text, *, indent=True, align=None, font=BODY_FONT, size=16):
    for line in (text or "").split("\n"):
        p = doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)
        if align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(line), font, size)


def _bytes(doc):
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def reply_letter(req):
    """政府信息公开申请答复书 (.docx bytes)."""
    doc = _new_document()
    sub = req.node
    _title(doc, f"{sub.name}政府信息公开申请答复书")
    from .services import REPLY_BASIS, remedy_text

    _para(doc, req.reply_number or "", indent=False, align="right")
    _para(doc, f"{req.applicant_name}：", indent=False)
    _para(doc, f"本机关于{req.received_on:%Y年%m月%d日}收到您（单位）提出的政府信息公开申请，申请获取：{req.content}")
    if req.corrected_on:
        _para(doc, f"本机关于{req.correction_requested_on:%Y年%m月%d日}通知补正，您于{req.corrected_on:%Y年%m月%d日}补正，"
                   f"答复期限自收到补正申请之日起计算（《中华人民共和国政府信息公开条例》第三十条）。")
    if req.paused_days:
        _para(doc, f"因申请公开的信息可能损害第三方合法权益，本机关于{req.consultation_started_on:%Y年%m月%d日}书面征求第三方意见，"
                   f"所需时间（{req.paused_days}个工作日）不计算在答复期限内（《中华人民共和国政府信息公开条例》第三十二条、第三十三条第三款）。")
    if req.extended:
        _para(doc, "因情况复杂，经政府信息公开工作机构负责人同意，答复期限延长20个工作日，并已告知您。")
    basis = REPLY_BASIS.get(req.reply_type)
    _para(doc, f"经审查，答复如下：{req.get_reply_type_display()}" + (f"（依据{basis}）。" if basis else "。"))
    _para(doc, req.reply_text)
    if req.reply_reason:
        _para(doc, f"理由及依据：{req.reply_reason}")
    if req.referred_body:
        _para(doc, f"该政府信息由{req.referred_body}负责公开，请向该机关申请。")
    remedy = remedy_text(req)
    if remedy:
        _para(doc, remedy)
    doc.add_paragraph()
    _para(doc, sub.name, indent=False, align="right")
    _para(doc, f"{req.answered_on:%Y年%m月%d日}" if req.answered_on else "", indent=False, align="right")
    return _bytes(doc)


TABLE_PT = 10.5  # 五号: the national tables do not fit 28 characters a line at 三号


def _table(doc, table):
    """One table of the annual report: header rows (text, colspan) merged, then the rows, label first."""
    head, rows = table["head"], table["rows"]
    label_col = 0 if table.get("no_label") else 1
    width = label_col + max(len(r["cells"]) for r in rows if r["cells"])
    grid = doc.add_table(rows=0, cols=width)
    grid.style = "Table Grid"
    for head_row in head:
        cells, at = grid.add_row().cells, 0
        for text, span in head_row:
            if at >= width:
                break
            last = min(at + span, width) - 1
            target = cells[at].merge(cells[last]) if last > at else cells[at]
            _font(target.paragraphs[0].add_run(text), H1_FONT, TABLE_PT)
            at += span
    for row in rows:
        cells = grid.add_row().cells
        values = ([row["label"]] if label_col else []) + [str(c["n"]) for c in row["cells"]]
        for i, value in enumerate(values[:width]):
            _font(cells[i].paragraphs[0].add_run(value), BODY_FONT, TABLE_PT)
    return grid


def annual_report_docx(report):
    """政府信息公开工作年度报告 (.docx bytes): GB/T 9704 page set-up, the national format's sections and tables."""
    from .annual import sections
    from .services import annual_report_tables

    doc = _new_document()
    _title(doc, str(report))
    for kind, value in sections(report, annual_report_tables(report)):
        if kind == "h1":
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            _font(p.add_run(value), H1_FONT, 16)
        elif kind == "table":
            if value["title"][:2] not in ("二、", "三、", "四、"):
                _para(doc, value["title"], indent=False, font=H2_FONT)
            _table(doc, value)
        else:
            _para(doc, value)
    if report.sha256:
        _para(doc, f"定稿内容哈希（SHA-256）：{report.sha256}", indent=False, size=10.5)
    _para(doc, report.node.name, indent=False, align="right")
    return _bytes(doc)


def decision_summary(decision):
    doc = _new_document()
    _title(doc, f"重大行政决策档案：{decision.title}")
    _para(doc, f"决策机关：{decision.node.name}；目录年度：{decision.year}年；承办单位：{decision.sponsor_unit or '—'}；"
               f"当前状态：{decision.get_status_display()}。")
    if decision.description:
        _para(doc, f"事项说明：{decision.description}")
    h = doc.add_paragraph()
    _font(h.add_run("一、决策程序"), H1_FONT, 16)
    for i, step in enumerate(decision.steps.all(), start=1):
        p = doc.add_paragraph()
        _font(p.add_run(f"（{'一二三四五六七八九十'[i - 1]}）{step.get_kind_display()}"), H2_FONT, 16)
        status = step.get_status_display() + ("" if step.required else "（非必经）")
        _para(doc, f"状态：{status}；日期：{step.done_on or '—'}；记录人：{step.actor or '—'}。")
        if step.evidence:
            _para(doc, f"过程材料：{step.evidence}")
        if step.waived_reason:
            _para(doc, f"不适用理由：{step.waived_reason}")
        names = [f.original_name for f in files.files_of(step)]
        if names:
            _para(doc, "附件：" + "、".join(names))
        if step.kind == "public_participation":
            if decision.comment_start:
                _para(doc, f"公开征求意见期：{decision.comment_start} 至 {decision.comment_end}；收到意见 {decision.comments.count()} 条，"
                           f"展示并答复 {decision.comments.filter(status='approved').count()} 条。")
        if step.kind == "hearing":
            for hearing in decision.hearings.all():
                _para(doc, f"听证会：{hearing.held_on}于{hearing.place}举行（公告日期{hearing.notice_on}）。公告：{hearing.notice_text}")
                _para(doc, f"参加人：{hearing.participants}")
                _para(doc, f"笔录摘要：{hearing.record}")
    h = doc.add_paragraph()
    _font(h.add_run("二、决策结果"), H1_FONT, 16)
    if decision.agenda_item_id:
        item = decision.agenda_item
        _para(doc, f"{item.meeting.title}（{item.meeting.held_on:%Y年%m月%d日}）议题{item.seq}“{item.title}”：{item.get_outcome_display()}。")
    _para(doc, decision.decision_text or "尚未作出决策。")
    h = doc.add_paragraph()
    _font(h.add_run("三、办理记录"), H1_FONT, 16)
    for e in audit.timeline(decision):
        _para(doc, f"{e.at:%Y-%m-%d %H:%M} {e.actor_label} {e.action_label}{('：' + e.reason) if e.reason else ''}", indent=False, size=12)
    return _bytes(doc)


def decision_bundle(decision):
    """决策档案: a .zip with the summary .docx and every step's files (bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("决策档案.docx", decision_summary(decision))
        for step in decision.steps.all():
            for stored in files.files_of(step):
                path = files.blob_path(stored.sha256)
                if path.exists():
                    archive.write(path, f"{step.seq:02d}-{step.get_kind_display()}/{stored.original_name}")
    return buffer.getvalue()
