"""Core JSON API: who am I, the org tree in scope, audit events, ledgers. Thin: selectors and services only."""
from django.conf import settings
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from . import endpoints, ledger, policy, selectors, ui
from .errors import DomainError
from .models import AuditEvent, OrgNode

exception_handler = endpoints.exception_handler  # kept for imports; the one mapping lives in endpoints


class OrgNodeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgNode
        fields = ["id", "name", "kind", "kind_label", "parent", "path", "depth", "code"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "chain", "seq", "at", "actor_label", "ip", "action", "action_label", "object_type", "object_id",
                  "object_repr", "changes", "reason", "prev_hash", "hash"]


@extend_schema(summary="当前用户及其岗位角色")
@api_view(["GET"])
def me(request):
    rows = policy.memberships(request.user)
    return Response({"username": request.user.username, "name": request.user.display_name,
                     "memberships": [{"node_id": n, "role": r} for _, r, n, _ in rows]})


@extend_schema(summary="管辖范围内的组织节点", responses=OrgNodeSerializer(many=True))
@api_view(["GET"])
def nodes(request):
    return Response(OrgNodeSerializer(selectors.org_tree_for_user(request.user), many=True).data)


@extend_schema(summary="审计事件（管辖范围内）", responses=AuditEventSerializer(many=True))
@api_view(["GET"])
def audit_events(request):
    if not policy.has_perm(request.user, "core.view_audit"):
        raise DomainError("您没有查看审计日志的权限。", code="not_allowed")
    qs = selectors.audit_events_for_user(request.user, filters={k: request.GET.get(k, "") for k in ("q", "actor", "object_type")})
    from rest_framework.pagination import PageNumberPagination

    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)


@extend_schema(summary="组织节点详情（管辖范围外返回 404）", responses=OrgNodeSerializer)
@api_view(["GET"])
def node_detail(request, pk):
    return Response(OrgNodeSerializer(selectors.node_get_for_user(request.user, pk)).data)


def _ledger(user, key):
    item = ledger.get(key)
    if item is None or not item.can_export(user):
        raise Http404()
    return item


@extend_schema(summary="导出台账（.xlsx）", responses={(200, ui.XLSX): bytes})
@api_view(["GET"])
def ledger_export(request, key):
    item = _ledger(request.user, key)
    return ui.file_response(ledger.export_xlsx(item, item.queryset(request.user, request.GET)), f"{item.key}.xlsx", ui.XLSX)


@extend_schema(summary="导入台账：dry_run=1 预检，dry_run=0 全部导入（任一行出错则全部不导入）",
               request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}})
@api_view(["POST"])
@parser_classes([MultiPartParser])
def ledger_import(request, key):
    item = _ledger(request.user, key)
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError("请上传 Excel 文件（字段名 file）。", field_errors={"file": "缺少文件。"})
    data = upload.read(settings.FAZHI["LEDGER_MAX_BYTES"] + 1)
    dry_run = request.GET.get("dry_run", request.data.get("dry_run", "1")) not in {"0", "false", "False"}
    result = ledger.run_import(item, data, actor=request.user, dry_run=dry_run)
    return Response(result.as_dict(), status=200 if result.ok else 400)


urlpatterns = [
    path("me/", me, name="api_me"),
    path("nodes/", nodes, name="api_nodes"),
    path("nodes/<int:pk>/", node_detail, name="api_node_detail"),
    path("audit/", audit_events, name="api_audit"),
    path("ledgers/<str:key>/export/", ledger_export, name="api_ledger_export"),
    path("ledgers/<str:key>/import/", ledger_import, name="api_ledger_import"),
]
