"""``wushe projections …``: status, rebuild and the long-running worker."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from rich.table import Table

from wushe.projections.service import Projections, UnknownViewError
from wushe.projections.store import ViewStore
from wushe.projections.worker import WorkerOptions, run_worker

__all__ = ["projections"]


def _open() -> Projections:
    from wushe.platform.cli import open_application  # noqa: PLC0415  (cli imports this module)

    application = open_application()
    return Projections(application, ViewStore.open(application.settings))


@click.group()
def projections() -> None:
    """Read models: the needs, resource and project lists, rosters, hours, compliance."""


@projections.command()
def status() -> None:
    """Show each view's live generation, position and lag behind the log."""
    views = _open()
    table = Table("view", "generation", "position", "lag")
    for row in views.status():
        table.add_row(row.name, str(row.generation or "—"), f"{row.position:,}", f"{row.lag:,}")
    Console().print(table)


@projections.command()
@click.argument("names", nargs=-1)
def rebuild(names: tuple[str, ...]) -> None:
    """Rebuild views from one read of the whole log, blue/green (all if none is named)."""
    views = _open()
    unknown = [n for n in names if n not in views.views]
    if unknown:
        raise click.ClickException(str(UnknownViewError(
            f"no view named {unknown[0]!r} (views: {', '.join(views.views)})")))
    label = ", ".join(names) if names else "all views"
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn()) as bar:
        task = bar.add_task(f"Rebuilding {label}", total=None)
        generations = views.rebuild(
            *names, progress=lambda done, total: bar.update(task, completed=done, total=total))
    for name, generation in generations.items():
        click.echo(f"{name}: generation {generation} is live")


@projections.command()
def run() -> None:
    """Keep every view up to date until stopped (Ctrl-C or SIGTERM).

    Tuning (and a test hook) come from ``WUSHE_WORKER_*`` variables: see
    :mod:`wushe.projections.worker`.
    """
    try:
        options = WorkerOptions.from_env()
    except ValueError as error:
        raise click.ClickException(f"configuration: WUSHE_WORKER_*: {error}") from None
    views = _open()
    click.echo("projection worker running; Ctrl-C to stop")
    try:
        run_worker(views, options=options)
    finally:
        views.app.close()
    click.echo("projection worker stopped")
