"""Retention of parties' personal data in closed disputes (rule ``disputes.closed``, see fazhi/core/retention.py):
after the period, ID numbers, phones and addresses are removed, names cut to the surname (also where they appear in
the title and description), and numbers in the free text scrubbed. The case, its dates and its outcome stay."""
from django.db.models import Q

from fazhi.core import masking, retention

from .models import Dispute, Party

PARTY_FIELDS = {"id_number": "当事人证件号", "phone": "当事人电话", "address": "当事人住址"}


@retention.register("disputes.closed")
class ClosedDisputes:
    label = "已办结的矛盾纠纷"

    def candidates(self, cutoff):
        done = Q(status=Dispute.Status.CLOSED, closed_on__lte=cutoff) | Q(status=Dispute.Status.DECLINED,
                                                                           closed_on__isnull=True, received_on__lte=cutoff)
        return Dispute.objects.filter(done).order_by("pk").iterator(chunk_size=500)

    def pseudonymise(self, dispute):
        from .services import _search_text

        changed = set()
        parties = list(Party.objects.filter(dispute=dispute))
        names = [p.name for p in parties if p.kind == Party.Kind.PERSON]
        for party in parties:
            cleared = retention.clear(party, PARTY_FIELDS)
            initialed = retention.initial(party.name, is_organisation=party.kind == Party.Kind.ORGANISATION)
            if initialed != party.name:
                party.name = initialed
                cleared.append("当事人姓名")
            if cleared:
                party.save(update_fields=["name", *PARTY_FIELDS, "id_number_hash", "phone_hash"])
                changed.update(cleared)
        if dispute.contact_phone:
            dispute.contact_phone = ""
            changed.add("联系电话")
        for attr, label in (("title", "标题中的姓名、号码"), ("description", "纠纷描述中的姓名、号码")):
            text = getattr(dispute, attr)
            cleaned = masking.scrub_text(masking.mask_names_in_text(text, names))
            if cleaned != text:
                setattr(dispute, attr, cleaned)
                changed.add(label)
        if changed:
            dispute.search_text = _search_text(dispute, parties)
            dispute.save(update_fields=["contact_phone", "contact_phone_hash", "title", "description", "search_text"])
        return sorted(changed)
