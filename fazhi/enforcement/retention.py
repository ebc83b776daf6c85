"""Retention of the party's personal data in closed enforcement cases (rule ``enforcement.closed``, see
fazhi/core/retention.py): for a natural person, the ID number, phone and address are removed and the name cut to the
surname; an organisation keeps its name and credit code (not personal data), its phone and address are removed."""
from django.db.models import Q

from fazhi.core import masking, retention

from .models import Case, CaseStatus


@retention.register("enforcement.closed")
class ClosedCases:
    label = "已结案的行政执法案件"

    def candidates(self, cutoff):
        done = Q(status=CaseStatus.CLOSED, closed_on__lte=cutoff) | Q(status=CaseStatus.NOT_FILED,
                                                                      created_at__date__lte=cutoff)
        return Case.objects.filter(done).order_by("pk").iterator(chunk_size=500)

    def pseudonymise(self, case):
        from fazhi.core.search import search_text

        person = case.party_kind == Case.PartyKind.PERSON
        fields = {"party_phone": "当事人电话", "party_address": "当事人住址"}
        if person:
            fields["party_id_number"] = "当事人证件号"
        changed = retention.clear(case, fields)
        if person:
            initialed = retention.initial(case.party_name)
            if initialed != case.party_name:
                case.facts = masking.mask_names_in_text(case.facts, [case.party_name])
                case.party_name = initialed
                changed.append("当事人姓名")
        facts = masking.scrub_text(case.facts)
        if facts != case.facts:
            case.facts = facts
            changed.append("案件事实中的号码")
        if changed:
            case.search_text = search_text(case.title, case.party_name, case.facts, case.power.name)
            case.save(update_fields=["party_name", "party_id_number", "party_id_number_hash", "party_phone",
                                     "party_phone_hash", "party_address", "facts", "search_text"])
        return changed
