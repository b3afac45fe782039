"""The event log on SQLite and PostgreSQL: persistence, idempotency, concurrency, erasure."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

import msgspec
import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Aggregate
from psycopg import sql

from tests.helpers import MONDAY_9AM, new_volunteer, volunteer_profile
from wushe.infra.mapper import SEALED_PREFIX
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication, deterministic_id
from wushe.platform.domain.errors import (
    ConflictError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
)
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.volunteer import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from pathlib import Path
    from uuid import UUID

class OtherKind(Aggregate):
    """Another aggregate type, to show that loading checks the kind."""

    TOPIC = "wushe.test.other_kind"

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.test.other_kind.created"


PLAINTEXT = ("林晓燕", "350102199003071234", "13905912345", "鼓楼区东街", "高血压")


def raw_events(settings: Settings) -> list[tuple[str, bytes]]:
    """Every stored event's topic and state, straight from the table."""
    if settings.postgres is None:
        import sqlite3  # noqa: PLC0415

        with sqlite3.connect(settings.sqlite_path) as db:
            rows = db.execute("SELECT topic, state FROM stored_events").fetchall()
        return [(topic, bytes(state)) for topic, state in rows]
    table = sql.Identifier(settings.postgres.schema, "wushe_events")
    with psycopg.connect(settings.postgres.conninfo()) as conn:
        rows = conn.execute(sql.SQL("SELECT topic, state FROM {}").format(table)).fetchall()
    return [(topic, bytes(state)) for topic, state in rows]


def all_stored_keys(settings: Settings) -> list[bytes]:
    """Every key still present in the key store, read straight from its table."""
    if settings.postgres is None:
        import sqlite3  # noqa: PLC0415

        with sqlite3.connect(settings.key_path) as db:
            rows = db.execute("SELECT key FROM person_keys WHERE key IS NOT NULL").fetchall()
    else:
        table = sql.Identifier(settings.postgres.schema, "wushe_person_keys")
        with psycopg.connect(settings.postgres.conninfo()) as conn:
            rows = conn.execute(sql.SQL("SELECT key FROM {} WHERE key IS NOT NULL").format(
                table)).fetchall()
    return [bytes(row[0]) for row in rows]


def register(app: WusheApplication) -> UUID:
    return app.create(new_volunteer()).id


class TestPersistence:
    def test_state_survives_a_restart(self, app: WusheApplication,
                                      store_settings: Settings) -> None:
        volunteer_id = register(app)
        app.update(Volunteer, volunteer_id, lambda v: v.set_skills(("first_aid", "driving")))
        app.close()
        reopened = WusheApplication(store_settings)
        try:
            volunteer = reopened.load(Volunteer, volunteer_id)
            assert volunteer.skills == ("driving", "first_aid")
            assert volunteer.name == "林晓燕"
            assert volunteer.version == 2
        finally:
            reopened.close()

    def test_every_stored_event_has_a_stable_wushe_topic(self, app: WusheApplication,
                                                         store_settings: Settings) -> None:
        register(app)
        topics = [topic for topic, _ in raw_events(store_settings)]
        assert topics == ["wushe.volunteer.registered"]

    def test_commands_return_increasing_log_positions(self, app: WusheApplication) -> None:
        first = app.create(new_volunteer())
        second = app.create(new_volunteer())
        third = app.update(Volunteer, first.id, lambda v: v.set_weekly_hour_cap(4))
        assert first.position < second.position < third.position == app.log_position()

    def test_loading_a_missing_or_other_kind_of_aggregate_is_not_found(
        self, app: WusheApplication
    ) -> None:
        volunteer_id = register(app)
        with pytest.raises(NotFoundError):
            app.load(Volunteer, deterministic_id("volunteer", "nobody"))
        with pytest.raises(NotFoundError):
            app.load(OtherKind, volunteer_id)


class TestIdempotentCreation:
    def test_creating_the_same_deterministic_id_twice_appends_once(
        self, app: WusheApplication
    ) -> None:
        volunteer_id = deterministic_id("volunteer", "request-42")
        first = app.create(new_volunteer(volunteer_id=volunteer_id))
        again = app.create(new_volunteer(volunteer_id=volunteer_id))
        assert first.created and not again.created
        assert again.id == first.id and again.version == 1
        assert app.log_position() == first.position


class TestRejectedCommands:
    def test_a_rejected_command_appends_nothing(self, app: WusheApplication) -> None:
        volunteer_id = register(app)
        before = app.log_position()
        with pytest.raises(ValidationError) as error:
            app.update(Volunteer, volunteer_id, lambda v: v.set_weekly_hour_cap(0))
        assert error.value.field == "weekly_hour_cap"
        assert app.log_position() == before
        assert app.load(Volunteer, volunteer_id).version == 1

    def test_a_stale_expected_version_is_refused(self, app: WusheApplication) -> None:
        volunteer_id = register(app)
        app.update(Volunteer, volunteer_id, lambda v: v.set_weekly_hour_cap(4))
        before = app.log_position()
        with pytest.raises(StaleVersionError):
            app.update(Volunteer, volunteer_id, lambda v: v.set_weekly_hour_cap(6),
                       expected_version=1)
        assert app.log_position() == before
        assert app.load(Volunteer, volunteer_id).weekly_hour_cap == 4


class TestConcurrentWriters:
    def test_of_two_writers_from_the_same_version_exactly_one_wins(
        self, store_settings: Settings
    ) -> None:
        setup = WusheApplication(store_settings)
        volunteer_id = register(setup)
        setup.close()
        writers = [WusheApplication(store_settings) for _ in range(2)]
        both_loaded = threading.Barrier(2, timeout=10)
        outcomes: dict[int, object] = {}

        def write(index: int) -> None:
            def command(volunteer: Volunteer) -> None:
                both_loaded.wait()  # both have loaded version 1 before either saves
                volunteer.set_weekly_hour_cap(10 + index)

            try:
                outcomes[index] = writers[index].update(Volunteer, volunteer_id, command)
            except ConflictError as error:
                outcomes[index] = error

        threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        conflicts = [i for i, o in outcomes.items() if isinstance(o, ConflictError)]
        winners = [i for i in outcomes if i not in conflicts]
        assert len(conflicts) == 1 and len(winners) == 1
        volunteer = writers[0].load(Volunteer, volunteer_id)
        assert volunteer.version == 2
        assert volunteer.weekly_hour_cap == 10 + winners[0]
        # The loser retries from the new version and nothing is lost.
        writers[conflicts[0]].update(Volunteer, volunteer_id, lambda v: v.set_skills(("cooking",)),
                                     expected_version=2)
        final = writers[1].load(Volunteer, volunteer_id)
        assert (final.version, final.weekly_hour_cap, final.skills) == (
            3, 10 + winners[0], ("cooking",))
        for writer in writers:
            writer.close()


class TestPersonalData:
    def test_personal_data_is_never_stored_in_clear(self, app: WusheApplication,
                                                    store_settings: Settings) -> None:
        register(app)
        (_, state), = raw_events(store_settings)
        text = state.decode()
        assert SEALED_PREFIX in text
        for secret in PLAINTEXT:
            assert secret not in text

    def test_forgetting_leaves_no_readable_personal_data(self, app: WusheApplication,
                                                         store_settings: Settings) -> None:
        volunteer_id = register(app)
        app.update(Volunteer, volunteer_id,
                   lambda v: v.update_contact(phone="13700001111", address="台江区"))
        app.forget(Volunteer, volunteer_id, lambda v: v.forget())
        app.close()
        reopened = WusheApplication(store_settings)
        try:
            assert reopened.keys.get(volunteer_id, 1) is None
            volunteer = reopened.load(Volunteer, volunteer_id)
            assert volunteer.status == VolunteerStatus.FORGOTTEN
            assert (volunteer.name, volunteer.id_number, volunteer.phone, volunteer.address,
                    volunteer.health_notes) == (None, None, None, None, None)
            # Every event still loads, with the sealed fields erased.
            events = list(reopened.events.get(volunteer_id))
            assert [vars(e).get("phone") for e in events] == [None, None, None]
            assert volunteer.skills == ("first_aid",)  # non-personal data is kept
        finally:
            reopened.close()
        stored = b"".join(state for _, state in raw_events(store_settings)).decode()
        for secret in (*PLAINTEXT, "13700001111", "台江区"):
            assert secret not in stored

    def test_no_key_left_anywhere_opens_a_forgotten_persons_data(
        self, app: WusheApplication, store_settings: Settings
    ) -> None:
        volunteer_id = register(app)
        app.forget(Volunteer, volunteer_id, lambda v: v.forget())
        register(app)  # someone else's key stays in the store
        tokens = [token for _, state in raw_events(store_settings)
                  for token in msgspec.json.decode(state).values()
                  if isinstance(token, str) and token.startswith(SEALED_PREFIX)]
        assert tokens
        opened = 0
        for key in all_stored_keys(store_settings):
            for token in tokens:
                body = base64.b64decode(token.split(":", 2)[2])
                for field in ("name", "id_number", "phone", "address", "health_notes"):
                    try:
                        AESGCM(key).decrypt(body[:12], body[12:],
                                            f"{volunteer_id}:{field}".encode())
                        opened += 1
                    except InvalidTag:
                        pass
        assert opened == 0

    def test_forgetting_twice_is_harmless(self, app: WusheApplication) -> None:
        volunteer_id = register(app)
        first = app.forget(Volunteer, volunteer_id, lambda v: v.forget())
        again = app.forget(Volunteer, volunteer_id, lambda v: v.forget())
        assert again.version == first.version == 2

    def test_each_person_has_their_own_key(self, app: WusheApplication) -> None:
        kept = app.create(new_volunteer(profile=volunteer_profile(name="陈建国"))).id
        forgotten = register(app)
        app.forget(Volunteer, forgotten, lambda v: v.forget())
        assert app.load(Volunteer, kept).name == "陈建国"


class TestStoreGuard:
    def test_the_process_environment_cannot_switch_the_store_to_memory(
        self, monkeypatch: pytest.MonkeyPatch, store_settings: Settings
    ) -> None:
        monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")
        application = WusheApplication(store_settings)
        try:
            assert type(application.factory).__module__ in {
                "eventsourcing.sqlite", "eventsourcing.postgres"}
            assert application.factory.env.get("POSTGRES_ENABLE_DB_FUNCTIONS", "n") == "n"
        finally:
            application.close()


class TestErasureEdgeCases:
    def test_a_retried_creation_after_forgetting_still_loads(self, app: WusheApplication) -> None:
        volunteer_id = deterministic_id("volunteer", "request-7")
        app.create(new_volunteer(volunteer_id=volunteer_id))
        app.forget(Volunteer, volunteer_id, lambda v: v.forget())
        again = app.create(new_volunteer(volunteer_id=volunteer_id))
        assert not again.created
        volunteer = app.load(Volunteer, volunteer_id)
        assert volunteer.status == VolunteerStatus.FORGOTTEN
        assert volunteer.name is None

    def test_a_new_contact_after_an_erased_one_is_readable(self, app: WusheApplication) -> None:
        org_id = app.create(Organisation.register(
            id=deterministic_id("organisation", "o1"), community_id=deterministic_id("c", "1"),
            name="鼓楼区阳光社工服务中心", kind=OrganisationKind.SOCIAL_ORGANISATION,
            registration=Registration.REGISTERED, registration_no="52350102MJ0000001X",
            contact_name="王芳", contact_phone="13800000001", at=MONDAY_9AM)).id
        app.forget(Organisation, org_id, lambda o: o.forget_contact())
        app.update(Organisation, org_id, lambda o: o.update_contact("李强", "13800000002"))
        organisation = app.load(Organisation, org_id)
        assert (organisation.contact_name, organisation.contact_phone) == ("李强", "13800000002")
        first = next(iter(app.events.get(org_id)))
        assert vars(first)["contact_name"] is None  # the erased contact stays erased

    def test_no_file_in_the_data_directory_keeps_an_erased_key(
        self, tmp_path: Path
    ) -> None:
        application = WusheApplication(Settings(data_dir=tmp_path))
        try:
            volunteer_id = register(application)
            _, key = application.keys.current(volunteer_id)
            application.forget(Volunteer, volunteer_id, lambda v: v.forget())
            for path in tmp_path.rglob("*"):
                if path.is_file():
                    assert key not in path.read_bytes(), path
        finally:
            application.close()

    def test_a_value_of_the_wrong_type_is_refused_and_nothing_is_stored(
        self, app: WusheApplication
    ) -> None:
        volunteer_id = register(app)
        before = app.log_position()
        volunteer = app.load(Volunteer, volunteer_id)
        volunteer._weekly_hour_cap_set(hours="many")  # type: ignore[arg-type]  # skips validation
        with pytest.raises(ValidationError) as error:
            app.save_all(volunteer)
        assert error.value.code == "input.bad_type"
        assert app.log_position() == before
        assert app.load(Volunteer, volunteer_id).weekly_hour_cap == 8


def test_a_fresh_process_reads_every_topic_of_the_log(tmp_path: Path) -> None:
    from wushe.platform.demo import DemoSpec, load_demo  # noqa: PLC0415

    application = WusheApplication(Settings(data_dir=tmp_path))
    load_demo(application, DemoSpec(seed=1, communities=1, volunteers=12,
                                    week_of=date(2026, 11, 30)))
    application.close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from wushe.infra.settings import Settings\n"
        "from wushe.platform.application import WusheApplication\n"
        "app = WusheApplication(Settings(data_dir=Path(sys.argv[1])))\n"
        "n = app.recorder.select_notifications(start=1, limit=10**6)\n"
        "print(len([app.mapper.to_domain_event(x) for x in n]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)],  # noqa: S603
                          capture_output=True, text=True, check=True)
    assert int(done.stdout) > 100


@pytest.mark.postgres
def test_processes_starting_together_set_the_store_up_once(
        postgres_settings: Settings) -> None:
    """Six applications opened at once on a new schema: none fails on concurrent CREATE."""
    barrier = threading.Barrier(6)

    def open_one(_: int) -> int:
        barrier.wait()
        application = WusheApplication(postgres_settings)
        try:
            return application.log_position()
        finally:
            application.close()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_one, range(6))) == [0] * 6
