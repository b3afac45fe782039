"""The OpenAPI document says what the API answers: problems, empty 204s, closed bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from litestar.testing import TestClient

from wushe.infra.settings import Settings
from wushe.platform.http.app import create_app

if TYPE_CHECKING:
    from pathlib import Path

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data: Path = tmp_path_factory.mktemp("openapi")
    with TestClient(create_app(Settings(data_dir=data), live=False)) as client:
        response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]["responses"]
    return found


def test_reads_declare_their_problems(document: dict[str, Any]) -> None:
    read = responses(document, "get", "/api/v1/needs/{need_id}")
    assert sorted(read) == ["200", "400", "401", "403", "404", "422"]
    assert all(read[status]["content"] == PROBLEM for status in read if status != "200")


def test_writes_declare_their_problems_too(document: dict[str, Any]) -> None:
    write = responses(document, "post", "/api/v1/needs/{need_id}/accept")
    assert sorted(write) == ["200", "400", "401", "403", "404", "409", "412", "422", "428"]
    assert write["428"]["content"] == PROBLEM


@pytest.mark.parametrize(("method", "path", "status"), [
    ("post", "/api/v1/auth/login", "429"),
    ("post", "/api/v1/communities/{community_id}/staffing-runs", "503"),
])
def test_a_handler_adds_its_own(document: dict[str, Any], method: str, path: str,
                                status: str) -> None:
    assert responses(document, method, path)[status]["content"] == PROBLEM


def test_a_204_has_no_body(document: dict[str, Any]) -> None:
    assert "content" not in responses(document, "post", "/api/v1/auth/logout")["204"]


def test_bodies_that_refuse_unknown_fields_say_so(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["LoginIn"]["additionalProperties"] is False
    assert schemas["NeedIn"]["additionalProperties"] is False
    assert "additionalProperties" not in schemas["NeedOut"]  # answers may grow
