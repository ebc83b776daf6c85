"""Census makers for core's scoped models: an object inside 稷下街道/刘家村 (see test_census.py)."""
from fazhi.core.models import OrgNode, User


def _node(tree, users):
    return tree.liu


def _user(tree, users):
    return users.mediator  # holds a role in 刘家村


MAKERS = {OrgNode: _node, User: _user}
