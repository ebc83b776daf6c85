"""Excel ledgers of the enforcement module: cases (export), officers and powers (export and import).

Imported rows are filed under the subdistrict named in the row's 所属街道 column; a subdistrict's staff may leave it
empty (their own subdistrict), a district-level account must fill it in — a row is never filed under the first
subdistrict silently.

Round trip: a row names its record by 账号 (officers) or 事项编码 (powers, within the row's subdistrict). An exported
sheet re-imports as "nothing to do"; an edited cell goes through ``officer_update`` / ``power_update`` (validation,
workflow for a status change, audit); any other row is created through ``officer_create`` / ``power_create``."""
from fazhi.core import ledger
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import CaseStatus, Officer, PowerType, Result

SUBJECT_COLUMN = ledger.Column("subject__node__name", "所属街道", max_length=100,
                               help="区级账号导入时必填：填写街道名称或简称；街道工作人员可不填（即本街道）。"
                                    "已有记录按账号/编码对应，不能通过台账改到别的街道。")
MOVE_REFUSED = "已登记的记录不能通过台账改到别的街道。"


def _subject(actor, values):
    try:
        return selectors.subject_for(user=actor, subject=values.get("subject__node__name") or None)
    except DomainError as exc:
        raise DomainError(exc.message, field_errors={"subject__node__name": exc.message}) from None


def _keep_subject(actor, record, values):
    """An edited 所属街道 on an existing record: empty or the same subdistrict is no change; another is refused.
    True if other cells remain to update."""
    name = values.pop(SUBJECT_COLUMN.key, None)
    if name and _subject(actor, values | {SUBJECT_COLUMN.key: name}).pk != record.subject_id:
        raise DomainError(MOVE_REFUSED, field_errors={SUBJECT_COLUMN.key: MOVE_REFUSED})
    return bool(values)


class EnforcementLedger(ledger.Ledger):
    """A ledger of this module: its rows are one selector's (``selector(user=, filters=)``); a row naming an existing
    record updates it through ``update(record, fields, actor=)`` with every field of ``fields`` (the sheet's value
    where it changed, the record's otherwise)."""

    view_perm = "enforcement.view"
    import_perm = "enforcement.manage"
    selector = None
    fields: tuple = ()

    def queryset(self, user, params):
        return type(self).selector(user=user, filters=params)

    def update_row(self, record, values, *, actor):
        if _keep_subject(actor, record, values):
            self.update(record, {k: values.get(k, getattr(record, k)) for k in self.fields}, actor=actor)

    def update(self, record, fields, *, actor):
        raise NotImplementedError


@ledger.register
class CaseLedger(EnforcementLedger):
    key = "enforcement.cases"
    title = "行政执法案件台账"
    import_perm = ""  # export only
    selector = selectors.case_list
    columns = [
        ledger.Column("number", "案号", width=24),
        ledger.Column("title", "案由", width=30),
        ledger.Column("power__name", "执法事项", width=28),
        ledger.Column("power__power_type", "权力类型", kind="choice", choices=dict(PowerType.choices)),
        ledger.Column("node__name", "发生地"),
        ledger.Column("party_name", "当事人"),
        ledger.Column("status", "状态", kind="choice", choices=dict(CaseStatus.choices)),
        ledger.Column("is_major", "重大案件", kind="bool"),
        ledger.Column("filed_on", "立案日期", kind="date"),
        ledger.Column("decision_due", "决定期限", kind="date"),
        ledger.Column("decided_on", "决定日期", kind="date"),
        ledger.Column("result", "处理结果", kind="choice", choices=dict(Result.choices)),
        ledger.Column("fine_amount", "罚款金额（元）", kind="decimal"),
        ledger.Column("served_on", "送达日期", kind="date"),
        ledger.Column("closed_on", "结案日期", kind="date"),
    ]


@ledger.register
class OfficerLedger(EnforcementLedger):
    key = "enforcement.officers"
    title = "行政执法人员台账"
    selector = selectors.officer_list
    key_column = "user__username"
    fields = ("certificate_number", "issuing_authority", "valid_from", "valid_until", "status")
    columns = [
        ledger.Column("user__username", "账号", required=True, max_length=150,
                      help="已登记的执法人员按账号对应（未改动的行跳过，改动的执法证信息更新）；新账号即新登记"),
        ledger.Column("name", "姓名", export_only=True),
        ledger.Column("certificate_number", "执法证号", max_length=40),
        ledger.Column("issuing_authority", "发证机关", max_length=100),
        ledger.Column("valid_from", "有效期起", kind="date"),
        ledger.Column("valid_until", "有效期至", kind="date"),
        ledger.Column("status", "状态", kind="choice", choices=dict(Officer.Status.choices)),
        SUBJECT_COLUMN,
    ]

    def import_row(self, values, *, actor, row_number):
        subject = _subject(actor, values)
        user = selectors.officer_candidates(subject).filter(username=values["user__username"]).first()
        if user is None:
            raise DomainError("账号不存在或不在本街道。", field_errors={"user__username": "账号不存在或不在本街道"})
        return services.officer_create(actor=actor, subject=subject, user=user, certificate_number=values.get("certificate_number") or "",
                                       issuing_authority=values.get("issuing_authority") or "", valid_from=values.get("valid_from"),
                                       valid_until=values.get("valid_until"), status=values.get("status") or Officer.Status.ACTIVE)

    def update(self, record, fields, *, actor):
        fields["status"] = fields["status"] or Officer.Status.ACTIVE
        services.officer_update(actor=actor, officer=record, version=record.version, reason="台账导入", **fields)


@ledger.register
class PowerLedger(EnforcementLedger):
    key = "enforcement.powers"
    title = "权责清单"
    selector = selectors.power_list
    key_column = "code"
    fields = ("code", "name", "power_type", "legal_basis", "discretion")
    scope_column = "subject__node__name"
    columns = [
        ledger.Column("code", "事项编码", required=True, max_length=40,
                      help="已有事项按所属街道和事项编码对应（未改动的行跳过，改动的内容更新）；新编码即新增事项"),
        ledger.Column("name", "事项名称", required=True, max_length=200, width=30),
        ledger.Column("power_type", "权力类型", kind="choice", required=True, choices=dict(PowerType.choices)),
        ledger.Column("legal_basis", "法律依据", required=True, max_length=5000, width=40),
        ledger.Column("discretion", "裁量基准", max_length=5000, width=40),
        SUBJECT_COLUMN,
    ]

    def import_row(self, values, *, actor, row_number):
        return services.power_create(actor=actor, subject=_subject(actor, values), code=values["code"], name=values["name"],
                                     power_type=values["power_type"], legal_basis=values["legal_basis"],
                                     discretion=values.get("discretion") or "")

    def find(self, user, value, values=None):
        """A row's 所属街道 may be a name or a short name: the record is looked up in that subject's list."""
        if value in (None, "") or not (values or {}).get(self.scope_column):
            return super().find(user, value)
        try:
            subject = selectors.subject_for(user=user, subject=values[self.scope_column], action="view")
        except DomainError:
            return None
        return self.queryset(user, {}).filter(subject=subject, code=value).first()

    def update(self, record, fields, *, actor):
        services.power_update(actor=actor, power=record, version=record.version, is_active=record.is_active,
                              **{k: v or "" for k, v in fields.items()})
