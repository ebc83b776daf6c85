"""Workbench pages: reports (draft → review → final → published), plan items, the dashboard, background jobs.
Thin: parse → service/selector → render."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from fazhi.core import audit, clock, figures, policy, ui
from fazhi.core.errors import DomainError

from . import dashboard, documents, selectors, services
from . import render as rr
from .forms import PlanItemForm, PlanStatusForm, ReportCreateForm, SectionAddForm, SectionForm
from .models import PlanItem, ReportTemplate
from .workflow import report_workflow


def _need(user, perm):
    if not policy.has_perm(user, perm):
        raise Http404("记录不存在或不在您的管辖范围内。")


def _editable_nodes(user):
    return policy.scoped_nodes(user, "reports.edit", kinds=["district", "subdistrict", "village"]).order_by("path")


@login_required
def report_list(request):
    _need(request.user, "reports.view")
    ctx = ui.paginate(request, selectors.report_list(user=request.user, filters=request.GET))
    nodes = list(_editable_nodes(request.user))
    ctx["create_form"] = ReportCreateForm(nodes=nodes, initial={"year": clock.today().year - 1}) if nodes else None
    ctx["jobs"] = selectors.jobs_for_user(user=request.user)[:5]
    ctx["job_nodes"] = [n for n in nodes if n.kind == "district"]
    ctx["dash_nodes"] = policy.scoped_nodes(request.user, "reports.dashboard", kinds=["district", "subdistrict"]).order_by("path")
    ctx["year"] = clock.today().year - 1
    ctx["statuses"] = ReportTemplate.Status.choices
    return render(request, "reports/list.html", ctx)


@login_required
@require_POST
def report_create(request):
    nodes = list(_editable_nodes(request.user))
    form = ReportCreateForm(request.POST, nodes=nodes)
    if form.is_valid():
        node = selectors.node_for_user(user=request.user, pk=form.cleaned_data["node"], perm="reports.edit")
        try:
            report = services.report_create(actor=request.user, node=node, year=form.cleaned_data["year"])
            messages.success(request, f"已起草《{report.title}》。")
            return redirect("reports:detail", pk=report.pk)
        except DomainError as exc:
            ui.flash_error(request, exc)
    else:
        messages.error(request, "请正确选择组织并填写年度。")
    return redirect("reports:list")


def _figure_link(ctx):
    def markup(key, fig, shown):
        url = ctx.records_url(key)
        title = f"{fig.label}（{key}）"
        if url:
            return format_html('<a class="fig" href="{}" title="{}">{}</a>', url, title, shown)
        return format_html('<span class="fig" title="{}">{}</span>', title, shown)
    return markup


def _editor_context(request, report):
    ctx = rr.FigureContext(node=report.node, year=report.year)
    sections = list(report.sections.all().order_by("part", "order", "pk"))
    parts = []
    markup = _figure_link(ctx)
    for part in (0, 1, 2, 3, 4):
        items = []
        for i, s in enumerate([x for x in sections if x.part == part], 1):
            errors = rr.token_errors(s.heading) + rr.token_errors(s.body)
            items.append({"section": s, "label": f"（{rr.cn_ordinal(i)}）" if part else "",
                          "heading_html": mark_safe(rr.render_text(escape(s.heading), ctx, markup=markup)),
                          "body_html": mark_safe(rr.render_text(escape(s.body), ctx, markup=markup)),
                          "errors": errors})
        title = report.sections.model.PART_TITLES[part].format(next_year=report.year + 1)
        parts.append({"part": part, "title": f"{rr.cn_ordinal(part)}、{title}" if part else "导语", "items": items})
    used = sorted(ctx.values)
    fig_rows = []
    for key in used:
        fig = figures.get(key)
        fig_rows.append({"key": key, "label": fig.label, "value": rr.plain(fig, ctx.values[key]), "unit": fig.unit,
                         "url": ctx.records_url(key)})
    return {
        "report": report, "parts": parts, "figure_rows": fig_rows, "has_data": ctx.has_data(),
        "token_errors": services.report_token_errors(report),
        "actions": report_workflow.available(report, request.user),
        "can_edit": report.status == ReportTemplate.Status.DRAFT and policy.has_perm(request.user, "reports.edit", report.node),
        "suggestions": services.shortcoming_suggestions(report) if report.status == ReportTemplate.Status.DRAFT else [],
        "plan_items": selectors.report_plan_items(report),
        "previous_plan": selectors.report_previous_plan(report),
        "versions": report.versions.all(),
        "deadlines": services.report_deadlines(report),
        "timeline": audit.timeline(report),
        "add_form": SectionAddForm(),
        "plan_form": PlanItemForm(initial={"due_date": datetime.date(report.year + 1, 12, 31)}),
        "all_figures": figures.all_figures().values(),
    }


@login_required
def report_detail(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/detail.html", _editor_context(request, report))


@login_required
def section_edit(request, pk):
    section = selectors.section_get_for_user(user=request.user, pk=pk)
    report = section.report
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                services.section_update(actor=request.user, section=section, heading=form.cleaned_data["heading"],
                                        body=form.cleaned_data["body"], expected_version=form.cleaned_data["version"])
                messages.success(request, "段落已保存。")
                return redirect(reverse("reports:detail", args=[report.pk]) + f"#s{section.pk}")
            except DomainError as exc:
                ui.apply_error(form, exc)
                status = exc.status_code
        else:
            status = 400
        return render(request, "reports/section_edit.html", {"form": form, "section": section, "report": report},
                      status=status)
    form = SectionForm(initial={"heading": section.heading, "body": section.body, "version": section.version})
    return render(request, "reports/section_edit.html", {"form": form, "section": section, "report": report})


@login_required
@require_POST
def section_add(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    form = SectionAddForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(actor=request.user, report=report, part=form.cleaned_data["part"],
                                 heading=form.cleaned_data["heading"], body=form.cleaned_data["body"])
            messages.success(request, "已新增段落。")
        except DomainError as exc:
            ui.flash_error(request, exc)
    else:
        messages.error(request, "请选择所属部分并填写小标题。")
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def section_delete(request, pk):
    section = selectors.section_get_for_user(user=request.user, pk=pk)
    try:
        services.section_delete(actor=request.user, section=section, expected_version=request.POST.get("version"))
        messages.success(request, "已删除段落。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("reports:detail", pk=section.report_id)


@login_required
@require_POST
def shortcoming_keep(request, pk, target_pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    target = selectors.targets().filter(pk=target_pk).first()
    if target is None:
        raise Http404()
    try:
        services.shortcoming_keep(actor=request.user, report=report, target=target,
                                  heading=request.POST.get("heading", ""), text=request.POST.get("text", ""))
        messages.success(request, "已将该不足加入报告第三部分，可继续修改。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect(reverse("reports:detail", args=[report.pk]) + "#part3")


@login_required
@require_POST
def report_transition(request, pk, name):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        services.report_transition(actor=request.user, report=report, name=name,
                                   expected_version=request.POST.get("version"), reason=request.POST.get("reason", ""))
        messages.success(request, f"已{report_workflow.get(name).label}。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect("reports:detail", pk=report.pk)


@login_required
def report_export(request, pk, fmt):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if fmt not in ("docx", "pdf", "md"):
        raise Http404()
    content, name, ctype = documents.export(report, fmt, draft=request.GET.get("draft") == "1")
    return ui.file_response(content, name, ctype)


# ---- plan items ----------------------------------------------------------------------------------------------

@login_required
def plan_list(request):
    _need(request.user, "reports.view")
    filters = {k: request.GET.get(k, "") for k in ("year", "status", "node", "start", "end")}
    if filters["start"] and filters["end"]:
        if not (ui.parse_date(filters["start"]) and ui.parse_date(filters["end"])):
            filters["start"] = filters["end"] = ""
    ctx = ui.paginate(request, selectors.plan_items(user=request.user, filters=filters))
    ctx.update(filters=filters, statuses=PlanItem.Status.choices, status_form=PlanStatusForm)
    return render(request, "reports/plan_list.html", ctx)


@login_required
@require_POST
def plan_create(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_create(actor=request.user, node=report.node, year=report.year + 1, **form.cleaned_data)
            messages.success(request, "已新增计划事项。")
        except DomainError as exc:
            ui.flash_error(request, exc)
    else:
        messages.error(request, "计划事项填写不完整：请填写任务、责任人和完成时限。")
    return redirect(reverse("reports:detail", args=[report.pk]) + "#part4")


@login_required
@require_POST
def plan_update(request, pk):
    item = selectors.plan_item_get_for_user(user=request.user, pk=pk)
    try:
        services.plan_item_update(actor=request.user, item=item, expected_version=request.POST.get("version"),
                                  status=request.POST.get("status", ""), note=request.POST.get("note", ""))
        messages.success(request, "计划事项已更新。")
    except DomainError as exc:
        ui.flash_error(request, exc)
    return redirect(request.POST.get("next") if (request.POST.get("next") or "").startswith("/work/") else "reports:plan_list")


# ---- dashboard -----------------------------------------------------------------------------------------------

def _period(request):
    return ui.period_from(request, default_year=clock.today().year)


@login_required
def dashboard_page(request):
    _need(request.user, "reports.dashboard")
    node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
    start, end = _period(request)
    return render(request, "reports/dashboard.html", {
        "node": node, "start": start, "end": end, "year": request.GET.get("year") or (start.year if start.month == 1 and end.month == 12 and start.year == end.year else ""),
        "years": range(clock.today().year, clock.today().year - 6, -1),
        "data_url": reverse("reports:dashboard_data") + "?" + request.GET.urlencode(),
        "children": selectors.child_villages(node),
    })


@login_required
def dashboard_data(request):
    _need(request.user, "reports.dashboard")
    node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
    start, end = _period(request)
    data = dashboard.dashboard_data(node, start, end)
    data["breadcrumbs"] = _crumbs_in_scope(request.user, data["breadcrumbs"])
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _crumbs_in_scope(user, crumbs):
    allowed = selectors.node_ids_in_scope(user=user, ids=[c["id"] for c in crumbs])
    return [c for c in crumbs if c["id"] in allowed]


# ---- background jobs -----------------------------------------------------------------------------------------

@login_required
@require_POST
def job_start(request):
    try:
        node = selectors.node_for_user(user=request.user, pk=request.POST.get("node"), perm="reports.view")
        job = services.job_start(actor=request.user, kind=request.POST.get("kind", ""), node=node,
                                 year=request.POST.get("year"))
        return redirect("reports:job_detail", pk=job.pk)
    except DomainError as exc:
        ui.flash_error(request, exc)
        return redirect("reports:list")
