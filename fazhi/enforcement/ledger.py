"""Excel ledgers of the enforcement module: cases (export), officers and powers (export and import).

Imported rows are filed under the subdistrict named in the row's 所属街道 column; a subdistrict's staff may leave it
empty (their own subdistrict), a district-level account must fill it in — a row is never filed under the first
subdistrict silently."""
from fazhi.core import ledger
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import CaseStatus, Officer, PowerType, Result

SUBJECT_COLUMN = ledger.Column("subject__node__name", "所属街道", max_length=100,
                               help="区级账号导入时必填：填写街道名称或简称；街道工作人员可不填（即本街道）。")


def _subject(actor, values):
    try:
        return selectors.subject_for(user=actor, subject=values.get("subject__node__name") or None)
    except DomainError as exc:
        raise DomainError(exc.message, field_errors={"subject__node__name": exc.message}) from None


@ledger.register
class CaseLedger(ledger.Ledger):
    key = "enforcement.cases"
    title = "行政执法案件台账"
    view_perm = "enforcement.view"
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

    def queryset(self, user, params):
        return selectors.case_list(user=user, filters=params)


@ledger.register
class OfficerLedger(ledger.Ledger):
    key = "enforcement.officers"
    title = "行政执法人员台账"
    view_perm = "enforcement.view"
    import_perm = "enforcement.manage"
    columns = [
        ledger.Column("user__username", "账号", required=True, max_length=150),
        ledger.Column("name", "姓名", export_only=True),
        ledger.Column("certificate_number", "执法证号", max_length=40),
        ledger.Column("issuing_authority", "发证机关", max_length=100),
        ledger.Column("valid_from", "有效期起", kind="date"),
        ledger.Column("valid_until", "有效期至", kind="date"),
        ledger.Column("status", "状态", kind="choice", choices=dict(Officer.Status.choices)),
        SUBJECT_COLUMN,
    ]

    def queryset(self, user, params):
        return selectors.officer_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        subject = _subject(actor, values)
        user = selectors.officer_candidates(subject).filter(username=values["user__username"]).first()
        if user is None:
            raise DomainError("账号不存在或不在本街道。", field_errors={"user__username": "账号不存在或不在本街道"})
        return services.officer_create(actor=actor, subject=subject, user=user, certificate_number=values.get("certificate_number") or "",
                                       issuing_authority=values.get("issuing_authority") or "", valid_from=values.get("valid_from"),
                                       valid_until=values.get("valid_until"), status=values.get("status") or Officer.Status.ACTIVE)


@ledger.register
class PowerLedger(ledger.Ledger):
    key = "enforcement.powers"
    title = "权责清单"
    view_perm = "enforcement.view"
    import_perm = "enforcement.manage"
    columns = [
        ledger.Column("code", "事项编码", required=True, max_length=40),
        ledger.Column("name", "事项名称", required=True, max_length=200, width=30),
        ledger.Column("power_type", "权力类型", kind="choice", required=True, choices=dict(PowerType.choices)),
        ledger.Column("legal_basis", "法律依据", required=True, max_length=5000, width=40),
        ledger.Column("discretion", "裁量基准", max_length=5000, width=40),
        SUBJECT_COLUMN,
    ]

    def queryset(self, user, params):
        return selectors.power_list(user=user, filters=params)

    def import_row(self, values, *, actor, row_number):
        return services.power_create(actor=actor, subject=_subject(actor, values), code=values["code"], name=values["name"],
                                     power_type=values["power_type"], legal_basis=values["legal_basis"],
                                     discretion=values.get("discretion") or "")
