"""Staffing: volunteers and teams to the shifts of service projects (docs/matching.md)."""
