"""Census makers (fazhi/core/tests/test_census.py): one object of each model the dispute routes look up, made inside
稷下街道 / 刘家村 through the services."""
import itertools

from fazhi.core.models import Unit

from ..models import Dispute, MediationRoom, Mediator, Transfer
from . import factories as f


def _dispute(tree, users):
    return f.dispute(users.clerk, tree, title="普查纠纷甲号")


_seq = itertools.count(1)


def _room(tree, users):
    return f.room(users.judicial, tree, name=f"普查调解室{next(_seq)}号", host_name="普查负责人")


def _mediator(tree, users):
    return f.mediator(users.judicial, tree, name=f"普查调解员{next(_seq)}号")


def _transfer(tree, users):
    d = f.dispute(users.clerk, tree, title="普查移交纠纷")
    f.run(users.clerk, d, "accept")
    body = Unit.objects.filter(kind=Unit.Kind.CENTRE_BODY, node=tree.sub).first()
    f.run(users.clerk, d, "transfer", reason="普查移交", centre_body=body.pk)
    return Transfer.objects.filter(dispute=d).get()


MAKERS = {Dispute: _dispute, MediationRoom: _room, Mediator: _mediator, Transfer: _transfer}
