"""The figures API and the reports API (mounted at /api/). Thin: the same selectors and services as the pages."""
import datetime

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from fazhi.core import figures, policy, ui
from fazhi.core.errors import DomainError, NotFound
from fazhi.core.models import Job

from . import dashboard, documents, render, selectors, services
from .models import ReportTemplate


def _need(user, perm):
    if not policy.has_perm(user, perm):
        raise NotFound()


def _period(request):
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


@extend_schema(summary="指标库：列出全部指标；带 keys 参数时返回指标值（按组织与期间）",
               parameters=[OpenApiParameter("keys", str, description="逗号分隔的指标代码；省略则列出指标库"),
                           OpenApiParameter("node", int), OpenApiParameter("year", int),
                           OpenApiParameter("start", str), OpenApiParameter("end", str)])
@api_view(["GET"])
def figure_values(request):
    _need(request.user, "reports.dashboard")
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


@extend_schema(summary="驾驶舱数据（一个请求返回全部图表）")
@api_view(["GET"])
def dashboard_api(request):
    _need(request.user, "reports.dashboard")
    node = selectors.node_for_user(user=request.user, pk=request.GET.get("node"))
    start, end = _period(request)
    return Response(dashboard.dashboard_data(node, start, end))


class ReportSerializer(serializers.ModelSerializer):
    node_name = serializers.CharField(source="node.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReportTemplate
        fields = ["id", "node", "node_name", "year", "title", "status", "status_label", "version", "reported_on",
                  "published_on"]


class ReportCreateSerializer(serializers.Serializer):
    node = serializers.IntegerField()
    year = serializers.IntegerField()


@extend_schema(summary="年度报告列表 / 起草新报告", request=ReportCreateSerializer, responses=ReportSerializer(many=True))
@api_view(["GET", "POST"])
def report_list(request):
    _need(request.user, "reports.view")
    if request.method == "POST":
        data = ReportCreateSerializer(data=request.data)
        if not data.is_valid():
            raise DomainError("请提供组织（node）和年度（year）。", field_errors={k: "必填" for k in data.errors})
        node = selectors.node_for_user(user=request.user, pk=data.validated_data["node"], perm="reports.view")
        report = services.report_create(actor=request.user, node=node, year=data.validated_data["year"])
        return Response(ReportSerializer(report).data, status=201)
    qs = selectors.report_list(user=request.user, filters=request.GET)
    return Response(ReportSerializer(qs[:200], many=True).data)


@extend_schema(summary="年度报告详情（含渲染后的正文、段落与指标错误）")
@api_view(["GET"])
def report_detail(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    blocks, ctx = render.build_blocks(report)
    return Response({**ReportSerializer(report).data,
                     "sections": [{"id": s.id, "part": s.part, "heading": s.heading, "body": s.body, "version": s.version}
                                  for s in report.sections.all()],
                     "rendered": blocks, "markdown": render.to_markdown(blocks), "has_data": ctx.has_data(),
                     "token_errors": services.report_token_errors(report),
                     "deadlines": [{**d["deadline"].as_dict(), "status": d["status"]} for d in services.report_deadlines(report)],
                     "suggestions": [{"target": s["target"].code, "text": s["text"], "missing": s["missing"]}
                                     for s in services.shortcoming_suggestions(report)]})


class SectionSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True, required=False, default="")
    body = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField()


@extend_schema(summary="修改段落（需提供 version，版本不符返回 409）", request=SectionSerializer)
@api_view(["PATCH", "PUT"])
def section_update(request, pk, section_pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    section = report.sections.filter(pk=section_pk).first()
    if section is None:
        raise NotFound()
    data = SectionSerializer(data=request.data)
    if not data.is_valid():
        raise DomainError("请提供 heading、body 与 version。", field_errors={k: "无效" for k in data.errors})
    section = services.section_update(actor=request.user, section=section, expected_version=data.validated_data["version"],
                                      heading=data.validated_data["heading"], body=data.validated_data["body"])
    return Response({"id": section.id, "heading": section.heading, "body": section.body, "version": section.version})


@extend_schema(summary="报告流转：submit / return / finalise / reopen / report_up / publish")
@api_view(["POST"])
def report_transition(request, pk):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    report = services.report_transition(actor=request.user, report=report, name=request.data.get("action", ""),
                                        expected_version=request.data.get("version"), reason=request.data.get("reason", ""))
    return Response(ReportSerializer(report).data)


@extend_schema(summary="导出报告（最新定稿版；?draft=1 导出当前草稿）", responses={(200, "application/octet-stream"): bytes})
@api_view(["GET"])
def report_export(request, pk, fmt):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if fmt not in ("docx", "pdf", "md"):
        raise Http404()
    content, name, ctype = documents.export(report, fmt, draft=request.GET.get("draft") == "1")
    return ui.file_response(content, name, ctype)


@extend_schema(summary="发起后台任务：district_drafts（全区报告起草）或 figure_export（指标导出）")
@api_view(["POST"])
def job_start(request):
    node = selectors.node_for_user(user=request.user, pk=request.data.get("node"), perm="reports.view")
    job = services.job_start(actor=request.user, kind=request.data.get("kind", ""), node=node, year=request.data.get("year"))
    return Response(_job(job), status=202)


def _job(job):
    from django.urls import reverse

    return {"id": job.pk, "kind": job.kind.removeprefix("report."), "status": job.status, "percent": job.percent, "done": job.done,
            "total": job.total, "message": job.message,
            "download": reverse("reports:job_download", args=[job.pk]) if job.status == Job.Status.DONE else ""}


@extend_schema(summary="后台任务进度")
@api_view(["GET"])
def job_detail(request, pk):
    return Response(_job(selectors.job_get_for_user(user=request.user, pk=pk)))


urlpatterns = [
    path("figures/", figure_values, name="api_reports_figures"),
    path("dashboard/", dashboard_api, name="api_reports_dashboard"),
    path("reports/", report_list, name="api_reports_list"),
    path("reports/<int:pk>/", report_detail, name="api_reports_detail"),
    path("reports/<int:pk>/sections/<int:section_pk>/", section_update, name="api_reports_section"),
    path("reports/<int:pk>/transition/", report_transition, name="api_reports_transition"),
    path("reports/<int:pk>/export/<str:fmt>/", report_export, name="api_reports_export"),
    path("reports/jobs/", job_start, name="api_reports_job_start"),
    path("reports/jobs/<int:pk>/", job_detail, name="api_reports_job"),
]
