"""The ``/api/v1`` controllers and what they share (problems, writes, reads, authorisation)."""
