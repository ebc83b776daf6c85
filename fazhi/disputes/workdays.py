"""Deadline recompute hooks of the dispute module, registered with ``fazhi.core.workdays`` at start-up."""
from .services import recompute  # noqa: F401
