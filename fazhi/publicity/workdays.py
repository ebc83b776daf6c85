"""Deadline recompute hooks of the publicity module, registered at start-up."""
from .services.events import recompute  # noqa: F401
