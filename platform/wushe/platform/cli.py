"""The ``wushe`` command line."""

from __future__ import annotations

import click
import uvicorn

__all__ = ["main"]


@click.group()
@click.version_option(package_name="wushe")
def main() -> None:
    """wushe 五社联动: the community's needs, resources, volunteers and service hours."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the HTTP API (data from WUSHE_DATA_DIR or WUSHE_DATABASE_URL)."""
    click.echo(f"wushe serving on http://{host}:{port}  (OpenAPI: /schema)")
    uvicorn.run("wushe.platform.http.asgi:app", factory=True, host=host, port=port,
                log_level="info")
