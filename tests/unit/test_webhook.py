"""Webhooks without a store: the subscription aggregate, signatures, kinds, addresses,
backoff, settings, and the sealed secret (through the real mapper)."""

from __future__ import annotations

import hashlib
import hmac
from uuid import uuid4

import msgspec
import pytest

from tests.helpers import MONDAY_9AM, MemoryKeyStore, assert_replays_equal
from wushe.infra.mapper import MsgspecMapper
from wushe.infra.settings import Settings, SettingsError
from wushe.infra.webhook_settings import WebhookSettings
from wushe.platform.commands.webhooks import new_secret
from wushe.platform.domain.errors import DomainRuleError, ValidationError
from wushe.platform.domain.webhook import WebhookStatus, WebhookSubscription
from wushe.platform.webhooks.addresses import (
    AddressError,
    is_public,
    require_callable_host,
    resolve,
)
from wushe.platform.webhooks.dispatcher import backoff
from wushe.platform.webhooks.kinds import KINDS, matches, require_known_kinds, topics_of
from wushe.platform.webhooks.rows import Owner, SubscriptionRow, delivery_id
from wushe.platform.webhooks.sender import Payload
from wushe.platform.webhooks.signing import sign, verify

AT = MONDAY_9AM


def subscription(**changes: object) -> WebhookSubscription:
    fields: dict[str, object] = {
        "id": uuid4(), "community_id": uuid4(), "organisation_id": None,
        "url": "https://hooks.example.com/wushe", "kinds": ("need.*", "need.received"),
        "secret": new_secret(), "description": " 居家养老平台 ", "by": uuid4(), "at": AT,
        **changes}
    return WebhookSubscription.subscribe(**fields)  # type: ignore[arg-type]


class TestSubscription:
    def test_it_keeps_its_kinds_sorted_once_disables_once_and_replays(self) -> None:
        webhook = subscription()
        assert webhook.kinds == ("need.*", "need.received")
        assert (webhook.description, webhook.status) == ("居家养老平台", WebhookStatus.ACTIVE)
        by = uuid4()
        webhook.disable(by, AT)
        assert (webhook.status, webhook.disabled_by) == (WebhookStatus.DISABLED, by)
        with pytest.raises(DomainRuleError, match="already_disabled"):
            webhook.disable(by, AT)
        assert_replays_equal(webhook, webhook.collect_events())

    @pytest.mark.parametrize(("changes", "field"), [
        ({"url": "ftp://hooks.example.com/"}, "url"),
        ({"url": "https://hooks.example.com:99999/"}, "url"),
        ({"url": "https://hooks.example.com/ x"}, "url"),
        ({"url": "https:///path"}, "url"),
        ({"kinds": ()}, "kinds"),
        ({"kinds": ("need",)}, "kinds"),
        ({"kinds": tuple(f"need.k{n}" for n in range(51))}, "kinds"),
        ({"secret": "short"}, "secret"),
        ({"description": "x" * 201}, "description"),
        ({"at": AT.replace(tzinfo=None)}, "at"),
    ])
    def test_bad_input_is_refused(self, changes: dict[str, object], field: str) -> None:
        with pytest.raises(ValidationError) as error:
            subscription(**changes)
        assert error.value.field == field

    def test_the_secret_is_sealed_in_the_stored_event_and_gone_with_the_key(self) -> None:
        keys = MemoryKeyStore()
        mapper = MsgspecMapper(keys)
        webhook = subscription()
        [created] = webhook.collect_events()
        stored = mapper.to_stored_event(created)
        assert webhook.secret is not None and webhook.secret.encode() not in stored.state
        assert mapper.to_domain_event(stored).secret == webhook.secret  # type: ignore[attr-defined]
        keys.delete(webhook.id)
        assert mapper.to_domain_event(stored).secret is None  # type: ignore[attr-defined]


class TestSigning:
    def test_a_signature_verifies_only_for_its_secret_body_and_time(self) -> None:
        body, secret = b'{"kind":"need.received"}', new_secret()
        header = sign(secret, body, 1_700_000_000)
        assert verify(secret, body, header, 1_700_000_100)
        assert not verify(new_secret(), body, header, 1_700_000_100)
        assert not verify(secret, body + b" ", header, 1_700_000_100)
        assert not verify(secret, body, header, 1_700_000_000 + 301)  # too old: a replay
        assert not verify(secret, body, "v1=abc", 1_700_000_000)
        assert verify(secret, body, f"{header},v1=0000", 1_700_000_000)  # any v1 matches

    def test_the_signature_is_hmac_sha256_of_time_dot_body(self) -> None:
        # A receiver in any language computes this: HMAC-SHA256(secret, "t.body") in hex.
        assert sign("whsec_test", b"{}", 1) == (
            "t=1,v1=" + hmac.new(b"whsec_test", b"1.{}", hashlib.sha256).hexdigest())


class TestKinds:
    def test_patterns_match_deliverable_kinds_only(self) -> None:
        assert matches(("need.*",), "need.received")
        assert matches(("*",), "resource.offered")
        assert not matches(("need.received",), "need.accepted")
        assert not matches(("*",), "account.registered")
        assert not [k for k in KINDS if k.startswith(("account.", "webhook."))]
        assert "wushe.need.received" in topics_of(("need.*",))
        assert not [k for k in KINDS if k.endswith(".created")]  # never stored

    def test_an_unknown_kind_is_refused(self) -> None:
        require_known_kinds(("need.*", "*", "resource.offered"))
        with pytest.raises(ValidationError, match=r"webhook\.unknown_kind"):
            require_known_kinds(("need.teleported",))

    def test_a_subscription_row_wants_events_between_its_creation_and_disabling(self) -> None:
        row = SubscriptionRow("s", "c1", None, "https://x.example", ("need.*",), 10, 20)
        assert row.wants("need.received", 11, Owner("c1"))
        assert not row.wants("need.received", 10, Owner("c1"))  # its own creation, or before
        assert not row.wants("need.received", 20, Owner("c1"))
        assert not row.wants("need.received", 11, Owner("c2"))
        organisation = SubscriptionRow("s", "c1", "o1", "https://x.example", ("*",), 0)
        assert organisation.wants("resource.offered", 5, Owner("c1", "o1"))
        assert not organisation.wants("need.received", 5, Owner("c1"))
        assert delivery_id("s", 11) == delivery_id("s", 11) != delivery_id("s", 12)


class TestAddresses:
    @pytest.mark.parametrize(("address", "public"), [
        ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False),
        ("10.1.2.3", False), ("192.168.0.1", False), ("169.254.169.254", False),
        ("100.64.0.1", False), ("::1", False), ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False), ("224.0.0.1", False), ("0.0.0.0", False),  # noqa: S104
    ])
    def test_only_public_unicast_addresses_are_public(self, address: str, public: bool) -> None:
        assert is_public(address) is public

    @pytest.mark.parametrize("host", ["localhost", "api.localhost", "127.0.0.1", "[::1]",
                                      "10.0.0.8", "LOCALHOST."])
    def test_plainly_local_hosts_are_refused_unless_allowed(self, host: str) -> None:
        with pytest.raises(ValidationError, match="private_address"):
            require_callable_host(host, allow_private=False)
        require_callable_host(host, allow_private=True)
        require_callable_host("hooks.example.com", allow_private=False)

    def test_an_address_error_says_nothing_of_the_address(self) -> None:
        with pytest.raises(AddressError) as error:
            resolve("127.0.0.1", 80, allow_private=False)
        assert "127.0.0.1 resolves" in str(error.value) and "(" not in str(error.value)


def test_backoff_doubles_from_the_base_up_to_the_cap_less_the_jitter() -> None:
    settings = WebhookSettings(backoff_seconds=1, backoff_cap_seconds=30, jitter=0.25)
    assert [backoff(settings, n, 0.0) for n in range(1, 7)] == [1, 2, 4, 8, 16, 30]
    assert backoff(settings, 3, 0.999) == pytest.approx(3.001)
    assert backoff(settings, 500, 0.0) == 30  # no overflow, however many


class TestSettings:
    def test_webhook_settings_come_from_the_environment(self) -> None:
        settings = Settings.from_env({"WUSHE_WEBHOOKS_ALLOW_PRIVATE": "1",
                                      "WUSHE_WEBHOOKS_MAX_ATTEMPTS": "3",
                                      "WUSHE_WEBHOOKS_BACKOFF_SECONDS": "0.5",
                                      "WUSHE_WEBHOOKS_TIMEOUT_SECONDS": "2"}).webhooks
        assert (settings.allow_private_addresses, settings.max_attempts,
                settings.backoff_seconds, settings.timeout_seconds) == (True, 3, 0.5, 2.0)
        assert Settings.from_env({}).webhooks == WebhookSettings()
        assert not WebhookSettings().allow_private_addresses

    @pytest.mark.parametrize("environ", [{"WUSHE_WEBHOOKS_MAX_ATTEMPTS": "0"},
                                         {"WUSHE_WEBHOOKS_TIMEOUT_SECONDS": "soon"},
                                         {"WUSHE_WEBHOOKS_BACKOFF_SECONDS": "-1"}])
    def test_bad_webhook_settings_are_a_settings_error(self, environ: dict[str, str]) -> None:
        with pytest.raises(SettingsError, match="WUSHE_WEBHOOKS_"):
            Settings.from_env(environ)


def test_a_payload_never_names_personal_fields() -> None:
    assert set(Payload.__struct_fields__) == {
        "id", "subscription_id", "kind", "aggregate_id", "version", "position", "occurred_at",
        "community_id", "organisation_id"}
    assert msgspec.json.decode(msgspec.json.encode(Payload(
        id="d", subscription_id="s", kind="need.received", aggregate_id="a", version=1,
        position=2, occurred_at="2026-11-30T01:00:00.000000Z", community_id="c",
        organisation_id=None)))["kind"] == "need.received"
