"""JSON API of the publicity module: thin, through the same selectors (scoped) and services (validated, audited).

Errors come back as {"detail": Chinese message, "errors": {field: message}} with 400/403/404/409.
"""
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fazhi.core import files, policy
from fazhi.core.errors import DomainError, NotAllowed
from fazhi.core.models import OrgNode

from . import selectors, services
from .models import Event, KeyDate, Leader, LeaderTraining, Site, StaffTraining, StudySession
from .workflow import EVENT_WORKFLOW

# ---- output shapes ---------------------------------------------------------------------------------------------

class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField()
    node = serializers.IntegerField(source="node_id")
    node_name = serializers.CharField(source="node.name")
    organiser = serializers.CharField()
    target = serializers.CharField()
    target_label = serializers.CharField(source="get_target_display")
    key_date = serializers.IntegerField(source="key_date_id", allow_null=True)
    key_date_name = serializers.CharField(source="key_date.name", default="")
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    materials = serializers.IntegerField()
    slogans = serializers.IntegerField()
    online_reach = serializers.IntegerField()
    people_reached = serializers.IntegerField(source="reached")
    record_due = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


def _event_detail(event, user):
    data = EventSerializer(event).data
    data["reach"] = {r.group.code: r.people for r in selectors.event_reach(event)}
    data["content"] = event.content
    data["photos"] = [{"name": f.original_name, "url": f"/files/{f.uuid}/"} for f in files.files_of(event, purpose="photo")]
    data["actions"] = [{"name": t.name, "label": t.label} for t in EVENT_WORKFLOW.available(event, user)]
    return data


def _paged(request, qs, to_dict):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response([to_dict(o) for o in page])


# ---- input helpers ---------------------------------------------------------------------------------------------

def _fk(qs, value, *, field, label, required=False):
    if value in (None, ""):
        if required:
            raise DomainError(f"请选择{label}。", field_errors={field: f"请选择{label}。"})
        return None
    try:
        return qs.get(pk=int(value))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise DomainError(f"{label}不存在。", field_errors={field: f"{label}不存在。"})


def _node(request, perm):
    value = request.data.get("node")
    if value in (None, ""):
        node = policy.user_home_node(request.user)
        if node is None:
            raise DomainError("请选择所属组织。", field_errors={"node": "请选择所属组织。"})
        return node
    node = _fk(OrgNode.objects.all(), value, field="node", label="所属组织", required=True)
    return node


def _text(request, key):
    value = request.data.get(key, "")
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _event_kwargs(request, node):
    reach = request.data.get("reach") or {}
    if not isinstance(reach, dict):
        raise DomainError("reach 应为 {群体代码: 人次} 的对象。", field_errors={"reach": "格式不正确。"})
    return dict(
        title=_text(request, "title"), date=request.data.get("date"), place=_text(request, "place"), target=request.data.get("target"),
        organiser_unit=_fk(selectors.units_for_node(node), request.data.get("organiser_unit"), field="organiser_unit", label="组织单位"),
        organiser_text=_text(request, "organiser_text"),
        key_date=_fk(KeyDate.objects.all(), request.data.get("key_date"), field="key_date", label="宣传节点"),
        campaign=_fk(selectors.campaign_list(user=request.user), request.data.get("campaign"), field="campaign", label="专项活动"),
        content=_text(request, "content"), materials=request.data.get("materials"), slogans=request.data.get("slogans"),
        online_reach=request.data.get("online_reach"), reach=reach)


def _writer(request, perm):
    if not policy.has_perm(request.user, perm):
        raise NotAllowed("您的岗位角色不包含此功能。")


# ---- events ---------------------------------------------------------------------------------------------------

@extend_schema(summary="普法宣传活动：列表（按年份/对象/节点/状态筛选）与登记", request=OpenApiTypes.OBJECT, responses=EventSerializer(many=True))
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
def events(request):
    if request.method == "GET":
        if not policy.has_perm(request.user, "publicity.view"):
            raise NotAllowed("您的岗位角色不包含此功能。")
        qs = selectors.event_list(user=request.user, filters=request.GET)
        return _paged(request, qs, lambda e: EventSerializer(e).data)
    _writer(request, "publicity.record_event")
    node = _node(request, "publicity.record_event")
    photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
    event = services.event_create(actor=request.user, node=node, photos=photos, **_event_kwargs(request, node))
    return Response(_event_detail(selectors.event_get_for_user(request.user, event.pk), request.user), status=201)


@extend_schema(summary="普法宣传活动详情；PUT 修改（需带 version，他人已修改时返回409）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "PUT"])
def event_detail(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    if request.method == "PUT":
        services.event_update(actor=request.user, event=event, expected_version=request.data.get("version"),
                              **_event_kwargs(request, event.node))
        event = selectors.event_get_for_user(request.user, pk)
    return Response(_event_detail(event, request.user))


@extend_schema(summary="活动状态操作：record 登记开展情况（materials/slogans/online_reach/reach）、cancel 取消（reason）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def event_transition(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    name = str(request.data.get("name") or "")
    kwargs = {}
    if name == "record":
        reach = request.data.get("reach") or {}
        if not isinstance(reach, dict):
            raise DomainError("reach 应为 {群体代码: 人次} 的对象。", field_errors={"reach": "格式不正确。"})
        kwargs = dict(materials=request.data.get("materials"), slogans=request.data.get("slogans"),
                      online_reach=request.data.get("online_reach"), reach=reach)
    services.event_transition(actor=request.user, event=event, name=name, expected_version=request.data.get("version"),
                              reason=_text(request, "reason"), **kwargs)
    return Response(_event_detail(selectors.event_get_for_user(request.user, pk), request.user))


@extend_schema(summary="上传活动照片（multipart，字段 file，仅限图片）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@parser_classes([MultiPartParser])
def event_photo(request, pk):
    try:
        files.limit_uploads(request._request)
    except AttributeError:
        pass  # session auth's CSRF check already read the body; store_upload still enforces the size limit
    event = selectors.event_get_for_user(request.user, pk)
    stored = services.event_add_photo(actor=request.user, event=event, upload=request.FILES.get("file"))
    return Response({"name": stored.original_name, "url": f"/files/{stored.uuid}/"}, status=201)


@extend_schema(summary="宣传节点日历：未来60天与过去一年的节点及已安排活动", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def calendar(request):
    if not policy.has_perm(request.user, "publicity.view"):
        raise NotAllowed("您的岗位角色不包含此功能。")
    data = selectors.calendar_for_user(request.user)

    def occ(o):
        return {"key_date": o.key_date.pk, "name": o.key_date.name, "theme": o.key_date.theme, "start": o.start, "end": o.end,
                "events": [{"id": e.pk, "title": e.title, "date": e.date, "status": e.status, "node_name": e.node.name} for e in o.events]}

    return Response({"today": data["today"], "coming": [occ(o) for o in data["coming"]], "past": [occ(o) for o in data["past"]],
                     "missing_lunar": [{"key_date": kd.name, "year": y} for kd, y in data["missing_lunar"]]})


@extend_schema(summary="宣传节点与宣传对象群体（数据字典）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def reference(request):
    return Response({
        "key_dates": [{"id": k.pk, "code": k.code, "name": k.name, "theme": k.theme, "when": k.when_label,
                       "suggested_target": k.suggested_target} for k in selectors.key_dates()],
        "audience_groups": [{"id": g.pk, "code": g.code, "name": g.name} for g in selectors.audience_groups()],
    })


@extend_schema(summary="专项宣传活动：列表与创建", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def campaigns(request):
    if request.method == "GET":
        qs = selectors.campaign_list(user=request.user, filters=request.GET).order_by("-start_date")
        return _paged(request, qs, _campaign)
    _writer(request, "publicity.manage")
    c = services.campaign_create(actor=request.user, node=_node(request, "publicity.manage"), name=_text(request, "name"),
                                 start_date=request.data.get("start_date"), end_date=request.data.get("end_date"),
                                 key_date=_fk(KeyDate.objects.all(), request.data.get("key_date"), field="key_date", label="宣传节点"),
                                 theme=_text(request, "theme"))
    return Response(_campaign(c), status=201)


def _campaign(c):
    return {"id": c.pk, "name": c.name, "node": c.node_id, "key_date": c.key_date_id, "start_date": c.start_date,
            "end_date": c.end_date, "theme": c.theme}


# ---- sites ----------------------------------------------------------------------------------------------------

def _site(s):
    return {"id": s.pk, "name": s.name, "node": s.node_id, "node_name": s.node.name, "kind": s.kind, "theme": s.theme,
            "address": s.address, "investment": str(s.investment), "established_on": s.established_on,
            "population_served": s.population_served, "description": s.description, "version": s.version}


@extend_schema(summary="普法阵地：列表与登记", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def sites(request):
    if request.method == "GET":
        return _paged(request, selectors.site_list(user=request.user, filters=request.GET), _site)
    _writer(request, "publicity.manage")
    site = services.site_create(actor=request.user, node=_node(request, "publicity.manage"), name=_text(request, "name"),
                                kind=_text(request, "kind"), established_on=request.data.get("established_on"),
                                investment=request.data.get("investment"), population_served=request.data.get("population_served"),
                                theme=_text(request, "theme"), address=_text(request, "address"), description=_text(request, "description"))
    return Response(_site(site), status=201)


@extend_schema(summary="普法阵地详情；PUT 修改（需带 version）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "PUT"])
def site_detail(request, pk):
    site = selectors.site_get_for_user(request.user, pk)
    if request.method == "PUT":
        fields = {k: request.data[k] for k in services.SITE_FIELDS if k in request.data}
        site = services.site_update(actor=request.user, site=site, expected_version=request.data.get("version"), **fields)
        site = selectors.site_get_for_user(request.user, pk)
    return Response(_site(site))


# ---- 法治带头人/法律明白人 and their trainings -------------------------------------------------------------------

def _leader(leader):
    return {"id": leader.pk, "name": leader.name, "kind": leader.kind, "kind_label": leader.get_kind_display(), "node": leader.node_id,
            "node_name": leader.node.name, "gender": leader.gender, "position": leader.position, "phone": leader.phone, "registered_on": leader.registered_on,
            "is_active": leader.is_active, "removed_on": leader.removed_on}


@extend_schema(summary="法治带头人、法律明白人名册：列表与登记", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def leaders(request):
    if request.method == "GET":
        return _paged(request, selectors.leader_list(user=request.user, filters=request.GET), _leader)
    _writer(request, "publicity.manage")
    leader = services.leader_create(actor=request.user, node=_node(request, "publicity.manage"), name=_text(request, "name"),
                                    kind=request.data.get("kind"), registered_on=request.data.get("registered_on"),
                                    gender=_text(request, "gender"), position=_text(request, "position"), phone=_text(request, "phone"))
    return Response(_leader(leader), status=201)


@extend_schema(summary="法治带头人、法律明白人详情（含培训记录）；PUT 修改或移出名册（is_active=false）", request=OpenApiTypes.OBJECT,
               responses=OpenApiTypes.OBJECT)
@api_view(["GET", "PUT"])
def leader_detail(request, pk):
    leader = selectors.leader_get_for_user(request.user, pk)
    if request.method == "PUT":
        current = {f: getattr(leader, f) for f in ("name", "kind", "gender", "position", "phone", "is_active")}
        fields = current | {k: request.data[k] for k in current if k in request.data}
        if isinstance(fields["is_active"], str):
            fields["is_active"] = fields["is_active"].strip().lower() in {"1", "true", "是", "yes"}
        leader = services.leader_update(actor=request.user, leader=leader, **fields)
    return Response(_leader(leader) | {"trainings": [{"id": t.pk, "date": t.date, "topic": t.topic} for t in leader.trainings.order_by("-date")]})


def _leader_training(t, attendees=False):
    data = {"id": t.pk, "date": t.date, "topic": t.topic, "mode": t.mode, "trainer": t.trainer, "hours": str(t.hours),
            "node": t.node_id, "node_name": t.node.name}
    if attendees:
        data["attendees"] = [{"id": a.pk, "name": a.name, "node_name": a.node.name} for a in t.attendees.select_related("node")]
    else:
        data["attendee_count"] = getattr(t, "attendee_count", None)
    return data


def _ids(value, field):
    if not isinstance(value, (list, tuple)):
        raise DomainError(f"{field} 应为编号列表。", field_errors={field: "应为编号列表。"})
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        raise DomainError(f"{field} 应为编号列表。", field_errors={field: "应为编号列表。"})


@extend_schema(summary="法治带头人、法律明白人培训：列表与登记（attendees 为名册人员编号列表）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def leader_trainings(request):
    if request.method == "GET":
        return _paged(request, selectors.leader_training_list(user=request.user, filters=request.GET), _leader_training)
    _writer(request, "publicity.manage")
    node = _node(request, "publicity.manage")
    ids = _ids(request.data.get("attendees") or [], "attendees")
    people = list(selectors.leaders_for_training(request.user, node).filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise DomainError("有参训人员不在名册中或不在本次培训的范围内。", field_errors={"attendees": "有人员不在范围内。"})
    t = services.leader_training_create(actor=request.user, node=node, date=request.data.get("date"), topic=_text(request, "topic"),
                                        mode=request.data.get("mode") or "offline", trainer=_text(request, "trainer"),
                                        hours=request.data.get("hours"), attendees=people)
    return Response(_leader_training(t, attendees=True), status=201)


@extend_schema(summary="法治带头人、法律明白人培训详情", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def leader_training_detail(request, pk):
    return Response(_leader_training(selectors.leader_training_get_for_user(request.user, pk), attendees=True))


# ---- study sessions and staff training ---------------------------------------------------------------------------

def _study(s, detail=False):
    data = {"id": s.pk, "kind": s.kind, "kind_label": s.get_kind_display(), "date": s.date, "topic": s.topic, "speaker": s.speaker,
            "place": s.place, "node": s.node_id, "attendee_names": s.attendee_names}
    if detail:
        data["attendees"] = [{"id": u.pk, "name": u.display_name} for u in s.attendees.all()]
        data["summary"] = s.summary
    return data


@extend_schema(summary="领导干部学法、专题研讨、专题党课：列表与登记（attendees 为用户编号列表）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def study_sessions(request):
    if request.method == "GET":
        return _paged(request, selectors.study_session_list(user=request.user, filters=request.GET), _study)
    _writer(request, "publicity.manage_study")
    node = _node(request, "publicity.manage_study")
    ids = _ids(request.data.get("attendees") or [], "attendees")
    users = list(selectors.staff_for_node(request.user, node).filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise DomainError("有参加人员不属于本街道。", field_errors={"attendees": "有人员不属于本街道。"})
    s = services.study_session_create(actor=request.user, node=node, kind=request.data.get("kind"), date=request.data.get("date"),
                                      topic=_text(request, "topic"), speaker=_text(request, "speaker"), attendees=users,
                                      attendee_names=_text(request, "attendee_names"), place=_text(request, "place"),
                                      summary=_text(request, "summary"))
    return Response(_study(s, detail=True), status=201)


@extend_schema(summary="学法记录详情", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def study_session_detail(request, pk):
    return Response(_study(selectors.study_session_get_for_user(request.user, pk), detail=True))


def _staff_training(t, detail=False):
    data = {"id": t.pk, "kind": t.kind, "kind_label": t.get_kind_display(), "date": t.date, "title": t.title, "organiser": t.organiser,
            "node": t.node_id}
    if detail:
        data["attendance"] = [{"user": a.user_id, "name": a.user.display_name, "hours": str(a.hours), "result": a.result,
                               "certificate_no": a.certificate_no} for a in t.attendance.select_related("user")]
    return data


@extend_schema(summary="工作人员法律培训/证书考试：列表与登记（attendance: [{user, hours, result, certificate_no}]）", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET", "POST"])
def staff_trainings(request):
    if request.method == "GET":
        return _paged(request, selectors.staff_training_list(user=request.user, filters=request.GET), _staff_training)
    _writer(request, "publicity.manage_staff_training")
    node = _node(request, "publicity.manage_staff_training")
    rows = request.data.get("attendance") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DomainError("attendance 应为列表。", field_errors={"attendance": "格式不正确。"})
    staff = {u.pk: u for u in selectors.staff_for_node(request.user, node).filter(pk__in=[r.get("user") for r in rows if str(r.get("user", "")).isdigit()])}
    attendance = []
    for r in rows:
        user = staff.get(int(r["user"])) if str(r.get("user", "")).isdigit() else None
        if user is None:
            raise DomainError("参训人员不存在或不属于本街道。", field_errors={"attendance": "人员不存在。"})
        attendance.append({"user": user, "hours": r.get("hours"), "result": r.get("result") or "", "certificate_no": r.get("certificate_no") or ""})
    t = services.staff_training_create(actor=request.user, node=node, kind=request.data.get("kind") or "training",
                                       date=request.data.get("date"), title=_text(request, "title"),
                                       organiser=_text(request, "organiser"), attendance=attendance)
    return Response(_staff_training(t, detail=True), status=201)


@extend_schema(summary="工作人员法律培训/考试详情", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def staff_training_detail(request, pk):
    return Response(_staff_training(selectors.staff_training_get_for_user(request.user, pk), detail=True))


# The route census (fazhi/core/tests/test_census.py): the scoped model each object route looks up.
for _view, _model in ((event_detail, Event), (event_transition, Event), (event_photo, Event), (site_detail, Site),
                      (leader_detail, Leader), (leader_training_detail, LeaderTraining),
                      (study_session_detail, StudySession), (staff_training_detail, StaffTraining)):
    _view.census_model = _model

urlpatterns = [
    path("events/", events, name="api_publicity_events"),
    path("events/<int:pk>/", event_detail, name="api_publicity_event"),
    path("events/<int:pk>/transition/", event_transition, name="api_publicity_event_transition"),
    path("events/<int:pk>/photos/", event_photo, name="api_publicity_event_photo"),
    path("calendar/", calendar, name="api_publicity_calendar"),
    path("reference/", reference, name="api_publicity_reference"),
    path("campaigns/", campaigns, name="api_publicity_campaigns"),
    path("sites/", sites, name="api_publicity_sites"),
    path("sites/<int:pk>/", site_detail, name="api_publicity_site"),
    path("leaders/", leaders, name="api_publicity_leaders"),
    path("leaders/<int:pk>/", leader_detail, name="api_publicity_leader"),
    path("leader-trainings/", leader_trainings, name="api_publicity_leader_trainings"),
    path("leader-trainings/<int:pk>/", leader_training_detail, name="api_publicity_leader_training"),
    path("study-sessions/", study_sessions, name="api_publicity_study_sessions"),
    path("study-sessions/<int:pk>/", study_session_detail, name="api_publicity_study_session"),
    path("staff-trainings/", staff_trainings, name="api_publicity_staff_trainings"),
    path("staff-trainings/<int:pk>/", staff_training_detail, name="api_publicity_staff_training"),
]
