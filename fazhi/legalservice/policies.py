"""Who may see and act on the legal-services rows: one access policy per scoped model (see fazhi.core.access).

Every read of these models — this app's selectors, pages, API, ledgers and other apps — goes through these policies.
Advisors (a row's ``node`` is the main village served or the subdistrict) are seen by staff above that node.
"""
from __future__ import annotations

from fazhi.core import masking
from fazhi.core.access import AccessPolicy, register

from . import models as m

VIEW = "legalservice.view"
MANAGE = {"view": VIEW, "manage": "legalservice.manage"}
OFFICE_HOURS = {**MANAGE, "record": "legalservice.record_office_hour"}

advisor_policy = register(AccessPolicy(
    m.Advisor, actions=MANAGE, base=lambda qs: qs.select_related("node", "photo", "user").prefetch_related("villages")))
rule_policy = register(AccessPolicy(m.OfficeHourRule, actions=MANAGE, base=lambda qs: qs.select_related("node", "advisor")))
office_hour_policy = register(AccessPolicy(m.OfficeHour, actions=OFFICE_HOURS,
                                           base=lambda qs: qs.select_related("node", "advisor")))
booking_policy = register(AccessPolicy(m.Booking, actions=OFFICE_HOURS,
                                       base=lambda qs: qs.select_related("node", "office_hour", "office_hour__advisor")))
consultation_policy = register(AccessPolicy(
    m.Consultation, actions={"view": VIEW, "answer": "legalservice.answer", "publish": "legalservice.publish"},
    base=lambda qs: qs.select_related("node", "advisor", "answered_by")))
record_policy = register(AccessPolicy(m.ServiceRecord, actions={"view": VIEW, "record": "legalservice.record_service"},
                                      base=lambda qs: qs.select_related("node", "advisor", "created_by")))
station_policy = register(AccessPolicy(m.Station, actions=MANAGE, base=lambda qs: qs.select_related("node")))
demonstration_policy = register(AccessPolicy(m.DemonstrationVillage, actions=MANAGE,
                                             base=lambda qs: qs.select_related("node")))


@masking.register_public_contacts
def published_office_lines():
    """Advisors' public office lines are published on purpose (the village page, the poster); they stay visible."""
    return m.Advisor.objects.filter(is_active=True).exclude(public_phone="").values_list("public_phone", flat=True)
