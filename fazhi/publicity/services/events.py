"""Publicity events (plans, held events, reach per audience group, photos) and campaigns."""
from django.db import transaction

from fazhi.core import audit, clock, files, workdays
from fazhi.core.errors import DomainError
from fazhi.core.validators import clean_date, clean_int, clean_text

from ..models import Campaign, Event, EventReach, Target
from ..workflow import EVENT_WORKFLOW
from .common import (
    EVENT_FIELDS,
    MAX_MATERIALS,
    MAX_ONLINE_REACH,
    MAX_SLOGANS,
    _check_unit,
    _choice,
    _not_too_far,
    _reach_rows,
    _record_due,
    _require,
)

# ---- events ---------------------------------------------------------------------------------------------------

def _clean_event(*, actor, node, title, date, place, target, organiser_unit, organiser_text, key_date, campaign, content):
    data = {
        "title": clean_text(title, field="title", label="活动名称", max_length=100),
        "date": clean_date(date, field="date", label="活动日期"),
        "place": clean_text(place, field="place", label="地点", max_length=100),
        "target": _choice(target, Target.choices, field="target", label="“六进”对象"),
        "organiser_unit": _check_unit(organiser_unit, node),
        "organiser_text": clean_text(organiser_text, field="organiser_text", label="组织单位", max_length=100, required=False),
        "key_date": key_date,
        "campaign": campaign,
        "content": clean_text(content, field="content", label="活动内容", max_length=5000, required=False),
    }
    _not_too_far(data["date"], field="date", label="活动日期")
    if data["organiser_unit"] is None and not data["organiser_text"]:
        raise DomainError("请选择或填写组织单位。", field_errors={"organiser_text": "请选择或填写组织单位。"})
    if campaign is not None:
        if not node.path.startswith(campaign.node.path) and not campaign.node.path.startswith(node.path):
            raise DomainError("所选专项活动不属于该组织。", field_errors={"campaign": "专项活动不属于该组织。"})
        if data["key_date"] is None:
            data["key_date"] = campaign.key_date
    return data


def _results(materials, slogans, online_reach, reach):
    return {
        "materials": (clean_int(materials, field="materials", label="发放宣传资料", max_value=MAX_MATERIALS, required=False) or 0),
        "slogans": (clean_int(slogans, field="slogans", label="张贴标语横幅", max_value=MAX_SLOGANS, required=False) or 0),
        "online_reach": (clean_int(online_reach, field="online_reach", label="线上覆盖人次", max_value=MAX_ONLINE_REACH, required=False) or 0),
        "reach": _reach_rows(reach),
    }


def _set_reach(event, rows):
    EventReach.objects.filter(event=event).delete()
    EventReach.objects.bulk_create([EventReach(event=event, group=g, people=n) for g, n in rows])


def _reach_snapshot(rows):
    return {g.name: n for g, n in rows}


@transaction.atomic
def event_create(*, actor, node, title, date, place, target, organiser_unit=None, organiser_text="", key_date=None,
                 campaign=None, content="", materials=0, slogans=0, online_reach=0, reach=None, photos=()):
    """Record a publicity event. A future date makes it a plan (results recorded after it is held); a past or
    today's date records a held event with its results."""
    _require(actor, "publicity.record_event", node)
    data = _clean_event(actor=actor, node=node, title=title, date=date, place=place, target=target,
                        organiser_unit=organiser_unit, organiser_text=organiser_text, key_date=key_date,
                        campaign=campaign, content=content)
    results = _results(materials, slogans, online_reach, reach)
    planned = data["date"] > clock.today()
    if planned and (results["materials"] or results["slogans"] or results["online_reach"] or results["reach"]):
        raise DomainError("活动尚未开展（日期在今天之后），请先保存为计划，开展后再登记受众人次和宣传资料。",
                          field_errors={"date": "活动日期在今天之后。"})
    reach_rows = results.pop("reach")
    event = Event.objects.create(
        node=node, **data, **results, status=Event.Status.PLANNED if planned else Event.Status.HELD,
        record_due=_record_due(data["date"]) if planned else None,
        created_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now())
    _set_reach(event, reach_rows)
    audit.record(actor=actor, action="create", obj=event, action_label="登记活动计划" if planned else "登记宣传活动",
                 changes=audit.snapshot(event, EVENT_FIELDS) | {"reach": _reach_snapshot(reach_rows)})
    for upload in photos or ():
        _store_photo(actor, event, upload)
    return event


@transaction.atomic
def event_update(*, actor, event, expected_version=None, title, date, place, target, organiser_unit=None,
                 organiser_text="", key_date=None, campaign=None, content="", materials=0, slogans=0, online_reach=0,
                 reach=None):
    """Correct an event (two staff may edit one record: optimistic locking)."""
    from fazhi.core.workflow import lock

    _require(actor, "publicity.record_event", event.node)
    event = lock(Event, event.pk, expected_version)
    if event.status == Event.Status.CANCELLED:
        raise DomainError("已取消的活动不能修改。")
    before = audit.snapshot(event, EVENT_FIELDS) | {"reach": {r.group.name: r.people for r in event.reach.select_related("group")}}
    data = _clean_event(actor=actor, node=event.node, title=title, date=date, place=place, target=target,
                        organiser_unit=organiser_unit, organiser_text=organiser_text, key_date=key_date,
                        campaign=campaign, content=content)
    results = _results(materials, slogans, online_reach, reach)
    reach_rows = results.pop("reach")
    if event.status == Event.Status.PLANNED:
        if results["materials"] or results["slogans"] or results["online_reach"] or reach_rows:
            raise DomainError("计划中的活动请通过“登记开展情况”填写受众人次和宣传资料。", field_errors={"materials": "请通过“登记开展情况”填写。"})
        data["record_due"] = _record_due(data["date"])
    elif data["date"] > clock.today():
        raise DomainError("已开展的活动日期不能晚于今天。", field_errors={"date": "日期晚于今天。"})
    for k, v in {**data, **results}.items():
        setattr(event, k, v)
    event.version += 1
    event.save()
    _set_reach(event, reach_rows)
    changes = audit.diff(before, audit.snapshot(event, EVENT_FIELDS) | {"reach": _reach_snapshot(reach_rows)})
    audit.record(actor=actor, action="update", obj=event, changes=changes, action_label="修改活动信息")
    return event


def _record_or_cancel(event: Event, *, actor, reason: str, data: dict, transition) -> dict:
    """Side fields of a transition: the results of a held event, or the reason of a cancelled plan."""
    changes: dict = {}
    if transition.name == "record":
        results = _results(data.get("materials"), data.get("slogans"), data.get("online_reach"), data.get("reach"))
        rows = results.pop("reach")
        if not rows and not results["online_reach"]:
            raise DomainError("请至少填写一个群体的受众人次。", field_errors={"reach": "请填写受众人次。"})
        for k, v in results.items():
            setattr(event, k, v)
        _set_reach(event, rows)
        changes["reach"] = _reach_snapshot(rows)
    elif transition.name == "cancel":
        event.cancel_reason = clean_text(reason, field="reason", label="取消原因", max_length=200)
    event.record_due = None
    return changes


def event_transition(*, actor, event: Event, name: str, expected_version=None, reason: str = "", materials=0,
                     slogans=0, online_reach=0, reach=None) -> Event:
    """Run one transition of EVENT_WORKFLOW (record the results of a held event, or cancel a plan)."""
    return EVENT_WORKFLOW.run(event, actor=actor, name=name, version=expected_version, reason=reason or "",
                              handler=_record_or_cancel,
                              data={"materials": materials, "slogans": slogans, "online_reach": online_reach,
                                    "reach": reach})


def _store_photo(actor, event, upload):
    return files.store_upload(upload, owner=event, node=event.node, actor=actor, allowed_kinds=("image",), purpose="photo")


@transaction.atomic
def event_add_photo(*, actor, event, upload):
    _require(actor, "publicity.record_event", event.node)
    if event.status == Event.Status.CANCELLED:
        raise DomainError("已取消的活动不能上传照片。")
    if upload is None:
        raise DomainError("请选择要上传的照片。", field_errors={"file": "请选择照片。"})
    return _store_photo(actor, event, upload)


@workdays.register_recompute
def recompute(actor):
    """A holiday change moves the record-by dates of planned events."""
    changed = 0
    for event in Event.objects.filter(status=Event.Status.PLANNED).only("pk", "date", "record_due"):
        due = _record_due(event.date)
        if due != event.record_due:
            Event.objects.filter(pk=event.pk).update(record_due=due)
            changed += 1
    return changed


# ---- campaigns ------------------------------------------------------------------------------------------------

@transaction.atomic
def campaign_create(*, actor, node, name, start_date, end_date, key_date=None, theme=""):
    _require(actor, "publicity.manage", node)
    name = clean_text(name, field="name", label="名称", max_length=100)
    start_date = clean_date(start_date, field="start_date", label="开始日期")
    end_date = clean_date(end_date, field="end_date", label="结束日期")
    if end_date < start_date:
        raise DomainError("结束日期不能早于开始日期。", field_errors={"end_date": "结束日期早于开始日期。"})
    if (end_date - start_date).days > 366:
        raise DomainError("专项活动不能超过一年。", field_errors={"end_date": "时间跨度过长。"})
    campaign = Campaign.objects.create(node=node, name=name, start_date=start_date, end_date=end_date, key_date=key_date,
                                       theme=clean_text(theme, field="theme", label="主题", max_length=200, required=False),
                                       created_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now())
    audit.record(actor=actor, action="create", obj=campaign,
                 changes=audit.snapshot(campaign, ["name", "start_date", "end_date", "key_date", "theme"]))
    return campaign


