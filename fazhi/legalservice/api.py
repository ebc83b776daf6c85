"""JSON API of the legal-services module, on the core endpoint layer: permission per method, objects through the
module's access policies (missing or outside scope → 404, visible but not allowed → 403), input serializers (400),
the same services and selectors as the workbench. Domain errors are answered once, by the core exception handler."""
from django.conf import settings
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from fazhi.core import files, ratelimit, validators
from fazhi.core.api_personal import MaskPersonalNumbers
from fazhi.core.endpoints import Endpoint, PublicEndpoint
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import Advisor, Booking, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord, Station
from .policies import advisor_policy, consultation_policy, office_hour_policy, record_policy
from .views_public import ASK_LIMIT, BOOK_LIMIT, LOOKUP_LIMIT
from .workflow import consultation_workflow, office_hour_workflow

VIEW = "legalservice.view"
MANAGE = "legalservice.manage"
RECORD_SERVICE = "legalservice.record_service"
RECORD_OFFICE_HOUR = "legalservice.record_office_hour"


def _node(user, pk, perm, field="node"):
    if pk in (None, ""):
        return None
    return validators.clean_node(user, pk, perm=perm, field=field)


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


class BookingSerializer(MaskPersonalNumbers, serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = ["id", "office_hour", "node", "name", "phone", "topic", "status", "created_at"]


class ConsultationSerializer(MaskPersonalNumbers, serializers.ModelSerializer):
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
    villages = [_node(user, pk, MANAGE, "villages") for pk in data.get("village_ids", [])]
    return {"kind": data["kind"], "name": data["name"], "law_firm": data["law_firm"], "licence_number": data["licence_number"],
            "phone": data.get("phone", ""), "public_phone": data.get("public_phone", ""), "villages": villages,
            "node": _node(user, data.get("node"), MANAGE), "how_to_ask": data.get("how_to_ask", ""),
            "appointed_on": data.get("appointed_on")}


class Advisors(Endpoint):
    perms = {"GET": VIEW, "POST": MANAGE}

    @extend_schema(summary="法律顾问名册", responses=AdvisorSerializer(many=True), operation_id="legal_advisors_list")
    def get(self, request):
        return self.page(selectors.advisor_list(user=request.user, filters=request.GET), AdvisorSerializer)

    @extend_schema(summary="登记法律顾问", request=LegalAdvisorIn, responses={201: AdvisorSerializer},
                   operation_id="legal_advisors_create")
    def post(self, request):
        data = self.validated(LegalAdvisorIn)
        advisor = services.advisor_create(actor=request.user, **_advisor_args(request.user, data))
        return Response(AdvisorSerializer(advisor).data, status=201)


class AdvisorDetail(Endpoint):
    perms = {"GET": VIEW, "PUT": VIEW}
    access = advisor_policy

    @extend_schema(summary="法律顾问", responses=AdvisorSerializer, operation_id="legal_advisor_get")
    def get(self, request, pk):
        return Response(AdvisorSerializer(self.get_object(pk)).data)

    @extend_schema(summary="修改法律顾问（需带 version）", request=LegalAdvisorIn, responses=AdvisorSerializer,
                   operation_id="legal_advisor_update")
    def put(self, request, pk):
        obj = self.get_object(pk, "manage")
        data = self.validated(LegalAdvisorIn)
        obj = services.advisor_update(actor=request.user, advisor=obj, version=data.get("version"),
                                      is_active=data.get("is_active", True), **_advisor_args(request.user, data))
        return Response(AdvisorSerializer(obj).data)


def _advisor(user, pk):
    if pk in (None, ""):
        return None
    advisor = selectors.advisors_for(user, VIEW).filter(pk=pk).first() if str(pk).isdigit() else None
    if advisor is None:
        raise DomainError("所选法律顾问不存在或不在您的管辖范围内。", field_errors={"advisor": "不在管辖范围内。"})
    return advisor


class OfficeHours(Endpoint):
    perms = {"GET": VIEW, "POST": RECORD_OFFICE_HOUR}

    @extend_schema(summary="坐班安排", responses=OfficeHourSerializer(many=True), operation_id="legal_office_hours_list")
    def get(self, request):
        return self.page(selectors.office_hour_list(user=request.user, filters=request.GET), OfficeHourSerializer)

    @extend_schema(summary="临时安排一次坐班", request=LegalOfficeHourIn, responses={201: OfficeHourSerializer},
                   operation_id="legal_office_hours_create")
    def post(self, request):
        data = self.validated(LegalOfficeHourIn)
        slot = services.office_hour_create(
            actor=request.user, node=_node(request.user, data["node"], RECORD_OFFICE_HOUR),
            advisor=_advisor(request.user, data["advisor"]),
            **{k: data[k] for k in ("date", "start_time", "end_time", "place", "capacity")})
        return Response(OfficeHourSerializer(slot).data, status=201)


class OfficeHourRules(Endpoint):
    perms = {"POST": MANAGE}

    @extend_schema(summary="制定每月定期坐班规则并生成坐班安排", request=LegalRuleIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.validated(LegalRuleIn)
        rule = services.office_hour_rule_create(
            actor=request.user, node=_node(request.user, data["node"], MANAGE), advisor=_advisor(request.user, data["advisor"]),
            **{k: data[k] for k in ("week_of_month", "weekday", "start_time", "end_time", "place", "capacity", "months")},
            generate_from=data.get("generate_from"))
        return Response({"id": rule.pk, "rule": str(rule), "generated": rule.slots.count()}, status=201)


class OfficeHourDetail(Endpoint):
    perms = {"GET": VIEW}
    access = office_hour_policy

    @extend_schema(summary="坐班详情", responses=OfficeHourSerializer)
    def get(self, request, pk):
        obj = self.get_object(pk)
        data = OfficeHourSerializer(obj).data
        data["actions"] = [t.name for t in office_hour_workflow.available(obj, request.user)]
        data["bookings"] = BookingSerializer(obj.bookings.all(), many=True).data
        return Response(data)


class OfficeHourTransition(Endpoint):
    perms = {"POST": VIEW}
    access = office_hour_policy

    @extend_schema(summary="登记坐班情况：action = hold（已坐班）/ miss（未坐班）/ cancel（取消）",
                   request=LegalTransitionIn, responses=OfficeHourSerializer)
    def post(self, request, pk):
        obj = self.get_object(pk)
        data = self.validated(LegalTransitionIn)
        obj = services.office_hour_transition(actor=request.user, office_hour=obj, name=data["action"],
                                              version=data.get("version"), reason=data["reason"],
                                              people_received=data["people_received"], note=data["note"])
        return Response(OfficeHourSerializer(obj).data)


class Bookings(Endpoint):
    perms = {"GET": VIEW}

    @extend_schema(summary="坐班预约（?upcoming=1 今后有效的，?mine=1 我的坐班）", responses=BookingSerializer(many=True))
    def get(self, request):
        return self.page(selectors.booking_list(user=request.user, filters=request.GET), BookingSerializer)


class Consultations(Endpoint):
    perms = {"GET": VIEW}

    @extend_schema(summary="在线咨询列表", responses=ConsultationSerializer(many=True))
    def get(self, request):
        return self.page(selectors.consultation_list(user=request.user, filters=request.GET), ConsultationSerializer)


class ConsultationDetail(Endpoint):
    perms = {"GET": VIEW}
    access = consultation_policy

    @extend_schema(summary="在线咨询详情", responses=ConsultationSerializer)
    def get(self, request, pk):
        obj = self.get_object(pk)
        data = ConsultationSerializer(obj).data
        data["actions"] = [t.name for t in consultation_workflow.available(obj, request.user)]
        return Response(data)


class ConsultationTransition(Endpoint):
    perms = {"POST": VIEW}
    access = consultation_policy

    @extend_schema(summary="答复 / 发布 / 撤回：action = answer / publish / unpublish", request=LegalTransitionIn,
                   responses=ConsultationSerializer)
    def post(self, request, pk):
        obj = self.get_object(pk)
        data = self.validated(LegalTransitionIn)
        obj = services.consultation_transition(actor=request.user, consultation=obj, name=data["action"], data=data,
                                               version=data.get("version"))
        return Response(ConsultationSerializer(obj).data)


def _dispute(user, pk):
    if pk in (None, ""):
        return None
    dispute = selectors.disputes_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if dispute is None:
        raise DomainError("所选纠纷案件不存在或不在您的管辖范围内。", field_errors={"dispute": "不在管辖范围内。"})
    return dispute


def _record_args(user, data):
    return {"node": _node(user, data["node"], RECORD_SERVICE), "advisor": _advisor(user, data["advisor"]),
            "dispute": _dispute(user, data.get("dispute")),
            **{k: data[k] for k in ("kind", "date", "title", "people_served", "hours", "notes")}}


class ServiceRecords(Endpoint):
    perms = {"GET": VIEW, "POST": RECORD_SERVICE}

    @extend_schema(summary="法律服务记录", responses=ServiceRecordSerializer(many=True), operation_id="legal_services_list")
    def get(self, request):
        return self.page(selectors.service_record_list(user=request.user, filters=request.GET), ServiceRecordSerializer)

    @extend_schema(summary="登记法律服务", request=LegalServiceRecordIn, responses={201: ServiceRecordSerializer},
                   operation_id="legal_services_create")
    def post(self, request):
        data = self.validated(LegalServiceRecordIn)
        record = services.service_record_create(actor=request.user, **_record_args(request.user, data))
        return Response(ServiceRecordSerializer(record).data, status=201)


class ServiceRecordDetail(Endpoint):
    perms = {"GET": VIEW, "PUT": VIEW}
    access = record_policy

    def _out(self, obj):
        out = ServiceRecordSerializer(obj).data
        out["photos"] = [{"uuid": str(f.uuid), "name": f.original_name, "url": f"/files/{f.uuid}/"}
                         for f in files.files_of(obj, "photo")]
        return Response(out)

    @extend_schema(summary="法律服务记录", responses=ServiceRecordSerializer, operation_id="legal_service_get")
    def get(self, request, pk):
        return self._out(self.get_object(pk))

    @extend_schema(summary="修改法律服务记录（需带 version）", request=LegalServiceRecordIn, responses=ServiceRecordSerializer,
                   operation_id="legal_service_update")
    def put(self, request, pk):
        obj = self.get_object(pk, "record")
        data = self.validated(LegalServiceRecordIn)
        obj = services.service_record_update(actor=request.user, record=obj, version=data.get("version"),
                                             **_record_args(request.user, data))
        return self._out(obj)


class ServiceRecordPhoto(Endpoint):
    perms = {"POST": VIEW}
    access = record_policy
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        files.limit_uploads(request)
        super().initial(request, *args, **kwargs)

    @extend_schema(summary="上传服务照片（字段名 photo，仅限图片）",
                   request={"multipart/form-data": {"type": "object",
                                                    "properties": {"photo": {"type": "string", "format": "binary"}}}},
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        obj = self.get_object(pk, "record")
        upload = request.FILES.get("photo")
        if getattr(request._request, "upload_too_large", False):
            raise DomainError(f"上传的文件超过大小上限 {files.human_size(settings.FAZHI['UPLOAD_MAX_BYTES'])}，未保存。",
                              field_errors={"photo": "文件过大。"})
        if upload is None:
            raise DomainError("请上传照片（字段名 photo）。", field_errors={"photo": "缺少文件。"})
        stored = services.service_record_add_photo(actor=request.user, record=obj, upload=upload)
        return Response({"uuid": str(stored.uuid), "name": stored.original_name}, status=201)


class Stations(Endpoint):
    perms = {"GET": VIEW, "POST": MANAGE}

    @extend_schema(summary="公共法律服务站", responses=StationSerializer(many=True), operation_id="legal_stations_list")
    def get(self, request):
        return self.page(selectors.station_list(user=request.user, filters=request.GET), StationSerializer)

    @extend_schema(summary="登记公共法律服务站", request=LegalStationIn, responses={201: StationSerializer},
                   operation_id="legal_stations_create")
    def post(self, request):
        data = self.validated(LegalStationIn)
        station = services.station_create(actor=request.user, **(data | {"node": _node(request.user, data["node"], MANAGE)}))
        return Response(StationSerializer(station).data, status=201)


class DemonstrationVillages(Endpoint):
    perms = {"GET": VIEW, "POST": MANAGE}

    @extend_schema(summary="民主法治示范村", responses=DemonstrationVillageSerializer(many=True),
                   operation_id="legal_demonstration_villages_list")
    def get(self, request):
        qs = selectors.demonstration_village_list(user=request.user, filters=request.GET).order_by("-year", "id")
        return self.page(qs, DemonstrationVillageSerializer)

    @extend_schema(summary="登记民主法治示范村", request=LegalDemonstrationVillageIn,
                   responses={201: DemonstrationVillageSerializer}, operation_id="legal_demonstration_villages_create")
    def post(self, request):
        data = self.validated(LegalDemonstrationVillageIn)
        item = services.demonstration_village_create(
            actor=request.user, **(data | {"node": _node(request.user, data["node"], MANAGE)}))
        return Response(DemonstrationVillageSerializer(item).data, status=201)


class Coverage(Endpoint):
    perms = {"GET": VIEW}

    @extend_schema(summary="村居法律顾问覆盖（缺口：advisors 为空的村）", responses=OpenApiTypes.OBJECT)
    def get(self, request):
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


class _Public(PublicEndpoint):
    authentication_classes = []  # residents: no session, no CSRF


class PublicBook(_Public):
    rate_limit = ("legal_book", *BOOK_LIMIT)

    @extend_schema(summary="公众：预约坐班（无需登录）", request=LegalPublicBookingIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.validated(LegalPublicBookingIn)
        booking = services.booking_create(office_hour_id=data["office_hour"], name=data["name"], phone=data["phone"],
                                          topic=data["topic"])
        slot = booking.office_hour
        return Response({"ok": True, "date": slot.date, "start_time": slot.start_time, "place": slot.place}, status=201)


class PublicAsk(_Public):
    rate_limit = ("legal_ask", *ASK_LIMIT)

    @extend_schema(summary="公众：在线提问（无需登录），返回查询码", request=LegalPublicAskIn,
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.validated(LegalPublicAskIn)
        village = selectors.public_village(data["village"])
        c = services.consultation_create(village=village, asker_name=data["asker_name"], phone=data["phone"],
                                         title=data["title"], question=data["question"], is_anonymous=data["is_anonymous"])
        return Response({"code": c.code, "due_date": c.due_date}, status=201)


class PublicAnswer(_Public):
    @extend_schema(summary="公众：凭查询码和手机号查看答复（限制猜测次数）", request=LegalPublicLookupIn,
                   responses=OpenApiTypes.OBJECT)
    def post(self, request):
        if ratelimit.is_blocked(request, "legal_lookup", limit=LOOKUP_LIMIT[0]):
            return Response({"detail": "查询次数过多，请一小时后再试。", "code": "rate_limited"}, status=429)
        data = self.validated(LegalPublicLookupIn)
        c = selectors.public_consultation_by_code(data["code"], data["phone"])
        if c is None:
            ratelimit.allow_request(request, "legal_lookup", limit=LOOKUP_LIMIT[0], window=LOOKUP_LIMIT[1])
            raise DomainError("查询码或手机号不正确，请核对后再试。")
        return Response({"title": c.title, "question": c.question, "status": c.status,
                         "status_label": c.get_status_display(), "asked_at": c.asked_at, "due_date": c.due_date,
                         "answer": c.answer if c.status == Consultation.Status.ANSWERED else "",
                         "answered_at": c.answered_at})


urlpatterns = [
    path("public/bookings/", PublicBook.as_view(), name="api_legalservice_public_book"),
    path("public/consultations/", PublicAsk.as_view(), name="api_legalservice_public_ask"),
    path("public/answer/", PublicAnswer.as_view(), name="api_legalservice_public_answer"),
    path("advisors/", Advisors.as_view(), name="api_legalservice_advisors"),
    path("advisors/<int:pk>/", AdvisorDetail.as_view(), name="api_legalservice_advisor"),
    path("coverage/", Coverage.as_view(), name="api_legalservice_coverage"),
    path("office-hours/", OfficeHours.as_view(), name="api_legalservice_office_hours"),
    path("office-hours/rules/", OfficeHourRules.as_view(), name="api_legalservice_office_hour_rules"),
    path("office-hours/<int:pk>/", OfficeHourDetail.as_view(), name="api_legalservice_office_hour"),
    path("office-hours/<int:pk>/transition/", OfficeHourTransition.as_view(), name="api_legalservice_office_hour_transition"),
    path("bookings/", Bookings.as_view(), name="api_legalservice_bookings"),
    path("consultations/", Consultations.as_view(), name="api_legalservice_consultations"),
    path("consultations/<int:pk>/", ConsultationDetail.as_view(), name="api_legalservice_consultation"),
    path("consultations/<int:pk>/transition/", ConsultationTransition.as_view(),
         name="api_legalservice_consultation_transition"),
    path("services/", ServiceRecords.as_view(), name="api_legalservice_services"),
    path("services/<int:pk>/", ServiceRecordDetail.as_view(), name="api_legalservice_service"),
    path("services/<int:pk>/photos/", ServiceRecordPhoto.as_view(), name="api_legalservice_service_photo"),
    path("stations/", Stations.as_view(), name="api_legalservice_stations"),
    path("demonstration-villages/", DemonstrationVillages.as_view(), name="api_legalservice_demonstration_villages"),
]
