"""JSON API of the legal-services module. Thin: parse with a serializer → the same services and scoped selectors as
the workbench. Domain errors become Chinese JSON answers (400/403/404/409) through the core exception handler."""
from django.conf import settings
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, parser_classes, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from fazhi.core import files, policy, ratelimit
from fazhi.core.errors import DomainError, NotAllowed

from . import selectors, services
from .models import Advisor, Booking, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord, Station
from .workflow import consultation_workflow, office_hour_workflow


def _may(user, perm):
    if not policy.has_perm(user, perm):
        raise NotAllowed("您的岗位角色不包含此功能。")


def _page(request, qs, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _validated(serializer_class, data):
    s = serializer_class(data=data)
    if not s.is_valid():
        errors = {k: "；".join(str(x) for x in v) for k, v in s.errors.items()}
        raise DomainError("请检查填写的内容：" + "；".join(f"{k}：{v}" for k, v in errors.items()), field_errors=errors)
    return s.validated_data


def _node(user, pk, perm, field="node"):
    if pk in (None, ""):
        return None
    node = policy.scoped_nodes(user, perm).filter(pk=pk).first() if str(pk).isdigit() else None
    if node is None:
        raise DomainError("所选组织不存在或不在您的管辖范围内。", field_errors={field: "不在管辖范围内。"})
    return node


def _advisor(user, pk):
    if pk in (None, ""):
        return None
    advisor = selectors.advisors_for(user, "legalservice.view").filter(pk=pk).first() if str(pk).isdigit() else None
    if advisor is None:
        raise DomainError("所选法律顾问不存在或不在您的管辖范围内。", field_errors={"advisor": "不在管辖范围内。"})
    return advisor


# ---- serializers (output) ----------------------------------------------------------------------------------------

class AdvisorSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)
    village_ids = serializers.SerializerMethodField()

    class Meta:
        model = Advisor
        fields = ["id", "kind", "kind_label", "name", "law_firm", "licence_number", "phone", "public_phone", "node", "node_name",
                  "village_ids", "user", "how_to_ask", "appointed_on", "is_active", "version"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_village_ids(self, obj):
        return [v.pk for v in obj.villages.all()]


class OfficeHourSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)
    advisor_name = serializers.CharField(source="advisor.name", read_only=True)
    booked = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = OfficeHour
        fields = ["id", "node", "node_name", "advisor", "advisor_name", "date", "start_time", "end_time", "place", "capacity",
                  "status", "status_label", "people_received", "note", "booked", "version"]


class BookingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = ["id", "office_hour", "node", "name", "phone", "topic", "status", "created_at"]


class ConsultationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Consultation
        fields = ["id", "node", "advisor", "asker_name", "phone", "is_anonymous", "title", "question", "status", "status_label",
                  "asked_at", "due_date", "answer", "answered_at", "is_published", "public_question", "public_answer", "version"]


class ServiceRecordSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = ["id", "node", "node_name", "advisor", "kind", "kind_label", "date", "title", "people_served", "hours", "notes",
                  "dispute", "version"]


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "node", "name", "address", "opening_hours", "opened_on", "is_active"]


class DemonstrationVillageSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = DemonstrationVillage
        fields = ["id", "node", "level", "level_label", "year", "title"]


# ---- serializers (input) -----------------------------------------------------------------------------------------

class LegalAdvisorIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Advisor.Kind.choices)
    name = serializers.CharField(max_length=50)
    law_firm = serializers.CharField(max_length=100)
    licence_number = serializers.CharField(max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    public_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    village_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    node = serializers.IntegerField(required=False, allow_null=True)
    how_to_ask = serializers.CharField(required=False, allow_blank=True, max_length=300)
    appointed_on = serializers.DateField(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(required=False)


class LegalOfficeHourIn(serializers.Serializer):
    node = serializers.IntegerField()
    advisor = serializers.IntegerField()
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=100)
    capacity = serializers.IntegerField(required=False, default=6)


class LegalRuleIn(LegalOfficeHourIn):
    date = None
    week_of_month = serializers.IntegerField()
    weekday = serializers.IntegerField()
    generate_from = serializers.DateField(required=False)
    months = serializers.IntegerField(required=False, default=12)


class LegalTransitionIn(serializers.Serializer):
    action = serializers.CharField()
    version = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    people_received = serializers.IntegerField(required=False, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    public_question = serializers.CharField(required=False, allow_blank=True, default="")
    public_answer = serializers.CharField(required=False, allow_blank=True, default="")


class LegalServiceRecordIn(serializers.Serializer):
    node = serializers.IntegerField()
    advisor = serializers.IntegerField()
    kind = serializers.CharField()
    date = serializers.DateField()
    title = serializers.CharField(max_length=200, allow_blank=True)
    people_served = serializers.CharField()
    hours = serializers.CharField(required=False, default="0")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    dispute = serializers.IntegerField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False)


class LegalStationIn(serializers.Serializer):
    node = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    opening_hours = serializers.CharField(required=False, allow_blank=True, default="")
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)


class LegalDemonstrationVillageIn(serializers.Serializer):
    node = serializers.IntegerField()
    level = serializers.CharField()
    year = serializers.IntegerField()
    title = serializers.CharField(required=False, default="民主法治示范村（社区）")


# ---- endpoints ---------------------------------------------------------------------------------------------------

def _advisor_args(user, data):
    villages = [_node(user, pk, "legalservice.manage", "villages") for pk in data.get("village_ids", [])]
    return {"kind": data["kind"], "name": data["name"], "law_firm": data["law_firm"], "licence_number": data["licence_number"],
            "phone": data.get("phone", ""), "public_phone": data.get("public_phone", ""), "villages": villages,
            "node": _node(user, data.get("node"), "legalservice.manage"), "how_to_ask": data.get("how_to_ask", ""),
            "appointed_on": data.get("appointed_on")}


@extend_schema(summary="法律顾问名册（GET 列表，POST 登记）", request=LegalAdvisorIn, responses=AdvisorSerializer,
               operation_id="legal_advisors_list_create")
@api_view(["GET", "POST"])
def advisors(request):
    if request.method == "POST":
        _may(request.user, "legalservice.manage")
        data = _validated(LegalAdvisorIn, request.data)
        advisor = services.advisor_create(actor=request.user, **_advisor_args(request.user, data))
        return Response(AdvisorSerializer(advisor).data, status=201)
    return _page(request, selectors.advisor_list(user=request.user, filters=request.GET), AdvisorSerializer)


@extend_schema(summary="法律顾问（GET 查看，PUT 修改，需带 version）", request=LegalAdvisorIn, responses=AdvisorSerializer)
@api_view(["GET", "PUT"])
def advisor(request, pk):
    obj = selectors.advisor_get_for_user(user=request.user, pk=pk)
    if request.method == "PUT":
        data = _validated(LegalAdvisorIn, request.data)
        obj = services.advisor_update(actor=request.user, advisor=obj, version=data.get("version"), is_active=data.get("is_active", True),
                                      **_advisor_args(request.user, data))
    return Response(AdvisorSerializer(obj).data)


@extend_schema(summary="坐班安排（GET 列表，POST 临时安排一次）", request=LegalOfficeHourIn, responses=OfficeHourSerializer,
               operation_id="legal_office_hours_list_create")
@api_view(["GET", "POST"])
def office_hours(request):
    if request.method == "POST":
        _may(request.user, "legalservice.record_office_hour")
        data = _validated(LegalOfficeHourIn, request.data)
        slot = services.office_hour_create(actor=request.user, node=_node(request.user, data["node"], "legalservice.record_office_hour"),
                                           advisor=_advisor(request.user, data["advisor"]),
                                           **{k: data[k] for k in ("date", "start_time", "end_time", "place", "capacity")})
        return Response(OfficeHourSerializer(slot).data, status=201)
    return _page(request, selectors.office_hour_list(user=request.user, filters=request.GET), OfficeHourSerializer)


@extend_schema(summary="制定每月定期坐班规则并生成坐班安排", request=LegalRuleIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def office_hour_rules(request):
    _may(request.user, "legalservice.manage")
    data = _validated(LegalRuleIn, request.data)
    rule = services.office_hour_rule_create(
        actor=request.user, node=_node(request.user, data["node"], "legalservice.manage"), advisor=_advisor(request.user, data["advisor"]),
        **{k: data[k] for k in ("week_of_month", "weekday", "start_time", "end_time", "place", "capacity", "months")},
        generate_from=data.get("generate_from"))
    return Response({"id": rule.pk, "rule": str(rule), "generated": rule.slots.count()}, status=201)


@extend_schema(summary="坐班详情", responses=OfficeHourSerializer)
@api_view(["GET"])
def office_hour(request, pk):
    obj = selectors.office_hour_get_for_user(user=request.user, pk=pk)
    data = OfficeHourSerializer(obj).data
    data["actions"] = [t.name for t in office_hour_workflow.available(obj, request.user)]
    data["bookings"] = BookingSerializer(obj.bookings.all(), many=True).data
    return Response(data)


@extend_schema(summary="登记坐班情况：action = hold（已坐班）/ miss（未坐班）/ cancel（取消）", request=LegalTransitionIn,
               responses=OfficeHourSerializer)
@api_view(["POST"])
def office_hour_transition(request, pk):
    obj = selectors.office_hour_get_for_user(user=request.user, pk=pk)
    data = _validated(LegalTransitionIn, request.data)
    obj = services.office_hour_transition(actor=request.user, office_hour=obj, name=data["action"], version=data.get("version"),
                                          reason=data["reason"], people_received=data["people_received"], note=data["note"])
    return Response(OfficeHourSerializer(obj).data)


@extend_schema(summary="坐班预约（?upcoming=1 今后有效的，?mine=1 我的坐班）", responses=BookingSerializer(many=True))
@api_view(["GET"])
def bookings(request):
    return _page(request, selectors.booking_list(user=request.user, filters=request.GET), BookingSerializer)


@extend_schema(summary="在线咨询列表", responses=ConsultationSerializer(many=True))
@api_view(["GET"])
def consultations(request):
    return _page(request, selectors.consultation_list(user=request.user, filters=request.GET), ConsultationSerializer)


@extend_schema(summary="在线咨询详情", responses=ConsultationSerializer)
@api_view(["GET"])
def consultation(request, pk):
    obj = selectors.consultation_get_for_user(user=request.user, pk=pk)
    data = ConsultationSerializer(obj).data
    data["actions"] = [t.name for t in consultation_workflow.available(obj, request.user)]
    return Response(data)


@extend_schema(summary="答复 / 发布 / 撤回：action = answer / publish / unpublish", request=LegalTransitionIn, responses=ConsultationSerializer)
@api_view(["POST"])
def consultation_transition(request, pk):
    obj = selectors.consultation_get_for_user(user=request.user, pk=pk)
    data = _validated(LegalTransitionIn, request.data)
    action, version = data["action"], data.get("version")
    if action == "answer":
        obj = services.consultation_answer(actor=request.user, consultation=obj, answer=data["answer"], version=version)
    elif action == "publish":
        obj = services.consultation_publish(actor=request.user, consultation=obj, version=version,
                                            public_question=data["public_question"], public_answer=data["public_answer"])
    elif action == "unpublish":
        obj = services.consultation_unpublish(actor=request.user, consultation=obj, reason=data["reason"], version=version)
    else:
        consultation_workflow.check(obj, request.user, action)  # raises the Chinese "未知的操作"
    return Response(ConsultationSerializer(obj).data)


def _dispute(user, pk):
    if pk in (None, ""):
        return None
    dispute = selectors.disputes_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if dispute is None:
        raise DomainError("所选纠纷案件不存在或不在您的管辖范围内。", field_errors={"dispute": "不在管辖范围内。"})
    return dispute


def _record_args(user, data):
    return {"node": _node(user, data["node"], "legalservice.record_service"), "advisor": _advisor(user, data["advisor"]),
            "dispute": _dispute(user, data.get("dispute")),
            **{k: data[k] for k in ("kind", "date", "title", "people_served", "hours", "notes")}}


@extend_schema(summary="法律服务记录（GET 列表，POST 登记）", request=LegalServiceRecordIn, responses=ServiceRecordSerializer,
               operation_id="legal_services_list_create")
@api_view(["GET", "POST"])
def service_records(request):
    if request.method == "POST":
        _may(request.user, "legalservice.record_service")
        data = _validated(LegalServiceRecordIn, request.data)
        record = services.service_record_create(actor=request.user, **_record_args(request.user, data))
        return Response(ServiceRecordSerializer(record).data, status=201)
    return _page(request, selectors.service_record_list(user=request.user, filters=request.GET), ServiceRecordSerializer)


@extend_schema(summary="法律服务记录（GET 查看，PUT 修改，需带 version）", request=LegalServiceRecordIn, responses=ServiceRecordSerializer)
@api_view(["GET", "PUT"])
def service_record(request, pk):
    obj = selectors.service_record_get_for_user(user=request.user, pk=pk)
    if request.method == "PUT":
        data = _validated(LegalServiceRecordIn, request.data)
        obj = services.service_record_update(actor=request.user, record=obj, version=data.get("version"), **_record_args(request.user, data))
    out = ServiceRecordSerializer(obj).data
    out["photos"] = [{"uuid": str(f.uuid), "name": f.original_name, "url": f"/files/{f.uuid}/"} for f in files.files_of(obj, "photo")]
    return Response(out)


@extend_schema(summary="上传服务照片（字段名 photo，仅限图片）",
               request={"multipart/form-data": {"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}}}},
               responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def service_record_photo(request, pk):
    files.limit_uploads(request._request)
    obj = selectors.service_record_get_for_user(user=request.user, pk=pk)
    upload = request.FILES.get("photo")
    if getattr(request._request, "upload_too_large", False):
        raise DomainError(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['UPLOAD_MAX_BYTES'])}，未保存。",
                          field_errors={"photo": "文件过大。"})
    if upload is None:
        raise DomainError("请上传照片（字段名 photo）。", field_errors={"photo": "缺少文件。"})
    stored = services.service_record_add_photo(actor=request.user, record=obj, upload=upload)
    return Response({"uuid": str(stored.uuid), "name": stored.original_name}, status=201)


@extend_schema(summary="公共法律服务站（GET 列表，POST 登记）", request=LegalStationIn, responses=StationSerializer)
@api_view(["GET", "POST"])
def stations(request):
    if request.method == "POST":
        _may(request.user, "legalservice.manage")
        data = _validated(LegalStationIn, request.data)
        station = services.station_create(actor=request.user, **(data | {"node": _node(request.user, data["node"], "legalservice.manage")}))
        return Response(StationSerializer(station).data, status=201)
    return _page(request, selectors.station_list(user=request.user, filters=request.GET), StationSerializer)


@extend_schema(summary="民主法治示范村（GET 列表，POST 登记）", request=LegalDemonstrationVillageIn, responses=DemonstrationVillageSerializer)
@api_view(["GET", "POST"])
def demonstration_villages(request):
    if request.method == "POST":
        _may(request.user, "legalservice.manage")
        data = _validated(LegalDemonstrationVillageIn, request.data)
        item = services.demonstration_village_create(actor=request.user, **(data | {"node": _node(request.user, data["node"], "legalservice.manage")}))
        return Response(DemonstrationVillageSerializer(item).data, status=201)
    return _page(request, selectors.demonstration_village_list(user=request.user, filters=request.GET).order_by("-year", "id"),
                 DemonstrationVillageSerializer)


@extend_schema(summary="村居法律顾问覆盖（缺口：advisors 为空的村）", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def coverage(request):
    if not policy.has_perm(request.user, "legalservice.view"):
        raise NotAllowed("您的岗位角色不包含此功能。")
    return Response([{"village": v.pk, "name": v.name, "advisors": [a.pk for a in adv]}
                     for v, adv in selectors.village_coverage(user=request.user)])


# ---- public (no login): residents book, ask and read their answer, with the same services and rate limits ----------

class LegalPublicBookingIn(serializers.Serializer):
    office_hour = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True, max_length=200)
    phone = serializers.CharField(allow_blank=True, max_length=40)
    topic = serializers.CharField(allow_blank=True, max_length=2000)


class LegalPublicAskIn(serializers.Serializer):
    village = serializers.IntegerField()
    asker_name = serializers.CharField(allow_blank=True, max_length=200)
    phone = serializers.CharField(allow_blank=True, max_length=40)
    title = serializers.CharField(allow_blank=True, max_length=500)
    question = serializers.CharField(allow_blank=True, max_length=50000)
    is_anonymous = serializers.BooleanField(required=False, default=False)


class LegalPublicLookupIn(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    phone = serializers.CharField(max_length=40)


def _rate(request, scope, limit):
    if not ratelimit.allow_request(request, scope, limit=limit[0], window=limit[1]):
        return Response({"detail": ratelimit.MESSAGE, "code": "rate_limited"}, status=429)
    return None


@extend_schema(summary="公众：预约坐班（无需登录）", request=LegalPublicBookingIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def public_book(request):
    from .views_public import BOOK_LIMIT

    limited = _rate(request, "legal_book", BOOK_LIMIT)
    if limited:
        return limited
    data = _validated(LegalPublicBookingIn, request.data)
    booking = services.booking_create(office_hour_id=data["office_hour"], name=data["name"], phone=data["phone"], topic=data["topic"])
    slot = booking.office_hour
    return Response({"ok": True, "date": slot.date, "start_time": slot.start_time, "place": slot.place}, status=201)


@extend_schema(summary="公众：在线提问（无需登录），返回查询码", request=LegalPublicAskIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def public_ask(request):
    from .views_public import ASK_LIMIT

    limited = _rate(request, "legal_ask", ASK_LIMIT)
    if limited:
        return limited
    data = _validated(LegalPublicAskIn, request.data)
    village = selectors.public_village(data["village"])
    c = services.consultation_create(village=village, asker_name=data["asker_name"], phone=data["phone"], title=data["title"],
                                     question=data["question"], is_anonymous=data["is_anonymous"])
    return Response({"code": c.code, "due_date": c.due_date}, status=201)


@extend_schema(summary="公众：凭查询码和手机号查看答复（限制猜测次数）", request=LegalPublicLookupIn, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def public_answer(request):
    from .views_public import LOOKUP_LIMIT

    if ratelimit.is_blocked(request, "legal_lookup", limit=LOOKUP_LIMIT[0]):
        return Response({"detail": "查询次数过多，请一小时后再试。", "code": "rate_limited"}, status=429)
    data = _validated(LegalPublicLookupIn, request.data)
    c = selectors.public_consultation_by_code(data["code"], data["phone"])
    if c is None:
        ratelimit.allow_request(request, "legal_lookup", limit=LOOKUP_LIMIT[0], window=LOOKUP_LIMIT[1])
        raise DomainError("查询码或手机号不正确，请核对后再试。")
    return Response({"title": c.title, "question": c.question, "status": c.status, "status_label": c.get_status_display(),
                     "asked_at": c.asked_at, "due_date": c.due_date,
                     "answer": c.answer if c.status == Consultation.Status.ANSWERED else "", "answered_at": c.answered_at})


urlpatterns = [
    path("public/bookings/", public_book, name="api_legalservice_public_book"),
    path("public/consultations/", public_ask, name="api_legalservice_public_ask"),
    path("public/answer/", public_answer, name="api_legalservice_public_answer"),
    path("advisors/", advisors, name="api_legalservice_advisors"),
    path("advisors/<int:pk>/", advisor, name="api_legalservice_advisor"),
    path("coverage/", coverage, name="api_legalservice_coverage"),
    path("office-hours/", office_hours, name="api_legalservice_office_hours"),
    path("office-hours/rules/", office_hour_rules, name="api_legalservice_office_hour_rules"),
    path("office-hours/<int:pk>/", office_hour, name="api_legalservice_office_hour"),
    path("office-hours/<int:pk>/transition/", office_hour_transition, name="api_legalservice_office_hour_transition"),
    path("bookings/", bookings, name="api_legalservice_bookings"),
    path("consultations/", consultations, name="api_legalservice_consultations"),
    path("consultations/<int:pk>/", consultation, name="api_legalservice_consultation"),
    path("consultations/<int:pk>/transition/", consultation_transition, name="api_legalservice_consultation_transition"),
    path("services/", service_records, name="api_legalservice_services"),
    path("services/<int:pk>/", service_record, name="api_legalservice_service"),
    path("services/<int:pk>/photos/", service_record_photo, name="api_legalservice_service_photo"),
    path("stations/", stations, name="api_legalservice_stations"),
    path("demonstration-villages/", demonstration_villages, name="api_legalservice_demonstration_villages"),
]
