"""``wushe webhooks run``: the webhook delivery worker as its own process (PostgreSQL).

On SQLite ``wushe serve`` delivers webhooks itself; on PostgreSQL run this beside the
server (and ``wushe projections run``). More than one may run: they share the log
position and claim deliveries, so they take turns rather than deliver twice.
Timing and the address policy come from ``WUSHE_WEBHOOKS_*`` (infra/webhook_settings.py).
"""

from __future__ import annotations

import click

from wushe.platform.webhooks.worker import deliver_until_stopped
from wushe.projections.worker import stop_on_signals

__all__ = ["webhooks"]


@click.group()
def webhooks() -> None:
    """Webhooks: signed notices of events to integrators' endpoints."""


@webhooks.command()
def run() -> None:
    """Deliver webhooks until stopped (Ctrl-C or SIGTERM)."""
    from wushe.platform.cli import open_application  # noqa: PLC0415  (cli imports this module)

    application = open_application()  # a clear error for a bad configuration or store
    settings = application.settings
    application.close()
    click.echo("webhook delivery worker running; Ctrl-C to stop")
    deliver_until_stopped(settings, stop_on_signals())  # a failure is logged, then retried
    click.echo("webhook delivery worker stopped")
