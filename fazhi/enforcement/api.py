"""JSON API of the enforcement module: thin, the same services and scoped selectors as the workbench."""
from django.conf import settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fazhi.core import files, policy
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.models import OrgNode, User

from . import selectors, services
from .workflow import case_workflow


def doc(**kwargs):
    """extend_schema with JSON-object request/response defaults (the views answer plain JSON built from services)."""
    kwargs.setdefault("request", OpenApiTypes.OBJECT)
    kwargs.setdefault("responses", OpenApiTypes.OBJECT)
    kwargs.setdefault("tags", ["行政执法"])
    return extend_schema(**kwargs)


class PowerSerializer(serializers.ModelSerializer):
    power_type_label = serializers.CharField(source="get_power_type_display", read_only=True)

    class Meta:
        from .models import Power

        model = Power
        fields = ["id", "code", "name", "power_type", "power_type_label", "legal_basis", "discretion", "is_active", "version"]


class OfficerSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    certificate_valid = serializers.SerializerMethodField()

    class Meta:
        from .models import Officer

        model = Officer
        fields = ["id", "name", "user", "certificate_number", "issuing_authority", "valid_from", "valid_until", "status",
                  "status_label", "certificate_valid", "version"]

    def get_certificate_valid(self, obj):
        from fazhi.core import clock

        return obj.cert_valid(clock.today())


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    power_name = serializers.CharField(source="power.name", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)

    class Meta:
        from .models import Case

        model = Case
        fields = ["id", "number", "title", "power", "power_name", "node", "node_name", "status", "status_label", "is_major",
                  "filed_on", "decision_due", "decided_on", "result", "fine_amount", "closed_on", "version"]


class StepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField()
    content = serializers.CharField()
    documents = serializers.CharField()
    officers = serializers.SerializerMethodField()
    av_required = serializers.BooleanField()
    has_av = serializers.BooleanField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    evidence = serializers.SerializerMethodField()

    def get_officers(self, obj):
        return [o.name for o in obj.officers.all()]

    def get_evidence(self, obj):
        return [{"uuid": str(f.uuid), "name": f.original_name, "sha256": f.sha256, "size": f.size, "content_type": f.content_type}
                for f in obj.evidence]


def _case_payload(case, user):
    steps = selectors.case_steps(case)
    data = CaseListSerializer(case).data
    data.update({
        "party_kind": case.party_kind, "party_name": case.party_name, "facts": case.facts, "major_reasons": case.major_reasons,
        "decision_number": case.decision_number, "decision_text": case.decision_text, "decision_basis": case.decision_basis,
        "service_due": case.service_due, "served_on": case.served_on,
        "officers": [o.name for o in case.officers.all()],
        "steps": StepSerializer(steps, many=True).data,
        "steps_lacking_av": [s.pk for s in selectors.steps_lacking_av(steps)],
        "available_actions": [{"name": t.name, "label": t.label, "fields": list(t.fields), "requires_reason": t.requires_reason}
                              for t in case_workflow.available(case, user)],
        "reviews": [{"opinion": r.opinion, "reviewer": r.reviewer.display_name, "reasons": r.reasons, "at": r.reviewed_at}
                    for r in selectors.reviews_of(case)],
    })
    d = services.decision_deadline(case)
    data["decision_deadline"] = d.as_dict() if d else None
    return data


def _page(request, qs, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _subject(user):
    subject = selectors.subject_list(user=user).first()
    if subject is None:
        raise DomainError("尚未登记执法主体。")
    return subject


def _perm(user, perm):
    if not policy.has_perm(user, perm):
        raise NotAllowed()


@doc(summary="执法案件：列表（管辖范围内）/ 登记")
@api_view(["GET", "POST"])
def cases(request):
    _perm(request.user, "enforcement.view")
    if request.method == "GET":
        return _page(request, selectors.case_list(user=request.user, filters=request.GET), CaseListSerializer)
    d = request.data
    subject = _subject(request.user)
    node = OrgNode.objects.filter(pk=d.get("node")).first() if str(d.get("node", "")).isdigit() else None
    power = selectors.power_list(user=request.user).filter(pk=d.get("power")).first() if str(d.get("power", "")).isdigit() else None
    case = services.case_create(
        actor=request.user, subject=subject, power=power, node=node, title=d.get("title"), party_kind=d.get("party_kind"),
        party_name=d.get("party_name"), party_id_number=d.get("party_id_number", ""), party_phone=d.get("party_phone", ""),
        party_address=d.get("party_address", ""), facts=d.get("facts"), officers=d.get("officers") or [],
        involves_public_interest=bool(d.get("involves_public_interest")), is_complex=bool(d.get("is_complex")))
    return Response(_case_payload(case, request.user), status=201)


@doc(summary="执法案件详情（含环节、证据、可执行操作）", operation_id="enforcement_case_detail")
@api_view(["GET"])
def case_detail(request, pk):
    return Response(_case_payload(selectors.case_get_for_user(user=request.user, pk=pk), request.user))


TRANSITION_FIELDS = ("occurred_at", "place", "officers", "content", "documents", "heavy_penalty", "proposed_fine", "result",
                     "fine_amount", "decision_text", "decision_basis", "discretion_applied", "extra_days")


@doc(summary="办理操作（name：approve_filing/reject_filing/notify/request_hearing/hold_hearing/submit_review/decide/serve/execute/close/extend）")
@api_view(["POST"])
def case_transition(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    d = request.data
    data = {k: d.get(k) for k in TRANSITION_FIELDS if k in d}
    if "heavy_penalty" in data:
        data["heavy_penalty"] = str(data["heavy_penalty"]).lower() in {"1", "true", "yes", "on"}
    case = services.case_transition(actor=request.user, case=case, name=str(d.get("name", "")), version=d.get("version"),
                                    reason=d.get("reason", ""), **data)
    return Response(_case_payload(case, request.user))


@doc(summary="记录调查取证环节（现场检查/询问调查/调查取证）")
@api_view(["POST"])
def case_steps(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    d = request.data
    step = services.step_record(actor=request.user, case=case, kind=d.get("kind"), content=d.get("content"),
                                occurred_at=d.get("occurred_at"), place=d.get("place", ""), documents=d.get("documents", ""),
                                officers=d.get("officers") or [])
    return Response({"id": step.pk, "kind": step.kind, "av_required": step.av_required}, status=201)


@doc(summary="环节记录：已记录的环节不能修改或删除（返回400），请用 correct 新增更正记录")
@api_view(["GET", "PUT", "PATCH", "DELETE"])
def step_detail(request, pk):
    step = selectors.step_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        step.evidence = list(files.files_of(step))
        step.has_av = any(f.content_type.startswith(("audio/", "video/")) for f in step.evidence)
        return Response(StepSerializer(step).data)
    services.step_update(actor=request.user, step=step, **dict(request.data))


@doc(summary="更正环节记录（新增一条指向原记录的更正）")
@api_view(["POST"])
def step_correct(request, pk):
    step = selectors.step_get_for_user(user=request.user, pk=pk)
    correction = services.step_correct(actor=request.user, step=step, content=request.data.get("content"), reason=request.data.get("reason"))
    return Response({"id": correction.pk, "corrects": step.pk}, status=201)


@doc(summary="上传证据文件（multipart，字段 file；按内容校验类型，超过上限即停止接收）",
               request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}})
@api_view(["POST"])
@parser_classes([MultiPartParser])
def _step_evidence(request, pk):
    step = selectors.step_get_for_user(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if getattr(request._request, "upload_too_large", False):
        raise DomainError(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['EVIDENCE_MAX_BYTES'])}，未保存。",
                          field_errors={"file": "文件过大。"})
    stored = services.evidence_upload(actor=request.user, step=step, upload=upload)
    return Response({"uuid": str(stored.uuid), "name": stored.original_name, "sha256": stored.sha256, "size": stored.size,
                     "content_type": stored.content_type}, status=201)


@csrf_exempt
def step_evidence(request, pk):
    """Install the streaming size limit before DRF (authentication, CSRF) reads the body."""
    files.limit_uploads(request, settings.FAZHI["EVIDENCE_MAX_BYTES"])
    return _step_evidence(request, pk)


@doc(summary="法制审核意见（opinion=approve/reject，checklist 为审核要点）")
@api_view(["POST"])
@parser_classes([JSONParser, FormParser, MultiPartParser])
def case_review(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    d = request.data
    checklist = d.get("checklist") if isinstance(d.get("checklist"), dict) else {}
    review = services.legal_review_record(actor=request.user, case=case, opinion=d.get("opinion"), checklist=checklist,
                                          reasons=d.get("reasons", ""), version=d.get("version"))
    return Response({"id": review.pk, "opinion": review.opinion, "case_status": review.case.status}, status=201)


@doc(summary="公示执法决定（scrub=true 时自动隐去证件号和电话）")
@api_view(["POST"])
def case_publish(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    pub = services.publication_publish(actor=request.user, case=case, scrub=str(request.data.get("scrub", "")).lower() in {"1", "true"})
    return Response({"id": pub.pk, "body": pub.body, "party_display": pub.party_display, "due_date": pub.due_date,
                     "on_time": pub.on_time, "scrubbed": pub.scrubbed}, status=201)


class PublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    kind = serializers.CharField()
    title = serializers.CharField()
    party_display = serializers.CharField()
    body = serializers.CharField()
    published_on = serializers.DateField()
    due_date = serializers.DateField()
    on_time = serializers.BooleanField()
    status = serializers.CharField()
    revoked_on = serializers.DateField()
    withdraw_due = serializers.DateField()
    withdrawn_on = serializers.DateField()
    version = serializers.IntegerField()


@doc(summary="执法决定公示列表（管辖范围内）")
@api_view(["GET"])
def publications(request):
    _perm(request.user, "enforcement.view")
    return _page(request, selectors.publication_list(user=request.user, filters=request.GET), PublicationSerializer)


@doc(summary="登记原决定被撤销/变更（开始计算3个工作日撤回期限）")
@api_view(["POST"])
def publication_revoked(request, pk):
    pub = selectors.publication_get_for_user(user=request.user, pk=pk)
    pub = services.publication_mark_revoked(actor=request.user, publication=pub, revoked_on=request.data.get("revoked_on"),
                                            reason=request.data.get("reason"), version=request.data.get("version"))
    return Response(PublicationSerializer(pub).data)


@doc(summary="撤回执法决定公示")
@api_view(["POST"])
def publication_withdraw(request, pk):
    pub = selectors.publication_get_for_user(user=request.user, pk=pk)
    pub = services.publication_withdraw(actor=request.user, publication=pub, reason=request.data.get("reason"),
                                        revoked_on=request.data.get("revoked_on"), version=request.data.get("version"))
    return Response({"id": pub.pk, "status": pub.status, "withdraw_due": pub.withdraw_due})


@doc(summary="案卷评查（scores: {项目: 分}）")
@api_view(["POST"])
def case_evaluate(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    scores = request.data.get("scores") if isinstance(request.data.get("scores"), dict) else {}
    ev = services.evaluation_record(actor=request.user, case=case, scores=scores, findings=request.data.get("findings"))
    return Response({"id": ev.pk, "total": ev.total}, status=201)


@doc(summary="执法人员：列表 / 登记")
@api_view(["GET", "POST"])
def officers(request):
    _perm(request.user, "enforcement.view")
    if request.method == "GET":
        return _page(request, selectors.officer_list(user=request.user, filters=request.GET), OfficerSerializer)
    d = request.data
    user = User.objects.filter(pk=d.get("user")).first() if str(d.get("user", "")).isdigit() else None
    officer = services.officer_create(actor=request.user, subject=_subject(request.user), user=user,
                                      certificate_number=d.get("certificate_number", ""), issuing_authority=d.get("issuing_authority", ""),
                                      valid_from=d.get("valid_from"), valid_until=d.get("valid_until"), status=d.get("status") or "active")
    return Response(OfficerSerializer(officer).data, status=201)


@doc(summary="权责清单：列表 / 新增")
@api_view(["GET", "POST"])
def powers(request):
    _perm(request.user, "enforcement.view")
    if request.method == "GET":
        return _page(request, selectors.power_list(user=request.user, filters=request.GET), PowerSerializer)
    d = request.data
    power = services.power_create(actor=request.user, subject=_subject(request.user), code=d.get("code"), name=d.get("name"),
                                  power_type=d.get("power_type"), legal_basis=d.get("legal_basis"), discretion=d.get("discretion", ""))
    return Response(PowerSerializer(power).data, status=201)


urlpatterns = [
    path("cases/", cases, name="api_enforcement_cases"),
    path("cases/<int:pk>/", case_detail, name="api_enforcement_case"),
    path("cases/<int:pk>/transition/", case_transition, name="api_enforcement_case_transition"),
    path("cases/<int:pk>/steps/", case_steps, name="api_enforcement_case_steps"),
    path("cases/<int:pk>/review/", case_review, name="api_enforcement_case_review"),
    path("cases/<int:pk>/publish/", case_publish, name="api_enforcement_case_publish"),
    path("cases/<int:pk>/evaluate/", case_evaluate, name="api_enforcement_case_evaluate"),
    path("steps/<int:pk>/", step_detail, name="api_enforcement_step"),
    path("steps/<int:pk>/correct/", step_correct, name="api_enforcement_step_correct"),
    path("steps/<int:pk>/evidence/", step_evidence, name="api_enforcement_step_evidence"),
    path("publications/", publications, name="api_enforcement_publications"),
    path("publications/<int:pk>/revoked/", publication_revoked, name="api_enforcement_publication_revoked"),
    path("publications/<int:pk>/withdraw/", publication_withdraw, name="api_enforcement_publication_withdraw"),
    path("officers/", officers, name="api_enforcement_officers"),
    path("powers/", powers, name="api_enforcement_powers"),
]
