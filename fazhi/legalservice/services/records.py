"""Legal-services writes: records."""
import decimal

from django.db import transaction

from fazhi.core import access, audit, clock, files, orgkinds, policy
from fazhi.core.errors import DomainError
from fazhi.core.validators import clean_decimal, clean_int, clean_text
from fazhi.core.workflow import lock

from ..models import DemonstrationVillage, ServiceRecord, Station
from ._common import MAX_HOURS_PER_RECORD, MAX_PEOPLE_PER_RECORD, RECORD_FIELDS, _village

# ---- service records -------------------------------------------------------------------------------------------

def _record_values(*, actor, node, advisor, kind, date, title, people_served, hours, notes):
    errors = {}
    if node is None or not node.is_active or not (node.level == orgkinds.VILLAGE or node.is_tenant):
        errors["node"] = "请选择服务的村（社区）或街道。"
    if advisor is None:
        errors["advisor"] = "请选择法律顾问。"
    if kind not in ServiceRecord.Kind.values:
        errors["kind"] = "请选择服务类型。"
    if date is None:
        errors["date"] = "请填写服务日期。"
    elif date > clock.today():
        errors["date"] = "服务日期不能晚于今天。"
    elif advisor is not None and advisor.appointed_on and date < advisor.appointed_on:
        # a record of a past day is judged by that day: the advisor must already have been appointed
        errors["date"] = f"服务日期早于该法律顾问的聘任日期（{advisor.appointed_on:%Y-%m-%d}）。"
    values = {}
    for field, fn in (("title", lambda: clean_text(title, field="title", label="事项", max_length=200)),
                      ("people_served", lambda: clean_int(people_served, field="people_served", label="服务人数",
                                                         min_value=0, max_value=MAX_PEOPLE_PER_RECORD)),
                      ("hours", lambda: clean_decimal(hours, field="hours", label="用时（小时）", min_value=0,
                                                      max_value=MAX_HOURS_PER_RECORD, places="0.1", required=False)
                       or decimal.Decimal("0.0")),
                      ("notes", lambda: clean_text(notes, field="notes", label="情况说明", max_length=5000, required=False))):
        try:
            values[field] = fn()
        except DomainError as exc:
            errors.update(exc.field_errors)
    if errors:
        raise DomainError("请检查填写的内容：" + "；".join(errors.values()), field_errors=errors)
    policy.require(actor, "legalservice.record_service", node, view_perm="legalservice.view")
    if not policy.has_perm(actor, "legalservice.view", advisor.node) and not advisor.villages.filter(pk=node.pk).exists():
        raise DomainError("所选法律顾问不在您的管辖范围内。", field_errors={"advisor": "顾问不在管辖范围内。"})
    return values | {"node": node, "advisor": advisor, "kind": kind, "date": date}


@transaction.atomic
def service_record_create(*, actor, node, advisor, kind, date, title, people_served=0, hours=0, notes="", dispute=None,
                          photos=(), imported=""):
    """``imported`` names where a record from paper comes from (a ledger row): audited as imported history, by the
    importer at the time of the import, with the record's own (business) date."""
    values = _record_values(actor=actor, node=node, advisor=advisor, kind=kind, date=date, title=title,
                            people_served=people_served, hours=hours, notes=notes)
    values.update(_dispute_value(actor, kind, dispute))
    record = ServiceRecord.objects.create(created_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now(), **values)
    changes = audit.snapshot(record, RECORD_FIELDS)
    if imported:
        changes |= {"imported_history": True, "business_date": audit.normalize(record.date)}
    audit.record(actor=actor, action="create", obj=record, changes=changes,
                 action_label=f"导入历史：{imported}" if imported else "登记法律服务")
    for upload in photos or ():
        service_record_add_photo(actor=actor, record=record, upload=upload)
    return record


def _dispute_value(actor, kind, dispute):
    if dispute is not None and kind != ServiceRecord.Kind.MEDIATION:
        raise DomainError("只有“参与调解”的服务记录可以关联矛盾纠纷案件。", field_errors={"dispute": "仅参与调解可关联案件。"})
    if dispute is not None and not _dispute_visible(actor, dispute):
        raise DomainError("所选纠纷案件不在您的管辖范围内。", field_errors={"dispute": "案件不在管辖范围内。"})
    return {"dispute": dispute}


def _dispute_visible(actor, dispute) -> bool:
    """Only the cases the dispute module itself shows the actor (its access policy, extra grants included)."""
    from fazhi.disputes.models import Dispute

    return access.policy_for(Dispute).instances_for(actor, "view").filter(pk=dispute.pk).exists()


@transaction.atomic
def service_record_update(*, actor, record, version, node, advisor, kind, date, title, people_served=0, hours=0, notes="",
                          dispute=None):
    obj = lock(ServiceRecord, record.pk, version)
    policy.require(actor, "legalservice.record_service", obj.node, view_perm="legalservice.view")
    before = audit.snapshot(obj, RECORD_FIELDS)
    values = _record_values(actor=actor, node=node, advisor=advisor, kind=kind, date=date, title=title,
                            people_served=people_served, hours=hours, notes=notes)
    values.update(_dispute_value(actor, kind, dispute))
    for key, value in values.items():
        setattr(obj, key, value)
    obj.version += 1
    obj.save()
    audit.record(actor=actor, action="update", obj=obj, action_label="修改法律服务记录",
                 changes=audit.diff(before, audit.snapshot(obj, RECORD_FIELDS)))
    return obj


@transaction.atomic
def service_record_add_photo(*, actor, record, upload, max_bytes=None):
    policy.require(actor, "legalservice.record_service", record.node, view_perm="legalservice.view")
    return files.store_upload(upload, owner=record, node=record.node, actor=actor, allowed_kinds=("image",),
                              purpose="photo", max_bytes=max_bytes)


# ---- stations & demonstration villages --------------------------------------------------------------------------

STATION_FIELDS = ["name", "address", "opening_hours", "opened_on", "is_active"]


def _station_values(*, name, address, opening_hours, opened_on):
    return {"name": clean_text(name, field="name", label="名称", max_length=100),
            "address": clean_text(address, field="address", label="地址", max_length=200),
            "opening_hours": clean_text(opening_hours, field="opening_hours", label="开放时间", max_length=100, required=False),
            "opened_on": opened_on}


@transaction.atomic
def station_create(*, actor, node, name, address, opening_hours="", opened_on=None):
    _village(node)
    policy.require(actor, "legalservice.manage", node, view_perm="legalservice.view")
    if Station.objects.filter(node=node).exists():
        raise DomainError(f"{node.name}已登记公共法律服务站。", field_errors={"node": "该村已有服务站。"})
    station = Station.objects.create(node=node, created_at=clock.now(), **_station_values(
        name=name, address=address, opening_hours=opening_hours, opened_on=opened_on))
    audit.record(actor=actor, action="create", obj=station, action_label="登记公共法律服务站",
                 changes=audit.snapshot(station, STATION_FIELDS[:4]))
    return station


@transaction.atomic
def station_update(*, actor, station, name, address, opening_hours="", opened_on=None, is_active=True):
    """Change a station's particulars (its village stays: one station a village)."""
    obj = Station.objects.select_for_update().get(pk=station.pk)
    policy.require(actor, "legalservice.manage", obj.node, view_perm="legalservice.view")
    before = audit.snapshot(obj, STATION_FIELDS)
    for key, value in _station_values(name=name, address=address, opening_hours=opening_hours,
                                      opened_on=opened_on).items():
        setattr(obj, key, value)
    obj.is_active = bool(is_active)
    obj.save()
    audit.record(actor=actor, action="update", obj=obj, action_label="修改公共法律服务站",
                 changes=audit.diff(before, audit.snapshot(obj, STATION_FIELDS)))
    return obj


def _designation_values(*, actor, node, level, year, title, exclude=None):
    _village(node)
    policy.require(actor, "legalservice.manage", node, view_perm="legalservice.view")
    if level not in DemonstrationVillage.Level.values:
        raise DomainError("请选择级别。", field_errors={"level": "请选择级别。"})
    year = clean_int(year, field="year", label="命名年份", min_value=1990, max_value=clock.today().year)
    if DemonstrationVillage.objects.filter(node=node, level=level).exclude(pk=exclude).exists():
        raise DomainError(f"{node.name}已登记为{DemonstrationVillage.Level(level).label}示范村。", field_errors={"level": "已登记。"})
    return {"node": node, "level": level, "year": year,
            "title": clean_text(title, field="title", label="称号", max_length=100)}


@transaction.atomic
def demonstration_village_create(*, actor, node, level, year, title="民主法治示范村（社区）"):
    values = _designation_values(actor=actor, node=node, level=level, year=year, title=title)
    item = DemonstrationVillage.objects.create(created_at=clock.now(), **values)
    audit.record(actor=actor, action="create", obj=item, action_label="登记民主法治示范村",
                 changes={"level": level, "year": values["year"]})
    return item


@transaction.atomic
def demonstration_village_update(*, actor, item, node, level, year, title="民主法治示范村（社区）"):
    obj = DemonstrationVillage.objects.select_for_update().get(pk=item.pk)
    policy.require(actor, "legalservice.manage", obj.node, view_perm="legalservice.view")
    fields = ["node", "level", "year", "title"]
    before = audit.snapshot(obj, fields)
    for key, value in _designation_values(actor=actor, node=node, level=level, year=year, title=title,
                                          exclude=obj.pk).items():
        setattr(obj, key, value)
    obj.save()
    audit.record(actor=actor, action="update", obj=obj, action_label="修改民主法治示范村",
                 changes=audit.diff(before, audit.snapshot(obj, fields)))
    return obj
