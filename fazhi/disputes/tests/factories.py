"""Factories for dispute tests: cases through the service (full audit), plus a bulk helper for volume tests."""
import datetime
import itertools

from fazhi.core import clock
from fazhi.core.validators import make_id_number

from .. import services
from ..models import Dispute, DisputeKind

_seq = itertools.count(1)


def id_number(n=None):
    n = next(_seq) if n is None else n
    return make_id_number(f"370305199001{(n % 28) + 1:02d}{n % 1000:03d}")


def phone(n=None):
    n = next(_seq) if n is None else n
    return f"139{n:08d}"[:11]


def kind(code="neighbour"):
    return DisputeKind.objects.get(code=code)


def dispute(actor, tree, *, channel=None, village=None, grid=None, kind_code="neighbour", description=None,
            applicant=None, respondent="李四", contact=None, level=None, **kwargs):
    n = next(_seq)
    channel = channel or (Dispute.Channel.ONLINE if actor is None else Dispute.Channel.WALK_IN)
    contact = contact or phone(n)
    parties = [dict(role="applicant", name=applicant or f"张{n}", phone=contact, id_number=id_number(n))]
    if respondent:
        parties.append(dict(role="respondent", name=respondent))
    return services.dispute_create(
        actor=actor, channel=channel, village=village or tree.liu, grid=grid, kind=kind(kind_code),
        title=kwargs.pop("title", f"邻里纠纷{n}"), description=description or f"第{n}号纠纷：因排水沟问题发生争执。",
        parties=parties, contact_phone=contact, level=level, **kwargs)


def room(actor, tree, name="老赵劳动调解室", host_name="赵师傅"):
    return services.room_save(actor=actor, node=tree.sub, name=name, host_name=host_name, specialities=["labour"],
                              opening_hours="周一至周五 9:00-17:00", introduction="专调劳动争议")


def mediator(actor, tree, name="王调解"):
    return services.mediator_save(actor=actor, node=tree.sub, name=name, specialities=["neighbour"])


def run(actor, d, name, **data):
    d.refresh_from_db()
    return services.dispute_transition(actor=actor, dispute=d, name=name, version=d.version, **data)


def people_mediator(d, name="人民调解员甲"):
    """A people's mediator (人民调解员) on the case's subdistrict roster: a 人民调解协议书 needs one to sign."""
    from ..models import Mediator

    sub = d.village.tenant()
    existing = Mediator.objects.filter(kind=Mediator.Kind.PEOPLE, is_active=True, node__path__startswith=sub.path)
    return existing.first() or Mediator.objects.create(node=sub, name=name, kind=Mediator.Kind.PEOPLE)


def to_agreed(actor, d, room_obj=None, **assign):
    run(actor, d, "accept")
    assign.setdefault("mediators", [people_mediator(d).pk])
    if room_obj is None:
        from fazhi.core.models import Unit

        assign.setdefault("centre_body", Unit.objects.filter(kind="centre_body", node=d.village.parent).first().pk)
    run(actor, d, "assign", level="subdistrict", room=room_obj.pk if room_obj else None, **assign)
    run(actor, d, "start")
    run(actor, d, "session", held_on=clock.today(), place="调解室", participants="双方当事人", record="经调解双方同意和解。")
    run(actor, d, "agree", facts="排水沟纠纷", terms="甲方于10日内疏通排水沟，乙方不再追究。", performance_method="自行履行",
        performance_deadline=clock.today() + datetime.timedelta(days=10))
    d.refresh_from_db()
    return d
