"""Every write of the legal-services module. The workbench, the public site, the API, ledger import and the demo
loader all call these functions (keyword-only arguments), so they cannot disagree.

Each runs in one transaction and writes an audit event for every create / change / transition.
Layout: advisors.py (roster), office_hours.py (monthly rules, slots, bookings), consultations.py (online questions,
answer deadline, published examples), records.py (service records, stations, demonstration villages).
"""
from ._common import ANSWER_RULE, MAX_ANSWER, MAX_HOURS_PER_RECORD, MAX_PEOPLE_PER_RECORD, MAX_QUESTION  # noqa: F401
from .advisors import advisor_create, advisor_update  # noqa: F401
from .consultations import (  # noqa: F401
                            answer_deadline,
                            cleaned_public_text,
                            consultation_answer,
                            consultation_create,
                            consultation_publish,
                            consultation_transition,
                            consultation_unpublish,
                            recompute,
                            route_advisor,
)
from .office_hours import (  # noqa: F401
                            booking_cancel,
                            booking_create,
                            nth_weekday,
                            office_hour_correct,
                            office_hour_create,
                            office_hour_import,
                            office_hour_rule_create,
                            office_hour_transition,
                            office_hours_generate,
)
from .records import (  # noqa: F401
                            demonstration_village_create,
                            demonstration_village_update,
                            service_record_add_photo,
                            service_record_create,
                            service_record_update,
                            station_create,
                            station_update,
)
