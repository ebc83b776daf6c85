"""Field factories for the relations that domain models declare again and again.

Each returns a plain Django field, so migrations see exactly what the inline declaration gave.
"""
from django.conf import settings
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


def user_fk(verbose_name=None, *, optional=False, **options):
    """A platform user named on a record: who registered, approved, published, recorded it.

    PROTECT and no reverse accessor unless ``options`` say otherwise; ``optional`` for a column that may stay empty
    (``null`` and ``blank``).
    """
    if optional:
        options.update(null=True, blank=True)
    options.setdefault("on_delete", models.PROTECT)
    options.setdefault("related_name", "+")
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    return models.ForeignKey(settings.AUTH_USER_MODEL, **options)
