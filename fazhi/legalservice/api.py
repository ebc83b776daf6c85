"""JSON API of the legal-services module, on the core endpoint layer: permission per method, objects through the
module's access policies (missing or outside scope → 404, visible but not allowed → 403), input serializers (400),
the same services and selectors as the workbench. Domain errors are answered once, by the core exception handler."""
import datetime

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from fazhi.core import files, ratelimit, validators
from fazhi.core.api_personal import MaskPersonalNumbers
from fazhi.core.endpoints import Endpoint, ModelOut, PublicEndpoint, RecordDetail, RecordEdit, RecordList, Routes, shape
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import Advisor, Booking, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord, Station
from .permissions import MANAGE, RECORD_OFFICE_HOUR, RECORD_SERVICE, VIEW
from .policies import advisor_policy, consultation_policy, office_hour_policy, record_policy
from .views_public import ASK_LIMIT, BOOK_LIMIT, LOOKUP_LIMIT
from .workflow import consultation_workflow, office_hour_workflow

routes = Routes()


def _node(user, pk, perm, field="node"):
    if pk in (None, ""):
        return None
    return validators.clean_node(user, pk, perm=perm, field=field)


# ---- serializers (output) ----------------------------------------------------------------------------------------

class AdvisorSerializer(ModelOut):
    village_ids = serializers.SerializerMethodField()

    class Meta:
        model = Advisor
        fields = ["id", "kind", "kind_label", "name", "law_firm", "licence_number", "phone", "public_phone", "node", "node_name",
                  "village_ids", "user", "how_to_ask", "appointed_on", "is_active", "version"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_village_ids(self, obj):
        return [v.pk for v in obj.villages.all()]


class OfficeHourSerializer(ModelOut):
    booked = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = OfficeHour
        fields = ["id", "node", "node_name", "advisor", "advisor_name", "date", "start_time", "end_time", "place", "capacity",
                  "status", "status_label", "people_received", "note", "booked", "version"]


class BookingSerializer(MaskPersonalNumbers, serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = ["id", "office_hour", "node", "name", "phone", "topic", "status", "created_at"]


class ConsultationSerializer(MaskPersonalNumbers, ModelOut):
    class Meta:
        model = Consultation
        fields = ["id", "node", "advisor", "asker_name", "phone", "is_anonymous", "title", "question", "status", "status_label",
                  "asked_at", "due_date", "answer", "answered_at", "is_published", "public_question", "public_answer", "version"]


class ServiceRecordSerializer(ModelOut):
    class Meta:
        model = ServiceRecord
        fields = ["id", "node", "node_name", "advisor", "kind", "kind_label", "date", "title", "people_served", "hours", "notes",
                  "dispute", "version"]


class OfficeHourDetailSerializer(OfficeHourSerializer):
    """One office hour with the transitions the user may run and its bookings."""

    actions = serializers.SerializerMethodField()
    bookings = serializers.SerializerMethodField()

    class Meta(OfficeHourSerializer.Meta):
        fields = [*OfficeHourSerializer.Meta.fields, "actions", "bookings"]

    def get_actions(self, obj) -> list[str]:
        return [t.name for t in office_hour_workflow.available(obj, self.context["user"])]

    @extend_schema_field(BookingSerializer(many=True))
    def get_bookings(self, obj):
        return BookingSerializer(obj.bookings.all(), many=True).data


class ConsultationDetailSerializer(ConsultationSerializer):
    actions = serializers.SerializerMethodField()

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.name for t in consultation_workflow.available(obj, self.context["user"])]


class ServiceRecordDetailSerializer(ServiceRecordSerializer):
    photos = serializers.SerializerMethodField()

    class Meta(ServiceRecordSerializer.Meta):
        fields = [*ServiceRecordSerializer.Meta.fields, "photos"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, obj):
        return [{"uuid": str(f.uuid), "name": f.original_name, "url": f"/files/{f.uuid}/"}
                for f in files.files_of(obj, "photo")]


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "node", "name", "address", "opening_hours", "opened_on", "is_active"]


class DemonstrationVillageSerializer(ModelOut):
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


LegalOfficeHourIn = shape("LegalOfficeHourIn", node=int, advisor=int, date=datetime.date, start_time=datetime.time,
                          end_time=datetime.time, place=serializers.CharField(max_length=100),
                          capacity=serializers.IntegerField(required=False, default=6))


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

class _Collection(RecordList):
    # GET lists, POST creates through ``service(actor=, **arguments(user, data))`` (a comment, not a docstring:
    # the API description stays the endpoint layer's).
    service = None
    arguments = None

    def create(self, data):
        return type(self).service(actor=self.request.user, **type(self).arguments(self.request.user, data))


class _Record(RecordEdit):
    # GET one record; PUT (with ``version``) changes it through ``edit_service(actor=, <edit_kw>=record, version=,
    # **arguments(user, data))``. Operation ids ``<operation>_get`` / ``<operation>_update`` as the API has had them.
    edit_service = None
    edit_kw = ""
    arguments = None
    operation = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        extend_schema_view(get=extend_schema(operation_id=f"{cls.operation}_get"),
                           put=extend_schema(operation_id=f"{cls.operation}_update"))(cls)

    def edit(self, record, data):
        type(self).edit_service(actor=self.request.user, version=data.get("version"), **{self.edit_kw: record},
                                **type(self).arguments(self.request.user, data))


def _advisor_args(user, data):
    villages = [_node(user, pk, MANAGE, "villages") for pk in data.get("village_ids", [])]
    return {"kind": data["kind"], "name": data["name"], "law_firm": data["law_firm"], "licence_number": data["licence_number"],
            "phone": data.get("phone", ""), "public_phone": data.get("public_phone", ""), "villages": villages,
            "node": _node(user, data.get("node"), MANAGE), "how_to_ask": data.get("how_to_ask", ""),
            "appointed_on": data.get("appointed_on")}


@routes("advisors/", "api_legalservice_advisors")
class Advisors(_Collection):
    perms = {"GET": VIEW, "POST": MANAGE}
    selector, service, arguments = selectors.advisor_list, services.advisor_create, _advisor_args
    row = out = AdvisorSerializer
    create_in = LegalAdvisorIn
    summary, create_summary = "法律顾问名册", "登记法律顾问"


@routes("advisors/<int:pk>/", "api_legalservice_advisor")
class AdvisorDetail(_Record):
    perms = {"GET": VIEW, "PUT": VIEW}
    access, operation = advisor_policy, "legal_advisor"
    out, edit_input = AdvisorSerializer, LegalAdvisorIn
    edit_service, edit_kw = services.advisor_update, "advisor"
    summary, edit_summary = "法律顾问", "修改法律顾问（需带 version）"

    @staticmethod
    def arguments(user, data):
        return _advisor_args(user, data) | {"is_active": data.get("is_active", True)}


def _advisor(user, pk):
    if pk in (None, ""):
        return None
    advisor = selectors.advisors_for(user, VIEW).filter(pk=pk).first() if str(pk).isdigit() else None
    if advisor is None:
        raise DomainError("所选法律顾问不存在或不在您的管辖范围内。", field_errors={"advisor": "不在管辖范围内。"})
    return advisor


@routes("office-hours/", "api_legalservice_office_hours")
class OfficeHours(_Collection):
    perms = {"GET": VIEW, "POST": RECORD_OFFICE_HOUR}
    selector, service = selectors.office_hour_list, services.office_hour_create
    row = out = OfficeHourSerializer
    create_in = LegalOfficeHourIn
    summary, create_summary = "坐班安排", "临时安排一次坐班"

    @staticmethod
    def arguments(user, data):
        return {"node": _node(user, data["node"], RECORD_OFFICE_HOUR), "advisor": _advisor(user, data["advisor"]),
                **{k: data[k] for k in ("date", "start_time", "end_time", "place", "capacity")}}


@routes("office-hours/rules/", "api_legalservice_office_hour_rules")
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


@routes("office-hours/<int:pk>/", "api_legalservice_office_hour")
class OfficeHourDetail(RecordDetail):
    access = office_hour_policy
    out = OfficeHourDetailSerializer
    summary = "坐班详情"


class _Transition(Endpoint):
    # POST {"action": ..., "version": ...}: one workflow action on the record through the module's transition
    # service (``run``); answered with ``out``. The OpenAPI summary comes from ``summary``, derived once, here.
    # (A comment, not a docstring: the API description stays the endpoint layer's.)
    perms = {"POST": VIEW}
    out = None
    summary = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        def post(self, request, pk):
            obj = self.get_object(pk)
            return Response(self.out(self.run(obj, self.validated(LegalTransitionIn))).data)

        cls.post = extend_schema(summary=cls.summary, request=LegalTransitionIn, responses=cls.out)(post)

    def run(self, obj, data):
        raise NotImplementedError


@routes("office-hours/<int:pk>/transition/", "api_legalservice_office_hour_transition")
class OfficeHourTransition(_Transition):
    access = office_hour_policy
    out = OfficeHourSerializer
    summary = "登记坐班情况：action = hold（已坐班）/ miss（未坐班）/ cancel（取消）"

    def run(self, slot, data):
        return services.office_hour_transition(actor=self.request.user, office_hour=slot, name=data["action"],
                                               version=data.get("version"), reason=data["reason"],
                                               people_received=data["people_received"], note=data["note"])


@routes("bookings/", "api_legalservice_bookings")
class Bookings(RecordList):
    perms = {"GET": VIEW}
    selector = selectors.booking_list
    row = BookingSerializer
    summary = "坐班预约（?upcoming=1 今后有效的，?mine=1 我的坐班）"


@routes("consultations/", "api_legalservice_consultations")
class Consultations(RecordList):
    perms = {"GET": VIEW}
    selector = selectors.consultation_list
    row = ConsultationSerializer
    summary = "在线咨询列表"


@routes("consultations/<int:pk>/", "api_legalservice_consultation")
class ConsultationDetail(RecordDetail):
    access = consultation_policy
    out = ConsultationDetailSerializer
    summary = "在线咨询详情"


@routes("consultations/<int:pk>/transition/", "api_legalservice_consultation_transition")
class ConsultationTransition(_Transition):
    access = consultation_policy
    out = ConsultationSerializer
    summary = "答复 / 发布 / 撤回：action = answer / publish / unpublish"

    def run(self, consultation, data):
        return services.consultation_transition(actor=self.request.user, consultation=consultation,
                                                name=data["action"], data=data, version=data.get("version"))


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


@routes("services/", "api_legalservice_services")
class ServiceRecords(_Collection):
    perms = {"GET": VIEW, "POST": RECORD_SERVICE}
    selector, service, arguments = selectors.service_record_list, services.service_record_create, _record_args
    row = out = ServiceRecordSerializer
    create_in = LegalServiceRecordIn
    summary, create_summary = "法律服务记录", "登记法律服务"


@routes("services/<int:pk>/", "api_legalservice_service")
class ServiceRecordDetail(_Record):
    perms = {"GET": VIEW, "PUT": VIEW}
    access, operation, edit_action = record_policy, "legal_service", "record"
    out, edit_input = ServiceRecordDetailSerializer, LegalServiceRecordIn
    edit_service, edit_kw, arguments = services.service_record_update, "record", _record_args
    summary, edit_summary = "法律服务记录", "修改法律服务记录（需带 version）"


@routes("services/<int:pk>/photos/", "api_legalservice_service_photo")
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


def _on_node(user, data):
    """The checked body with its village (``node``) looked up in the user's scope for managing."""
    return data | {"node": _node(user, data["node"], MANAGE)}


@routes("stations/", "api_legalservice_stations")
class Stations(_Collection):
    perms = {"GET": VIEW, "POST": MANAGE}
    selector, service, arguments = selectors.station_list, services.station_create, _on_node
    row = out = StationSerializer
    create_in = LegalStationIn
    summary, create_summary = "公共法律服务站", "登记公共法律服务站"


@routes("demonstration-villages/", "api_legalservice_demonstration_villages")
class DemonstrationVillages(Stations):
    service = services.demonstration_village_create
    row = out = DemonstrationVillageSerializer
    create_in = LegalDemonstrationVillageIn
    summary, create_summary = "民主法治示范村", "登记民主法治示范村"

    @staticmethod
    def selector(*, user, filters):
        return selectors.demonstration_village_list(user=user, filters=filters).order_by("-year", "id")


@routes("coverage/", "api_legalservice_coverage")
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


@routes("public/bookings/", "api_legalservice_public_book")
class PublicBook(_Public):
    rate_limit = ("legal_book", *BOOK_LIMIT)

    @extend_schema(summary="公众：预约坐班（无需登录）", request=LegalPublicBookingIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.validated(LegalPublicBookingIn)
        booking = services.booking_create(office_hour_id=data["office_hour"], name=data["name"], phone=data["phone"],
                                          topic=data["topic"])
        slot = booking.office_hour
        return Response({"ok": True, "date": slot.date, "start_time": slot.start_time, "place": slot.place}, status=201)


@routes("public/consultations/", "api_legalservice_public_ask")
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


@routes("public/answer/", "api_legalservice_public_answer")
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


urlpatterns = routes.urlpatterns
