"""The webhook delivery worker against a real receiver on loopback, on SQLite and PostgreSQL.

Deliveries are signed and carry no personal data; failed attempts are retried with
backoff and every attempt is in the delivery log; a restarted worker neither loses nor
repeats deliveries; a subscription gets its own community's (or organisation's) events
only, and nothing once disabled; non-public addresses are refused unless allowed.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import msgspec
import pytest

from tests.integration.test_commands import (
    AT,
    POLICY,
    found,
    need,
    organisation,
    project,
    shift,
    volunteer,
)
from tests.integration.webhook_receiver import FAST, receiving
from wushe.platform import commands as cmd
from wushe.platform.commands.webhooks import disable_webhook, subscribe_webhook
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.values import TimeSpan
from wushe.platform.domain.webhook import WebhookSubscription
from wushe.platform.webhooks.dispatcher import Dispatcher
from wushe.platform.webhooks.follower import Follower
from wushe.platform.webhooks.rows import DeliveryStatus
from wushe.platform.webhooks.sender import Payload
from wushe.platform.webhooks.store import WebhookStore
from wushe.platform.webhooks.worker import run_deliveries
from wushe.projections.catalog import PositionConflictError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from wushe.infra.settings import Settings
    from wushe.infra.webhook_settings import WebhookSettings
    from wushe.platform.application import WusheApplication


@pytest.fixture
def store(store_settings: Settings) -> Iterator[WebhookStore]:
    opened = WebhookStore.open(store_settings)
    yield opened
    opened.close()


def subscribe(app: WusheApplication, url: str, *, community: UUID | None = None,
              organisation_id: UUID | None = None, kinds: tuple[str, ...] = ("need.*",)) -> UUID:
    return subscribe_webhook(app, community_id=community, organisation_id=organisation_id,
                             url=url, kinds=kinds, description=None, by=uuid4(), at=AT,
                             allow_private=True).id


def secret_of(app: WusheApplication, subscription_id: UUID) -> str:
    secret = app.load(WebhookSubscription, subscription_id).secret
    assert secret is not None
    return secret


def pump(app: WusheApplication, store: WebhookStore, done: Callable[[], bool], *,
         settings: WebhookSettings = FAST, seconds: float = 10.0) -> None:
    """Run the worker's steps by hand until ``done()``."""
    follower, dispatcher = Follower(app, store, settings.batch_size), Dispatcher(app, store,
                                                                                  settings)
    deadline = time.monotonic() + seconds
    try:
        while not done():
            assert time.monotonic() < deadline, "the deliveries did not happen in time"
            try:
                follower.step()
            except PositionConflictError:  # pragma: no cover  (one worker here)
                continue
            if not dispatcher.step():
                time.sleep(0.005)
    finally:
        dispatcher.close()


def test_a_delivery_is_signed_and_holds_no_personal_data(
        app: WusheApplication, store: WebhookStore) -> None:
    community = found(app)
    with receiving() as receiver:
        subscription = subscribe(app, receiver.url, community=community)
        receiver.secret = secret_of(app, subscription)
        need_id = need(app, community)
        pump(app, store, lambda: len(receiver.received) == 1)
    got = receiver.received[0]
    assert got.verified
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-wushe-event"] == "need.received"
    assert got.headers["x-wushe-delivery"] == got.body["id"]
    assert set(got.body) == set(Payload.__struct_fields__)
    assert got.body["aggregate_id"] == str(need_id)
    assert got.body["community_id"] == str(community)
    assert got.body["subscription_id"] == str(subscription)
    assert (got.body["kind"], got.body["version"]) == ("need.received", 1)
    assert "王秀英" not in msgspec.json.encode(got.body).decode()
    [delivery] = store.deliveries(str(subscription), None, None, 10)
    assert (delivery.id, delivery.status) == (got.body["id"], DeliveryStatus.DELIVERED)
    [attempt] = store.attempts([delivery.id])[delivery.id]
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, None)


def test_failed_attempts_are_retried_with_backoff_and_logged(
        app: WusheApplication, store: WebhookStore) -> None:
    community = found(app)
    with receiving(fail_first=2) as receiver:
        subscription = subscribe(app, receiver.url, community=community)
        receiver.secret = secret_of(app, subscription)
        need(app, community)
        pump(app, store, lambda: len(receiver.delivered()) == 1)
    assert [r.answered for r in receiver.received] == [500, 500, 200]
    assert all(r.verified for r in receiver.received)
    assert len({r.headers["x-wushe-delivery"] for r in receiver.received}) == 1
    [delivery] = store.deliveries(str(subscription), None, None, 10)
    attempts = store.attempts([delivery.id])[delivery.id]
    assert [(a.number, a.status_code, a.error) for a in attempts] == [
        (1, 500, "HTTP 500"), (2, 500, "HTTP 500"), (3, 200, None)]
    first, second, third = attempts
    least = FAST.backoff_seconds * (1 - FAST.jitter)
    assert first.next_attempt_at is not None and second.next_attempt_at is not None
    assert first.next_attempt_at - first.at >= least
    assert second.next_attempt_at - second.at >= 2 * least  # doubled
    assert second.at >= first.next_attempt_at and third.at >= second.next_attempt_at
    assert third.next_attempt_at is None
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)


def test_a_delivery_fails_after_the_last_attempt(app: WusheApplication,
                                                 store: WebhookStore) -> None:
    community = found(app)
    with receiving(fail_first=99) as receiver:
        subscription = subscribe(app, receiver.url, community=community)
        need(app, community)

        def finished() -> bool:
            rows = store.deliveries(str(subscription), None, None, 10)
            return bool(rows) and rows[0].status is DeliveryStatus.FAILED

        pump(app, store, finished)
    assert len(receiver.received) == FAST.max_attempts
    [delivery] = store.deliveries(str(subscription), DeliveryStatus.FAILED, None, 10)
    assert delivery.next_attempt_at is None and delivery.finished_at is not None
    assert store.attempts([delivery.id])[delivery.id][-1].next_attempt_at is None


def _worker(settings: Settings) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=run_deliveries, args=(settings, stop), daemon=True)
    thread.start()
    return stop, thread


def _wait(done: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_restarted_worker_neither_loses_nor_repeats_deliveries(
        app: WusheApplication, store_settings: Settings) -> None:
    settings = dataclasses.replace(store_settings, webhooks=FAST)
    community = found(app)
    with receiving() as receiver:
        subscription = subscribe(app, receiver.url, community=community)
        receiver.secret = secret_of(app, subscription)
        need(app, community)
        need(app, community)
        stop, thread = _worker(settings)
        _wait(lambda: len(receiver.received) == 2)
        stop.set()
        thread.join(10)
        need(app, community)  # while the worker is down
        stop, thread = _worker(settings)
        _wait(lambda: len(receiver.received) == 3)
        time.sleep(10 * FAST.poll_seconds)  # give it time to repeat anything (it must not)
        stop.set()
        thread.join(10)
    assert len(receiver.received) == 3
    assert len({r.body["id"] for r in receiver.received}) == 3
    assert all(r.verified for r in receiver.received)


def test_a_subscription_gets_only_its_community_or_organisation_events(
        app: WusheApplication, store: WebhookStore) -> None:
    c1, c2 = found(app), found(app, code="350102001002")
    mine, other = organisation(app, c1), organisation(app, c1)
    with receiving() as receiver:
        community_wide = subscribe(app, receiver.url, community=c1, kinds=("*",))
        organisations = subscribe(app, receiver.url, organisation_id=mine,
                                  kinds=("resource.*", "organisation.*"))
        need(app, c2)  # another community's
        [offered, _] = [_offer(app, c1, by) for by in (mine, other)]
        assignment = _assignment(app, c1)  # c1's through its project
        start = app.log_position()
        pump(app, store, lambda: store.position() >= start)
        pump(app, store, lambda: not store.due(time.time() + 1, 10))
    in_log_order = sorted(receiver.received, key=lambda r: int(r.body["position"]))
    by_subscription = {s: [r.body for r in in_log_order if r.body["subscription_id"] == str(s)]
                       for s in (community_wide, organisations)}
    assert all(b["community_id"] == str(c1) for b in by_subscription[community_wide])
    # Both offers, the volunteer, the project (drafted, shift, plan, published) and the
    # assignment; not c2's need, nor what c1 had before the subscription.
    kinds = [b["kind"] for b in by_subscription[community_wide]]
    assert kinds[:2] == ["resource.offered", "resource.offered"]
    assert kinds[-1] == "assignment.proposed"
    assert sorted(kinds[2:-1]) == sorted([
        "volunteer.registered", "service_project.drafted", "service_project.shift_added",
        "service_project.plan_set", "service_project.published"])
    assert by_subscription[community_wide][-1]["aggregate_id"] == str(assignment)
    assert [(b["kind"], b["aggregate_id"], b["organisation_id"])
            for b in by_subscription[organisations]] == [
        ("resource.offered", str(offered), str(mine))]


def _offer(app: WusheApplication, community: UUID, organisation_id: UUID) -> UUID:
    return cmd.offer_resource(
        app, community_id=community, organisation_id=organisation_id,
        resource_type=ResourceType.GOODS, title="爱心米面油", description="每份含米面油各一",
        quantity=10, unit="份", window=TimeSpan(AT, AT + timedelta(days=90)), at=AT).id


def _assignment(app: WusheApplication, community: UUID) -> UUID:
    slot = shift()
    return cmd.propose_assignment(
        app, policy=POLICY, project_id=project(app, community, shifts=(slot,), publish=True),
        shift_id=slot.shift_id, volunteer_id=volunteer(app, community), at=AT).id


def test_a_disabled_subscription_gets_nothing_more(app: WusheApplication,
                                                   store: WebhookStore) -> None:
    community = found(app)
    with receiving() as receiver:
        subscription = subscribe(app, receiver.url, community=community)
        need(app, community)
        Follower(app, store, FAST.batch_size).step()  # enqueued, not yet attempted
        disable_webhook(app, subscription_id=subscription, by=uuid4(), at=AT)
        need(app, community)
        end = app.log_position()
        pump(app, store, lambda: store.position() >= end and not store.due(time.time(), 10))
    assert receiver.received == []
    [delivery] = store.deliveries(str(subscription), None, None, 10)
    assert delivery.status is DeliveryStatus.CANCELLED
    assert app.load(WebhookSubscription, subscription).secret is None  # the key is destroyed


def test_non_public_addresses_are_refused_unless_allowed(app: WusheApplication,
                                                         store: WebhookStore) -> None:
    community = found(app)
    with pytest.raises(ValidationError) as refused:
        subscribe_webhook(app, community_id=community, organisation_id=None,
                          url="http://127.0.0.1:9/", kinds=("*",), description=None,
                          by=uuid4(), at=AT)
    assert (refused.value.code, refused.value.field) == ("webhook.private_address", "url")
    strict = dataclasses.replace(FAST, allow_private_addresses=False, max_attempts=1)
    with receiving() as receiver:
        # A name, so only resolving it at the attempt shows where it points.
        url = receiver.url.replace("127.0.0.1", "localhost")
        subscription = subscribe(app, url, community=community)
        need(app, community)

        def failed() -> bool:
            return bool(store.deliveries(str(subscription), DeliveryStatus.FAILED, None, 1))

        pump(app, store, failed, settings=strict)
    assert receiver.received == []
    [delivery] = store.deliveries(str(subscription), None, None, 10)
    [attempt] = store.attempts([delivery.id])[delivery.id]
    assert attempt.status_code is None
    assert attempt.error is not None and "non-public" in attempt.error


def test_two_workers_share_the_log_without_delivering_twice(
        app: WusheApplication, store_settings: Settings, store: WebhookStore) -> None:
    settings = dataclasses.replace(store_settings, webhooks=FAST)
    community = found(app)
    with receiving(delay=0.02) as receiver:  # slow, so the second worker joins mid-way
        subscription = subscribe(app, receiver.url, community=community)
        receiver.secret = secret_of(app, subscription)
        for _ in range(8):
            need(app, community)
        workers = [_worker(settings)]
        # Started one after the other: the event store's own tables (CREATE OR REPLACE
        # FUNCTION) cannot be set up by two processes at once on PostgreSQL.
        _wait(lambda: store.position() > 0)
        workers.append(_worker(settings))
        _wait(lambda: len(receiver.received) == 8)
        time.sleep(10 * FAST.poll_seconds)
        for stop, thread in workers:
            stop.set()
            thread.join(10)
    assert len(receiver.received) == 8
    assert len({r.body["id"] for r in receiver.received}) == 8
