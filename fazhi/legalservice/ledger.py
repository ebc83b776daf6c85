"""Excel ledgers (台账) of the module. Export reads the scoped selectors; import calls the same services as the UI.

Round trip: an exported sheet re-imports as "nothing to do". A row names its record by the ledger's key column —
an advisor by 执业证号, a station by its 村（社区）, a service record or a designation by its 记录编号 — and an edited cell
updates that record through the module's update service (validated, audited); unchanged rows are skipped. Rows whose
key names no record the importer can see (empty, or a sheet from another subdistrict) are created. Informative
columns (所属组织, 法律顾问姓名) are export-only: ignored on import. Villages are matched by name inside the importing
user's scope, advisors by licence number, so a ledger exported from one subdistrict can be imported into another
with villages of the same names (the round trip the tests check). Service records keep their own dates, so a year of
paper history comes in as that year's work.
"""
import datetime
import re

from fazhi.core import ledger, orgkinds, validators
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import Advisor, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord

C = ledger.Column
IGNORED = "仅导出：导入时忽略此列"
RECORD_NUMBER = "已有记录按编号对应（未改动的行跳过，改动的更新）；新记录留空，由系统编号"


def _find_node(actor, name, perm, field, *, tenants_too=False):
    """The village (or, with ``tenants_too``, the subdistrict) of this name inside the importer's scope."""
    try:
        try:
            return validators.clean_node(actor, name, perm=perm, field=field, label="村（社区）", level=orgkinds.VILLAGE)
        except DomainError:
            if not tenants_too:
                raise
            return validators.clean_node(actor, name, perm=perm, field=field, label="村（社区）或街道", tenants=True)
    except DomainError as exc:
        message = f"“{name}”：{exc.message}"
        raise DomainError(message, field_errors={field: message}) from None


def _find_advisor(actor, licence_number, field="advisor_licence"):
    """The advisor with this licence number in scope; one who has left counts too (a past record names them)."""
    advisors = selectors.advisor_list(user=actor, filters={"active": ""}).order_by("-is_active", "id")
    advisor = advisors.filter(licence_number=(licence_number or "").strip()).first()
    if advisor is None:
        message = f"找不到执业证号为“{licence_number}”的法律顾问，请先导入法律顾问名册。"
        raise DomainError(message, field_errors={field: message})
    return advisor


def _village_names(text):
    return [n.strip() for n in (text or "").replace(",", "、").replace("，", "、").split("、") if n.strip()]


class _Ledger(ledger.Ledger):
    view_perm = "legalservice.view"


class _Updatable(_Ledger):
    """A ledger whose rows update their record: ``update_row`` merges the changed cells into the record's current
    values (``current``) and calls the module's update service (``save``)."""

    import_perm = "legalservice.import"

    def current(self, record) -> dict:
        raise NotImplementedError

    def save(self, record, values, *, actor):
        raise NotImplementedError

    def update_row(self, record, values, *, actor):
        self.save(record, self.current(record) | values, actor=actor)


@ledger.register
class AdvisorLedger(_Updatable):
    key = "legalservice.advisors"
    title = "法律顾问名册"
    key_column = "licence_number"
    columns = [
        C("name", "姓名", required=True, max_length=50),
        C("kind", "类型", kind="choice", required=True, choices=dict(Advisor.Kind.choices)),
        C("law_firm", "律师事务所", required=True, max_length=100, width=24),
        C("licence_number", "执业证号", required=True, max_length=40, width=22,
          help="已登记的顾问按执业证号对应（未改动的行跳过，改动的更新）"),
        C("phone", "手机号", max_length=20),
        C("public_phone", "公开联系电话", max_length=20),
        C("villages", "服务村（社区）", width=30, help="多个村用“、”分隔；专职顾问可留空",
          export=lambda a: "、".join(v.name for v in a.villages.all())),
        C("node__name", "所属组织", help="导出时填写；导入时忽略（由服务村或导入人所在街道确定）", export_only=True),
        C("how_to_ask", "咨询方式说明", max_length=300, width=30),
        C("appointed_on", "聘任日期", kind="date"),
    ]

    def queryset(self, user, params):
        return selectors.advisor_list(user=user, filters=params)

    def find(self, user, value, values=None):
        """The advisor with this licence number in the importer's scope, in post or not (never a second one)."""
        if value in (None, ""):
            return None
        return selectors.advisor_list(user=user, filters={"active": ""}).filter(licence_number=value).order_by(
            "-is_active", "id").first()

    def _kwargs(self, values, actor, villages=None):
        if villages is None:
            villages = [_find_node(actor, n, "legalservice.manage", "villages") for n in _village_names(values.get("villages"))]
        return dict(kind=values["kind"], name=values["name"], law_firm=values["law_firm"],
                    licence_number=values["licence_number"], phone=values.get("phone") or "",
                    public_phone=values.get("public_phone") or "", villages=villages,
                    how_to_ask=values.get("how_to_ask") or "", appointed_on=values.get("appointed_on"))

    def import_row(self, values, *, actor, row_number):
        services.advisor_create(actor=actor, **self._kwargs(values, actor))

    def current(self, advisor):
        return {"kind": advisor.kind, "name": advisor.name, "law_firm": advisor.law_firm,
                "licence_number": advisor.licence_number, "phone": advisor.phone, "public_phone": advisor.public_phone,
                "villages": "、".join(v.name for v in advisor.villages.all()), "how_to_ask": advisor.how_to_ask,
                "appointed_on": advisor.appointed_on}

    def save(self, advisor, values, *, actor):
        served = list(advisor.villages.all())
        same = _village_names(values.get("villages")) == [v.name for v in served]
        services.advisor_update(actor=actor, advisor=advisor, version=advisor.version, is_active=advisor.is_active,
                                user=advisor.user, node=advisor.node if values["kind"] == Advisor.Kind.FULLTIME else None,
                                **self._kwargs(values, actor, villages=served if same else None))


@ledger.register
class ServiceRecordLedger(_Updatable):
    key = "legalservice.services"
    title = "法律服务台账"
    key_column = "id"
    columns = [
        C("id", "记录编号", kind="int", min_value=1, width=10, help=RECORD_NUMBER),
        C("date", "日期", kind="date", required=True),
        C("node__name", "村（社区）", required=True),
        C("advisor__name", "法律顾问", help="导出时填写；导入时以执业证号为准", export_only=True),
        C("advisor_licence", "顾问执业证号", required=True, width=22, export=lambda r: r.advisor.licence_number),
        C("kind", "服务类型", kind="choice", required=True, choices=dict(ServiceRecord.Kind.choices)),
        C("title", "事项", required=True, max_length=200, width=30),
        C("people_served", "服务人数", kind="int", required=True, min_value=0, max_value=services.MAX_PEOPLE_PER_RECORD),
        C("hours", "用时（小时）", kind="decimal", min_value=0),
        C("notes", "情况说明", width=40),
    ]

    def queryset(self, user, params):
        return selectors.service_record_list(user=user, filters=params).select_related("advisor")

    def _kwargs(self, values, actor, record=None):
        """The service's arguments; an unchanged village or advisor stays the record's own (even where names repeat)."""
        if record is not None and values["node__name"] == record.node.name:
            node = record.node
        else:
            node = _find_node(actor, values["node__name"], "legalservice.record_service", "node__name", tenants_too=True)
        if record is not None and values["advisor_licence"] == record.advisor.licence_number:
            advisor = record.advisor
        else:
            advisor = _find_advisor(actor, values["advisor_licence"])
        return dict(node=node, advisor=advisor, kind=values["kind"],
                    date=values["date"], title=values["title"], people_served=values["people_served"],
                    hours=values.get("hours") or 0, notes=values.get("notes") or "")

    def import_row(self, values, *, actor, row_number):
        services.service_record_create(actor=actor, imported=f"{self.title}第{row_number}行", **self._kwargs(values, actor))

    def current(self, r):
        return {"node__name": r.node.name, "advisor_licence": r.advisor.licence_number, "kind": r.kind, "date": r.date,
                "title": r.title, "people_served": r.people_served, "hours": r.hours, "notes": r.notes}

    def save(self, record, values, *, actor):
        services.service_record_update(actor=actor, record=record, version=record.version, dispute=record.dispute,
                                       **self._kwargs(values, actor, record))


@ledger.register
class StationLedger(_Updatable):
    key = "legalservice.stations"
    title = "公共法律服务站"
    key_column = "node__name"
    columns = [
        C("node__name", "村（社区）", required=True, help="每村一个服务站：已登记的按村名对应（未改动的行跳过，改动的更新）"),
        C("name", "名称", required=True, max_length=100, width=24),
        C("address", "地址", required=True, max_length=200, width=30),
        C("opening_hours", "开放时间", max_length=100),
        C("opened_on", "建成日期", kind="date"),
    ]

    def queryset(self, user, params):
        return selectors.station_list(user=user, filters=params)

    def find(self, user, value, values=None):
        """The station of the village of this name in scope; none where the name is not unique (the import then
        says so for the village)."""
        if value in (None, ""):
            return None
        matches = list(self.queryset(user, {}).filter(node__name=value)[:2])
        return matches[0] if len(matches) == 1 else None

    def import_row(self, values, *, actor, row_number):
        services.station_create(actor=actor, node=_find_node(actor, values["node__name"], "legalservice.manage", "node__name"),
                                name=values["name"], address=values["address"], opening_hours=values.get("opening_hours") or "",
                                opened_on=values.get("opened_on"))

    def current(self, station):
        return {"name": station.name, "address": station.address, "opening_hours": station.opening_hours,
                "opened_on": station.opened_on}

    def save(self, station, values, *, actor):
        services.station_update(actor=actor, station=station, name=values["name"], address=values["address"],
                                opening_hours=values.get("opening_hours") or "", opened_on=values.get("opened_on"),
                                is_active=station.is_active)


@ledger.register
class DemonstrationVillageLedger(_Updatable):
    key = "legalservice.demonstration_villages"
    title = "民主法治示范村"
    key_column = "id"
    columns = [
        C("id", "记录编号", kind="int", min_value=1, width=10, help=RECORD_NUMBER),
        C("node__name", "村（社区）", required=True),
        C("level", "级别", kind="choice", required=True, choices=dict(DemonstrationVillage.Level.choices)),
        C("year", "命名年份", kind="int", required=True, min_value=1990, max_value=2100),
        C("title", "称号", max_length=100, width=24),
    ]

    def queryset(self, user, params):
        return selectors.demonstration_village_list(user=user, filters=params).order_by("node__path", "level")

    def _kwargs(self, values, actor, item=None):
        if item is not None and values["node__name"] == item.node.name:
            node = item.node  # unchanged: the designation's own village, even where names repeat
        else:
            node = _find_node(actor, values["node__name"], "legalservice.manage", "node__name")
        return dict(node=node, level=values["level"], year=values["year"], title=values.get("title") or "民主法治示范村（社区）")

    def import_row(self, values, *, actor, row_number):
        services.demonstration_village_create(actor=actor, **self._kwargs(values, actor))

    def current(self, item):
        return {"node__name": item.node.name, "level": item.level, "year": item.year, "title": item.title}

    def save(self, item, values, *, actor):
        services.demonstration_village_update(actor=actor, item=item, **self._kwargs(values, actor, item))


@ledger.register
class ConsultationLedger(_Ledger):
    """Export only, on purpose: an online consultation is the resident's own submission through the public site — their
    question in their words, their contact details given for this purpose, their consent to publication as a case —
    and its answer deadline runs from that submission. Staff cannot truthfully re-create one from paper. A question
    asked in person or by phone is a service record of kind 法律咨询 in the 法律服务台账 (``ServiceRecordLedger``),
    which imports history with its own dates; that is where paper consultations go."""

    key = "legalservice.consultations"
    title = "在线法律咨询台账"
    columns = [
        C("asked_at", "提问时间", kind="datetime"),
        C("node__name", "村（社区）"),
        C("asker_name", "提问人"),
        C("phone", "联系电话", personal="phone"),
        C("title", "标题", width=30),
        C("status", "状态", kind="choice", choices=dict(Consultation.Status.choices)),
        C("advisor__name", "承办顾问"),
        C("due_date", "答复期限", kind="date"),
        C("answered_at", "答复时间", kind="datetime"),
        C("is_published", "已公开为案例", kind="bool"),
    ]

    def queryset(self, user, params):
        return selectors.consultation_list(user=user, filters=params)


TIME_RANGE = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[–—\-~～至]+\s*(\d{1,2})[:：](\d{2})\s*$")
OS = OfficeHour.Status
TRANSITION = {OS.HELD: "hold", OS.MISSED: "miss", OS.CANCELLED: "cancel"}


def _time_range(text):
    match = TIME_RANGE.match(text or "")
    try:
        if match:
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            return datetime.time(h1, m1), datetime.time(h2, m2)
    except ValueError:
        pass
    raise DomainError("时间应写成“09:00–11:30”。", field_errors={"time": "时间应写成“09:00–11:30”。"})


@ledger.register
class OfficeHourLedger(_Ledger):
    """Office hours of the advisors in the villages (定期坐班台账). Sessions are usually generated from the monthly
    rules; a new row is a session of the paper sign-in book on its own date with its outcome (``office_hour_import``:
    a past one 已坐班 / 未坐班 / 已取消, audited as imported history). Rows match on 记录编号: a planned session's
    outcome is recorded through ``office_hour_transition``; the place, the people received and the note are corrected
    through ``office_hour_correct``. Date, time, village and advisor are changed on the page (bookings hang on them)."""

    key = "legalservice.office_hours"
    title = "定期坐班台账"
    import_perm = "legalservice.import"
    key_column = "id"
    editable = ("status", "place", "people_received", "note")
    columns = [
        C("id", "记录编号", kind="int", min_value=1, width=10, help=RECORD_NUMBER),
        C("date", "日期", kind="date", required=True),
        C("time", "时间", required=True, max_length=20, export=lambda s: f"{s.start_time:%H:%M}–{s.end_time:%H:%M}",
          help="如“09:00–11:30”"),
        C("node__name", "村（社区）", required=True),
        C("advisor__name", "顾问", help="导出时填写；导入时以执业证号为准", export_only=True),
        C("advisor_licence", "顾问执业证号", required=True, width=22, export=lambda s: s.advisor.licence_number),
        C("place", "地点", required=True, max_length=100, width=24),
        C("status", "状态", kind="choice", choices=dict(OS.choices),
          help="过去的坐班填写“已坐班”“未坐班”或“已取消”；以后的留空（计划坐班）"),
        C("booked", "预约人数", kind="int", export_only=True),
        C("people_received", "接待人数", kind="int", min_value=0, max_value=services.MAX_PEOPLE_PER_RECORD),
        C("note", "说明", max_length=500, width=30, help="未坐班、已取消的写明原因"),
    ]

    def queryset(self, user, params):
        return selectors.office_hour_list(user=user, filters=params).select_related("advisor", "node")

    def import_row(self, values, *, actor, row_number):
        start, end = _time_range(values["time"])
        node = _find_node(actor, values["node__name"], "legalservice.record_office_hour", "node__name")
        return services.office_hour_import(
            actor=actor, node=node, advisor=_find_advisor(actor, values["advisor_licence"]), date=values["date"],
            start_time=start, end_time=end, place=values["place"], status=values.get("status") or "",
            people_received=values.get("people_received"), note=values.get("note") or "",
            source=f"{self.title}第{row_number}行")

    def update_row(self, record, values, *, actor):
        headers = {c.key: c.header for c in self.columns}
        refused = [k for k in values if k not in self.editable]
        if refused:
            message = (f"不能通过台账修改{'、'.join(headers[k] for k in refused)}：日期、时间、村和顾问请在坐班页面"
                       "调整（已有预约的须通知预约人）。")
            raise DomainError(message, field_errors={k: message for k in refused})
        status = values.get("status") or record.status
        if status != record.status:
            if record.status != OS.PLANNED or status not in TRANSITION:
                message = f"“{OS(record.status).label}”的坐班不能改为“{OS(status).label}”。"
                raise DomainError(message, field_errors={"status": message})
            record = services.office_hour_transition(
                actor=actor, office_hour=record, name=TRANSITION[status], version=record.version,
                reason=values.get("note", record.note) or "", people_received=values.get("people_received"),
                note=values.get("note", "") or "")
            return
        services.office_hour_correct(
            actor=actor, office_hour=record, version=record.version, place=values.get("place"),
            people_received=(values["people_received"] or 0) if "people_received" in values else None,
            note=(values["note"] or "") if "note" in values else None)
