"""Core JSON API: who am I, the org tree (create/edit nodes), units, accounts and role grants, the onboarding
checklist, audit events, ledgers. Built on the core endpoint layer; selectors and services only."""
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from . import endpoints, ledger, onboarding, policy, selectors, services, ui
from .api_personal import PersonalReveal
from .errors import DomainError
from .models import AuditEvent, Membership, OrgNode, Unit, User
from .policies import membership_policy, node_policy, unit_policy
from .roles import Role

routes = endpoints.Routes()

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


class NodeIn(serializers.Serializer):
    parent = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=100)
    kind = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    short_name = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class NodeUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    short_name = serializers.CharField(max_length=20, required=False, allow_blank=True)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)


class UnitSerializer(endpoints.ModelOut):
    class Meta:
        model = Unit
        fields = ["id", "node", "kind", "kind_label", "name", "code", "description", "is_active"]


class UnitIn(serializers.Serializer):
    node = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class UnitUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class MembershipSerializer(endpoints.ModelOut):
    class Meta:
        model = Membership
        fields = ["id", "node", "node_name", "role", "role_label", "unit", "is_active"]


class AccountSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_active", "memberships"]


class GrantIn(serializers.Serializer):
    node = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=Role.choices)
    unit = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class AccountIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, write_only=True)
    memberships = GrantIn(many=True, allow_empty=False)


class ActiveIn(serializers.Serializer):
    is_active = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


CheckSerializer = endpoints.shape("CheckSerializer", module=str, label=str, ok=bool, required=bool, detail=str, url=str)


@routes("me/", "api_me")
class Me(endpoints.Endpoint):
    @extend_schema(summary="当前用户及其岗位角色", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        rows = policy.memberships(request.user)
        return Response({"username": request.user.username, "name": request.user.display_name,
                         "memberships": [{"node_id": n, "role": r} for _, r, n, _ in rows]})


@routes("nodes/", "api_nodes")
class Nodes(endpoints.Endpoint):
    perms = {"GET": "core.view", "POST": "core.manage_org"}

    @extend_schema(summary="管辖范围内的组织节点", responses=OrgNodeSerializer(many=True))
    def get(self, request):
        return Response(OrgNodeSerializer(selectors.org_tree_for_user(request.user), many=True).data)

    @extend_schema(summary="新增下级组织节点（区下街道/乡镇，街道下村/社区，村下网格；街道须填简称）",
                   request=NodeIn, responses=OrgNodeSerializer)
    def post(self, request):
        data = self.validated(NodeIn)
        parent = self.get_object(data.pop("parent"), "manage", access=node_policy)
        node = services.org_node_create(actor=request.user, parent=parent, kind=data.pop("kind") or None, **data)
        return Response(OrgNodeSerializer(node).data, status=201)


@routes("nodes/<int:pk>/", "api_node_detail")
class NodeDetail(endpoints.RecordDetail):
    perms = {"GET": "core.view", "PATCH": "core.manage_org"}
    access = node_policy
    out, summary = OrgNodeSerializer, "组织节点详情（管辖范围外返回 404）"
    edit_in, edit_service, edit_kw = NodeUpdateIn, services.org_node_update, "node"
    edit_summary = "修改组织节点名称、简称、编码"


@routes("units/", "api_units")
class Units(endpoints.Endpoint):
    perms = {"GET": "core.view", "POST": "core.manage_org"}

    @extend_schema(summary="机构与矛调中心入驻机构（?node= 街道）", responses=UnitSerializer(many=True))
    def get(self, request):
        return self.page(selectors.units_list(request.user, filters=request.GET), UnitSerializer)

    @extend_schema(summary="新增机构（内设机构、矛调中心入驻机构、委员会）", request=UnitIn, responses=UnitSerializer)
    def post(self, request):
        data = self.validated(UnitIn)
        node = self.get_object(data.pop("node"), "manage", access=node_policy)
        return Response(UnitSerializer(services.unit_create(actor=request.user, node=node, **data)).data, status=201)


@routes("units/<int:pk>/", "api_unit_detail")
class UnitDetail(endpoints.RecordDetail):
    perms = {"GET": "core.view", "PATCH": "core.manage_org"}
    access = unit_policy
    out, summary = UnitSerializer, "机构详情"
    edit_in, edit_service, edit_kw = UnitUpdateIn, services.unit_update, "unit"
    edit_summary = "修改、停用或启用机构"


def _grant_args(endpoint, grant):
    node = endpoint.get_object(grant["node"], "view", access=node_policy)
    unit = endpoint.get_object(grant["unit"], "view", access=unit_policy) if grant.get("unit") else None
    return node, grant["role"], unit


@routes("accounts/", "api_accounts")
class Accounts(endpoints.Endpoint):
    perms = {"GET": "core.manage_users", "POST": "core.manage_users"}

    @extend_schema(summary="账号（管辖范围内任职的人员；?q= 姓名或用户名，?node=）", responses=AccountSerializer(many=True))
    def get(self, request):
        qs = selectors.users_managed_by(request.user, filters=request.GET).prefetch_related("memberships__node")
        return self.page(qs, AccountSerializer)

    @extend_schema(summary="新增账号并授予岗位角色", request=AccountIn, responses=AccountSerializer)
    def post(self, request):
        data = self.validated(AccountIn)
        grants = [_grant_args(self, g) for g in data.pop("memberships")]
        user = services.user_create(actor=request.user, memberships=grants, **data)
        return Response(AccountSerializer(user).data, status=201)


@routes("accounts/<int:pk>/", "api_account_detail")
class AccountDetail(endpoints.Endpoint):
    perms = {"GET": "core.manage_users", "PATCH": "core.manage_users"}
    census_model = User

    @extend_schema(summary="账号详情与岗位角色", responses=AccountSerializer)
    def get(self, request, pk):
        return Response(AccountSerializer(selectors.user_get_managed(request.user, pk)).data)

    @extend_schema(summary="停用或启用账号", request=ActiveIn, responses=AccountSerializer)
    def patch(self, request, pk):
        account = selectors.user_get_managed(request.user, pk)
        data = self.validated(ActiveIn)
        services.user_set_active(actor=request.user, user=account, **data)
        return Response(AccountSerializer(account).data)


@routes("accounts/<int:pk>/memberships/", "api_account_grants")
class AccountGrants(endpoints.Endpoint):
    perms = {"POST": "core.manage_users"}
    census_model = User

    @extend_schema(summary="授予岗位角色", request=GrantIn, responses=MembershipSerializer)
    def post(self, request, pk):
        account = selectors.user_get_managed(request.user, pk)
        node, role, unit = _grant_args(self, self.validated(GrantIn))
        m = services.membership_grant(actor=request.user, user=account, node=node, role=role, unit=unit)
        return Response(MembershipSerializer(m).data, status=201)


@routes("memberships/<int:pk>/", "api_membership_detail")
class MembershipDetail(endpoints.Endpoint):
    perms = {"DELETE": "core.manage_users"}
    access = membership_policy

    @extend_schema(summary="撤销岗位角色", responses=MembershipSerializer)
    def delete(self, request, pk):
        m = self.get_object(pk, "manage")
        reason = request.query_params.get("reason", "")
        return Response(MembershipSerializer(services.membership_revoke(actor=request.user, membership=m,
                                                                        reason=reason)).data)


@routes("nodes/<int:pk>/onboarding/", "api_onboarding")
class Onboarding(endpoints.Endpoint):
    perms = {"GET": "core.manage_org"}
    access = node_policy

    @extend_schema(summary="新街道开通清单：开展工作前还缺什么", responses=CheckSerializer(many=True))
    def get(self, request, pk):
        tenant = self.get_object(pk, "manage")
        if not tenant.is_tenant:
            raise DomainError("开通清单针对街道（乡镇）。", field_errors={"node": "请选择街道（乡镇）。"})
        items = onboarding.checklist(tenant)
        return Response({"node": tenant.pk, "ready": onboarding.is_ready(items),
                         "items": CheckSerializer(items, many=True).data})


@routes("audit/", "api_audit")
class AuditEvents(endpoints.Endpoint):
    perms = {"GET": "core.view_audit"}

    @extend_schema(summary="审计事件（管辖范围内）", responses=AuditEventSerializer(many=True))
    def get(self, request):
        filters = {k: request.GET.get(k, "") for k in ("q", "actor", "object_type")}
        return self.page(selectors.audit_events_for_user(request.user, filters=filters), AuditEventSerializer)


def _ledger(user, key):
    item = ledger.get(key)
    if item is None or not item.can_export(user):
        raise Http404()
    return item


@routes("ledgers/<str:key>/export/", "api_ledger_export")
@extend_schema(summary="导出台账（.xlsx）", responses={(200, ui.XLSX): bytes})
@api_view(["GET"])
def ledger_export(request, key):
    item = _ledger(request.user, key)
    content = ledger.export_for_user(item, request.user, item.queryset(request.user, request.GET), via="API")
    return ui.file_response(content, f"{item.key}.xlsx", ui.XLSX)


@routes("ledgers/<str:key>/import/", "api_ledger_import")
@extend_schema(summary="导入台账：dry_run=1 预检，dry_run=0 全部导入（任一行出错则全部不导入）；超过后台导入行数时返回 202 和后台任务",
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
    if dry_run:
        result = ledger.run_import(item, data, actor=request.user, dry_run=True)
        return Response(result.as_dict(), status=200 if result.ok else 400)
    # more rows than a request should write: checked now, imported by a background job (202 + the job to poll)
    result, job = ledger.import_or_queue(item, data, actor=request.user)
    if job is None:
        return Response(result.as_dict(), status=200 if result.ok else 400)
    body = {**result.as_dict(), "dry_run": False, "job": {"id": job.pk, "status": job.status,
                                                          "url": reverse("core:job_detail", args=[job.pk])}}
    checked = "已检查无误，" if getattr(result, "checked", True) else "将在后台逐行检查并导入（有任何错误则整表不导入），"
    body["summary"] = f"共 {result.total} 行，{checked}已转入后台导入（任务 {job.pk}），完成后在任务页面查看结果。"
    return Response(body, status=202)


routes.add("personal/reveal/", PersonalReveal, "api_personal_reveal")
urlpatterns = routes.urlpatterns
