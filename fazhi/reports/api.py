"""The figures API and the reports API (mounted at /api/), on the core gate (``fazhi.core.endpoints``)."""
from __future__ import annotations

import datetime

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from fazhi.core import figures, jobs, ui
from fazhi.core.endpoints import Endpoint, ModelOut, Routes, shape
from fazhi.core.errors import DomainError
from fazhi.core.models import Job

from . import dashboard, documents, render, selectors, services
from .models import ReportTemplate
from .policies import report_policy

routes = Routes()


def _period(request) -> tuple[datetime.date, datetime.date]:
    year = request.GET.get("year")
    if year:
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise DomainError("年度参数无效，应为四位数年份，如 2023。", field_errors={"year": "年度无效。"})
        return datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    start, end = ui.parse_date(request.GET.get("start")), ui.parse_date(request.GET.get("end"))
    if request.GET.get("start") or request.GET.get("end"):
        if not (start and end):
            raise DomainError("日期参数无效，应为 YYYY-MM-DD。", field_errors={"start": "日期无效。"})
        if start > end:
            raise DomainError("开始日期不能晚于结束日期。", field_errors={"start": "开始日期晚于结束日期。"})
        return start, end
    return ui.period_from(request)


def _json_value(value):
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


@routes("figures/", "api_reports_figures")
class FigureValues(Endpoint):
    perms = {"GET": "reports.dashboard"}

    @extend_schema(summary="指标库：列出全部指标；带 keys 参数时返回指标值（按组织与期间）",
                   parameters=[OpenApiParameter("keys", str, description="逗号分隔的指标代码；省略则列出指标库"),
                               OpenApiParameter("node", int), OpenApiParameter("year", int),
                               OpenApiParameter("start", str), OpenApiParameter("end", str)],
                   responses={200: dict})
    def get(self, request):
        registry = figures.all_figures()
        keys = [k.strip() for k in (request.GET.get("keys") or "").split(",") if k.strip()]
        if not keys and not request.GET.get("node"):
            return Response({"figures": [{"key": f.key, "label": f.label, "unit": f.unit, "kind": f.kind,
                                          "description": f.description} for f in registry.values()]})
        unknown = [k for k in keys if k not in registry]
        if unknown:
            raise DomainError("未知的指标：" + "、".join(unknown), field_errors={"keys": "未知的指标：" + "、".join(unknown)})
        node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
        start, end = _period(request)
        values = {}
        for key in keys or list(registry):
            fig = registry[key]
            value = render.normalize(fig.value(node, start, end))
            values[key] = {"label": fig.label, "unit": fig.unit, "kind": fig.kind, "value": _json_value(value),
                           "text": render.plain(fig, value), "records_url": fig.records_url(node, start, end)}
        return Response({"node": {"id": node.pk, "name": node.name, "kind": node.kind}, "start": start, "end": end,
                         "values": values})


@routes("dashboard/", "api_reports_dashboard")
class DashboardData(Endpoint):
    perms = {"GET": "reports.dashboard"}

    @extend_schema(summary="驾驶舱数据（一个请求返回全部图表）", responses={200: dict})
    def get(self, request):
        node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
        start, end = _period(request)
        return Response(dashboard.dashboard_data(node, start, end))


class ReportSerializer(ModelOut):
    class Meta:
        model = ReportTemplate
        fields = ["id", "node", "node_name", "year", "title", "status", "status_label", "version", "reported_on",
                  "published_on"]


class ReportCreateIn(serializers.Serializer):
    node = serializers.IntegerField()
    year = serializers.IntegerField()


@routes("reports/", "api_reports_list")
class ReportList(Endpoint):
    perms = {"GET": "reports.view", "POST": "reports.edit"}
    access = report_policy

    @extend_schema(summary="年度报告列表", responses=ReportSerializer(many=True))
    def get(self, request):
        return self.page(selectors.report_list(user=request.user, filters=request.GET), ReportSerializer)

    @extend_schema(summary="起草新报告", request=ReportCreateIn, responses={201: ReportSerializer})
    def post(self, request):
        data = self.validated(ReportCreateIn)
        node = selectors.node_for_user(user=request.user, pk=data["node"], perm="reports.view")
        report = services.report_create(actor=request.user, node=node, year=data["year"])
        return Response(ReportSerializer(report).data, status=201)


@routes("reports/<int:pk>/", "api_reports_detail")
class ReportDetail(Endpoint):
    perms = {"GET": "reports.view"}
    access = report_policy

    @extend_schema(summary="年度报告详情（含渲染后的正文、段落与指标错误）", responses={200: dict})
    def get(self, request, pk):
        report = self.get_object(pk)
        blocks, ctx = render.build_blocks(report)
        return Response({
            **ReportSerializer(report).data,
            "sections": [{"id": s.id, "part": s.part, "heading": s.heading, "body": s.body, "cause": s.cause,
                          "version": s.version}
                         for s in report.sections.all()],
            "rendered": blocks, "markdown": render.to_markdown(blocks), "has_data": ctx.has_data(),
            "token_errors": services.report_token_errors(report),
            "deadlines": [{**d["deadline"].as_dict(), "status": d["status"]} for d in services.report_deadlines(report)],
            "suggestions": [{"target": s["target"].code, "text": s["text"], "missing": s["missing"]}
                            for s in services.shortcoming_suggestions(report)]})


class ReportSectionIn(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    body = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000, trim_whitespace=False)
    cause = serializers.CharField(allow_blank=True, required=False, default=None, allow_null=True, max_length=2000,
                                  help_text="第三部分（不足）的原因；省略则不变")
    version = serializers.IntegerField(min_value=0)


@routes("reports/<int:pk>/sections/<int:section_pk>/", "api_reports_section")
class SectionUpdate(Endpoint):
    perms = {"PATCH": "reports.edit", "PUT": "reports.edit"}
    access = report_policy
    census_kwargs = {"section_pk": 1}

    @extend_schema(summary="修改段落（需提供 version，版本不符返回 409）", request=ReportSectionIn, responses={200: dict})
    def patch(self, request, pk, section_pk):
        report = self.get_object(pk)
        section = selectors.section_get_for_user(user=request.user, pk=section_pk, report=report)
        data = self.validated(ReportSectionIn)
        section = services.section_update(actor=request.user, section=section, expected_version=data["version"],
                                          heading=data["heading"], body=data["body"], cause=data["cause"])
        return Response({"id": section.id, "heading": section.heading, "body": section.body, "cause": section.cause,
                         "version": section.version})

    @extend_schema(summary="修改段落（同 PATCH）", request=ReportSectionIn, responses={200: dict})
    def put(self, request, pk, section_pk):
        return self.patch(request, pk, section_pk)


class ReportTransitionIn(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@routes("reports/<int:pk>/transition/", "api_reports_transition")
class ReportTransition(Endpoint):
    perms = {"POST": ("reports.edit", "reports.finalise", "reports.publish")}
    access = report_policy

    @extend_schema(summary="报告流转：submit / return / finalise / reopen / report_up / publish", request=ReportTransitionIn,
                   responses=ReportSerializer)
    def post(self, request, pk):
        report = self.get_object(pk)
        data = self.validated(ReportTransitionIn)
        report = services.report_transition(actor=request.user, report=report, name=data["action"],
                                            expected_version=data.get("version"), reason=data["reason"])
        return Response(ReportSerializer(report).data)


@routes("reports/<int:pk>/export/<str:fmt>/", "api_reports_export")
class ReportExport(Endpoint):
    perms = {"GET": "reports.view"}
    access = report_policy
    census_kwargs = {"fmt": "docx"}

    @extend_schema(summary="导出报告（最新定稿版；?draft=1 导出当前草稿）",
                   responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk, fmt):
        return documents.export_response(self.get_object(pk), fmt, draft=request.GET.get("draft") == "1")


class ReportJobIn(serializers.Serializer):
    kind = serializers.CharField(max_length=40)
    node = serializers.IntegerField()
    year = serializers.IntegerField()


ReportJobSerializer = shape("ReportJobSerializer", id=int, kind=str, status=str, percent=int, done=int, total=int,
                            message=str, notice=str, download=str)


def _job(job: Job) -> dict:
    job = jobs.live(job)
    return {"id": job.pk, "kind": job.kind.removeprefix("report."), "status": job.status, "percent": job.percent,
            "done": job.done, "total": job.total, "message": job.message, "notice": jobs.notice(job),
            "download": reverse("reports:job_download", args=[job.pk]) if job.status == Job.Status.DONE else ""}


@routes("reports/jobs/", "api_reports_job_start")
class JobStart(Endpoint):
    perms = {"POST": ("reports.edit", "reports.dashboard")}

    @extend_schema(summary="发起后台任务：district_drafts（全区报告起草）或 figure_export（指标导出）", request=ReportJobIn,
                   responses={202: ReportJobSerializer})
    def post(self, request):
        data = self.validated(ReportJobIn)
        node = selectors.node_for_user(user=request.user, pk=data["node"], perm="reports.view")
        job = services.job_start(actor=request.user, kind=data["kind"], node=node, year=data["year"])
        return Response(_job(job), status=202)


@routes("reports/jobs/<int:pk>/", "api_reports_job")
class JobDetail(Endpoint):
    access = jobs.job_policy

    @extend_schema(summary="后台任务进度", responses=ReportJobSerializer)
    def get(self, request, pk):
        return Response(_job(self.get_object(pk)))


urlpatterns = routes.urlpatterns
