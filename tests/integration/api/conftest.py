"""A small world for the API tests, on SQLite and PostgreSQL (``store_settings``).

Two communities (c1 with grids G01 and G02, c2 with G01), a staff member in
each, an organisation and a volunteer in c1, and one account per role, each
with a bearer token (no argon2 per request). Accounts are recorded with one
precomputed password hash, so only the login tests pay for argon2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from litestar.testing import TestClient

from tests.integration.test_commands import found, organisation, staff_member, volunteer
from wushe.platform.commands.accounts import _HASHER, account_id_of, issue_token
from wushe.platform.domain.account import Account, Roles
from wushe.platform.http.app import create_app
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.compliance import ComplianceIndicators
from wushe.projections.views.needs import NeedsList

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx
    from litestar import Litestar

    from wushe.infra.settings import Settings
    from wushe.platform.application import WusheApplication

PASSWORD = "correct horse battery"  # noqa: S105  (a test password)
PASSWORD_HASH = _HASHER.hash(PASSWORD)
ROLES = ("admin", "coord", "coord2", "org", "vol")


class World:
    """Ids, tokens and a client per role over one app."""

    def __init__(self, app: WusheApplication, client: TestClient[Litestar],
                 views: ViewStore) -> None:
        self.app, self.client, self.views = app, client, views
        self.c1, self.c2 = found(app), found(app, code="350102001002")
        self.staff1, self.staff2 = staff_member(app, self.c1), staff_member(app, self.c2)
        self.organisation, self.volunteer = organisation(app, self.c1), volunteer(app, self.c1)
        roles = {"admin": Roles(administrator=True),
                 "coord": Roles(coordinator_of=frozenset({self.c1})),
                 "coord2": Roles(coordinator_of=frozenset({self.c2})),
                 "org": Roles(organisation_id=self.organisation),
                 "vol": Roles(volunteer_id=self.volunteer)}
        self.tokens = {name: self.account(name, role) for name, role in roles.items()}

    def account(self, login: str, roles: Roles) -> str:
        """Record an account and return a bearer token of it."""
        now = datetime.now(UTC)
        self.app.create(Account.register(id=account_id_of(login), login=login,
                                         password_hash=PASSWORD_HASH, roles=roles, at=now))
        return issue_token(self.app, account_id=account_id_of(login), name="tests", at=now).secret

    def headers(self, role: str | None, **extra: str) -> dict[str, str]:
        """Headers of a request as ``role`` (None: anonymous)."""
        auth = {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}
        return {**auth, "Accept-Language": "en", **extra}

    def call(self, method: str, url: str, role: str | None, *, json: Any = None,
             **headers: str) -> httpx.Response:
        """One request as ``role``; ``if_match`` and ``idempotency_key`` become headers."""
        extra = {k.replace("_", "-").title(): v for k, v in headers.items()}
        return self.client.request(method, url, json=json, headers=self.headers(role, **extra))

    def catch_up(self) -> None:
        """Bring the views the API reads up to the log (the tests' app does not follow it)."""
        Projections(self.app, self.views, views=(NeedsList, ComplianceIndicators)).catch_up()

    def position(self) -> int:
        """The log's position now."""
        return self.app.log_position()


@pytest.fixture
def world(app: WusheApplication, store_settings: Settings) -> Iterator[World]:
    """The world, with a client of an app that leaves the views to :meth:`World.catch_up`."""
    views = ViewStore.open(store_settings)
    try:
        with TestClient(create_app(store_settings, live=False)) as client:
            yield World(app, client, views)
    finally:
        views.close()


def need_body(world: World, **changes: Any) -> dict[str, Any]:
    """A valid request body for receiving a need in c1."""
    return {"grid": "G01", "source": "window", "category": "ELDER", "title": "独居老人助餐",
            "details": "每日午餐送餐上门", "urgency": "routine", "resident_name": "王秀英",
            "resident_phone": "13905912345", "resident_address": "东街 8 号",
            "received_by": str(world.staff1), **changes}


def etag(response: httpx.Response) -> str:
    """The response's ETag header."""
    return response.headers["etag"]


def uuid_of(response: httpx.Response) -> UUID:
    """The id in a response body."""
    return UUID(response.json()["id"])
