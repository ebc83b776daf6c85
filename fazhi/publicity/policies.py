"""Who may see and act on the publicity rows: one access policy per scoped model (see fazhi.core.access).

Every read of these models — this app's selectors, pages, API, ledgers and other apps — goes through these policies.
Key publicity dates and audience groups are shared by the whole installation (not scoped).
"""
from __future__ import annotations

from fazhi.core.access import AccessPolicy, register

from .models import Campaign, Event, Leader, LeaderTraining, Site, StaffTraining, StudySession

VIEW = "publicity.view"

event_policy = register(AccessPolicy(
    Event, actions={"view": VIEW, "record": "publicity.record_event"},
    base=lambda qs: qs.select_related("node", "key_date", "organiser_unit", "campaign")))
campaign_policy = register(AccessPolicy(Campaign, actions={"view": VIEW, "manage": "publicity.manage"},
                                        base=lambda qs: qs.select_related("node", "key_date")))
site_policy = register(AccessPolicy(Site, actions={"view": VIEW, "manage": "publicity.manage"},
                                    base=lambda qs: qs.select_related("node")))
leader_policy = register(AccessPolicy(Leader, actions={"view": VIEW, "manage": "publicity.manage"},
                                      base=lambda qs: qs.select_related("node")))
leader_training_policy = register(AccessPolicy(LeaderTraining, actions={"view": VIEW, "manage": "publicity.manage"},
                                               base=lambda qs: qs.select_related("node")))
study_policy = register(AccessPolicy(StudySession, actions={"view": VIEW, "manage": "publicity.manage_study"},
                                     base=lambda qs: qs.select_related("node")))
staff_training_policy = register(AccessPolicy(
    StaffTraining, actions={"view": VIEW, "manage": "publicity.manage_staff_training"},
    base=lambda qs: qs.select_related("node")))
