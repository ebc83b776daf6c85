"""Workbench pages: reports (draft → review → final → published), plan items, the dashboard. On the core gate
(``fazhi.core.pages``): each page names its permission per method and its model's access policy. Background jobs
are the core job pages (``fazhi.core.views.JobDetail`` …), mounted under /work/reports/jobs/ too."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from fazhi.core import audit, clock, figures, orgkinds, ui
from fazhi.core.errors import DomainError
from fazhi.core.pages import ActionPage, FormPage, ListPage, Page, SelectorList

from . import dashboard, documents, selectors, services
from . import render as rr
from .forms import PlanItemForm, PlanStatusForm, ReportCreateForm, SectionAddForm, SectionForm
from .models import PlanItem, ReportSection, ReportTemplate
from .policies import plan_policy, report_policy, section_policy
from .workflow import report_workflow


class ReportList(SelectorList):
    menu = "法治政府建设年度报告"
    access = report_policy
    template_name = "reports/list.html"
    selector = selectors.report_list

    def more_context(self):
        user = self.request.user
        nodes = list(selectors.editable_report_hosts(user))
        job_nodes = [n for n in nodes if n.level == orgkinds.DISTRICT]
        dash_nodes = [n for n in selectors.dashboard_nodes(user) if not (job_nodes and n.level == orgkinds.DISTRICT)]
        return {
            "create_form": ReportCreateForm(nodes=nodes, initial={"year": clock.today().year - 1}) if nodes else None,
            "jobs": selectors.jobs_for_user(user=user)[:5], "job_nodes": job_nodes, "dash_nodes": dash_nodes,
            "year": clock.today().year - 1, "statuses": ReportTemplate.Status.choices,
        }


class ReportCreate(ActionPage):
    perms = {"POST": "reports.edit"}
    access = report_policy

    def perform(self):
        form = ReportCreateForm(self.request.POST, nodes=list(selectors.editable_report_hosts(self.request.user)))
        if not form.is_valid():
            raise DomainError("请正确选择组织并填写年度。")
        node = selectors.node_for_user(user=self.request.user, pk=form.cleaned_data["node"], perm="reports.edit")
        self.report = services.report_create(actor=self.request.user, node=node, year=form.cleaned_data["year"])
        return f"已起草《{self.report.title}》。"

    def redirect_url(self):
        report = getattr(self, "report", None)
        return reverse("reports:detail", args=[report.pk]) if report else reverse("reports:list")


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
    for part in ReportSection.PART_TITLES:
        items = []
        for i, s in enumerate([x for x in sections if x.part == part], 1):
            errors = rr.token_errors(s.heading) + rr.token_errors(s.body)
            errors += rr.token_errors(s.cause) if part == 3 else []
            items.append({"section": s, "label": f"（{rr.cn_ordinal(i)}）" if part else "",
                          "heading_html": mark_safe(rr.render_text(escape(s.heading), ctx, markup=markup)),
                          "body_html": mark_safe(rr.render_text(escape(s.body), ctx, markup=markup)),
                          "cause_html": mark_safe(rr.render_text(escape(s.cause), ctx, markup=markup))
                          if part == 3 and s.cause.strip() else "",
                          "needs_cause": part == 3 and not s.cause.strip(),
                          "errors": errors})
        title = ReportSection.PART_TITLES[part].format(next_year=report.year + 1)
        parts.append({"part": part, "title": f"{rr.cn_ordinal(part)}、{title}" if part else "导语", "items": items})
    fig_rows = []
    for key in sorted(ctx.values):
        fig = figures.get(key)
        fig_rows.append({"key": key, "label": fig.label, "value": rr.plain(fig, ctx.values[key]), "unit": fig.unit,
                         "url": ctx.records_url(key)})
    draft = report.status == ReportTemplate.Status.DRAFT
    return {
        "report": report, "parts": parts, "figure_rows": fig_rows, "has_data": ctx.has_data(),
        "token_errors": services.report_token_errors(report),
        "missing_causes": services.missing_causes(report),
        "actions": report_workflow.available(report, request.user),
        "can_edit": draft and report_policy.may(request.user, "edit", report),
        "suggestions": services.shortcoming_suggestions(report) if draft else [],
        "plan_items": selectors.report_plan_items(report),
        "previous_plan": selectors.report_previous_plan(report),
        "versions": report.versions.all(),
        "deadlines": services.report_deadlines(report),
        "timeline": audit.timeline(report),
        "add_form": SectionAddForm(),
        "plan_form": PlanItemForm(initial={"due_date": datetime.date(report.year + 1, 12, 31)}),
        "all_figures": figures.all_figures().values(),
    }


class ReportDetail(Page):
    perms = {"GET": "reports.view"}
    access = report_policy
    template_name = "reports/detail.html"

    def get(self, request, pk):
        return self.render(_editor_context(request, self.get_object(pk)))


class SectionEdit(FormPage):
    perms = {"GET": "reports.view", "POST": "reports.edit"}
    access = section_policy
    form_class = SectionForm
    template_name = "reports/section_edit.html"
    success_message = "段落已保存。"

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs.get("pk")
        return super().dispatch(request, *args, **kwargs)

    @property
    def section(self):
        if not hasattr(self, "_section"):
            self._section = self.get_object(self.pk)
        return self._section

    def get_form(self):
        s = self.section
        if self.request.method == "POST":
            form = SectionForm(self.request.POST)
        else:
            form = SectionForm(initial={"heading": s.heading, "body": s.body, "cause": s.cause, "version": s.version})
        if s.part != 3:  # only a shortcoming (section 三) has a cause
            del form.fields["cause"]
        return form

    def extra_context(self):
        return {"section": self.section, "report": self.section.report}

    def perform(self, form):
        return services.section_update(actor=self.request.user, section=self.section,
                                       heading=form.cleaned_data["heading"], body=form.cleaned_data["body"],
                                       cause=form.cleaned_data.get("cause"),
                                       expected_version=form.cleaned_data["version"])

    def success_url(self, section):
        return reverse("reports:detail", args=[section.report_id]) + f"#s{section.pk}"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                section = self.perform(form)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                ui.apply_error(form, exc)
                return self.render(self.context(form), status=exc.status_code)
            messages.success(request, self.success_message)
            return HttpResponseRedirect(self.success_url(section))
        return self.render(self.context(form), status=400)


class ReportAction(ActionPage):
    """A button on the report page: one service call on the report, then back to it."""

    perms = {"POST": "reports.edit"}
    access = report_policy
    anchor = ""

    def report(self):
        return self.get_object(self.kwargs["pk"])

    def redirect_url(self):
        return reverse("reports:detail", args=[self.kwargs["pk"]]) + self.anchor


class SectionAdd(ReportAction):
    success_message = "已新增段落。"

    def perform(self):
        form = SectionAddForm(self.request.POST)
        report = self.report()
        if not form.is_valid():
            raise DomainError("请选择所属部分并填写小标题。")
        services.section_add(actor=self.request.user, report=report, part=form.cleaned_data["part"],
                             heading=form.cleaned_data["heading"], body=form.cleaned_data["body"],
                             cause=form.cleaned_data["cause"])


class SectionDelete(ActionPage):
    perms = {"POST": "reports.edit"}
    access = section_policy
    success_message = "已删除段落。"

    def perform(self):
        self.section = self.get_object(self.kwargs["pk"])
        services.section_delete(actor=self.request.user, section=self.section,
                                expected_version=self.request.POST.get("version"))

    def redirect_url(self):
        section = getattr(self, "section", None)
        return reverse("reports:detail", args=[section.report_id]) if section else reverse("reports:list")


class ShortcomingKeep(ReportAction):
    success_message = "已将该不足加入报告第三部分，可继续修改。"
    anchor = "#part3"
    census_kwargs = {"target_pk": 1}

    def perform(self):
        report = self.report()
        services.shortcoming_keep(actor=self.request.user, report=report,
                                  target=selectors.target_get(self.kwargs["target_pk"]),
                                  heading=self.request.POST.get("heading", ""), text=self.request.POST.get("text", ""),
                                  cause=self.request.POST.get("cause", ""))


class ReportTransitionPage(ReportAction):
    perms = {"POST": ("reports.edit", "reports.finalise", "reports.publish")}
    census_kwargs = {"name": "submit"}

    def perform(self):
        name = self.kwargs["name"]
        services.report_transition(actor=self.request.user, report=self.report(), name=name,
                                   expected_version=self.request.POST.get("version"),
                                   reason=self.request.POST.get("reason", ""))
        return f"已{report_workflow.get(name).label}。"


class ReportExport(Page):
    perms = {"GET": "reports.view"}
    access = report_policy
    census_kwargs = {"fmt": "docx"}

    def get(self, request, pk, fmt):
        report = self.get_object(pk)
        try:
            return documents.export_response(report, fmt, draft=request.GET.get("draft") == "1")
        except DomainError as exc:  # no PDF on this server: say why, on the report page
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


# ---- plan items ----------------------------------------------------------------------------------------------

class PlanList(ListPage):
    menu = "年度计划事项"
    access = plan_policy
    template_name = "reports/plan_list.html"

    def filters(self):
        filters = {k: self.request.GET.get(k, "") for k in ("year", "status", "node", "start", "end")}
        if filters["start"] and filters["end"]:
            if not (ui.parse_date(filters["start"]) and ui.parse_date(filters["end"])):
                filters["start"] = filters["end"] = ""
        return filters

    def get_queryset(self):
        return selectors.plan_items(user=self.request.user, filters=self.filters())

    def extra_context(self):
        return {"filters": self.filters(), "statuses": PlanItem.Status.choices, "status_form": PlanStatusForm}


class PlanCreate(ReportAction):
    success_message = "已新增计划事项。"
    anchor = "#part4"

    def perform(self):
        report = self.report()
        form = PlanItemForm(self.request.POST)
        if not form.is_valid():
            raise DomainError("计划事项填写不完整：请填写任务、责任人和完成时限。")
        services.plan_item_create(actor=self.request.user, node=report.node, year=report.year + 1,
                                  **form.cleaned_data)


class PlanUpdate(ActionPage):
    perms = {"POST": "reports.edit"}
    access = plan_policy
    success_message = "计划事项已更新。"

    def perform(self):
        item = self.get_object(self.kwargs["pk"])
        services.plan_item_update(actor=self.request.user, item=item, expected_version=self.request.POST.get("version"),
                                  status=self.request.POST.get("status", ""), note=self.request.POST.get("note", ""))

    def redirect_url(self):
        return reverse("reports:plan_list")


# ---- dashboard -----------------------------------------------------------------------------------------------

class DashboardPage(Page):
    menu = "领导驾驶舱"
    perms = {"GET": "reports.dashboard"}
    template_name = "reports/dashboard.html"

    def get(self, request):
        node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
        start, end = ui.period_from(request, default_year=clock.today().year - 1)  # the last complete year
        whole_year = start.month == 1 and end.month == 12 and start.year == end.year
        return self.render({
            "node": node, "start": start, "end": end,
            "year": request.GET.get("year") or (start.year if whole_year else ""),
            "years": range(clock.today().year, clock.today().year - 6, -1),
            "data_url": reverse("reports:dashboard_data") + "?" + request.GET.urlencode(),
            "children": selectors.child_villages(node),
        })


class DashboardData(Page):
    perms = {"GET": "reports.dashboard"}

    def get(self, request):
        node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
        start, end = ui.period_from(request, default_year=clock.today().year - 1)  # the last complete year
        data = dashboard.dashboard_data(node, start, end)
        allowed = selectors.node_ids_in_scope(user=request.user, ids=[c["id"] for c in data["breadcrumbs"]])
        data["breadcrumbs"] = [c for c in data["breadcrumbs"] if c["id"] in allowed]
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# ---- background jobs (the work runs as core jobs; their pages are core's) -------------------------------------

class JobStart(ActionPage):
    perms = {"POST": ("reports.edit", "reports.dashboard")}

    def perform(self):
        node = selectors.node_for_user(user=self.request.user, pk=self.request.POST.get("node"), perm="reports.view")
        self.job = services.job_start(actor=self.request.user, kind=self.request.POST.get("kind", ""), node=node,
                                      year=self.request.POST.get("year"))
        return ""

    def redirect_url(self):
        job = getattr(self, "job", None)
        return reverse("reports:job_detail", args=[job.pk]) if job else reverse("reports:list")


