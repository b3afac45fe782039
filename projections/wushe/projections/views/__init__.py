"""The read models: one module per view."""
