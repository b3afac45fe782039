"""Staffing: the optimiser wired to the log (docs/matching.md, "Wired to the log")."""
