"""Every write of the reports module (keyword-only, atomic, audited; state changes through the workflow runner)."""
from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, clock, figures, jobs, orgkinds, policy, workdays
from fazhi.core.errors import DomainError
from fazhi.core.models import Job, OrgNode
from fazhi.core.validators import clean_int, clean_text
from fazhi.core.workflow import lock

from . import defaults, render
from .models import PlanItem, ReportSection, ReportTarget, ReportTemplate, ReportVersion
from .workflow import plan_workflow, report_workflow

SECTION_FIELDS = ["heading", "body", "cause", "part", "order"]


def _require(actor, perm: str, node: OrgNode) -> None:
    """``perm`` on ``node``; a node the actor cannot even see is NotFound (404), a visible one NotAllowed (403)."""
    policy.require(actor, perm, node, view_perm="reports.view")


def _check_year(year) -> int:
    return clean_int(year, field="year", label="报告年度", min_value=2000, max_value=clock.today().year)


def report_token_errors(report: ReportTemplate) -> list[str]:
    problems = []
    for s in report.sections.all():
        for p in render.token_errors(s.heading) + render.token_errors(s.body) + render.token_errors(s.cause):
            problems.append(f"{s.heading or '导语'}：{p}")
    return problems


@transaction.atomic
def report_create(*, actor, node: OrgNode, year, title: str = "") -> ReportTemplate:
    """Draft the report of ``node`` for ``year``: last year's text when there is one, else the default template."""
    _require(actor, "reports.edit", node)
    year = _check_year(year)
    if not node.hosts_reports:
        raise DomainError(f"“{node.kind_label}”一级不编制年度报告。")
    if ReportTemplate.objects.filter(node=node, year=year).exists():
        raise DomainError(f"{node.name}{year}年的年度报告已存在，请直接打开修改。", code="exists")
    now = clock.now()
    title = clean_text(title, field="title", label="标题", max_length=200, required=False) if title else \
        f"{node.name}{year}年法治政府建设年度报告"
    report = ReportTemplate.objects.create(node=node, year=year, title=title, created_at=now, updated_at=now)
    previous = ReportTemplate.objects.filter(node=node, year=year - 1).first()
    words = defaults.locality(node, year)
    if previous is not None:
        rows = [ReportSection(report=report, part=s.part, order=s.order, heading=s.heading,
                              body=s.body.replace(f"{year - 1}年", f"{year}年"), target=s.target, updated_at=now)
                for s in previous.sections.exclude(part__in=(3, 5))]  # shortcomings, "other": the year's own
        rows += [ReportSection(report=report, part=part, order=i, heading=heading,
                               body=defaults.fill(body, words), updated_at=now)
                 for i, (part, heading, body) in enumerate(defaults.SECTIONS, 1) if part == 5]
    else:
        rows = [ReportSection(report=report, part=0, order=0, body=defaults.fill(defaults.PREAMBLE, words),
                              updated_at=now)]
        rows += [ReportSection(report=report, part=part, order=i, heading=heading,
                               body=defaults.fill(body, words), updated_at=now)
                 for i, (part, heading, body) in enumerate(defaults.SECTIONS, 1)]
    ReportSection.objects.bulk_create(rows)
    audit.record(actor=actor, action="create", obj=report, node=node,
                 changes={"year": year, "sections": len(rows), "from_previous": previous is not None})
    return report


def missing_causes(report: ReportTemplate) -> list[str]:
    """The shortcomings (section 三) without a cause: the law asks for "存在的不足和原因" (督察规定 第二十四条)."""
    return [s.heading or "（未命名）" for s in report.sections.all() if s.part == 3 and not (s.cause or "").strip()]


def _clean_cause(cause) -> str:
    cause = clean_text(cause or "", field="cause", label="原因", max_length=2000, required=False)
    problems = render.token_errors(cause)
    if problems:
        raise DomainError("原因中有无法识别的指标，未保存：" + "；".join(problems), field_errors={"cause": "；".join(problems)},
                          code="unknown_token")
    return cause


def _editable(report: ReportTemplate) -> None:
    if report.status != ReportTemplate.Status.DRAFT:
        raise DomainError(f"报告当前为“{report.get_status_display()}”，不能修改；请先“重新打开修改”或“退回修改”。",
                          code="locked")


def _clean_section(heading, body):
    heading = clean_text(heading or "", field="heading", label="小标题", max_length=200, required=False)
    body = (body or "").strip()
    if len(body) > 20000:
        raise DomainError("正文过长（最多 20000 字）。", field_errors={"body": "正文过长。"})
    problems = render.token_errors(heading) + render.token_errors(body)
    if problems:
        raise DomainError("正文中有无法识别的指标，未保存：" + "；".join(problems), field_errors={"body": "；".join(problems)},
                          code="unknown_token")
    return heading, body


def _touch(report):
    report.updated_at = clock.now()
    report.version += 1
    report.save(update_fields=["updated_at", "version"])


@transaction.atomic
def section_update(*, actor, section: ReportSection, heading: str, body: str, expected_version,
                   cause: str | None = None) -> ReportSection:
    """Save a section's text; ``cause`` (a shortcoming's 原因, section 三) is left as it is when not given."""
    _require(actor, "reports.edit", section.report.node)
    section = lock(ReportSection, section.pk, expected_version)
    report = ReportTemplate.objects.select_for_update().get(pk=section.report_id)
    _editable(report)
    heading, body = _clean_section(heading, body)
    cause = section.cause if cause is None else _clean_cause(cause)
    before = audit.snapshot(section, SECTION_FIELDS)
    section.heading, section.body, section.cause = heading, body, cause
    section.version += 1
    section.updated_at = clock.now()
    section.save()
    _touch(report)
    changes = audit.diff(before, audit.snapshot(section, SECTION_FIELDS))
    audit.record(actor=actor, action="update", obj=report, node=report.node, action_label="修改段落",
                 changes={"section": section.pk, **changes})
    return section


@transaction.atomic
def section_add(*, actor, report: ReportTemplate, part, heading: str, body: str,
                target: ReportTarget | None = None, cause: str = "") -> ReportSection:
    _require(actor, "reports.edit", report.node)
    report = ReportTemplate.objects.select_for_update().get(pk=report.pk)
    _editable(report)
    part = part if isinstance(part, int) and not isinstance(part, bool) else \
        int(part) if isinstance(part, str) and part.strip().isdigit() and len(part.strip()) < 3 else -1
    if part not in (1, 2, 3, 4, 5):
        raise DomainError("请选择段落所属的部分（一至五）。", field_errors={"part": "请选择部分。"})
    heading, body = _clean_section(heading, body)
    cause = _clean_cause(cause) if part == 3 else ""
    if not heading:
        raise DomainError("请填写小标题。", field_errors={"heading": "请填写小标题。"})
    last = report.sections.filter(part=part).order_by("-order").first()
    section = ReportSection.objects.create(report=report, part=part, order=(last.order + 1) if last else 1,
                                           heading=heading, body=body, cause=cause, target=target,
                                           updated_at=clock.now())
    _touch(report)
    audit.record(actor=actor, action="update", obj=report, node=report.node, action_label="新增段落",
                 changes={"section": section.pk, "part": part, "heading": heading,
                          "target": target.code if target else ""})
    return section


@transaction.atomic
def section_delete(*, actor, section: ReportSection, expected_version) -> None:
    _require(actor, "reports.edit", section.report.node)
    section = lock(ReportSection, section.pk, expected_version)
    report = ReportTemplate.objects.select_for_update().get(pk=section.report_id)
    _editable(report)
    if section.part == 0:
        raise DomainError("导语不能删除，可以修改。")
    audit.record(actor=actor, action="update", obj=report, node=report.node, action_label="删除段落",
                 changes={"section": section.pk, "heading": section.heading, "body": section.body[:500]})
    section.delete()
    _touch(report)


def shortcoming_suggestions(report: ReportTemplate) -> list[dict]:
    """Section 三 suggestions: each active target whose figure misses it, with its numbers."""
    ctx = render.FigureContext(node=report.node, year=report.year)
    kept = set(report.sections.filter(part=3, target__isnull=False).values_list("target_id", flat=True))
    out = []
    for target in ReportTarget.objects.filter(is_active=True):
        fig = figures.get(target.figure_key)
        if fig is None:
            out.append({"target": target, "missing": True, "kept": target.pk in kept,
                        "text": f"指标“{target.figure_key}”尚未提供，暂无法衡量“{target.label}”。"})
            continue
        value = ctx.value(target.figure_key)
        if not isinstance(value, (int, float)):
            continue
        missed = value < target.threshold if target.comparison == "min" else value > target.threshold
        if not missed:
            continue
        shown = render.plain(fig, value)
        goal = f"{target.threshold * 100:.0f}%" if fig.kind == "rate" else render.plain(fig, target.threshold)
        out.append({"target": target, "missing": False, "kept": target.pk in kept, "value": shown, "goal": goal,
                    "heading": target.heading, "text": target.text.format(value=shown, target=goal),
                    "records_url": ctx.records_url(target.figure_key)})
    return out


@transaction.atomic
def shortcoming_keep(*, actor, report: ReportTemplate, target: ReportTarget, heading: str, text: str,
                     cause: str = "") -> ReportSection:
    """Keep a suggestion (as suggested or edited) as a sub-section of section 三, with its cause (原因)."""
    if report.sections.filter(part=3, target=target).exists():
        raise DomainError("该不足已加入报告第三部分。", code="exists")
    return section_add(actor=actor, report=report, part=3, heading=heading or target.heading, body=text, target=target,
                       cause=cause)


def report_transition(*, actor, report: ReportTemplate, name: str, expected_version=None,
                      reason: str = "") -> ReportTemplate:
    """One step of the report's life, through the workflow runner (lock, table, audit); side rows here."""
    def handler(obj, *, actor, reason, data, transition):
        if name == "finalise":
            version = _freeze(obj, actor)
            return {"version": version.number, "sha256": version.sha256}
        if name == "report_up":
            obj.reported_on = clock.today()
        elif name == "publish":
            return _publish(obj, actor, late_reason=reason)
        return None

    return report_workflow.run(report, actor=actor, name=name, version=_version(expected_version), reason=reason,
                               handler=handler)


def _version(value) -> int | None:
    return clean_int(value, field="version", label="版本号", required=False)


def _freeze(report, actor):
    from .documents import docx_bytes

    blocks, _ = render.build_blocks(report)
    markdown = render.to_markdown(blocks)
    last = ReportVersion.objects.filter(report=report).order_by("-number").first()
    digest = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
    docx_bytes(blocks)  # proves the frozen text exports before it is locked
    return ReportVersion.objects.create(report=report, number=(last.number + 1) if last else 1, blocks=blocks,
                                        markdown=markdown, sha256=digest, finalised_by=actor, finalised_at=clock.now())


def _publish(report, actor, *, late_reason: str = ""):
    """Publish on the portal through governance; a publication after its 20 working days carries the reason."""
    from fazhi.governance.services import disclosure_publish

    from .documents import docx_bytes, pdf_available, pdf_bytes

    version = ReportVersion.objects.filter(report=report).order_by("-number").first()
    attachments = [(f"{report.title}.docx", docx_bytes(version.blocks))]
    if pdf_available():  # a server without LibreOffice or an embeddable Chinese font publishes the .docx alone
        attachments.append((f"{report.title}.pdf", pdf_bytes(version.blocks)))
    item = disclosure_publish(actor=actor, node=report.node, category_code="annual_report", title=report.title,
                              body=render.plain_text(version.blocks), formed_on=timezone.localdate(version.finalised_at),
                              late_reason=late_reason, attachments=tuple(attachments))
    report.published_on = clock.today()
    report.disclosure_ref = str(getattr(item, "pk", "") or "")
    return {"published_on": report.published_on, "disclosure": report.disclosure_ref, "sha256": version.sha256}


def report_deadlines(report: ReportTemplate) -> list[dict]:
    """(submit, publish) deadlines of the report's own clocks, counted from the last day of the report year.

    "3月1日前" and "每年4月1日之前" (督察规定 第二十四条) are the days *before* 1 March and 1 April: the last day is
    the end of February (29 February in a leap year) and 31 March — a report published on 1 April is late.
    The rules (2 and 3 months, no rest-day rollover) are DeadlineRule rows an administrator can see and edit.
    """
    start = datetime.date(report.year, 12, 31)
    out = []
    for code, done_on in (("reports.submit", report.reported_on), ("reports.publish", report.published_on)):
        try:
            d = workdays.compute_deadline(code, start)
        except Exception:  # noqa: BLE001 - a site may have deleted the rule; show nothing rather than fail
            continue
        out.append({"deadline": d, "status": d.status(clock.today(), done_on), "done_on": done_on})
    return out


# ---- plan items (section 四, tracked in the next year) ----------------------------------------------------------

def _clean_plan(heading, title, owner, due_date):
    heading = clean_text(heading or "", field="heading", label="所属方面", max_length=100, required=False)
    title = clean_text(title or "", field="title", label="任务", max_length=300, required=False)
    owner = clean_text(owner or "", field="owner", label="责任人/责任部门", max_length=100, required=False)
    errors = {}
    if not title:
        errors["title"] = "请填写任务内容。"
    if not owner:
        errors["owner"] = "请填写责任人或责任部门。"
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = "请填写完成时限。"
    if errors:
        raise DomainError("计划事项填写不完整：" + "；".join(errors.values()), field_errors=errors)
    return heading or "其他", title, owner


@transaction.atomic
def plan_item_create(*, actor, node: OrgNode, year: int, heading: str, title: str, owner: str,
                     due_date: datetime.date) -> PlanItem:
    _require(actor, "reports.edit", node)
    year = int(year)
    heading, title, owner = _clean_plan(heading, title, owner, due_date)
    if due_date.year != year:
        raise DomainError(f"完成时限应在计划年度（{year}年）之内。", field_errors={"due_date": f"请填写{year}年内的日期。"})
    item = PlanItem.objects.create(node=node, year=year, heading=heading, title=title, owner=owner, due_date=due_date)
    audit.record(actor=actor, action="create", obj=item, node=node)
    return item


def plan_item_update(*, actor, item: PlanItem, expected_version, status: str, note: str = "",
                     done_on: datetime.date | None = None) -> PlanItem:
    """Set a plan item's state (through ``plan_workflow``) and its 落实情况; done needs a note."""
    if status not in PlanItem.Status.values:
        raise DomainError("请选择正确的状态。", field_errors={"status": "状态无效。"})
    note = clean_text(note or "", field="note", label="落实情况", max_length=2000, required=False)
    if status == PlanItem.Status.DONE and not note:
        raise DomainError("标记完成时请填写落实情况。", field_errors={"note": "请填写落实情况。"})

    def handler(obj, *, actor, reason, data, transition):
        obj.note = note
        obj.done_on = (obj.done_on or done_on or clock.today()) if status == PlanItem.Status.DONE else None

    name = "note" if status == item.status else f"to_{status}"
    return plan_workflow.run(item, actor=actor, name=name, version=_version(expected_version), handler=handler)


# ---- background jobs (fazhi.core.jobs; the work itself is in .jobs) ---------------------------------------------

def job_start(*, actor, kind: str, node: OrgNode, year) -> Job:
    """Queue a district's report drafts (``district_drafts``) or a figure export (``figure_export``)."""
    from . import jobs as report_jobs

    if kind not in report_jobs.KINDS:
        raise DomainError("未知的任务类型。", field_errors={"kind": "请选择 district_drafts 或 figure_export。"})
    _require(actor, "reports.edit" if kind == "district_drafts" else "reports.dashboard", node)
    year = _check_year(year)
    if kind == "district_drafts" and node.level != orgkinds.DISTRICT:
        raise DomainError("批量起草只能对区一级发起（为其下每个街道起草报告）。")
    return jobs.start(actor=actor, kind=report_jobs.KINDS[kind], node=node, params={"year": year})
