"""JSON API of the publicity module, on core's gate (``fazhi.core.endpoints``): each endpoint declares the permission
per HTTP method and the access policy that looks its record up; input serializers only shape the body (lists, nested
JSON and wrong types are a Chinese 400 before any service runs); the same scoped selectors and services as the
workbench. Errors come back as {"detail": Chinese message, "errors": {field: message}} with 400/403/404/409.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from fazhi.core import files, policy
from fazhi.core.endpoints import Endpoint, ModelOut, RecordDetail, RecordEdit, RecordList, Routes
from fazhi.core.errors import DomainError, NotFound

from . import policies, selectors, services
from .models import Campaign, Event, Leader, LeaderTraining, Site, StaffTraining, StudySession
from .workflow import EVENT_WORKFLOW

routes = Routes()

VIEW = "publicity.view"
MANAGE = "publicity.manage"
RECORD = "publicity.record_event"
INT_ERRORS = {"invalid": "应为整数。", "max_string_length": "数字过长。"}

# ---- output shapes ---------------------------------------------------------------------------------------------

class EventSerializer(ModelOut):
    organiser = serializers.CharField()  # the unit's name, or the text typed in (a property)
    key_date_name = serializers.CharField(source="key_date.name", default="")
    people_reached = serializers.IntegerField(source="reached")

    class Meta:
        model = Event
        fields = ["id", "title", "date", "place", "node", "node_name", "organiser", "target", "target_label", "key_date",
                  "key_date_name", "campaign", "status", "status_label", "materials", "slogans", "online_reach",
                  "people_reached", "record_due", "version"]


class CampaignSerializer(ModelOut):
    class Meta:
        model = Campaign
        fields = ["id", "name", "node", "key_date", "start_date", "end_date", "theme"]


class SiteSerializer(ModelOut):
    investment = serializers.CharField()

    class Meta:
        model = Site
        fields = ["id", "name", "node", "node_name", "kind", "theme", "address", "investment", "established_on",
                  "population_served", "description", "version"]


class LeaderSerializer(ModelOut):
    class Meta:
        model = Leader
        fields = ["id", "name", "kind", "kind_label", "node", "node_name", "gender", "position", "phone", "registered_on",
                  "is_active", "removed_on"]


class LeaderTrainingSerializer(ModelOut):
    hours = serializers.CharField()
    attendee_count = serializers.IntegerField(default=None)

    class Meta:
        model = LeaderTraining
        fields = ["id", "date", "topic", "mode", "trainer", "hours", "node", "node_name", "attendee_count"]


class StudySerializer(ModelOut):
    class Meta:
        model = StudySession
        fields = ["id", "kind", "kind_label", "date", "topic", "speaker", "place", "node", "attendee_names"]


class StaffTrainingSerializer(ModelOut):
    class Meta:
        model = StaffTraining
        fields = ["id", "kind", "kind_label", "date", "title", "organiser", "node"]


class EventDetailOut(EventSerializer):
    """One event as its page shows it: reach per group, content, photos and the actions the user may take."""

    reach = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "reach", "content", "photos", "actions"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_reach(self, event):
        return {r.group.code: r.people for r in selectors.event_reach(event)}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_photos(self, event):
        return [{"name": f.original_name, "url": f"/files/{f.uuid}/"} for f in files.files_of(event, purpose="photo")]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_actions(self, event):
        return [{"name": t.name, "label": t.label} for t in EVENT_WORKFLOW.available(event, self.context["user"])]


class LeaderDetailOut(LeaderSerializer):
    trainings = serializers.SerializerMethodField()

    class Meta(LeaderSerializer.Meta):
        fields = [*LeaderSerializer.Meta.fields, "trainings"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_trainings(self, leader):
        return [{"id": t.pk, "date": t.date, "topic": t.topic} for t in leader.trainings.order_by("-date")]


class LeaderTrainingDetailOut(LeaderTrainingSerializer):
    attendee_count = None
    attendees = serializers.SerializerMethodField()

    class Meta(LeaderTrainingSerializer.Meta):
        fields = [*(f for f in LeaderTrainingSerializer.Meta.fields if f != "attendee_count"), "attendees"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_attendees(self, t):
        return [{"id": a.pk, "name": a.name, "node_name": a.node.name} for a in t.attendees.select_related("node")]


class StudyDetailOut(StudySerializer):
    attendees = serializers.SerializerMethodField()

    class Meta(StudySerializer.Meta):
        fields = [*StudySerializer.Meta.fields, "attendees", "summary"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_attendees(self, s):
        return [{"id": u.pk, "name": u.display_name} for u in s.attendees.all()]


class StaffTrainingDetailOut(StaffTrainingSerializer):
    attendance = serializers.SerializerMethodField()

    class Meta(StaffTrainingSerializer.Meta):
        fields = [*StaffTrainingSerializer.Meta.fields, "attendance"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_attendance(self, t):
        return [{"user": a.user_id, "name": a.user.display_name, "hours": str(a.hours), "result": a.result,
                 "certificate_no": a.certificate_no} for a in t.attendance.select_related("user")]


# ---- input shapes (services validate the values; these only refuse wrong types and shapes) ------------------------

def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=2_147_483_647, error_messages=INT_ERRORS, **kwargs)


def _opt_id():
    return _id(required=False, allow_null=True, default=None)


def _text(**kwargs):
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", "")
    return serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


def _number():
    return serializers.IntegerField(required=False, allow_null=True, default=None, error_messages=INT_ERRORS)


class NodeIn(serializers.Serializer):
    node = _opt_id()


class EventIn(NodeIn):
    title = _text()
    date = _text()
    place = _text()
    target = _text()
    organiser_unit = _opt_id()
    organiser_text = _text()
    key_date = _opt_id()
    campaign = _opt_id()
    content = _text()
    materials = _number()
    slogans = _number()
    online_reach = _number()
    reach = serializers.DictField(child=serializers.IntegerField(error_messages=INT_ERRORS), required=False, default=dict)


class EventUpdateIn(EventIn):
    version = _number()


class EventTransitionIn(serializers.Serializer):
    name = serializers.ChoiceField(choices=[(t.name, t.label) for t in EVENT_WORKFLOW.transitions.values()],
                                   error_messages={"invalid_choice": "未知的操作。"})
    version = _number()
    reason = _text()
    materials = _number()
    slogans = _number()
    online_reach = _number()
    reach = serializers.DictField(child=serializers.IntegerField(error_messages=INT_ERRORS), required=False, default=dict)


class PhotoIn(serializers.Serializer):
    file = serializers.FileField()


def _shape(name, texts, *, base=NodeIn, optional=False, **fields):
    """An input serializer: the text fields named in ``texts`` (space-separated) plus ``fields``. ``optional``: a field
    left out of the body stays out of the data (a partial update keeps the record's value)."""
    default = serializers.empty if optional else ""
    return type(name, (base,), {n: _text(default=default) for n in texts.split()} | fields)


def _attendees():
    return serializers.ListField(child=_id(), required=False, default=list, max_length=5000)


CampaignIn = _shape("CampaignIn", "name start_date end_date theme", key_date=_opt_id())
SITE_TEXTS = "name kind established_on investment theme address description"
SiteIn = _shape("SiteIn", SITE_TEXTS, population_served=_number())
SiteUpdateIn = _shape("SiteUpdateIn", SITE_TEXTS, base=serializers.Serializer, optional=True, version=_number(),
                      population_served=serializers.IntegerField(required=False, allow_null=True, error_messages=INT_ERRORS))
LeaderIn = _shape("LeaderIn", "name kind registered_on gender position phone")
LeaderUpdateIn = _shape("LeaderUpdateIn", "name kind gender position phone", base=serializers.Serializer, optional=True,
                        is_active=serializers.BooleanField(required=False))
LeaderTrainingIn = _shape("LeaderTrainingIn", "date topic trainer hours", mode=_text(default="offline"),
                          attendees=_attendees())
StudyIn = _shape("StudyIn", "kind date topic speaker attendee_names place summary", attendees=_attendees())


class AttendanceIn(serializers.Serializer):
    user = _id()
    hours = _text()
    result = _text()
    certificate_no = _text()


class StaffTrainingIn(NodeIn):
    kind = _text(default="training")
    date = _text()
    title = _text()
    organiser = _text()
    attendance = AttendanceIn(many=True, required=False, default=list)


def _pick(qs, pk, *, field, label):
    """The row ``pk`` among ``qs`` (a scoped selector), or None for no choice; a Chinese 400 when it is not there."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise DomainError(f"{label}不存在。", field_errors={field: f"{label}不存在。"})
    return found


def _all_of(qs, ids, *, message, field_message, field="attendees"):
    """Every row ``ids`` names among ``qs`` (a scoped selector); a Chinese 400 when one of them is not there."""
    ids = set(ids)
    rows = list(qs.filter(pk__in=ids))
    if len(rows) != len(ids):
        raise DomainError(message, field_errors={field: field_message})
    return rows


def _node(user, pk):
    """The node a record is written in: the given one inside the user's scope (else 404), or the user's home node."""
    if pk is None:
        node = policy.user_home_node(user)
        if node is None:
            raise DomainError("请选择所属组织。", field_errors={"node": "请选择所属组织。"})
        return node
    node = policy.scoped_nodes(user, VIEW).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def _event_kwargs(user, node, data: dict) -> dict:
    return dict(
        title=data["title"], date=data["date"], place=data["place"], target=data["target"],
        organiser_unit=_pick(selectors.units_for_node(node), data["organiser_unit"], field="organiser_unit", label="组织单位"),
        organiser_text=data["organiser_text"],
        key_date=_pick(selectors.key_dates_all(), data["key_date"], field="key_date", label="宣传节点"),
        campaign=_pick(selectors.campaign_list(user=user), data["campaign"], field="campaign", label="专项活动"),
        content=data["content"], materials=data["materials"], slogans=data["slogans"],
        online_reach=data["online_reach"], reach=data["reach"])


# ---- events ---------------------------------------------------------------------------------------------------

class EventScope:
    """Events are looked up with their ``reached`` total annotated."""

    access = policies.event_policy

    def get_object(self, pk, action="view", **lookup):
        return super().get_object(pk, action, queryset=selectors.events_with_reach(self.request.user), **lookup)


@routes("events/", "api_publicity_events")
class EventsEndpoint(EventScope, RecordList):
    create_action = "record"
    selector, row, create_in, out = selectors.event_list, EventSerializer, EventIn, EventDetailOut
    summary = "普法宣传活动：列表（按年份/对象/节点/状态筛选）"
    create_summary = "登记普法宣传活动（可附 photos）"

    def create(self, data):
        user = self.request.user
        node = _node(user, data.pop("node"))
        photos = self.request.FILES.getlist("photos") if hasattr(self.request, "FILES") else []
        event = services.event_create(actor=user, node=node, photos=photos, **_event_kwargs(user, node, data))
        return self.get_object(event.pk)


@routes("events/<int:pk>/", "api_publicity_event")
class EventEndpoint(EventScope, RecordEdit):
    out, summary, edit_input, edit_action = EventDetailOut, "普法宣传活动详情", EventUpdateIn, "record"
    edit_summary = "修改普法宣传活动（需带 version，他人已修改时返回409）"

    def edit(self, event, data):
        data.pop("node")
        services.event_update(actor=self.request.user, event=event, expected_version=data.pop("version"),
                              **_event_kwargs(self.request.user, event.node, data))


@routes("events/<int:pk>/transition/", "api_publicity_event_transition")
class EventTransitionEndpoint(EventScope, Endpoint):
    perms = {"POST": RECORD}

    @extend_schema(summary="活动状态操作：record 登记开展情况（materials/slogans/online_reach/reach）、cancel 取消（reason）",
                   request=EventTransitionIn, responses=EventDetailOut)
    def post(self, request, pk):
        event = self.get_object(pk)
        data = self.validated(EventTransitionIn)
        results = {k: data[k] for k in ("materials", "slogans", "online_reach", "reach")} if data["name"] == "record" else {}
        services.event_transition(actor=request.user, event=event, name=data["name"], expected_version=data["version"],
                                  reason=data["reason"] or "", **results)
        return Response(EventDetailOut(self.get_object(pk), context={"user": request.user}).data)


@routes("events/<int:pk>/photos/", "api_publicity_event_photo")
class EventPhotoEndpoint(EventScope, Endpoint):
    perms = {"POST": RECORD}

    @extend_schema(summary="上传活动照片（multipart，字段 file，仅限图片）", request=PhotoIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        try:
            files.limit_uploads(request._request)
        except AttributeError:
            pass  # session auth's CSRF check already read the body; store_upload still enforces the size limit
        event = self.get_object(pk, "record")
        stored = services.event_add_photo(actor=request.user, event=event, upload=request.FILES.get("file"))
        return Response({"name": stored.original_name, "url": f"/files/{stored.uuid}/"}, status=201)


@routes("calendar/", "api_publicity_calendar")
class CalendarEndpoint(Endpoint):
    perms = {"GET": VIEW}

    @extend_schema(summary="宣传节点日历：未来60天与过去一年的节点及已安排活动", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        data = selectors.calendar_for_user(request.user)

        def occ(o):
            return {"key_date": o.key_date.pk, "name": o.key_date.name, "theme": o.key_date.theme, "start": o.start,
                    "end": o.end, "events": [{"id": e.pk, "title": e.title, "date": e.date, "status": e.status,
                                              "node_name": e.node.name} for e in o.events]}

        return Response({"today": data["today"], "coming": [occ(o) for o in data["coming"]],
                         "past": [occ(o) for o in data["past"]],
                         "missing_lunar": [{"key_date": kd.name, "year": y} for kd, y in data["missing_lunar"]]})


@routes("reference/", "api_publicity_reference")
class ReferenceEndpoint(Endpoint):
    @extend_schema(summary="宣传节点与宣传对象群体（数据字典）", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({
            "key_dates": [{"id": k.pk, "code": k.code, "name": k.name, "theme": k.theme, "when": k.when_label,
                           "suggested_target": k.suggested_target} for k in selectors.key_dates()],
            "audience_groups": [{"id": g.pk, "code": g.code, "name": g.name} for g in selectors.audience_groups()],
        })


@routes("campaigns/", "api_publicity_campaigns")
class CampaignsEndpoint(RecordList):
    perms = {"GET": VIEW, "POST": MANAGE}
    selector, row, create_in, out = selectors.campaign_list, CampaignSerializer, CampaignIn, CampaignSerializer
    summary, create_summary = "专项宣传活动：列表", "创建专项宣传活动"

    def create(self, data):
        return services.campaign_create(
            actor=self.request.user, node=_node(self.request.user, data["node"]), name=data["name"],
            start_date=data["start_date"], end_date=data["end_date"], theme=data["theme"],
            key_date=_pick(selectors.key_dates_all(), data["key_date"], field="key_date", label="宣传节点"))


class NodeRecords(RecordList):
    """A list whose POST writes the body with ``service(actor=, node=, **data)``; with ``candidates(user, node)`` the
    body's ``attendees`` ids must all be among them (else ``refused``: message, field message)."""

    service = candidates = None
    refused = ("", "")

    def create(self, data):
        user = self.request.user
        node = _node(user, data.pop("node"))
        if self.candidates is not None:
            message, field_message = self.refused
            data["attendees"] = _all_of(type(self).candidates(user, node), data["attendees"], message=message,
                                        field_message=field_message)
        return type(self).service(actor=user, node=node, **data)


# ---- sites ----------------------------------------------------------------------------------------------------

@routes("sites/", "api_publicity_sites")
class SitesEndpoint(NodeRecords):
    access = policies.site_policy
    selector, row, create_in, out, service = selectors.site_list, SiteSerializer, SiteIn, SiteSerializer, services.site_create
    summary, create_summary = "普法阵地：列表", "登记普法阵地"


@routes("sites/<int:pk>/", "api_publicity_site")
class SiteEndpoint(RecordEdit):
    access = policies.site_policy
    out, summary, edit_input, edit_summary = SiteSerializer, "普法阵地详情", SiteUpdateIn, "修改普法阵地（需带 version）"

    def edit(self, site, data):
        services.site_update(actor=self.request.user, site=site, expected_version=data.pop("version"), **data)


# ---- 法治带头人/法律明白人 and their trainings -------------------------------------------------------------------

@routes("leaders/", "api_publicity_leaders")
class LeadersEndpoint(NodeRecords):
    access = policies.leader_policy
    selector, row, create_in, out, service = selectors.leader_list, LeaderSerializer, LeaderIn, LeaderSerializer, services.leader_create
    summary, create_summary = "法治带头人、法律明白人名册：列表", "登记法治带头人、法律明白人"


@routes("leaders/<int:pk>/", "api_publicity_leader")
class LeaderEndpoint(RecordEdit):
    access = policies.leader_policy
    out, summary = LeaderDetailOut, "法治带头人、法律明白人详情（含培训记录）"
    edit_input, edit_summary = LeaderUpdateIn, "修改或移出名册（is_active=false）"

    def edit(self, leader, data):
        current = {f: getattr(leader, f) for f in ("name", "kind", "gender", "position", "phone", "is_active")}
        services.leader_update(actor=self.request.user, leader=leader, **(current | data))


@routes("leader-trainings/", "api_publicity_leader_trainings")
class LeaderTrainingsEndpoint(NodeRecords):
    access = policies.leader_training_policy
    selector, row, create_in, out = selectors.leader_training_list, LeaderTrainingSerializer, LeaderTrainingIn, LeaderTrainingDetailOut
    service, candidates = services.leader_training_create, selectors.leaders_for_training
    refused = ("有参训人员不在名册中或不在本次培训的范围内。", "有人员不在范围内。")
    summary = "法治带头人、法律明白人培训：列表"
    create_summary = "登记法治带头人、法律明白人培训（attendees 为名册人员编号列表）"


@routes("leader-trainings/<int:pk>/", "api_publicity_leader_training")
class LeaderTrainingEndpoint(RecordDetail):
    access = policies.leader_training_policy
    out, summary = LeaderTrainingDetailOut, "法治带头人、法律明白人培训详情"


# ---- study sessions and staff training ---------------------------------------------------------------------------

@routes("study-sessions/", "api_publicity_study_sessions")
class StudySessionsEndpoint(NodeRecords):
    access = policies.study_policy
    selector, row, create_in, out = selectors.study_session_list, StudySerializer, StudyIn, StudyDetailOut
    service, candidates = services.study_session_create, selectors.staff_for_node
    refused = ("有参加人员不属于本街道。", "有人员不属于本街道。")
    summary, create_summary = "领导干部学法、专题研讨、专题党课：列表", "登记学法记录（attendees 为用户编号列表）"


@routes("study-sessions/<int:pk>/", "api_publicity_study_session")
class StudySessionEndpoint(RecordDetail):
    access = policies.study_policy
    out, summary = StudyDetailOut, "学法记录详情"


@routes("staff-trainings/", "api_publicity_staff_trainings")
class StaffTrainingsEndpoint(RecordList):
    access = policies.staff_training_policy
    selector, row, create_in, out = selectors.staff_training_list, StaffTrainingSerializer, StaffTrainingIn, StaffTrainingDetailOut
    summary = "工作人员法律培训/证书考试：列表"
    create_summary = "登记工作人员法律培训/证书考试（attendance: [{user, hours, result, certificate_no}]）"

    def create(self, data):
        user = self.request.user
        node = _node(user, data.pop("node"))
        rows = [dict(r) for r in data.pop("attendance")]
        staff = {u.pk: u for u in _all_of(selectors.staff_for_node(user, node), [r["user"] for r in rows], field="attendance",
                                          message="参训人员不存在或不属于本街道。", field_message="人员不存在。")}
        for r in rows:
            r["user"] = staff[r["user"]]
        return services.staff_training_create(actor=user, node=node, attendance=rows, **data)


@routes("staff-trainings/<int:pk>/", "api_publicity_staff_training")
class StaffTrainingEndpoint(RecordDetail):
    access = policies.staff_training_policy
    out, summary = StaffTrainingDetailOut, "工作人员法律培训/考试详情"


urlpatterns = routes.urlpatterns
