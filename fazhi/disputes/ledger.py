"""The people's-mediation ledger (人民调解台账): export from the scoped list, import through dispute_create.

Import registers each row as a case (walk-in, patrol or referral) in the importer's scope; villages and grids are
matched by name, kinds by name. One bad row imports nothing (core ledger)."""
from fazhi.core import ledger, orgkinds, policy
from fazhi.core.errors import DomainError

from . import selectors, services
from .models import Dispute

C = ledger.Column
IGNORED = "仅导出：导入时忽略此列（导入的纠纷按登记状态进入办理流程）"


def _party(d, role, attr):
    parties = [p for p in d.parties.all() if p.role == role]
    return "、".join(getattr(p, attr) for p in parties if getattr(p, attr))


def _find(actor, name, level, field, parent=None):
    name = (name or "").strip()
    if not name:
        return None
    qs = policy.scoped_nodes(actor, "disputes.intake", level=level).filter(name=name)
    if parent is not None:
        qs = qs.filter(parent=parent)
    nodes = list(qs[:2])
    if len(nodes) != 1:
        label = "村（社区）" if level == orgkinds.VILLAGE else "网格"
        message = f"找不到{label}“{name}”，或不在您的管辖范围内，或有重名。"
        raise DomainError(message, field_errors={field: message})
    return nodes[0]


@ledger.register
class MediationLedger(ledger.Ledger):
    key = "disputes.mediation"
    title = "人民调解台账"
    view_perm = "disputes.view"
    import_perm = "disputes.intake"
    columns = [
        C("tracking_code", "登记编号", width=14, help=IGNORED),
        C("received_on", "登记日期", kind="date", required=True),
        C("channel", "来源渠道", kind="choice", required=True,
          choices={k: v for k, v in Dispute.Channel.choices if k != "online"}),
        C("referral_source", "移送单位", kind="choice", choices={k: v for k, v in Dispute.ReferralSource.choices if k}),
        C("village", "村（社区）", required=True, max_length=100, export=lambda d: d.village.name if d.village else ""),
        C("grid", "网格", max_length=100, export=lambda d: d.grid.name if d.grid else ""),
        C("kind", "纠纷类型", required=True, max_length=50, export=lambda d: d.kind.name),
        C("title", "事由", required=True, max_length=100, width=24),
        C("description", "纠纷简要情况", required=True, max_length=5000, width=40),
        C("amount", "涉及金额（元）", kind="decimal", min_value=0),
        C("applicant", "申请人", required=True, max_length=100, export=lambda d: _party(d, "applicant", "name")),
        C("applicant_id_number", "申请人身份证号", max_length=18, width=22,
          export=lambda d: _party(d, "applicant", "id_number")),
        C("respondent", "被申请人", max_length=100, export=lambda d: _party(d, "respondent", "name")),
        C("contact_phone", "联系电话", required=True, max_length=20),
        C("level", "办理层级", kind="choice", choices=dict(Dispute.Level.choices)),
        C("room", "调解室", help=IGNORED, export=lambda d: d.room.name if d.room else ""),
        C("mediators", "调解员", help=IGNORED, export=lambda d: "、".join(m.name for m in d.mediators.all())),
        C("status", "办理状态", help=IGNORED, export=lambda d: d.get_status_display()),
        C("accepted_on", "受理日期", kind="date", help=IGNORED),
        C("resolved_on", "化解日期", kind="date", help=IGNORED),
        C("agreement_terms", "协议内容", help=IGNORED, width=30,
          export=lambda d: d.agreement.terms if hasattr(d, "agreement") else ""),
        C("judicial", "司法确认", help=IGNORED,
          export=lambda d: d.agreement.get_judicial_outcome_display() if hasattr(d, "agreement") and d.agreement.judicial_outcome else ""),
        C("followup", "回访情况", help=IGNORED,
          export=lambda d: "；".join(f"{f.visited_on} {f.get_satisfaction_display()}" for f in d.followups.all())),
    ]

    def queryset(self, user, params):
        return (selectors.dispute_list(user=user, filters=params).select_related("grid", "agreement")
                .prefetch_related("parties", "mediators", "followups"))

    def import_row(self, values, *, actor, row_number):
        village = _find(actor, values["village"], orgkinds.VILLAGE, "village")
        grid = _find(actor, values.get("grid"), orgkinds.GRID, "grid", parent=village) if values.get("grid") else None
        parties = [dict(role="applicant", name=values["applicant"], id_number=values.get("applicant_id_number") or "",
                        phone=values["contact_phone"])]
        if values.get("respondent"):
            parties.append(dict(role="respondent", name=values["respondent"]))
        try:
            services.dispute_create(
                actor=actor, channel=values["channel"], village=village, grid=grid, kind=values["kind"],
                title=values["title"], description=values["description"], amount=values.get("amount"),
                contact_phone=values["contact_phone"], parties=parties, level=values.get("level") or None,
                referral_source=values.get("referral_source") or "", received_on=values["received_on"])
        except DomainError as exc:
            mapping = {"applicant_id_number": "applicant_id_number", "parties": "applicant", "phone": "contact_phone"}
            exc.field_errors = {mapping.get(k, k): v for k, v in exc.field_errors.items()}
            raise
