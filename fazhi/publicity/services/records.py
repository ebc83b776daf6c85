"""Publicity sites, the 法治带头人/法律明白人 registry and trainings, leadership law study, staff training."""
import functools

from django.db import transaction

from fazhi.core import audit, clock, orgkinds, policy
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit, User
from fazhi.core.validators import clean_date, clean_decimal, clean_int, clean_text, validate_phone

from ..models import KeyDate, Leader, LeaderTraining, Site, StaffAttendance, StaffTraining, StudySession
from .common import MAX_HOURS, MAX_INVESTMENT, MAX_POPULATION, _choice, _require, _subdistrict_of

# ---- sites ----------------------------------------------------------------------------------------------------

SITE_FIELDS = ["name", "kind", "theme", "address", "investment", "established_on", "population_served", "description"]


def _clean_site(*, name, kind, theme, address, investment, established_on, population_served, description):
    data = {
        "name": clean_text(name, field="name", label="阵地名称", max_length=100),
        "kind": clean_text(kind, field="kind", label="类型", max_length=40),
        "theme": clean_text(theme, field="theme", label="主题", max_length=100, required=False),
        "address": clean_text(address, field="address", label="地址", max_length=200, required=False),
        "investment": (clean_decimal(investment, field="investment", label="投资金额", max_value=MAX_INVESTMENT, required=False) or 0),
        "established_on": clean_date(established_on, field="established_on", label="建成日期"),
        "population_served": (clean_int(population_served, field="population_served", label="辐射人口", max_value=MAX_POPULATION, required=False) or 0),
        "description": clean_text(description, field="description", label="简介", max_length=5000, required=False),
    }
    if data["established_on"] > clock.today():
        raise DomainError("建成日期不能晚于今天。", field_errors={"established_on": "日期晚于今天。"})
    return data


@transaction.atomic
def site_create(*, actor, node, name, kind, established_on, investment=0, population_served=0, theme="", address="",
                description=""):
    _require(actor, "publicity.manage", node)
    data = _clean_site(name=name, kind=kind, theme=theme, address=address, investment=investment,
                       established_on=established_on, population_served=population_served, description=description)
    site = Site.objects.create(node=node, **data, created_at=clock.now())
    audit.record(actor=actor, action="create", obj=site, changes=audit.snapshot(site, SITE_FIELDS))
    return site


@transaction.atomic
def site_update(*, actor, site, expected_version=None, **fields):
    from fazhi.core.workflow import lock

    _require(actor, "publicity.manage", site.node)
    site = lock(Site, site.pk, expected_version)
    before = audit.snapshot(site, SITE_FIELDS)
    current = {k: getattr(site, k) for k in SITE_FIELDS}
    data = _clean_site(**(current | {k: v for k, v in fields.items() if k in SITE_FIELDS}))
    for k, v in data.items():
        setattr(site, k, v)
    site.version += 1
    site.save()
    audit.record(actor=actor, action="update", obj=site, changes=audit.diff(before, audit.snapshot(site, SITE_FIELDS)))
    return site


# ---- 法治带头人 / 法律明白人 ------------------------------------------------------------------------------------

@transaction.atomic
def leader_create(*, actor, node, name, kind, registered_on=None, gender="", position="", phone=""):
    if node is not None and node.level != orgkinds.VILLAGE:
        raise DomainError("法治带头人、法律明白人应登记在村（社区）。", field_errors={"node": "请选择村（社区）。"})
    _require(actor, "publicity.manage", node)
    name = clean_text(name, field="name", label="姓名", max_length=30)
    kind = _choice(kind, Leader.Kind.choices, field="kind", label="类别")
    if gender and gender not in {"男", "女"}:
        raise DomainError("性别应为“男”或“女”。", field_errors={"gender": "性别不正确。"})
    phone = validate_phone(phone) if (phone or "").strip() else ""
    registered_on = clean_date(registered_on or clock.today(), field="registered_on", label="登记日期")
    if Leader.objects.filter(node=node, name=name).exists():
        raise DomainError(f"{node.name}已登记“{name}”，同村重名请在姓名后加以区分（如“{name}（东）”）。",
                          field_errors={"name": "本村已有同名人员。"})
    leader = Leader.objects.create(node=node, name=name, kind=kind, gender=gender or "",
                                   position=clean_text(position, field="position", label="身份/职务", max_length=50, required=False),
                                   phone=phone, registered_on=registered_on, created_at=clock.now())
    audit.record(actor=actor, action="create", obj=leader, changes=audit.snapshot(leader, ["name", "kind", "position", "registered_on"]))
    return leader


LEADER_FIELDS = ["name", "kind", "gender", "position", "phone", "registered_on", "is_active", "removed_on"]


@transaction.atomic
def leader_update(*, actor, leader, name, kind, gender="", position="", phone="", is_active=True, registered_on=None):
    """Correct a registry entry, or take someone off the active register (their training history stays).
    ``registered_on`` (a ledger correction) is kept when not given."""
    _require(actor, "publicity.manage", leader.node)
    leader = Leader.objects.select_for_update().get(pk=leader.pk)
    before = audit.snapshot(leader, LEADER_FIELDS)
    name = clean_text(name, field="name", label="姓名", max_length=30)
    if Leader.objects.filter(node=leader.node, name=name).exclude(pk=leader.pk).exists():
        raise DomainError(f"{leader.node.name}已登记“{name}”。", field_errors={"name": "本村已有同名人员。"})
    if gender and gender not in {"男", "女"}:
        raise DomainError("性别应为“男”或“女”。", field_errors={"gender": "性别不正确。"})
    leader.name, leader.kind = name, _choice(kind, Leader.Kind.choices, field="kind", label="类别")
    leader.gender = gender or ""
    leader.position = clean_text(position, field="position", label="身份/职务", max_length=50, required=False)
    leader.phone = validate_phone(phone) if (phone or "").strip() else ""
    if leader.is_active and not is_active:
        leader.removed_on = clock.today()
    elif is_active:
        leader.removed_on = None
    leader.is_active = bool(is_active)
    if registered_on is not None:
        leader.registered_on = clean_date(registered_on, field="registered_on", label="登记日期")
    leader.save()
    audit.record(actor=actor, action="update", obj=leader, changes=audit.diff(before, audit.snapshot(leader, LEADER_FIELDS)),
                 action_label="修改名册信息" if leader.is_active or not before["is_active"] else "移出名册")
    return leader


LEADER_TRAINING_FIELDS = ["date", "topic", "mode", "trainer", "hours"]


def _clean_leader_training(*, node, date, topic, attendees, mode, trainer, hours):
    day = clean_date(date, field="date", label="培训日期")
    if day > clock.today():
        raise DomainError("培训记录的日期不能晚于今天。", field_errors={"date": "日期晚于今天。"})
    attendees = list(attendees or [])
    if not attendees:
        raise DomainError("请选择参训人员。", field_errors={"attendees": "请选择参训人员。"})
    outside = [a.name for a in attendees if not a.node.path.startswith(node.path)]
    if outside:
        raise DomainError("以下人员不属于本次培训的组织范围：" + "、".join(outside[:10]), field_errors={"attendees": "有人员不在范围内。"})
    return {"date": day, "topic": clean_text(topic, field="topic", label="培训主题", max_length=100),
            "mode": _choice(mode, LeaderTraining.Mode.choices, field="mode", label="方式"),
            "trainer": clean_text(trainer, field="trainer", label="授课人", max_length=50, required=False),
            "hours": (clean_decimal(hours, field="hours", label="学时", max_value=MAX_HOURS, places="0.1", required=False) or 0)}, attendees


@transaction.atomic
def leader_training_create(*, actor, node, date, topic, attendees, mode=LeaderTraining.Mode.OFFLINE, trainer="", hours=0):
    _require(actor, "publicity.manage", node)
    data, attendees = _clean_leader_training(node=node, date=date, topic=topic, attendees=attendees, mode=mode,
                                             trainer=trainer, hours=hours)
    training = LeaderTraining.objects.create(node=node, **data, created_at=clock.now())
    training.attendees.set(attendees)
    audit.record(actor=actor, action="create", obj=training,
                 changes=audit.snapshot(training, LEADER_TRAINING_FIELDS) | {"attendees": len(attendees)})
    return training


def _update_with_attendees(*, actor, obj, names, fields, clean, action_label):
    """Correct a record that has attendees: ``fields`` overlay its current values (``names`` and ``attendees``),
    ``clean(**merged)`` checks them and returns (data, attendees); audited with before and after."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    current = {k: getattr(obj, k) for k in names} | {"attendees": list(obj.attendees.all())}
    before = audit.snapshot(obj, names) | {"attendees": sorted(a.pk for a in current["attendees"])}
    data, attendees = clean(**(current | fields))
    for k, v in data.items():
        setattr(obj, k, v)
    obj.save()
    obj.attendees.set(attendees)
    after = audit.snapshot(obj, names) | {"attendees": sorted(a.pk for a in attendees)}
    audit.record(actor=actor, action="update", obj=obj, changes=audit.diff(before, after), action_label=action_label)
    return obj


@transaction.atomic
def leader_training_update(*, actor, training, **fields):
    """Correct a training (a ledger row): any of date, topic, mode, trainer, hours, attendees; the rest is kept."""
    _require(actor, "publicity.manage", training.node)
    return _update_with_attendees(actor=actor, obj=training, names=LEADER_TRAINING_FIELDS, fields=fields,
                                  clean=functools.partial(_clean_leader_training, node=training.node),
                                  action_label="修改培训记录")


# ---- leadership law study ---------------------------------------------------------------------------------------

STUDY_FIELDS = ["kind", "date", "topic", "speaker", "place", "attendee_names", "summary"]


def _clean_study(*, kind, date, topic, speaker, attendees, attendee_names, place, summary):
    day = clean_date(date, field="date", label="日期")
    if day > clock.today():
        raise DomainError("学法记录的日期不能晚于今天。", field_errors={"date": "日期晚于今天。"})
    names = clean_text(attendee_names, field="attendee_names", label="其他参加人员", max_length=500, required=False)
    if not attendees and not names:
        raise DomainError("请选择或填写参加人员。", field_errors={"attendee_names": "请选择或填写参加人员。"})
    return {"kind": _choice(kind, StudySession.Kind.choices, field="kind", label="类型"), "date": day,
            "topic": clean_text(topic, field="topic", label="主题", max_length=100),
            "speaker": clean_text(speaker, field="speaker", label="主讲人", max_length=50),
            "place": clean_text(place, field="place", label="地点", max_length=100, required=False), "attendee_names": names,
            "summary": clean_text(summary, field="summary", label="内容摘要", max_length=5000, required=False)}


@transaction.atomic
def study_session_create(*, actor, node, kind, date, topic, speaker, attendees=(), attendee_names="", place="", summary=""):
    _require(actor, "publicity.manage_study", node)
    attendees = list(attendees or [])
    data = _clean_study(kind=kind, date=date, topic=topic, speaker=speaker, attendees=attendees,
                        attendee_names=attendee_names, place=place, summary=summary)
    session = StudySession.objects.create(node=node, **data, created_at=clock.now())
    session.attendees.set(attendees)
    audit.record(actor=actor, action="create", obj=session,
                 changes=audit.snapshot(session, ["kind", "date", "topic", "speaker", "attendee_names"]) | {"attendees": [u.pk for u in attendees]})
    return session


def _clean_study_with_attendees(*, attendees, **fields):
    attendees = list(attendees or [])
    return _clean_study(attendees=attendees, **fields), attendees


@transaction.atomic
def study_session_update(*, actor, session, **fields):
    """Correct a study record (a ledger row): any of its fields and ``attendees`` (users); the rest is kept."""
    _require(actor, "publicity.manage_study", session.node)
    return _update_with_attendees(actor=actor, obj=session, names=STUDY_FIELDS, fields=fields,
                                  clean=_clean_study_with_attendees, action_label="修改学法记录")


# ---- staff legal training and certificate exams -----------------------------------------------------------------

@transaction.atomic
def staff_training_create(*, actor, node, date, title, attendance, kind=StaffTraining.Kind.TRAINING, organiser=""):
    """``attendance``: [{"user": User, "hours": 4, "result": "passed"/"failed"/"", "certificate_no": ""}]."""
    _require(actor, "publicity.manage_staff_training", node)
    day = clean_date(date, field="date", label="日期")
    if day > clock.today():
        raise DomainError("培训记录的日期不能晚于今天。", field_errors={"date": "日期晚于今天。"})
    kind = _choice(kind, StaffTraining.Kind.choices, field="kind", label="类型")
    rows, seen = [], set()
    for row in attendance or []:
        user = row.get("user")
        if not isinstance(user, User):
            raise DomainError("参训人员不存在。", field_errors={"attendance": "参训人员不存在。"})
        if user.pk in seen:
            raise DomainError(f"“{user.display_name}”重复登记。", field_errors={"attendance": "人员重复。"})
        seen.add(user.pk)
        hours = (clean_decimal(row.get("hours"), field="hours", label=f"{user.display_name}的学时", max_value=MAX_HOURS, places="0.1", required=False) or 0)
        result = row.get("result") or ""
        if result not in StaffAttendance.Result.values:
            raise DomainError("考试结果应为“通过”或“未通过”。", field_errors={"attendance": "考试结果不正确。"})
        rows.append(StaffAttendance(user=user, hours=hours, result=result,
                                    certificate_no=clean_text(row.get("certificate_no"), field="certificate_no", label="证书编号", max_length=50, required=False)))
    if not rows:
        raise DomainError("请至少登记一名参训人员。", field_errors={"attendance": "请登记参训人员。"})
    staff_scope = [u.display_name for u in (r.user for r in rows)
                   if not _user_within(u, node)]
    if staff_scope:
        raise DomainError("以下人员不属于本组织：" + "、".join(staff_scope[:10]), field_errors={"attendance": "有人员不属于本组织。"})
    training = StaffTraining.objects.create(node=node, kind=kind, date=day, title=clean_text(title, field="title", label="名称", max_length=100),
                                            organiser=clean_text(organiser, field="organiser", label="组织单位", max_length=100, required=False),
                                            created_at=clock.now())
    for r in rows:
        r.training = training
    StaffAttendance.objects.bulk_create(rows)
    audit.record(actor=actor, action="create", obj=training,
                 changes=audit.snapshot(training, ["kind", "date", "title", "organiser"]) | {"attendance": {r.user.display_name: str(r.hours) for r in rows}})
    return training


@transaction.atomic
def staff_attendance_add(*, actor, training, user, hours=0, result="", certificate_no=""):
    """Add one attendee to an existing staff training (ledger import: one row per attendee)."""
    _require(actor, "publicity.manage_staff_training", training.node)
    if not isinstance(user, User) or not _user_within(user, training.node):
        raise DomainError("人员不存在或不属于本组织。", field_errors={"attendance": "人员不属于本组织。"})
    if StaffAttendance.objects.filter(training=training, user=user).exists():
        raise DomainError(f"“{user.display_name}”已登记在该次培训中。", field_errors={"attendance": "人员重复。"})
    if (result or "") not in StaffAttendance.Result.values:
        raise DomainError("考试结果应为“通过”或“未通过”。", field_errors={"result": "考试结果不正确。"})
    row = StaffAttendance.objects.create(
        training=training, user=user, hours=(clean_decimal(hours, field="hours", label="学时", max_value=MAX_HOURS, places="0.1", required=False) or 0), result=result or "",
        certificate_no=clean_text(certificate_no, field="certificate_no", label="证书编号", max_length=50, required=False))
    audit.record(actor=actor, action="update", obj=training, action_label="增加参训人员",
                 changes={"attendance": {user.display_name: str(row.hours)}})
    return row


@transaction.atomic
def staff_attendance_update(*, actor, row, **fields):
    """Correct one attendee's hours, exam result or certificate number (a ledger row); the rest is kept."""
    _require(actor, "publicity.manage_staff_training", row.training.node)
    row = StaffAttendance.objects.select_for_update().select_related("training", "user").get(pk=row.pk)
    names = ["hours", "result", "certificate_no"]
    before = {k: audit.normalize(getattr(row, k)) for k in names}
    merged = before | {k: v for k, v in fields.items() if k in names}
    if (merged["result"] or "") not in StaffAttendance.Result.values:
        raise DomainError("考试结果应为“通过”或“未通过”。", field_errors={"result": "考试结果不正确。"})
    row.hours = clean_decimal(merged["hours"], field="hours", label="学时", max_value=MAX_HOURS, places="0.1", required=False) or 0
    row.result = merged["result"] or ""
    row.certificate_no = clean_text(merged["certificate_no"], field="certificate_no", label="证书编号", max_length=50, required=False)
    row.save()
    after = {k: audit.normalize(getattr(row, k)) for k in names}
    audit.record(actor=actor, action="update", obj=row.training, action_label=f"修改参训记录：{row.user.display_name}",
                 changes=audit.diff(before, after))
    return row


def _user_within(user, node):
    """Does the user hold any role on a node inside (or above) ``node``'s subdistrict?"""
    sub = _subdistrict_of(node) or node
    return any(path.startswith(sub.path) or sub.path.startswith(path) for path, _, _, _ in policy.memberships(user))


def key_date_by_name(name):
    return KeyDate.objects.filter(name=name).first()


def unit_by_name(node, name):
    sub = _subdistrict_of(node)
    return Unit.objects.filter(node=sub, name=name).first() if sub else None

