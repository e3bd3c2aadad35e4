"""Safeguarding: concerns, chronology, risk assessments and inductions."""
