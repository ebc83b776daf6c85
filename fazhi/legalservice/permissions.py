"""What each role may do in this module (merged into core.roles). Permission strings: "legalservice.<verb>"."""
from fazhi.core.roles import Role  # noqa: F401

GRANTS = {}
