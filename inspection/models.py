"""Inspection readiness and the evidence pack."""
