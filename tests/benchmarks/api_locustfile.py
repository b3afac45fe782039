"""The locust users of the API load benchmark (``tests/benchmarks/api_load.py`` runs them).

Closed loop: each user sends its next request as soon as the last one answered,
so N users are N concurrent clients. Each user signs in with its own account's
bearer token (seeded by the benchmark; no argon2 per request). Every request's
start, latency and outcome is written to ``WUSHE_BENCH_SAMPLES`` when locust quits,
so the benchmark computes its own percentiles over the measured window.

Environment: ``WUSHE_BENCH_SEED`` (the seed file: tokens, community, staff member)
and ``WUSHE_BENCH_SAMPLES`` (where to write the samples).
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events, task

SEED: dict[str, Any] = json.loads(Path(os.environ["WUSHE_BENCH_SEED"]).read_text())
_SAMPLES: list[tuple[float, float, bool]] = []
_ACCOUNTS = itertools.count()


def _record(response_time: float, exception: BaseException | None, start_time: float,
            **_: Any) -> None:
    _SAMPLES.append((start_time, response_time, exception is None))


def _write(**_: Any) -> None:
    Path(os.environ["WUSHE_BENCH_SAMPLES"]).write_text(json.dumps(_SAMPLES))


events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write)  # type: ignore[no-untyped-call]


class _Coordinator(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        tokens = SEED["tokens"]
        token = tokens[next(_ACCOUNTS) % len(tokens)]
        self.auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        self.needs = f"/api/v1/communities/{SEED['community']}/needs"


class Writer(_Coordinator):
    """Receives residents' needs, each POST with a new Idempotency-Key."""

    @task
    def receive_need(self) -> None:
        body = json.dumps({
            "grid": "G01", "source": "window", "category": "ELDER", "title": "独居老人助餐",
            "details": "每日午餐送餐上门，需清淡少盐", "urgency": "routine",
            "resident_name": "王秀英", "resident_phone": "13905912345",
            "resident_address": "东街 8 号 2 单元 301", "received_by": SEED["staff"],
        })
        headers = {**self.auth, "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        self.client.post(self.needs, data=body, headers=headers, name="POST needs")


class Reader(_Coordinator):
    """Reads the first page (20) of the community's needs list."""

    @task
    def list_needs(self) -> None:
        self.client.get(f"{self.needs}?limit=20", headers=self.auth, name="GET needs")
