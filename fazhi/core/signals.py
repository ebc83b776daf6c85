"""No business rules here (they live in services). Only wiring that Django needs."""
