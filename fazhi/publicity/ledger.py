"""Excel ledgers (台账) of the publicity module. Export what the user can see; import row by row through the same
services as the workbench. Records are placed by village name ("村（社区）"); an empty village means the
subdistrict level of the importing user, so a ledger exported from one subdistrict imports into another.

Round trip: every ledger carries the record's 编号. A row whose 编号 names a record the importer can see is that
record — unchanged it is skipped, an edited cell goes through the module's update service (validated, audited);
a row without one (or naming a record the importer cannot see) is a new record. Records keep the dates the sheet
gives them (an event of 2022 is a held event of 2022, never an overdue plan), and each imported record's audit
trail says it was imported from the ledger, by whom and when.
"""
from fazhi.core import audit, clock, ledger, orgkinds, policy
from fazhi.core.errors import DomainError
from fazhi.core.models import User
from fazhi.core.org_ledger import resolve_node

from . import selectors, services
from .models import Event, Leader, LeaderTraining, StaffAttendance, StaffTraining, StudySession, Target

ID = ledger.Column("id", "编号", kind="int", min_value=1, width=8,
                   help="系统编号：已登记的记录按编号对应（未改动的行跳过，改动的行更新）；新记录留空")
VILLAGE = ledger.Column("village", "村（社区）", max_length=100, width=14, help="留空表示街道本级",
                        export=lambda o: "" if o.node.is_tenant else o.node.name)


def _node(actor, values, perm, *, allow_grid=True):
    """The village/grid named in the row, or the importer's own subdistrict when the cell is empty."""
    name = (values.get("village") or "").strip()
    if name:
        levels = (orgkinds.VILLAGE, orgkinds.GRID) if allow_grid else (orgkinds.VILLAGE,)
        kinds = [code for level in levels for code in orgkinds.codes(level=level)]
        return resolve_node(actor, name, perm=perm, kinds=kinds, field="village")
    subs = list(policy.scoped_nodes(actor, perm, tenants=True)[:2])
    if len(subs) != 1:
        raise DomainError("街道本级记录需由一个街道的工作人员导入；请填写村（社区）。", field_errors={"village": "请填写村（社区）"})
    return subs[0]


class PublicityLedger(ledger.Ledger):
    """A publicity ledger: matched on 编号. An edited row goes to ``update(record, changed cells, actor=)`` unless it
    changes a cell ``fixed`` names (with why: by default the village, since a record does not move)."""

    view_perm = "publicity.view"
    import_perm = "publicity.manage"
    key_column = "id"
    fixed: dict = {"village": "所属村（社区）不能通过台账修改，请删除后重新登记或在记录页面办理。"}

    def update_row(self, record, values, *, actor):
        self.refuse_fixed(values)
        self.update(record, values, actor=actor)

    def update(self, record, values, *, actor):
        raise NotImplementedError

    def current(self, record) -> dict:
        """The record as its row would read (every import column, parsed back like a cell)."""
        return {c.key: c.parse(c.export_value(record))[0] for c in self.import_columns()}

    def refuse_fixed(self, values):
        refused = {k: self.fixed[k] for k in values if k in self.fixed}
        if refused:
            raise DomainError("；".join(dict.fromkeys(refused.values())), field_errors=refused)


def _imported(actor, obj, title, row_number, day):
    """The audit says the record came from the ledger (imported history when its date is in the past)."""
    history = day is not None and day < clock.today()
    audit.record(actor=actor, action="import", obj=obj, is_public=False,
                 action_label=f"{'导入历史' if history else '导入'}：{title}第{row_number}行",
                 changes={"imported_history": history, "business_date": audit.normalize(day)})


def _reach_columns():
    return [ledger.Column(f"reach_{g.code}", f"{g.name}（人次）", kind="int", min_value=0, max_value=services.MAX_PEOPLE_PER_GROUP,
                          width=12, export=(lambda o, gid=g.pk: next((r.people for r in o.reach.all() if r.group_id == gid), 0)))
            for g in selectors.audience_groups()]


def _event_fields(node, values) -> dict:
    """A row's event fields for ``event_create`` / ``event_update`` (key date and organiser unit by name)."""
    key_date = None
    if values.get("key_date"):
        key_date = services.key_date_by_name(values["key_date"])
        if key_date is None:
            raise DomainError("宣传节点不存在。", field_errors={"key_date": f"没有名为“{values['key_date']}”的宣传节点"})
    organiser = values.get("organiser") or ""
    unit = services.unit_by_name(node, organiser)
    reach = {k[len("reach_"):]: v for k, v in values.items() if k.startswith("reach_") and v}
    if values.get("reached") is not None and values["reached"] != sum(reach.values()):
        raise DomainError("受教育人次合计与各群体人次之和不符。",
                          field_errors={"reached": f"合计{values['reached']}，各群体之和为{sum(reach.values())}"})
    return dict(title=values["title"], date=values["date"], place=values["place"], target=values["target"],
                organiser_unit=unit, organiser_text="" if unit else organiser, key_date=key_date,
                content=values.get("content") or "", materials=values.get("materials") or 0,
                slogans=values.get("slogans") or 0, online_reach=values.get("online_reach") or 0, reach=reach)


S = Event.Status


def _check_history(values):
    """A new row's 状态 must agree with its date: a held event is not in the future, a plan is not in the past."""
    status, day = values.get("status"), values.get("date")
    if day is None or not status:
        return
    if status == S.HELD and day > clock.today():
        message = "状态为“已开展”的活动，活动日期不能晚于今天。"
    elif status == S.PLANNED and day < clock.today():
        message = "活动日期已过的计划：开展了请将状态改为“已开展”并填写开展情况，未开展请删除此行。"
    else:
        return
    raise DomainError(message, field_errors={"status": message})


RESULTS = ("materials", "slogans", "online_reach", "reach")


@ledger.register
class EventLedger(PublicityLedger):
    key = "publicity.events"
    title = "普法宣传活动台账"
    import_perm = "publicity.record_event"

    @property
    def columns(self):
        return [
            ID,
            ledger.Column("date", "活动日期", kind="date", required=True, width=12),
            ledger.Column("title", "活动名称", required=True, max_length=100, width=28),
            VILLAGE,
            ledger.Column("place", "地点", required=True, max_length=100, width=18),
            ledger.Column("organiser", "组织单位", required=True, max_length=100, width=16),
            ledger.Column("target", "“六进”对象", kind="choice", required=True, choices=dict(Target.choices), width=10),
            ledger.Column("key_date", "宣传节点", max_length=60, width=18, export=lambda o: o.key_date.name if o.key_date_id else ""),
            ledger.Column("status", "状态", kind="choice", choices=dict(S.choices), width=8,
                          help="可留空：日期在今天之后为计划，否则为已开展；“已取消”的行不导入；"
                               "已登记的计划改为“已开展”即登记开展情况"),
            ledger.Column("materials", "发放资料（份）", kind="int", min_value=0, max_value=services.MAX_MATERIALS, width=10),
            ledger.Column("slogans", "标语横幅（条/幅）", kind="int", min_value=0, max_value=services.MAX_SLOGANS, width=10),
            ledger.Column("online_reach", "线上覆盖（人次）", kind="int", min_value=0, max_value=services.MAX_ONLINE_REACH, width=10),
            *_reach_columns(),
            ledger.Column("reached", "受教育人次合计", kind="int", min_value=0, width=10,
                          help="可留空；填写时须等于各群体人次之和（用于核对）"),
            ledger.Column("content", "活动内容", max_length=5000, width=30),
        ]

    def queryset(self, user, params):
        return selectors.event_list(user=user, filters=params).prefetch_related("reach")

    def import_row(self, values, *, actor, row_number):
        if values.get("status") == S.CANCELLED:
            return None  # a cancelled plan is history, not a record to re-create
        _check_history(values)
        node = _node(actor, values, "publicity.record_event")
        event = services.event_create(actor=actor, node=node, **_event_fields(node, values))
        _imported(actor, event, self.title, row_number, event.date)

    def update(self, record, values, *, actor):
        """Correct an event; a plan whose row now says 已开展 has its results recorded (the workflow's "record")."""
        status = values.pop("status", record.status) or record.status
        if status != record.status and not (record.status == S.PLANNED and status == S.HELD):
            message = ("取消活动请在活动页面办理（须填写取消原因）。" if status == S.CANCELLED
                       else f"“{S(record.status).label}”的活动不能通过台账改为“{S(status).label}”。")
            raise DomainError(message, field_errors={"status": message})
        fields = _event_fields(record.node, self.current(record) | values)
        results = {k: fields.pop(k) for k in RESULTS}
        if record.status == S.PLANNED:
            if status == S.HELD:  # the plan's own fields first, then its results through the workflow
                if set(values) - {"materials", "slogans", "online_reach", "reached"} - {k for k in values if k.startswith("reach_")}:
                    record = services.event_update(actor=actor, event=record, expected_version=record.version, **fields)
                services.event_transition(actor=actor, event=record, name="record", expected_version=record.version,
                                          **results)
                return
            results = {k: v for k, v in results.items() if v}
        services.event_update(actor=actor, event=record, expected_version=record.version, **fields, **results)


@ledger.register
class SiteLedger(PublicityLedger):
    key = "publicity.sites"
    title = "普法阵地台账"
    columns = [
        ID,
        ledger.Column("name", "阵地名称", required=True, max_length=100, width=26),
        VILLAGE,
        ledger.Column("kind", "类型", required=True, max_length=40),
        ledger.Column("theme", "主题", max_length=100),
        ledger.Column("address", "地址", max_length=200, width=20),
        ledger.Column("investment", "投资（元）", kind="decimal", min_value=0, max_value=services.MAX_INVESTMENT, width=12),
        ledger.Column("established_on", "建成日期", kind="date", required=True, width=12),
        ledger.Column("population_served", "辐射人口（人）", kind="int", min_value=0, max_value=services.MAX_POPULATION, width=12),
        ledger.Column("description", "简介", max_length=5000, width=30),
    ]

    def queryset(self, user, params):
        return selectors.site_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        node = _node(actor, values, "publicity.manage", allow_grid=False)
        site = services.site_create(actor=actor, node=node,
                                    **{k: v for k, v in values.items() if k not in ("id", "village") and v is not None})
        _imported(actor, site, self.title, row_number, site.established_on)

    def update(self, record, values, *, actor):
        services.site_update(actor=actor, site=record, expected_version=record.version, **values)


@ledger.register
class LeaderLedger(PublicityLedger):
    key = "publicity.leaders"
    title = "法治带头人、法律明白人名册"
    columns = [
        ID,
        ledger.Column("name", "姓名", required=True, max_length=30, width=10),
        ledger.Column("village", "村（社区）", required=True, max_length=100, width=14, export=lambda o: o.node.name),
        ledger.Column("kind", "类别", kind="choice", required=True, choices=dict(Leader.Kind.choices), width=12),
        ledger.Column("gender", "性别", max_length=2, width=6),
        ledger.Column("position", "身份/职务", max_length=50),
        ledger.Column("phone", "联系电话", max_length=20, width=14),
        ledger.Column("registered_on", "登记日期", kind="date", required=True, width=12),
    ]

    def queryset(self, user, params):
        return selectors.leader_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        node = _node(actor, values, "publicity.manage", allow_grid=False)
        leader = services.leader_create(actor=actor, node=node, name=values["name"], kind=values["kind"],
                                        gender=values.get("gender") or "", position=values.get("position") or "",
                                        phone=values.get("phone") or "", registered_on=values["registered_on"])
        _imported(actor, leader, self.title, row_number, leader.registered_on)

    def update(self, record, values, *, actor):
        row = self.current(record) | values
        services.leader_update(actor=actor, leader=record, name=row["name"], kind=row["kind"], gender=row["gender"] or "",
                               position=row["position"] or "", phone=row["phone"] or "", is_active=record.is_active,
                               registered_on=row["registered_on"])


def _attendee_names(training):
    return "、".join(f"{a.name}（{a.node.name}）" for a in training.attendees.all())


def _leaders(actor, node, text):
    """The registered people a cell names ("姓名（村名）", separated by 、), or a Chinese error naming the unknown."""
    people, unknown = [], []
    for item in [p.strip() for p in (text or "").replace("，", "、").split("、") if p.strip()]:
        name, _, village = item.partition("（")
        village = village.rstrip("）").strip()
        qs = selectors.leaders_for_training(actor, node).filter(name=name.strip())
        if village:
            qs = qs.filter(node__name=village)
        matches = list(qs[:2])
        if len(matches) != 1:
            unknown.append(item)
        else:
            people.append(matches[0])
    if unknown:
        raise DomainError("名册中找不到：" + "、".join(unknown[:10]), field_errors={"attendees": "名册中找不到：" + "、".join(unknown[:10])})
    return people


@ledger.register
class LeaderTrainingLedger(PublicityLedger):
    key = "publicity.leader_trainings"
    title = "法治带头人、法律明白人培训台账"
    columns = [
        ID,
        ledger.Column("date", "培训日期", kind="date", required=True, width=12),
        ledger.Column("topic", "培训主题", required=True, max_length=100, width=26),
        VILLAGE,
        ledger.Column("mode", "方式", kind="choice", choices=dict(LeaderTraining.Mode.choices), width=10),
        ledger.Column("trainer", "授课人", max_length=50),
        ledger.Column("hours", "学时", kind="decimal", min_value=0, max_value=services.MAX_HOURS, width=8),
        ledger.Column("attendees", "参训人员", required=True, max_length=20000, width=60, export=_attendee_names,
                      help="“姓名（村名）”，用顿号分隔；人员须已在名册中登记"),
    ]

    def queryset(self, user, params):
        return selectors.leader_training_list(user=user, filters=params).prefetch_related("attendees__node")

    def import_row(self, values, *, actor, row_number):
        node = _node(actor, values, "publicity.manage", allow_grid=False)
        training = services.leader_training_create(
            actor=actor, node=node, date=values["date"], topic=values["topic"],
            mode=values.get("mode") or LeaderTraining.Mode.OFFLINE, trainer=values.get("trainer") or "",
            hours=values.get("hours") or 0, attendees=_leaders(actor, node, values["attendees"]))
        _imported(actor, training, self.title, row_number, training.date)

    def update(self, record, values, *, actor):
        if "attendees" in values:
            values["attendees"] = _leaders(actor, record.node, values["attendees"])
        if "mode" in values:
            values["mode"] = values["mode"] or LeaderTraining.Mode.OFFLINE
        services.leader_training_update(actor=actor, training=record, **values)


def _study_attendees(session):
    return "、".join([u.display_name for u in session.attendees.all()] + ([session.attendee_names] if session.attendee_names else []))


@ledger.register
class StudySessionLedger(PublicityLedger):
    key = "publicity.study_sessions"
    title = "领导干部学法台账"
    import_perm = "publicity.manage_study"
    columns = [
        ID,
        ledger.Column("date", "日期", kind="date", required=True, width=12),
        ledger.Column("kind", "类型", kind="choice", required=True, choices=dict(StudySession.Kind.choices), width=12),
        ledger.Column("topic", "主题", required=True, max_length=100, width=30),
        ledger.Column("speaker", "主讲人", required=True, max_length=50),
        ledger.Column("place", "地点", max_length=100),
        ledger.Column("attendee_names", "参加人员", required=True, max_length=500, width=40, export=_study_attendees),
        ledger.Column("summary", "内容摘要", max_length=5000, width=30),
    ]

    def queryset(self, user, params):
        return selectors.study_session_list(user=user, filters=params).prefetch_related("attendees")

    def import_row(self, values, *, actor, row_number):
        node = _node(actor, {}, "publicity.manage_study")
        session = services.study_session_create(
            actor=actor, node=node, kind=values["kind"], date=values["date"], topic=values["topic"],
            speaker=values["speaker"], place=values.get("place") or "", attendee_names=values["attendee_names"],
            summary=values.get("summary") or "")
        _imported(actor, session, self.title, row_number, session.date)

    def update(self, record, values, *, actor):
        if "attendee_names" in values:  # the staff it still names stay linked; every other name is text
            names = [n.strip() for n in (values["attendee_names"] or "").split("、") if n.strip()]
            users = {u.display_name: u for u in record.attendees.all()}
            values["attendees"] = [users[n] for n in dict.fromkeys(names) if n in users]
            values["attendee_names"] = "、".join(n for n in names if n not in users)
        services.study_session_update(actor=actor, session=record, **values)


TRAINING_FIXED = "培训的日期、类型、名称和组织单位请在培训记录页面修改。"


@ledger.register
class StaffAttendanceLedger(PublicityLedger):
    """One row per attendee; rows with the same date and name form one training. 编号 is the attendee row's."""

    key = "publicity.staff_attendance"
    title = "工作人员法律培训与考试台账"
    import_perm = "publicity.manage_staff_training"
    fixed = {"training__date": TRAINING_FIXED, "training__kind": TRAINING_FIXED, "training__title": TRAINING_FIXED,
             "training__organiser": TRAINING_FIXED, "username": "账号不能通过台账修改；换人请新增一行。"}
    columns = [
        ID,
        ledger.Column("training__date", "日期", kind="date", required=True, width=12),
        ledger.Column("training__kind", "类型", kind="choice", required=True, choices=dict(StaffTraining.Kind.choices), width=12),
        ledger.Column("training__title", "名称", required=True, max_length=100, width=28),
        ledger.Column("training__organiser", "组织单位", max_length=100),
        ledger.Column("username", "账号", required=True, max_length=150, export=lambda o: o.user.username),
        ledger.Column("full_name", "姓名", max_length=50, export=lambda o: o.user.display_name, export_only=True,
                      help="仅供核对，以账号为准"),
        ledger.Column("hours", "学时", kind="decimal", min_value=0, max_value=services.MAX_HOURS, width=8),
        ledger.Column("result", "考试结果", kind="choice", choices={"passed": "通过", "failed": "未通过"}, width=10),
        ledger.Column("certificate_no", "证书编号", max_length=50),
    ]

    def queryset(self, user, params):
        trainings = selectors.staff_training_list(user=user, filters=params)
        return (StaffAttendance.objects.filter(training__in=trainings.values("pk")).select_related("training", "user")
                .order_by("-training__date", "training_id", "user__username"))

    def import_row(self, values, *, actor, row_number):
        node = _node(actor, {}, "publicity.manage_staff_training")
        user = User.objects.filter(username=values["username"]).first()
        if user is None or not services._user_within(user, node):
            raise DomainError("账号不存在或不属于本街道。", field_errors={"username": "账号不存在或不属于本街道"})
        row = {"user": user, "hours": values.get("hours") or 0, "result": values.get("result") or "",
               "certificate_no": values.get("certificate_no") or ""}
        existing = selectors.staff_training_same(actor, node=node, kind=values["training__kind"], date=values["training__date"],
                                                 title=values["training__title"])
        if existing is not None:
            services.staff_attendance_add(actor=actor, training=existing, **row)
            return
        training = services.staff_training_create(
            actor=actor, node=node, kind=values["training__kind"], date=values["training__date"],
            title=values["training__title"], organiser=values.get("training__organiser") or "", attendance=[row])
        _imported(actor, training, self.title, row_number, training.date)

    def update(self, record, values, *, actor):
        services.staff_attendance_update(actor=actor, row=record, **values)
