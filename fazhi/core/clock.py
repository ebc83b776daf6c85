"""The platform's notion of "now".

Services call ``clock.now()`` / ``clock.today()`` instead of ``timezone.now()`` so the demo loader and tests can
replay history (a case registered on 2023-03-02 gets that date on every record and audit event it writes).
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

from django.utils import timezone

_frozen = ContextVar("fazhi_clock_frozen", default=None)


def now():
    value = _frozen.get()
    return value if value is not None else timezone.now()


def today():
    return timezone.localdate(now())


def at_local(day: date, hour=9, minute=0):
    """An aware datetime for a local wall-clock time on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@contextmanager
def frozen(moment):
    """Run a block as if it were ``moment`` (a date or an aware datetime)."""
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = at_local(moment)
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
