"""The ``wushe`` command line."""

from __future__ import annotations

from datetime import datetime

import click
import msgspec
import psycopg
import uvicorn
from eventsourcing.persistence import OperationalError, ProgrammingError
from rich.progress import MofNCompleteColumn, Progress

from wushe.infra.settings import Settings, SettingsError
from wushe.platform.application import WusheApplication
from wushe.platform.cli_accounts import accounts
from wushe.platform.cli_match import match
from wushe.platform.cli_projections import projections
from wushe.platform.cli_report import report
from wushe.platform.cli_webhooks import webhooks
from wushe.platform.demo import DemoExistsError, DemoSpec, load_demo
from wushe.platform.domain.calendar import CHINA_TIME

__all__ = ["main"]

# On SIGTERM a worker stops accepting, then gives open requests (a long ?wait_for=,
# a staffing run) this long before it closes them and shuts down.
_GRACEFUL_SECONDS = 20
# The supervisor replaces a worker that does not answer its ping within this time;
# uvicorn's 5 s killed workers still starting up on a busy machine, over and over.
_HEALTHCHECK_SECONDS = 30


@click.group()
@click.version_option(package_name="wushe")
def main() -> None:
    """wushe 五社联动: the community's needs, resources, volunteers and service hours."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (about one per core; a dead one is replaced).")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Log every request (costs CPU under heavy load).")
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the HTTP API (data from WUSHE_DATA_DIR or WUSHE_DATABASE_URL).

    On SQLite one worker also keeps the views live and re-plans; on PostgreSQL run
    ``wushe projections run`` and ``wushe match --follow`` beside the server.
    """
    open_application().close()  # fail here, clearly, rather than inside the server
    click.echo(f"wushe serving on http://{host}:{port} with {workers} worker"
               f"{'s' if workers > 1 else ''}  (OpenAPI: /schema)")
    uvicorn.run("wushe.platform.http.asgi:app", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=access_log,
                timeout_graceful_shutdown=_GRACEFUL_SECONDS,
                timeout_worker_healthcheck=_HEALTHCHECK_SECONDS)


@main.command()
@click.option("--seed", default=2026, show_default=True, help="Same seed, same district.")
@click.option("--communities", default=3, show_default=True, type=click.IntRange(1, 300))
@click.option("--volunteers", type=click.IntRange(0, 2_000_000), default=None,
              help="Total volunteers (default: 10–20 % of each community's residents).")
@click.option("--week-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Monday of the demo week (default: next week).")
@click.option("--if-empty", is_flag=True, help="Do nothing if the store already has events.")
def demo(seed: int, communities: int, volunteers: int | None, week_of: datetime | None,
         if_empty: bool) -> None:
    """Load a realistic synthetic district through the ordinary commands."""
    options: dict[str, int | None] = {"seed": seed, "communities": communities,
                                      "volunteers": volunteers}
    if week_of is None:
        spec = DemoSpec.for_next_week(datetime.now(CHINA_TIME).date(), **options)
    elif week_of.weekday() != 0:
        raise click.BadParameter("must be a Monday", param_hint="--week-of")
    else:
        spec = msgspec.convert({**options, "week_of": week_of.date()}, DemoSpec)
    application = open_application()
    try:
        if if_empty and application.log_position() > 0:
            click.echo("The store already has data; demo not loaded again.")
            return
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn()) as bar:
            task = bar.add_task("Loading demo district 载入示范社区", total=None)
            summary = load_demo(application, spec,
                                lambda done, total: bar.update(task, completed=done, total=total))
    except DemoExistsError as error:
        raise click.ClickException(error.message_en) from None
    finally:
        application.close()
    click.echo(f"Recorded {summary.events:,} events for {summary.aggregates:,} aggregates: "
               + ", ".join(f"{k} {v:,}" for k, v in sorted(summary.counts.items())))


def open_application() -> WusheApplication:
    """The application for the environment's settings, or a clear error message."""
    try:
        return WusheApplication(Settings.from_env())
    except SettingsError as error:
        raise click.ClickException(f"configuration: {error}") from None
    except (psycopg.OperationalError, OperationalError, ProgrammingError) as error:
        raise click.ClickException(f"cannot open the event store: {error}") from None


main.add_command(accounts)
main.add_command(match)
main.add_command(projections)
main.add_command(report)
main.add_command(webhooks)
