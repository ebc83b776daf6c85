"""Deadline recompute hooks of the legal-service module, registered at start-up."""
from .services.consultations import recompute  # noqa: F401
