"""Census makers for core's scoped models: an object inside 稷下街道/刘家村 (see test_census.py)."""
from fazhi.core.models import OrgNode


def _node(tree, users):
    return tree.liu


MAKERS = {OrgNode: _node}
