"""Legal-services writes: office hours."""
import datetime

from django.db import IntegrityError, transaction

from fazhi.core import audit, clock, personal, policy, workdays
from fazhi.core.errors import Conflict, DomainError, NotFound
from fazhi.core.masking import mask_name
from fazhi.core.validators import clean_int, clean_text, validate_phone

from ..models import Booking, OfficeHour, OfficeHourRule
from ..workflow import booking_workflow, office_hour_workflow
from ._common import MAX_PEOPLE_PER_RECORD, _village

# ---- office hours ------------------------------------------------------------------------------------------------

def nth_weekday(year, month, weekday, week_of_month):
    """The date of the n-th (1..4, or -1 = last) ``weekday`` (0 = Monday) of a month."""
    if week_of_month == -1:
        last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1))
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def _check_advisor(actor, advisor):
    if advisor is None or not advisor.is_active:
        raise DomainError("请选择在岗的法律顾问。", field_errors={"advisor": "请选择在岗的法律顾问。"})
    if not policy.has_perm(actor, "legalservice.view", advisor.node):
        raise DomainError("所选法律顾问不在您的管辖范围内。", field_errors={"advisor": "顾问不在管辖范围内。"})


def _slot_values(*, start_time, end_time, place, capacity):
    if start_time is None or end_time is None or start_time >= end_time:
        raise DomainError("结束时间应晚于开始时间。", field_errors={"end_time": "结束时间应晚于开始时间。"})
    return {
        "start_time": start_time, "end_time": end_time,
        "place": clean_text(place, field="place", label="地点", max_length=100),
        "capacity": clean_int(capacity, field="capacity", label="可预约人数", min_value=1, max_value=100),
    }


@transaction.atomic
def office_hour_rule_create(*, actor, node, advisor, week_of_month, weekday, start_time, end_time, place, capacity=6,
                            generate_from=None, months=12):
    _village(node)
    policy.require(actor, "legalservice.manage", node, view_perm="legalservice.view")
    week_of_month = clean_int(week_of_month, field="week_of_month", label="每月第几个", min_value=-1, max_value=4)
    weekday = clean_int(weekday, field="weekday", label="星期", min_value=0, max_value=6)
    if week_of_month == 0:
        raise DomainError("请选择每月第几个星期几。", field_errors={"week_of_month": "请选择。"})
    _check_advisor(actor, advisor)
    values = _slot_values(start_time=start_time, end_time=end_time, place=place, capacity=capacity)
    rule = OfficeHourRule.objects.create(node=node, advisor=advisor, week_of_month=week_of_month, weekday=weekday,
                                         created_at=clock.now(), **values)
    audit.record(actor=actor, action="create", obj=rule, action_label="制定每月定期坐班规则",
                 changes={"rule": str(rule), "place": rule.place, "advisor": advisor.name, "capacity": rule.capacity})
    months = clean_int(months, field="months", label="生成月数", min_value=1, max_value=24)
    start = generate_from or clock.today()
    end = workdays.add_months(start.replace(day=1), months) - datetime.timedelta(days=1)
    office_hours_generate(actor=actor, rule=rule, start=start, end=end)
    return rule


@transaction.atomic
def office_hours_generate(*, actor, rule, start, end):
    """Create the rule's slots dated in [start, end] that do not exist yet; returns how many were created."""
    policy.require(actor, "legalservice.manage", rule.node, view_perm="legalservice.view")
    created = 0
    year, month = start.year, start.month
    while datetime.date(year, month, 1) <= end:
        day = nth_weekday(year, month, rule.weekday, rule.week_of_month)
        if start <= day <= end:
            _, made = OfficeHour.objects.get_or_create(
                node=rule.node, advisor=rule.advisor, date=day, start_time=rule.start_time,
                defaults={"rule": rule, "end_time": rule.end_time, "place": rule.place, "capacity": rule.capacity})
            created += made
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if created:
        audit.record(actor=actor, action="update", obj=rule, changes={"generated": created, "from": start, "to": end},
                     action_label=f"生成坐班安排 {created} 次")
    return created


@transaction.atomic
def office_hour_create(*, actor, node, advisor, date, start_time, end_time, place, capacity=6):
    _village(node)
    policy.require(actor, "legalservice.record_office_hour", node, view_perm="legalservice.view")
    _check_advisor(actor, advisor)
    if date is None:
        raise DomainError("请选择日期。", field_errors={"date": "请选择日期。"})
    values = _slot_values(start_time=start_time, end_time=end_time, place=place, capacity=capacity)
    try:
        with transaction.atomic():
            slot = OfficeHour.objects.create(node=node, advisor=advisor, date=date, **values)
    except IntegrityError:
        raise DomainError("该顾问在这一天的同一时间已有坐班安排。", field_errors={"date": "已有相同时间的坐班。"})
    audit.record(actor=actor, action="create", obj=slot, action_label="安排坐班",
                 changes={"date": date, "advisor": advisor.name, "place": slot.place})
    return slot


S = OfficeHour.Status


@transaction.atomic
def office_hour_import(*, actor, node, advisor, date, start_time, end_time, place, status="", people_received=None,
                       note="", source="") -> OfficeHour:
    """One row of the office-hours ledger (a session of the paper sign-in book): on its own date, with its outcome —
    已坐班 (with the people received), 未坐班 or 已取消 (with the reason in 说明) — so a past session never waits to be
    recorded. A past session must have its outcome; a future one can only be planned (计划坐班). The advisor may have
    left since (the record names who sat). Every problem at once; the audit says "导入历史" with the business date."""
    _village(node)
    policy.require(actor, "legalservice.record_office_hour", node, view_perm="legalservice.view")
    errors = {}
    if advisor is None or not policy.has_perm(actor, "legalservice.view", advisor.node):
        errors["advisor"] = "所选法律顾问不在您的管辖范围内。"
    status = status or S.PLANNED
    today = clock.today()
    if date is None:
        errors["date"] = "请填写日期。"
    elif status == S.PLANNED and date < today:
        errors["status"] = "已过坐班日期：请填写坐班情况（已坐班、未坐班或已取消）。"
    elif status in (S.HELD, S.MISSED) and date > today:
        errors["status"] = f"坐班日期为{date:%Y年%m月%d日}，尚未到来，只能是“计划坐班”或“已取消”。"
    received = 0
    if people_received not in (None, "", 0) and status != S.HELD:
        errors["people_received"] = "只有“已坐班”的记录填写接待人数。"
    elif status == S.HELD:
        try:
            received = clean_int(people_received or 0, field="people_received", label="接待人数", min_value=0,
                                 max_value=MAX_PEOPLE_PER_RECORD)
        except DomainError as exc:
            errors.update(exc.field_errors)
    note = (note or "").strip()
    if status in (S.MISSED, S.CANCELLED) and not note:
        errors["note"] = "未坐班或已取消的，请在“说明”中写明原因。"
    try:
        values = _slot_values(start_time=start_time, end_time=end_time, place=place, capacity=6)
    except DomainError as exc:
        errors.update(exc.field_errors)
    try:
        note = clean_text(note, field="note", label="说明", max_length=500, required=False)
    except DomainError as exc:
        errors.update(exc.field_errors)
    if errors:
        raise DomainError("；".join(dict.fromkeys(errors.values())), field_errors=errors)
    try:
        with transaction.atomic():
            slot = OfficeHour.objects.create(node=node, advisor=advisor, date=date, status=status, note=note,
                                             people_received=received, **values)
    except IntegrityError:
        raise DomainError("该顾问在这一天的同一时间已有坐班记录。", field_errors={"date": "已有相同时间的坐班。"})
    history = status != S.PLANNED
    audit.record(actor=actor, action="import", obj=slot,
                 action_label=f"{'导入历史' if history else '导入'}：{source or '定期坐班台账'}",
                 changes={"imported_history": history, "business_date": audit.normalize(date),
                          "status": status, "advisor": advisor.name, "people_received": received})
    return slot


@transaction.atomic
def office_hour_correct(*, actor, office_hour: OfficeHour, version=None, place=None, people_received=None,
                        note=None) -> OfficeHour:
    """Correct a session's place, its people received (a held session) or its note (audited)."""
    slot = OfficeHour.objects.select_for_update().get(pk=office_hour.pk)
    if version is not None and int(version) != slot.version:
        raise Conflict()
    policy.require(actor, "legalservice.record_office_hour", slot.node, view_perm="legalservice.view")
    fields = ["place", "people_received", "note"]
    before = audit.snapshot(slot, fields)
    if place is not None:
        slot.place = clean_text(place, field="place", label="地点", max_length=100)
    if people_received is not None:
        if slot.status != S.HELD and people_received:
            raise DomainError("只有“已坐班”的记录填写接待人数。", field_errors={"people_received": "尚未坐班。"})
        slot.people_received = clean_int(people_received, field="people_received", label="接待人数", min_value=0,
                                         max_value=MAX_PEOPLE_PER_RECORD)
    if note is not None:
        slot.note = clean_text(note, field="note", label="说明", max_length=500, required=False)
    slot.version += 1
    slot.save()
    audit.record(actor=actor, action="update", obj=slot, action_label="更正坐班记录",
                 changes=audit.diff(before, audit.snapshot(slot, fields)))
    return slot


def _record_slot(slot, *, actor, reason, data, transition) -> None:
    """Side fields of a recorded office hour: people received (held) and the note."""
    if transition.name == "hold":
        slot.people_received = clean_int(data.get("people_received") or 0, field="people_received", label="接待人数",
                                         min_value=0, max_value=MAX_PEOPLE_PER_RECORD)
    text = clean_text(data.get("note") or reason, field="note", label="说明", max_length=500, required=False)
    if text:
        slot.note = text


def office_hour_transition(*, actor, office_hour: OfficeHour, name: str, version=None, reason: str = "",
                           people_received=None, note: str = "") -> OfficeHour:
    return office_hour_workflow.run(office_hour, actor=actor, name=name, version=version, reason=reason,
                                    data={"people_received": people_received, "note": note}, handler=_record_slot)


def _now_local_time():
    from django.utils import timezone

    return timezone.localtime(clock.now()).time()


@transaction.atomic
def booking_create(*, office_hour_id, name, phone, topic, actor=None):
    """A resident books a slot. The slot row is locked so two residents cannot take the last place together."""
    errors = {}
    try:
        name = clean_text(name, field="name", label="姓名", max_length=50)
    except DomainError as exc:
        errors.update(exc.field_errors)
    try:
        phone = validate_phone(phone, field="phone")
    except DomainError as exc:
        errors.update(exc.field_errors)
    try:
        topic = clean_text(topic, field="topic", label="咨询事项", max_length=500)
    except DomainError as exc:
        errors.update(exc.field_errors)
    if errors:
        raise DomainError("请检查填写的内容：" + "；".join(errors.values()), field_errors=errors)
    try:
        slot = OfficeHour.objects.select_for_update().get(pk=office_hour_id)
    except (OfficeHour.DoesNotExist, ValueError, TypeError):
        raise NotFound("该坐班时段不存在。")
    if slot.status != OfficeHour.Status.PLANNED:
        raise DomainError(f"该坐班时段{slot.get_status_display()}，不能预约。")
    today = clock.today()
    if slot.date < today or (slot.date == today and slot.start_time <= _now_local_time()):
        raise DomainError("该坐班时段已经过去，不能预约，请选择以后的时段。")
    if slot.bookings.filter(personal.match("phone", phone)).exists():  # keyed hash: the number is encrypted
        raise DomainError("这个电话号码已经预约过该时段，无需重复预约。", field_errors={"phone": "已预约过该时段。"})
    taken = slot.bookings.filter(status=Booking.Status.BOOKED).count()
    if taken >= slot.capacity:
        raise DomainError("该时段预约已满，请选择其他时段。")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(office_hour=slot, node=slot.node, name=name, phone=phone, topic=topic,
                                             created_at=clock.now())
    except IntegrityError:
        raise DomainError("这个电话号码已经预约过该时段，无需重复预约。", field_errors={"phone": "已预约过该时段。"})
    audit.record(actor=actor or "群众（公众网站）", action="create", obj=booking, node=slot.node, action_label="群众预约坐班",
                 object_repr=f"{mask_name(name)} 预约 {slot}", changes={"office_hour": slot.pk})
    return booking


def booking_cancel(*, actor, booking: Booking, reason: str) -> Booking:
    reason = clean_text(reason, field="reason", label="取消原因", max_length=200)
    return booking_workflow.run(booking, actor=actor, name="cancel", reason=reason)
