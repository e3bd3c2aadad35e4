"""Placement-area pages, one module per area (pupils, placements, flags, attendance, visits)."""
