"""What each role may do in this module (merged into core.roles). Permission strings: "legalservice.<verb>".

- LEGAL_ADVISOR (held on their village): see their villages' records, answer consultations, record services and
  office hours.
- JUDICIAL_STAFF (held on the subdistrict): manage the roster, stations and demonstration villages, everything an
  advisor may do, publish cleaned Q&A, import ledgers.
- LEADER: view.
"""
from fazhi.core.roles import Role

VIEW = "legalservice.view"
MANAGE = "legalservice.manage"
RECORD_SERVICE = "legalservice.record_service"
RECORD_OFFICE_HOUR = "legalservice.record_office_hour"

ADVISOR = {VIEW, "legalservice.answer", RECORD_SERVICE, RECORD_OFFICE_HOUR}
GRANTS = {
    Role.LEGAL_ADVISOR: ADVISOR,
    Role.JUDICIAL_STAFF: ADVISOR | {MANAGE, "legalservice.publish", "legalservice.import"},
    Role.LEADER: {"legalservice.view"},
}
