"""Excel ledgers (台账) of the module. Export reads the scoped selectors; import calls the same services as the UI.

Columns are never ``export_only``: the core import refuses unknown headers, so an exported file must re-import as is;
informative columns (顾问姓名, 所属组织) are simply ignored on import. Villages are matched by name inside the importing user's scope, advisors by licence number, so a ledger exported from
one subdistrict can be imported into another with villages of the same names (the round trip the tests check).
"""
from fazhi.core import ledger, orgkinds, validators
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import Advisor, Consultation, DemonstrationVillage, OfficeHour, ServiceRecord

C = ledger.Column


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
    advisor = selectors.advisors_for(actor, "legalservice.view").filter(licence_number=(licence_number or "").strip()).first()
    if advisor is None:
        message = f"找不到执业证号为“{licence_number}”的在岗法律顾问，请先导入法律顾问名册。"
        raise DomainError(message, field_errors={field: message})
    return advisor


@ledger.register
class AdvisorLedger(ledger.Ledger):
    key = "legalservice.advisors"
    title = "法律顾问名册"
    view_perm = "legalservice.view"
    import_perm = "legalservice.import"
    columns = [
        C("name", "姓名", required=True, max_length=50),
        C("kind", "类型", kind="choice", required=True, choices=dict(Advisor.Kind.choices)),
        C("law_firm", "律师事务所", required=True, max_length=100, width=24),
        C("licence_number", "执业证号", required=True, max_length=40, width=22),
        C("phone", "手机号", max_length=20),
        C("public_phone", "公开联系电话", max_length=20),
        C("villages", "服务村（社区）", width=30, help="多个村用“、”分隔；专职顾问可留空",
          export=lambda a: "、".join(v.name for v in a.villages.all())),
        C("node__name", "所属组织", help="导出时填写；导入时忽略（由服务村或导入人所在街道确定）"),
        C("how_to_ask", "咨询方式说明", max_length=300, width=30),
        C("appointed_on", "聘任日期", kind="date"),
    ]

    def queryset(self, user, params):
        return selectors.advisor_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        names = [n.strip() for n in (values.get("villages") or "").replace(",", "、").replace("，", "、").split("、") if n.strip()]
        villages = [_find_node(actor, n, "legalservice.manage", "villages") for n in names]
        services.advisor_create(actor=actor, kind=values["kind"], name=values["name"], law_firm=values["law_firm"],
                                licence_number=values["licence_number"], phone=values.get("phone") or "",
                                public_phone=values.get("public_phone") or "", villages=villages,
                                how_to_ask=values.get("how_to_ask") or "", appointed_on=values.get("appointed_on"))


@ledger.register
class ServiceRecordLedger(ledger.Ledger):
    key = "legalservice.services"
    title = "法律服务台账"
    view_perm = "legalservice.view"
    import_perm = "legalservice.import"
    columns = [
        C("date", "日期", kind="date", required=True),
        C("node__name", "村（社区）", required=True),
        C("advisor__name", "法律顾问", help="导出时填写；导入时以执业证号为准"),
        C("advisor_licence", "顾问执业证号", required=True, width=22, export=lambda r: r.advisor.licence_number),
        C("kind", "服务类型", kind="choice", required=True, choices=dict(ServiceRecord.Kind.choices)),
        C("title", "事项", required=True, max_length=200, width=30),
        C("people_served", "服务人数", kind="int", required=True, min_value=0, max_value=services.MAX_PEOPLE_PER_RECORD),
        C("hours", "用时（小时）", kind="decimal", min_value=0),
        C("notes", "情况说明", width=40),
    ]

    def queryset(self, user, params):
        return selectors.service_record_list(user=user, filters=params).select_related("advisor")

    def import_row(self, values, *, actor, row_number):
        node = _find_node(actor, values["node__name"], "legalservice.record_service", "node__name",
                          tenants_too=True)
        services.service_record_create(actor=actor, node=node, advisor=_find_advisor(actor, values["advisor_licence"]),
                                       kind=values["kind"], date=values["date"], title=values["title"],
                                       people_served=values["people_served"], hours=values.get("hours") or 0,
                                       notes=values.get("notes") or "")


@ledger.register
class StationLedger(ledger.Ledger):
    key = "legalservice.stations"
    title = "公共法律服务站"
    view_perm = "legalservice.view"
    import_perm = "legalservice.import"
    columns = [
        C("node__name", "村（社区）", required=True),
        C("name", "名称", required=True, max_length=100, width=24),
        C("address", "地址", required=True, max_length=200, width=30),
        C("opening_hours", "开放时间", max_length=100),
        C("opened_on", "建成日期", kind="date"),
    ]

    def queryset(self, user, params):
        return selectors.station_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        services.station_create(actor=actor, node=_find_node(actor, values["node__name"], "legalservice.manage", "node__name"),
                                name=values["name"], address=values["address"], opening_hours=values.get("opening_hours") or "",
                                opened_on=values.get("opened_on"))


@ledger.register
class DemonstrationVillageLedger(ledger.Ledger):
    key = "legalservice.demonstration_villages"
    title = "民主法治示范村"
    view_perm = "legalservice.view"
    import_perm = "legalservice.import"
    columns = [
        C("node__name", "村（社区）", required=True),
        C("level", "级别", kind="choice", required=True, choices=dict(DemonstrationVillage.Level.choices)),
        C("year", "命名年份", kind="int", required=True, min_value=1990, max_value=2100),
        C("title", "称号", max_length=100, width=24),
    ]

    def queryset(self, user, params):
        return selectors.demonstration_village_list(user=user, filters=params).order_by("node__path", "level")

    def import_row(self, values, *, actor, row_number):
        services.demonstration_village_create(actor=actor, node=_find_node(actor, values["node__name"], "legalservice.manage", "node__name"),
                                              level=values["level"], year=values["year"],
                                              title=values.get("title") or "民主法治示范村（社区）")


@ledger.register
class ConsultationLedger(ledger.Ledger):
    """Export only: consultations arrive from residents through the public site."""

    key = "legalservice.consultations"
    title = "在线法律咨询台账"
    view_perm = "legalservice.view"
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


@ledger.register
class OfficeHourLedger(ledger.Ledger):
    """Export only: office hours come from the monthly rules and are recorded as held / missed / cancelled."""

    key = "legalservice.office_hours"
    title = "定期坐班台账"
    view_perm = "legalservice.view"
    columns = [
        C("date", "日期", kind="date"),
        C("time", "时间", export=lambda s: f"{s.start_time:%H:%M}–{s.end_time:%H:%M}"),
        C("node__name", "村（社区）"),
        C("advisor__name", "顾问"),
        C("place", "地点", width=24),
        C("status", "状态", kind="choice", choices=dict(OfficeHour.Status.choices)),
        C("booked", "预约人数", kind="int"),
        C("people_received", "接待人数", kind="int"),
        C("note", "说明", width=30),
    ]

    def queryset(self, user, params):
        return selectors.office_hour_list(user=user, filters=params)



