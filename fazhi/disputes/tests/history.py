"""A concluded history for triage tests, written in bulk (the tests measure the triage, not the intake service):
generated cases (``fazhi.disputes.samples``) placed in given villages, with the rooms and centre bodies they name."""
import datetime

from django.utils import timezone

from fazhi.core.models import OrgNode, Unit
from fazhi.core.search import search_text

from .. import samples
from ..models import Dispute, DisputeKind, MediationRoom, Party

ROOMS = ("老赵劳动调解室", "银领调解室", "崔大姐调解室", "王炳方调解室", "王英力调解室")
BODIES = ("司法所", "人社所", "妇联")


def rooms_and_bodies(tenant):
    rooms = {name: MediationRoom.objects.get_or_create(node=tenant, name=name, defaults={"host_name": "负责人"})[0]
             for name in ROOMS}
    bodies = {}
    for name in BODIES:
        bodies[name] = (Unit.objects.filter(node=tenant, kind=Unit.Kind.CENTRE_BODY, name=name).first()
                        or Unit.objects.create(node=tenant, kind=Unit.Kind.CENTRE_BODY, name=name))
    return rooms, bodies


def build(tenant, villages, *, count, seed=2023, prefix="H", status=Dispute.Status.CLOSED):
    """``count`` concluded cases in ``villages`` (a list of village nodes of ``tenant``); returns (cases, samples)."""
    rooms, bodies = rooms_and_bodies(tenant)
    kinds = {k.code: k for k in DisputeKind.objects.all()}
    history = samples.generate(count, seed)
    now = timezone.now()
    rows, grids = [], {}
    for s in history:
        village = villages[s.village % len(villages)]
        grid = grids.setdefault(village.pk, OrgNode.objects.grids().filter(parent=village).order_by("path").first())
        level = s.level if (s.level != "grid" or grid is not None) else "village"
        node = {"grid": grid, "village": village, "subdistrict": tenant}[level]
        d = Dispute(node=node, village=village, grid=grid, tracking_code=f"{prefix}{seed % 100:02d}{s.n:07d}",
                    status=status, level=level, kind=kinds[s.kind], channel=s.channel, title=s.title,
                    description=s.description, amount=s.amount, room=rooms.get(s.room), centre_body=bodies.get(s.body),
                    contact_phone="13900000000", received_on=datetime.date(2025, 1, 1), created_at=now, updated_at=now)
        d.search_text = search_text(d.tracking_code, d.title, d.description, d.place, *s.applicants, s.respondent)
        rows.append(d)
    created = Dispute.objects.bulk_create(rows)
    parties = []
    for d, s in zip(created, history):
        parties += [Party(dispute=d, role="applicant", name=name) for name in s.applicants]
        parties.append(Party(dispute=d, role="respondent", name=s.respondent,
                             kind="organisation" if s.org_respondent else "person"))
    Party.objects.bulk_create(parties)
    return created, history
