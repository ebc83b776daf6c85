"""Abstract model bases for field groups that domain models share (they add no table of their own)."""
from django.db import models


class Named:
    """Shows a record by its ``name``."""

    def __str__(self):
        return self.name


class Titled:
    """Shows a record by its ``title``."""

    def __str__(self):
        return self.title


class Versioned(models.Model):
    """A record edited through forms and the API under optimistic locking: ``fazhi.core.workflow.lock`` refuses a
    change made against an older ``version`` (409), and every service that saves the record bumps it."""

    version = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Ordered(Named, models.Model):
    """A row of a list that staff put in order by hand (``sort_order``) and that shows itself by its ``name``."""

    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]


class Catalogue(Ordered):
    """A row of a configurable list (目录, 类型 ...): a stable ``code``, a display ``name``, an order and a switch."""

    code = models.CharField("代码", max_length=40, unique=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta(Ordered.Meta):
        abstract = True


class LegalRule(models.Model):
    """A rule kept as data, not code (a time limit, a retention period, a ground for a major case ...): it shows its
    ``legal_basis`` and is listed by its ``code``."""

    legal_basis = models.TextField("依据")

    class Meta:
        abstract = True
        ordering = ["code"]
