"""Deadline recompute hooks of the government-affairs module, registered at start-up."""
from .services import recompute  # noqa: F401
