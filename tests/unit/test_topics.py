"""Every stored topic is explicit and stable: topics may be added, never renamed or removed."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from eventsourcing.domain import Aggregate, CanMutateAggregate

import wushe.platform.domain

KNOWN_TOPICS = Path(__file__).with_name("topics.txt")


def domain_aggregates() -> list[type[Aggregate]]:
    found = []
    for module_info in pkgutil.iter_modules(wushe.platform.domain.__path__):
        module = importlib.import_module(f"wushe.platform.domain.{module_info.name}")
        found += [
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Aggregate)
            and value is not Aggregate and value.__module__ == module.__name__
        ]
    return found


def event_topics(aggregate: type[Aggregate]) -> set[str]:
    return {
        getattr(value, "TOPIC", "") for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name != "Event"
    }


def all_topics() -> set[str]:
    topics = set()
    for aggregate in domain_aggregates():
        topics.add(getattr(aggregate, "TOPIC", ""))
        topics |= event_topics(aggregate)
    return topics


def test_every_aggregate_and_event_has_an_explicit_wushe_topic() -> None:
    for aggregate in domain_aggregates():
        assert aggregate.__dict__.get("TOPIC", "").startswith("wushe."), aggregate
        for topic in event_topics(aggregate):
            assert topic.startswith(aggregate.__dict__["TOPIC"] + "."), (aggregate, topic)


def test_no_topic_was_renamed_or_removed() -> None:
    known = set(KNOWN_TOPICS.read_text().split())
    missing = known - all_topics()
    assert not missing, f"topics still in stored logs but no longer defined: {sorted(missing)}"


def test_new_topics_are_recorded_in_the_known_list() -> None:
    known = set(KNOWN_TOPICS.read_text().split())
    new = all_topics() - known
    assert not new, f"add these to {KNOWN_TOPICS.name}: {sorted(new)}"
