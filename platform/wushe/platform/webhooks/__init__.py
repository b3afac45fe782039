"""Webhooks: signed notices of events, delivered to integrators' endpoints with retries."""
