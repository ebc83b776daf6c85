"""Field factories for the relations that domain models declare again and again.

Each returns a plain Django field, so migrations see exactly what the inline declaration gave.
"""
from django.db import models


def node_fk(verbose_name=None, **options):
    """The org-tree node a record belongs to: the one field every scope check reads (fazhi/core/access.py).

    PROTECT, so a node that still holds records is never deleted, and no reverse accessor on ``OrgNode``
    (``related_name="+"``); both can be overridden through ``options``.
    """
    options.setdefault("on_delete", models.PROTECT)
    options.setdefault("related_name", "+")
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    return models.ForeignKey("core.OrgNode", **options)
