"""Deadline recompute hooks of the enforcement module (and its evidence download hook), registered at start-up."""
from .services import recompute, recompute_publication_due  # noqa: F401
