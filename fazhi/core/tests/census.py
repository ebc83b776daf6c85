"""Census makers for core's scoped models: an object inside 稷下街道/刘家村 (see test_census.py)."""
import hashlib

from fazhi.core import clock
from fazhi.core.models import Membership, Notification, OrgNode, StoredFile, Unit, User


def _node(tree, users):
    return tree.liu


def _file(tree, users):
    data = b"%PDF-1.4 census"
    return StoredFile.objects.create(sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                     content_type="application/pdf", original_name="刘家村普查文件.pdf", node=tree.liu,
                                     owner_type="core.orgnode", owner_id=str(tree.liu.pk), uploaded_at=clock.now())


def _unit(tree, users):
    return tree.centre_body


def _user(tree, users):
    return users.mediator  # holds a role in 刘家村 only


def _membership(tree, users):
    return Membership.objects.get(user=users.mediator, node=tree.liu)


def _notification(tree, users):
    return Notification.objects.create(recipient=users.mediator, kind="census", title="刘家村调解员的普查通知",
                                       node=tree.liu, created_at=clock.now())


MAKERS = {OrgNode: _node, StoredFile: _file, Unit: _unit, User: _user, Membership: _membership,
          Notification: _notification}
