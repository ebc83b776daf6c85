"""Every write of the publicity module. Keyword-only, atomic, audited; the workbench, the API, ledger import and the
demo loader all come through here, so they validate and scope the same way.

  common.py     limits and validation helpers (scope, choices, reach rows)
  events.py     events (plan → held/cancelled, reach per group, photos) and campaigns
  key_dates.py  the key publicity dates (administrators)
  records.py    sites, the 法治带头人/法律明白人 registry and trainings, study sessions, staff training
"""
from .common import *  # noqa: F401,F403
from .common import _subdistrict_of  # noqa: F401
from .events import *  # noqa: F401,F403
from .events import recompute  # noqa: F401  (registers the deadline recompute hook)
from .key_dates import *  # noqa: F401,F403
from .records import *  # noqa: F401,F403
from .records import _user_within  # noqa: F401
