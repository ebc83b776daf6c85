"""What each role may do in this module (merged into core.roles). Permission strings: "enforcement.<verb>"."""
from fazhi.core.roles import Role

VIEW = {"enforcement.view"}

GRANTS = {
    Role.ENFORCEMENT_OFFICER: VIEW | {"enforcement.handle"},
    Role.ENFORCEMENT_HEAD: VIEW | {"enforcement.handle", "enforcement.approve", "enforcement.manage", "enforcement.publish"},
    Role.LEGAL_REVIEWER: VIEW | {"enforcement.review"},
    Role.SUPERVISOR: VIEW | {"enforcement.supervise"},
    Role.LEADER: VIEW,
    Role.DISCLOSURE_OFFICER: VIEW | {"enforcement.publish"},
}
