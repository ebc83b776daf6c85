"""JSON API of the enforcement module: ``Endpoint`` classes on the one gate (fazhi.core.endpoints) — permission per
method, objects through the access policies, input shaped by serializers, every rule in services.py."""
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from fazhi.core import clock, files
from fazhi.core.endpoints import Endpoint, ModelOut, RecordAction, RecordList, Routes, each, shape
from fazhi.core.errors import DomainError
from fazhi.core.validators import clean_node

from . import selectors, services
from .models import Case, Officer, Power, Subject
from .policies import case_policy, officer_policy, power_policy, publication_policy, reviewer_policy, step_policy
from .workflow import case_workflow

routes = Routes()

TAGS = ["行政执法"]
VIEW, HANDLE, MANAGE = "enforcement.view", "enforcement.handle", "enforcement.manage"


def doc(**kwargs):
    kwargs.setdefault("request", OpenApiTypes.OBJECT)
    kwargs.setdefault("responses", OpenApiTypes.OBJECT)
    kwargs.setdefault("tags", TAGS)
    return extend_schema(**kwargs)


def text(**kwargs):
    """A text field shaped only (the service cleans it and says what is wrong in Chinese)."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


def ids():
    return serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)


def opt_id():
    return serializers.IntegerField(required=False, allow_null=True, min_value=1)


# ---- output ---------------------------------------------------------------------------------------------------

class EnforcementPowerOut(ModelOut):
    subject_name = serializers.CharField(source="subject.unit.name", read_only=True)

    class Meta:
        model = Power
        fields = ["id", "subject", "subject_name", "code", "name", "power_type", "power_type_label", "legal_basis",
                  "discretion", "is_active", "version"]


class EnforcementOfficerOut(ModelOut):
    certificate_valid = serializers.SerializerMethodField()

    class Meta:
        model = Officer
        fields = ["id", "name", "user", "certificate_number", "issuing_authority", "valid_from", "valid_until", "status",
                  "status_label", "certificate_valid", "version"]

    def get_certificate_valid(self, obj) -> bool:
        return obj.cert_valid(clock.today())


class EnforcementCaseListOut(ModelOut):
    class Meta:
        model = Case
        fields = ["id", "number", "title", "power", "power_name", "node", "node_name", "status", "status_label",
                  "is_major", "filed_on", "decision_due", "decided_on", "result", "fine_amount", "closed_on", "version"]


class EnforcementStepOut(serializers.Serializer):
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

    def get_officers(self, obj) -> list[str]:
        return [o.name for o in obj.officers.all()]

    def get_evidence(self, obj) -> list[dict]:
        return [{"uuid": str(f.uuid), "name": f.original_name, "sha256": f.sha256, "size": f.size,
                 "content_type": f.content_type} for f in obj.evidence]


class EnforcementPublicationOut(serializers.Serializer):
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
    withdraw_reason = serializers.CharField()
    version = serializers.IntegerField()


def case_payload(case: Case, user) -> dict:
    steps = selectors.case_steps(case)
    data = EnforcementCaseListOut(case).data
    data.update({
        "party_kind": case.party_kind, "party_name": case.party_name, "facts": case.facts,
        "major_reasons": case.major_reasons, "decision_number": case.decision_number,
        "decision_text": case.decision_text, "decision_basis": case.decision_basis,
        "service_due": case.service_due, "served_on": case.served_on,
        "officers": [o.name for o in case.officers.all()],
        "steps": EnforcementStepOut(steps, many=True).data,
        "steps_lacking_av": [s.pk for s in selectors.steps_lacking_av(steps)],
        "available_actions": [{"name": t.name, "label": t.label, "fields": list(t.fields),
                               "requires_reason": t.requires_reason} for t in case_workflow.available(case, user)],
        "reviews": [{"opinion": r.opinion, "reviewer": r.reviewer.display_name, "reasons": r.reasons,
                     "at": r.reviewed_at} for r in selectors.reviews_of(case)],
    })
    data["clocks"] = [d.as_dict() | {"status": status} for d, status in services.open_clocks(case)]
    d = services.decision_deadline(case)
    data["decision_deadline"] = d.as_dict() if d else None
    return data


# ---- input ----------------------------------------------------------------------------------------------------

EnforcementCaseIn = shape("EnforcementCaseIn", subject=opt_id(), power=opt_id(), node=opt_id(),
                          **each("title party_kind party_name party_id_number party_phone party_address facts", text()),
                          officers=ids(),
                          involves_public_interest=serializers.BooleanField(required=False, default=False),
                          is_complex=serializers.BooleanField(required=False, default=False))


TRANSITION_TEXT = ("occurred_at", "place", "content", "documents", "proposed_fine", "result", "fine_amount",
                   "decision_text", "decision_basis", "discretion_applied", "extra_days", "extension_basis",
                   "statement_text", "statement_review", "hearing_at", "hearing_place", "hearing_host", "attendees")


class EnforcementTransitionIn(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    version = serializers.IntegerField(required=False, allow_null=True)
    reason = text()
    officers = ids()
    heavy_penalty = serializers.BooleanField(required=False)
    statement_waived = serializers.BooleanField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for name in TRANSITION_TEXT:
            fields[name] = text()
        return fields


EnforcementStepIn = shape("EnforcementStepIn", **each("kind content occurred_at place documents", text()),
                          officers=ids())


class EnforcementCorrectionIn(serializers.Serializer):
    content = text()
    reason = text()


class EnforcementReviewIn(serializers.Serializer):
    opinion = text()
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)
    reasons = text()
    reviewed_on = text()  # a review made earlier on paper and entered late: its date; empty = today
    version = serializers.IntegerField(required=False, allow_null=True)


class EnforcementPublishIn(serializers.Serializer):
    scrub = serializers.BooleanField(required=False, default=False)
    published_on = text()  # a publication made earlier (history): its date; empty = today


class EnforcementRevokedIn(serializers.Serializer):
    revoked_on = text()
    reason = text()
    version = serializers.IntegerField(required=False, allow_null=True)


class EnforcementEvaluationIn(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(), required=False)
    findings = text()


EnforcementOfficerIn = shape("EnforcementOfficerIn", subject=opt_id(), user=opt_id(),
                             **each("certificate_number issuing_authority valid_from valid_until status", text()))


EnforcementPowerIn = shape("EnforcementPowerIn",
                           subject=serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100),
                           **each("code name power_type legal_basis discretion", text()))


def _clean(data: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in data.items()}


class EnforcementList(RecordList):
    """A list (and create) endpoint of this module, under its OpenAPI tag. A new record is filed under the subject
    the body's ``subject`` names (or the user's only one): ``create_under(actor, subject, data)``."""

    tags = TAGS

    def create(self, data):
        d = _clean(data)
        subject = selectors.subject_for(user=self.request.user, subject=d.get("subject") or None)
        return self.create_under(self.request.user, subject, d)

    def create_under(self, actor, subject, d):
        raise NotImplementedError


class EnforcementAction(RecordAction):
    """An action on one record of this module, under its OpenAPI tag; most record something (201)."""

    tags = TAGS
    status = 201


# ---- cases ------------------------------------------------------------------------------------------------------

@routes("cases/", "api_enforcement_cases")
class Cases(EnforcementList):
    perms = {"GET": VIEW, "POST": HANDLE}
    access = case_policy
    selector, out, summary = selectors.case_list, EnforcementCaseListOut, "执法案件：列表（管辖范围内）"

    @doc(summary="执法案件：登记（发生地所在街道的执法主体）", request=EnforcementCaseIn)
    def post(self, request):
        d = _clean(self.validated(EnforcementCaseIn))
        node = clean_node(request.user, d.get("node") or "", perm=HANDLE, field="node", label="发生地")
        subject = selectors.subject_for(user=request.user, subject=d.get("subject") or None, action="handle", node=node)
        power = selectors.power_list(user=request.user).filter(pk=d.get("power") or 0, subject=subject).first()
        case = services.case_create(
            actor=request.user, subject=subject, power=power, node=node, title=d["title"] if "title" in d else "",
            party_kind=d.get("party_kind", ""), party_name=d.get("party_name", ""),
            party_id_number=d.get("party_id_number", ""), party_phone=d.get("party_phone", ""),
            party_address=d.get("party_address", ""), facts=d.get("facts", ""), officers=d.get("officers") or [],
            involves_public_interest=d["involves_public_interest"], is_complex=d["is_complex"])
        return Response(case_payload(case, request.user), status=201)


@routes("cases/<int:pk>/", "api_enforcement_case")
class CaseDetail(Endpoint):
    perms = {"GET": VIEW}
    access = case_policy

    @doc(summary="执法案件详情（含环节、证据、期限、可执行操作）", operation_id="enforcement_case_detail")
    def get(self, request, pk):
        return Response(case_payload(self.get_object(pk), request.user))


@routes("cases/<int:pk>/transition/", "api_enforcement_case_transition")
class CaseTransition(EnforcementAction):
    perms = {"POST": VIEW}
    access = case_policy
    input, summary, status = EnforcementTransitionIn, "办理操作（name 见详情中的 available_actions）", 200

    def act(self, case, d):
        data = {k: v for k, v in d.items() if k not in ("name", "version", "reason") and v is not None}
        return services.case_transition(actor=self.request.user, case=case, name=d["name"], version=d.get("version"),
                                        reason=d.get("reason") or "", **data)

    def answer(self, case):
        return case_payload(case, self.request.user)


@routes("cases/<int:pk>/steps/", "api_enforcement_case_steps")
class CaseSteps(EnforcementAction):
    perms = {"POST": HANDLE}
    access = case_policy
    action, input, summary = "handle", EnforcementStepIn, "记录调查取证环节（现场检查/询问调查/调查取证）"

    def act(self, case, data):
        d = _clean(data)
        return services.step_record(actor=self.request.user, case=case, kind=d.get("kind", ""), content=d.get("content", ""),
                                    occurred_at=d.get("occurred_at"), place=d.get("place", ""),
                                    documents=d.get("documents", ""), officers=d.get("officers") or [])

    def answer(self, step):
        return {"id": step.pk, "kind": step.kind, "av_required": step.av_required}


@routes("steps/<int:pk>/", "api_enforcement_step")
class StepDetail(Endpoint):
    perms = {"GET": VIEW, "PUT": HANDLE, "PATCH": HANDLE, "DELETE": HANDLE}
    access = step_policy

    @doc(summary="环节记录", responses=EnforcementStepOut)
    def get(self, request, pk):
        step = self.get_object(pk)
        step.evidence = list(files.files_of(step))
        step.has_av = any(f.content_type.startswith(("audio/", "video/")) for f in step.evidence)
        return Response(EnforcementStepOut(step).data)

    def _immutable(self, request, pk):
        services.step_update(actor=request.user, step=self.get_object(pk, "handle"))

    @doc(summary="已记录的环节不能修改（400），请用 correct 新增更正记录")
    def put(self, request, pk):
        self._immutable(request, pk)

    @doc(summary="已记录的环节不能修改（400），请用 correct 新增更正记录")
    def patch(self, request, pk):
        self._immutable(request, pk)

    @doc(summary="已记录的环节不能删除（400）")
    def delete(self, request, pk):
        self._immutable(request, pk)


@routes("steps/<int:pk>/correct/", "api_enforcement_step_correct")
class StepCorrect(EnforcementAction):
    perms = {"POST": HANDLE}
    access = step_policy
    action, input, summary = "handle", EnforcementCorrectionIn, "更正环节记录（新增一条指向原记录的更正）"

    def act(self, step, data):
        d = _clean(data)
        return services.step_correct(actor=self.request.user, step=step, content=d.get("content", ""),
                                     reason=d.get("reason", ""))

    def answer(self, correction):
        return {"id": correction.pk, "corrects": correction.corrects_id}


class TooLarge(DomainError):
    status_code = 413


@routes("steps/<int:pk>/evidence/", "api_enforcement_step_evidence")
class StepEvidence(Endpoint):
    """The core middleware installs the evidence size limit for /api/enforcement/ before anything reads the body."""

    perms = {"POST": HANDLE}
    access = step_policy
    parser_classes = [MultiPartParser]

    @doc(summary="上传证据文件（multipart，字段 file；按内容校验类型，超过上限即停止接收）",
         request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}})
    def post(self, request, pk):
        step = self.get_object(pk, "handle")
        upload = request.FILES.get("file")
        if getattr(request._request, "upload_too_large", False):
            raise TooLarge(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['EVIDENCE_MAX_BYTES'])}，未保存。",
                           field_errors={"file": "文件过大。"}, code="too_large")
        stored = services.evidence_upload(actor=request.user, step=step, upload=upload)
        return Response({"uuid": str(stored.uuid), "name": stored.original_name, "sha256": stored.sha256,
                         "size": stored.size, "content_type": stored.content_type}, status=201)


@routes("cases/<int:pk>/review/", "api_enforcement_case_review")
class CaseReview(EnforcementAction):
    perms = {"POST": "enforcement.review"}
    access = case_policy
    input, summary = EnforcementReviewIn, ("法制审核意见（opinion=approve/reject，checklist 为审核要点；reviewed_on 补录以往"
                                           "书面审核的日期，不得晚于今天、不得早于本案立案、告知、提请审核日期）")

    def act(self, case, d):
        return services.legal_review_record(actor=self.request.user, case=case, opinion=d.get("opinion") or "",
                                            checklist=d.get("checklist") or {}, reasons=d.get("reasons") or "",
                                            version=d.get("version"), reviewed_on=d.get("reviewed_on") or None)

    def answer(self, review):
        return {"id": review.pk, "opinion": review.opinion, "case_status": review.case.status,
                "reviewed_at": review.reviewed_at}


@routes("cases/<int:pk>/publish/", "api_enforcement_case_publish")
class CasePublish(EnforcementAction):
    perms = {"POST": "enforcement.publish"}
    access = case_policy
    action, input = "publish", EnforcementPublishIn
    summary = "公示执法决定（scrub=true 时自动隐去证件号和电话；published_on 登记以往已作出的公示的日期）"

    def act(self, case, d):
        return services.publication_publish(actor=self.request.user, case=case, scrub=d["scrub"],
                                            published_on=d.get("published_on") or None)

    def answer(self, pub):
        return {"id": pub.pk, "body": pub.body, "party_display": pub.party_display, "due_date": pub.due_date,
                "published_on": pub.published_on, "on_time": pub.on_time, "scrubbed": pub.scrubbed}


@routes("cases/<int:pk>/evaluate/", "api_enforcement_case_evaluate")
class CaseEvaluate(EnforcementAction):
    perms = {"POST": "enforcement.supervise"}
    access = case_policy
    action, input, summary = "supervise", EnforcementEvaluationIn, "案卷评查（scores: {项目: 分}）"

    def act(self, case, d):
        return services.evaluation_record(actor=self.request.user, case=case, scores=d.get("scores") or {},
                                          findings=d.get("findings") or "")

    def answer(self, ev):
        return {"id": ev.pk, "total": ev.total}


# ---- publicity --------------------------------------------------------------------------------------------------

@routes("publications/", "api_enforcement_publications")
class Publications(EnforcementList):
    perms = {"GET": VIEW}
    access = publication_policy
    selector, out, summary = selectors.publication_list, EnforcementPublicationOut, "执法决定公示列表（管辖范围内）"


@routes("publications/<int:pk>/revoked/", "api_enforcement_publication_revoked")
class PublicationRevoked(EnforcementAction):
    perms = {"POST": "enforcement.publish"}
    access = publication_policy
    input, summary, status = EnforcementRevokedIn, "登记原决定被撤销/变更（开始计算撤回期限）", 200
    responses = EnforcementPublicationOut

    def act(self, pub, d):
        return services.publication_mark_revoked(actor=self.request.user, publication=pub, revoked_on=d.get("revoked_on"),
                                                 reason=d.get("reason") or "", version=d.get("version"))

    def answer(self, pub):
        return EnforcementPublicationOut(pub).data


@routes("publications/<int:pk>/withdraw/", "api_enforcement_publication_withdraw")
class PublicationWithdraw(EnforcementAction):
    perms = {"POST": "enforcement.publish"}
    access = publication_policy
    input, summary, status = EnforcementRevokedIn, "撤回执法决定公示（理由向社会公开）", 200

    def act(self, pub, d):
        return services.publication_withdraw(actor=self.request.user, publication=pub, reason=d.get("reason") or "",
                                             revoked_on=d.get("revoked_on"), version=d.get("version"))

    def answer(self, pub):
        return {"id": pub.pk, "status": pub.status, "withdraw_due": pub.withdraw_due,
                "withdrawn_on": pub.withdrawn_on, "withdraw_reason": pub.withdraw_reason}


# ---- officers, powers -------------------------------------------------------------------------------------------

@routes("officers/", "api_enforcement_officers")
class Officers(EnforcementList):
    perms = {"GET": VIEW, "POST": MANAGE}
    access = officer_policy
    selector, out, summary = selectors.officer_list, EnforcementOfficerOut, "执法人员：列表"
    create_in, create_summary = EnforcementOfficerIn, "执法人员：登记（账号须为该执法主体所在街道的工作人员）"

    def create_under(self, actor, subject, d):
        user = selectors.user_by_id(d.get("user") or None)
        return services.officer_create(
            actor=actor, subject=subject, user=user, certificate_number=d.get("certificate_number", ""),
            issuing_authority=d.get("issuing_authority", ""), valid_from=d.get("valid_from") or None,
            valid_until=d.get("valid_until") or None, status=d.get("status") or Officer.Status.ACTIVE)


@routes("powers/", "api_enforcement_powers")
class Powers(EnforcementList):
    perms = {"GET": VIEW, "POST": MANAGE}
    access = power_policy
    selector, out, summary = selectors.power_list, EnforcementPowerOut, "权责清单：列表"
    create_in, create_summary = EnforcementPowerIn, "权责清单：新增（区级账号须以 subject 指明街道的执法主体）"

    def create_under(self, actor, subject, d):
        return services.power_create(actor=actor, subject=subject, code=d.get("code", ""), name=d.get("name", ""),
                                     power_type=d.get("power_type", ""), legal_basis=d.get("legal_basis", ""),
                                     discretion=d.get("discretion", ""))


SUBJECT_TEXT = ("legal_status", "address", "office_phone", "procedures", "remedies", "complaints",
                "reconsideration_body", "litigation_court")


class EnforcementSubjectOut(ModelOut):
    class Meta:
        model = Subject
        fields = ["id", "node", "node_name", "unit", "unit_name", *SUBJECT_TEXT]


class EnforcementSubjectIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)

    def get_fields(self):
        fields = super().get_fields()
        for name in SUBJECT_TEXT:
            fields[name] = text()
        return fields


@routes("subjects/", "api_enforcement_subjects")
class Subjects(EnforcementList):
    perms = {"GET": VIEW, "POST": MANAGE}
    selector, out = selectors.subjects_by_node, EnforcementSubjectOut
    summary = "执法主体：列表（管辖范围内各街道的综合行政执法办公室）"

    @doc(summary="执法主体：登记或修改（unit 为街道的内设机构，即综合行政执法办公室；信息在公众网站事前公开）",
         request=EnforcementSubjectIn, responses=EnforcementSubjectOut)
    def post(self, request):
        d = _clean(self.validated(EnforcementSubjectIn))
        unit = selectors.department_for(user=request.user, pk=d.pop("unit"))
        existed = selectors.subject_of_unit(unit) is not None
        subject = services.subject_save(actor=request.user, unit=unit, **{k: d.get(k, "") for k in SUBJECT_TEXT})
        return Response(EnforcementSubjectOut(subject).data, status=200 if existed else 201)


EnforcementReviewerIn = shape("EnforcementReviewerIn", user=opt_id(),
                              **each("reviewing_since qualification_number qualified_on", text()))


class EnforcementReviewerOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.display_name")
    reviewing_since = serializers.DateField()
    qualification_number = serializers.CharField()
    qualified_on = serializers.DateField()


@routes("reviewers/", "api_enforcement_reviewers")
class Reviewers(EnforcementList):
    perms = {"GET": VIEW, "POST": MANAGE}
    access = reviewer_policy
    selector, out, summary = selectors.reviewers, EnforcementReviewerOut, "法制审核人员：列表"
    create_in = EnforcementReviewerIn
    create_summary = "法制审核人员：登记（2021年7月15日以后初次从事法制审核的须有法律职业资格，行政处罚法第五十八条第二款）"

    def create(self, data):
        d = _clean(data)
        return services.reviewer_register(actor=self.request.user, user=selectors.user_by_id(d.get("user") or None),
                                          reviewing_since=d.get("reviewing_since") or None,
                                          qualification_number=d.get("qualification_number", ""),
                                          qualified_on=d.get("qualified_on") or None)


urlpatterns = routes.urlpatterns
