"""What each role may do in this module (merged into core.roles). Permission strings: "reports.<verb>".

- reports.view: open the reports of their node; reports.edit: draft and edit sections, plan items;
- reports.finalise: review, finalise, reopen; reports.publish: publish to the disclosure portal (the leader);
- reports.dashboard: the leader's dashboard and the figures API.
"""
from fazhi.core.roles import Role

GRANTS = {
    Role.LEADER: {"reports.view", "reports.edit", "reports.finalise", "reports.publish", "reports.dashboard"},
    Role.OFFICE_STAFF: {"reports.view", "reports.edit", "reports.finalise", "reports.dashboard"},
    Role.JUDICIAL_STAFF: {"reports.view", "reports.dashboard"},
}
