from decimal import Decimal

from fazhi.core.models import AuditEvent
from fazhi.enforcement.models import MajorCaseRule


def test_admin_edits_a_major_case_threshold_and_it_is_audited(users, client_for):
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    rule = MajorCaseRule.objects.filter(kind=MajorCaseRule.Kind.FINE_OVER).first()
    assert rule is not None, "the default art. 58 rules are installed by a migration"
    c = client_for(users.admin)
    response = c.post(f"/admin/enforcement/majorcaserule/{rule.pk}/change/", {
        "code": rule.code, "name": rule.name, "kind": rule.kind, "threshold": "20000", "power_type": rule.power_type,
        "legal_basis": rule.legal_basis, "is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == Decimal("20000")
    event = AuditEvent.objects.filter(object_type="enforcement.majorcaserule", object_id=str(rule.pk)).latest("id")
    assert Decimal(event.changes["threshold"][1]) == Decimal("20000")
