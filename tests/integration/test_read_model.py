"""The async read model and the needs-list query, on SQLite and PostgreSQL.

A small community's needs are made through the commands, the views caught up,
and the needs list queried through the read model: every filter, both orders,
keyset pages, cursor checks, overdue and working days left around a weekend
(checked against the Need aggregate itself), read-your-writes with ``wait_for``,
and a blue/green rebuild in the middle of a session.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid4

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import MONDAY_9AM
from wushe.platform import commands as cmd
from wushe.platform.domain.calendar import CHINA_TIME, WorkingCalendar
from wushe.platform.domain.community import Grid
from wushe.platform.domain.need import Need, NeedSource, NeedStatus, ReplyChannel
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.staff import StaffRole
from wushe.platform.domain.values import Urgency, VulnerableGroup
from wushe.projections.read import ReadModel, ViewNotBuiltError, open_read_model
from wushe.projections.read.needs_query import (
    InvalidCursorError,
    NeedItem,
    NeedsPage,
    NeedsQuery,
    NeedsQueryError,
    NeedsSort,
    fetch_needs,
    working_days_between,
)
from wushe.projections.read.postgres import numbered_placeholders
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.needs import NeedsList

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from wushe.platform.application import Recorded, WusheApplication

T = TypeVar("T")
POLICY = Policy()
MON = MONDAY_9AM  # 2026-11-30, 09:00 China time
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
THU_10AM = MON + 3 * DAY + HOUR
FRI_10AM = MON + 4 * DAY + HOUR
POST = "街道民政科"


def china(day: int, hour: int) -> datetime:
    """China time around the week of MONDAY_9AM: day 30 = Monday 30 Nov, 1-8 = December."""
    return datetime(2026, 11 if day == 30 else 12, day, hour, tzinfo=CHINA_TIME).astimezone(UTC)


@dataclass
class Town:
    """The scenario: one community, two staff members and six needs by title."""

    community_id: UUID
    staff_a: UUID
    staff_b: UUID
    needs: dict[str, UUID]


def run(app: WusheApplication, work: Callable[[ReadModel], Awaitable[T]]) -> T:
    """Run ``work`` with a fresh read model of the app's store."""
    async def main() -> T:
        async with open_read_model(app.settings) as reads:
            return await work(reads)
    return asyncio.run(main())


def needs_only(app: WusheApplication, store: ViewStore) -> Projections:
    """The needs view alone: the other views would only slow these tests down."""
    return Projections(app, store, views=(NeedsList,))


@pytest.fixture
def store(app: WusheApplication) -> Iterator[ViewStore]:
    view_store = ViewStore.open(app.settings)
    yield view_store
    view_store.close()


def found_community(app: WusheApplication) -> tuple[UUID, UUID, UUID]:
    community_id = cmd.found_community(
        app, code="350102001001", name="东街社区", district="福州市鼓楼区",
        permanent_population=9000, households=3200, at=MON - timedelta(days=400)).id
    for n in (1, 2):
        cmd.add_grid(app, community_id=community_id,
                     grid=Grid(grid_id=f"G0{n}", name=f"第{n}网格", households=400))
    staff = [cmd.appoint_staff(app, community_id=community_id, name=name,
                               role=StaffRole.COMMUNITY_WORKER, certified_social_worker=False,
                               window_staff=True, at=MON - timedelta(days=30)).id
             for name in ("林敏", "陈刚")]
    return community_id, staff[0], staff[1]


def receive(app: WusheApplication, community_id: UUID, staff: UUID, title: str, *,
            at: datetime, category: str = "ELDER", grid: str = "G01",
            urgency: Urgency = Urgency.ROUTINE, source: NeedSource = NeedSource.WINDOW,
            groups: frozenset[VulnerableGroup] = frozenset()) -> Recorded:
    return cmd.receive_need(
        app, policy=POLICY, community_id=community_id, grid=grid, source=source,
        category=category, title=title, details="详情", urgency=urgency, vulnerable_groups=groups,
        resident_name="王秀英", resident_phone="13905912345", received_by=staff, at=at)


def handle(app: WusheApplication, need_id: UUID, handler: UUID, days: int, at: datetime) -> None:
    app.update(Need, need_id, lambda n: n.accept(handler, at))
    cmd.start_handling(app, policy=POLICY, need_id=need_id, handler=handler,
                       committed_working_days=days, at=at)


def build_town(app: WusheApplication) -> Town:
    """Six needs, one per state of interest, received Monday to Wednesday."""
    community_id, a, b = found_community(app)
    new: dict[str, dict[str, Any]] = {
        "送餐": {"at": china(30, 9)},
        "轮椅": {"at": china(30, 10), "category": "DISAB", "grid": "G02",
                 "urgency": Urgency.URGENT, "source": NeedSource.PHONE,
                 "groups": frozenset({VulnerableGroup.DISABLED})},
        "法律": {"at": china(1, 9), "category": "LEGAL", "source": NeedSource.ONLINE},
        "探访": {"at": china(1, 10), "grid": "G02", "urgency": Urgency.EMERGENCY,
                 "source": NeedSource.GRID_WORKER,
                 "groups": frozenset({VulnerableGroup.ELDERLY_ALONE})},
        "低保": {"at": china(2, 9), "category": "ASSIST",
                 "groups": frozenset({VulnerableGroup.LOW_INCOME})},
        "噪音": {"at": china(2, 10), "category": "MEDIATE", "grid": "G02",
                 "source": NeedSource.PHONE},
    }
    needs = {title: receive(app, community_id, a, title, **kw).id for title, kw in new.items()}
    handle(app, needs["送餐"], a, 2, china(30, 11))  # due at the end of Wednesday
    handle(app, needs["轮椅"], b, 1, china(4, 10))  # Friday: due at the end of Monday
    app.update(Need, needs["探访"], lambda n: n.refer(POST, "转街道", a, china(1, 11)))
    handle(app, needs["低保"], a, 0, china(2, 10))
    app.update(Need, needs["低保"], lambda n: n.close("已办结", china(2, 11)))
    app.update(Need, needs["低保"], lambda n: n.reply(ReplyChannel.PHONE, "已办理", None,
                                                   china(2, 14)))
    cmd.object_to_reply(app, policy=POLICY, need_id=needs["低保"], objection="不满意",
                        at=china(2, 15))  # answer due at the end of Thursday
    app.update(Need, needs["噪音"], lambda n: n.refuse("不属于受理范围", appeal_notice=True, by=a,
                                                                 at=china(2, 11)))
    return Town(community_id, a, b, needs)


def titles(page: NeedsPage) -> list[str]:
    return [item.title for item in page.items]


def needs_pages(app: WusheApplication, queries: list[NeedsQuery], now: datetime = THU_10AM,
                policy: Policy = POLICY) -> list[NeedsPage]:
    """Each query's page, through one read-model session."""
    async def work(reads: ReadModel) -> list[NeedsPage]:
        return [await fetch_needs(reads, q, now=now, policy=policy) for q in queries]
    return run(app, work)


def needs_page(app: WusheApplication, query: NeedsQuery, now: datetime = THU_10AM) -> NeedsPage:
    return needs_pages(app, [query], now)[0]


@pytest.fixture
def town(app: WusheApplication, store: ViewStore) -> Town:
    """The six needs, in the views."""
    built = build_town(app)
    needs_only(app, store).catch_up()
    return built


# -- filters ----------------------------------------------------------------------

FILTERS: dict[str, tuple[dict[str, Any], datetime, set[str]]] = {
    "none": ({}, THU_10AM, {"送餐", "轮椅", "法律", "探访", "低保", "噪音"}),
    "one status": ({"statuses": frozenset({NeedStatus.IN_HANDLING})}, THU_10AM, {"送餐", "轮椅"}),
    "statuses": ({"statuses": frozenset({NeedStatus.RECEIVED, NeedStatus.REFERRED})}, THU_10AM,
                 {"法律", "探访"}),
    "category": ({"category": "ELDER"}, THU_10AM, {"送餐", "探访"}),
    "grid": ({"grid": "G02"}, THU_10AM, {"轮椅", "探访", "噪音"}),
    "urgency": ({"urgency": Urgency.URGENT}, THU_10AM, {"轮椅"}),
    "priority only": ({"priority_only": True}, THU_10AM, {"轮椅", "探访", "低保"}),
    "vulnerable group": ({"vulnerable_group": VulnerableGroup.DISABLED}, THU_10AM, {"轮椅"}),
    "group with _": ({"vulnerable_group": VulnerableGroup.ELDERLY_ALONE}, THU_10AM, {"探访"}),
    "group nobody has": ({"vulnerable_group": VulnerableGroup.SERIOUSLY_ILL}, THU_10AM, set()),
    "source": ({"source": NeedSource.PHONE}, THU_10AM, {"轮椅", "噪音"}),
    "referred to a post": ({"handler": POST}, THU_10AM, {"探访"}),
    "overdue thursday": ({"overdue": True}, THU_10AM, {"送餐"}),
    "not overdue": ({"overdue": False}, THU_10AM, {"轮椅", "法律", "探访", "低保", "噪音"}),
    "overdue friday": ({"overdue": True}, FRI_10AM, {"送餐", "低保"}),
    "received on tuesday": ({"received_from": date(2026, 12, 1),
                             "received_to": date(2026, 12, 1)}, THU_10AM, {"法律", "探访"}),
    "received from tuesday": ({"received_from": date(2026, 12, 1)}, THU_10AM,
                              {"法律", "探访", "低保", "噪音"}),
    "received up to monday": ({"received_to": date(2026, 11, 30)}, THU_10AM, {"送餐", "轮椅"}),
    "combined": ({"category": "ELDER", "grid": "G02"}, THU_10AM, {"探访"}),
}


class TestFilters:
    def test_every_filter(self, app: WusheApplication, town: Town) -> None:
        found = {}
        for name, (kwargs, now, _) in FILTERS.items():
            page = needs_page(app, NeedsQuery(community_id=town.community_id, **kwargs), now)
            assert page.next_cursor is None
            found[name] = sorted(titles(page))
        assert found == {name: sorted(expected) for name, (_, _, expected) in FILTERS.items()}
        pages = needs_pages(app, [
            NeedsQuery(community_id=town.community_id, handler=str(town.staff_a)),
            NeedsQuery(community_id=town.community_id, handler=str(town.staff_b)),
            NeedsQuery(community_id=uuid4()),
        ])
        assert [titles(p) for p in pages] == [["低保", "送餐"], ["轮椅"], []]

    def test_rows_are_masked_and_typed_in_both_orders(self, app: WusheApplication,
                                                       town: Town) -> None:
        query = NeedsQuery(community_id=town.community_id, urgency=Urgency.URGENT)
        (item,) = needs_page(app, query).items
        assert isinstance(item, NeedItem)
        assert (item.need_id, item.community_id) == (town.needs["轮椅"], town.community_id)
        assert (item.resident, item.resident_phone) == ("王**", "139****2345")
        assert item.vulnerable_groups == (VulnerableGroup.DISABLED,)
        assert (item.status, item.priority, item.handler) == (NeedStatus.IN_HANDLING, True,
                                                              str(town.staff_b))
        assert item.received_at == china(30, 10)
        assert item.due == item.deadline == china(8, 0)  # 24:00 at the end of Monday 7 Dec
        newest, soonest = needs_pages(app, [
            NeedsQuery(community_id=town.community_id),
            NeedsQuery(community_id=town.community_id, sort=NeedsSort.DEADLINE_ASC),
        ])
        assert titles(newest) == ["噪音", "低保", "探访", "法律", "轮椅", "送餐"]
        # Running limits: 送餐 Wed, 低保's answer Thu, 轮椅 Mon; then the rest, oldest first.
        assert titles(soonest) == ["送餐", "低保", "轮椅", "法律", "探访", "噪音"]
        assert [i.due is None for i in soonest.items] == [False] * 3 + [True] * 3


# -- pages ------------------------------------------------------------------------


def many_needs(app: WusheApplication) -> tuple[UUID, UUID]:
    """17 needs: received in pairs at the same moment, some handled with equal deadlines."""
    community_id, a, _ = found_community(app)
    for n in range(CROWD):
        at = MON + (n // 2) * HOUR
        need_id = receive(app, community_id, a, f"需求{n:02d}", at=at,
                          grid="G01" if n % 3 else "G02").id
        if n % 2:
            handle(app, need_id, a, n % 4, at + HOUR)
    return community_id, a


CROWD, CROWD_G01 = 17, 11


@pytest.fixture
def crowd(app: WusheApplication, store: ViewStore) -> tuple[UUID, UUID]:
    """The 25 needs, in the views: their community and staff member."""
    built = many_needs(app)
    needs_only(app, store).catch_up()
    return built


async def walk(reads: ReadModel, query: NeedsQuery) -> list[list[UUID]]:
    """Every page of ``query``, following the cursors."""
    pages, cursor = [], None
    while True:
        page = await fetch_needs(reads, msgspec.structs.replace(query, cursor=cursor),
                                 now=THU_10AM, policy=POLICY)
        pages.append([item.need_id for item in page.items])
        if (cursor := page.next_cursor) is None:
            return pages


class TestPages:
    def test_pages_neither_repeat_nor_lose_rows_in_the_documented_order(self, app: WusheApplication,
                                                crowd: tuple[UUID, UUID]) -> None:
        for sort, grid in itertools.product(NeedsSort, (None, "G01")):
            query = NeedsQuery(community_id=crowd[0], sort=sort, grid=grid)
            whole = [i.need_id for i in needs_page(
                app, msgspec.structs.replace(query, limit=200)).items]
            pages = run(app, functools.partial(walk, query=msgspec.structs.replace(query,
                                                                                   limit=4)))
            assert [len(p) for p in pages[:-1]] == [4] * (len(pages) - 1), (sort, grid)
            assert 1 <= len(pages[-1]) <= 4
            assert [i for p in pages for i in p] == whole, (sort, grid)
            assert len(whole) == (CROWD if grid is None else CROWD_G01)
        newest, soonest = (p.items for p in needs_pages(app, [
            NeedsQuery(community_id=crowd[0], limit=200),
            NeedsQuery(community_id=crowd[0], limit=200, sort=NeedsSort.DEADLINE_ASC)]))
        assert list(newest) == sorted(newest, key=lambda i: (i.received_at, str(i.need_id)),
                                      reverse=True)
        far = datetime.max.replace(tzinfo=UTC)
        assert list(soonest) == sorted(soonest, key=lambda i: (i.due or far, i.received_at,
                                                               str(i.need_id)))

    def test_a_need_received_between_pages_shifts_nothing(self, app: WusheApplication,
                                                          store: ViewStore,
                                                          crowd: tuple[UUID, UUID]) -> None:
        community_id, staff = crowd
        views = needs_only(app, store)
        before = {i.need_id for i in needs_page(app, NeedsQuery(community_id=community_id,
                                                                limit=200)).items}

        async def pages(reads: ReadModel) -> list[UUID]:
            first = await fetch_needs(reads, NeedsQuery(community_id=community_id, limit=5),
                                      now=THU_10AM, policy=POLICY)
            receive(app, community_id, staff, "新来的", at=MON + 20 * HOUR)
            await asyncio.to_thread(views.catch_up)
            rest = await fetch_needs(reads, NeedsQuery(community_id=community_id, limit=200,
                                                       cursor=first.next_cursor),
                                     now=THU_10AM, policy=POLICY)
            return [i.need_id for i in (*first.items, *rest.items)]

        seen = run(app, pages)
        assert len(seen) == len(set(seen)) == len(before)
        assert set(seen) == before


TAMPERINGS: dict[str, Callable[[str], str]] = {
    "body": lambda c: c[:5] + ("A" if c[5] != "A" else "B") + c[6:],
    "digest": lambda c: c[:-2] + ("A" if c[-2] != "A" else "B") + c[-1],
    "no digest": lambda c: c.partition(".")[0],
    "garbage": lambda _: "not a cursor",
    "empty": lambda _: "",
    "not ascii": lambda c: c + "☃",
}
OTHER_QUERIES: dict[str, dict[str, Any]] = {
    "another sort": {"sort": NeedsSort.DEADLINE_ASC},
    "another filter": {"grid": "G02"},
    "another community": {"community_id": uuid4()},
}


class TestCursors:
    def test_a_tampered_cursor_or_one_of_another_query_is_refused(
        self, app: WusheApplication, crowd: tuple[UUID, UUID],
    ) -> None:
        query = NeedsQuery(community_id=crowd[0], limit=3)
        token = needs_page(app, query).next_cursor
        assert token is not None
        bad = [msgspec.structs.replace(query, cursor=tamper(token))
               for tamper in TAMPERINGS.values()]
        bad += [NeedsQuery(**{"community_id": crowd[0], "cursor": token, **change})
                for change in OTHER_QUERIES.values()]
        for name, refused in zip([*TAMPERINGS, *OTHER_QUERIES], bad, strict=True):
            with pytest.raises(InvalidCursorError, match="invalid cursor") as caught:
                needs_page(app, refused)
            assert isinstance(caught.value, ValueError), name
            assert (caught.value.code, caught.value.field) == ("query.bad_cursor", "cursor")
        rest = needs_page(app, msgspec.structs.replace(query, limit=200, cursor=token))
        assert len(rest.items) == CROWD - 3  # another page size is fine

    def test_bad_queries_are_refused(self, app: WusheApplication, store: ViewStore) -> None:
        needs_only(app, store).catch_up()
        for limit, now, code in [(0, THU_10AM, "query.bad_limit"),
                                 (201, THU_10AM, "query.bad_limit"),
                                 (10, THU_10AM.replace(tzinfo=None), "query.naive_time")]:
            with pytest.raises(NeedsQueryError) as caught:
                needs_page(app, NeedsQuery(community_id=uuid4(), limit=limit), now)
            assert caught.value.code == code


# -- overdue and working days left ------------------------------------------------

DAYS = st.dates(date(2026, 1, 1), date(2027, 12, 31))

WEEKEND = [
    (china(4, 12), 1, False),  # Friday: Monday is the next working day
    (china(5, 12), 1, False),  # Saturday
    (china(6, 23), 1, False),  # Sunday night
    (china(7, 9), 0, False),  # Monday: today is the last day
    (china(7, 23), 0, False),
    (china(8, 0), -1, True),  # 24:00 Monday has passed
    (china(8, 12), -1, True),  # Tuesday
]


class TestTimeLimits:
    def test_around_a_weekend(self, app: WusheApplication, town: Town) -> None:
        need = app.load(Need, town.needs["轮椅"])
        query = NeedsQuery(community_id=town.community_id, urgency=Urgency.URGENT)
        for now, left, overdue in WEEKEND:
            (item,) = needs_page(app, query, now).items
            assert (item.working_days_left, item.overdue) == (left, overdue), now
            assert need.working_days_left(POLICY.calendar, now) == left
            assert need.is_overdue(now) is overdue

    def test_every_row_agrees_with_the_aggregate(self, app: WusheApplication, town: Town) -> None:
        query = NeedsQuery(community_id=town.community_id)
        for now in [china(2, 12), THU_10AM, china(3, 23), FRI_10AM, china(7, 12), china(8, 12)]:
            items = needs_page(app, query, now).items
            assert len(items) == len(town.needs)
            for item in items:
                need = app.load(Need, item.need_id)
                assert item.due == need.current_deadline
                assert item.overdue is need.is_overdue(now), (item.title, now)
                assert item.working_days_left == need.working_days_left(POLICY.calendar, now)

    def test_the_policy_calendar_counts(self, app: WusheApplication, town: Town) -> None:
        query = NeedsQuery(community_id=town.community_id, urgency=Urgency.URGENT)
        left = {}
        for name, holidays, makeup in [("plain", (), ()),
                                       ("monday a holiday", (date(2026, 12, 7),), ()),
                                       ("saturday a make-up day", (), (date(2026, 12, 5),))]:
            calendar = WorkingCalendar(holidays=frozenset(holidays),
                                       makeup_workdays=frozenset(makeup))
            page = needs_pages(app, [query], china(4, 12), Policy(calendar=calendar))[0]
            left[name] = page.items[0].working_days_left  # from Friday to the end of Monday
        assert left == {"plain": 1, "monday a holiday": 0, "saturday a make-up day": 2}

    @settings(max_examples=300, deadline=None)
    @given(start=DAYS, end=DAYS, holidays=st.frozensets(DAYS, max_size=8),
           makeup=st.frozensets(DAYS, max_size=4))
    def test_the_fast_count_is_the_calendars_count(self, start: date, end: date,
                                                   holidays: frozenset[date],
                                                   makeup: frozenset[date]) -> None:
        calendar = WorkingCalendar(holidays=holidays, makeup_workdays=makeup)
        assert working_days_between(calendar, start, end) == \
            calendar.working_days_between(start, end)


# -- read-your-writes, rebuilds, the interface --------------------------------------


def catch_up_later(app: WusheApplication, delay: float) -> threading.Thread:
    def work() -> None:
        time.sleep(delay)
        store = ViewStore.open(app.settings)
        try:
            needs_only(app, store).catch_up()
        finally:
            store.close()
    thread = threading.Thread(target=work)
    thread.start()
    return thread


class TestReadYourWrites:
    def test_wait_for_returns_when_the_views_catch_up(self, app: WusheApplication,
                                                      store: ViewStore) -> None:
        town = build_town(app)
        needs_only(app, store).catch_up()
        recorded = receive(app, town.community_id, town.staff_a, "刚登记", at=china(3, 9))

        async def work(reads: ReadModel) -> tuple[bool, bool, list[str]]:
            missed = await reads.wait_for(recorded.position, views=["needs"], timeout=0.1)
            thread = catch_up_later(app, 0.2)
            reached = await reads.wait_for(recorded.position, views=["needs"], timeout=30)
            await asyncio.to_thread(thread.join)
            page = await fetch_needs(reads, NeedsQuery(community_id=town.community_id, limit=1),
                                     now=THU_10AM, policy=POLICY)
            return missed, reached, titles(page)

        assert run(app, work) == (False, True, ["刚登记"])

    def test_wait_for_all_views_and_positions(self, app: WusheApplication,
                                              store: ViewStore) -> None:
        build_town(app)
        end = app.log_position()

        async def before(reads: ReadModel) -> tuple[int, bool]:
            return await reads.position("needs"), await reads.wait_for(end, timeout=0.05)

        assert run(app, before) == (0, False)
        Projections(app, store).catch_up()

        async def after(reads: ReadModel) -> tuple[dict[str, int], bool, bool]:
            return (await reads.positions(), await reads.wait_for(end),
                    await reads.wait_for(end + 1, timeout=0.05))

        positions, reached, beyond = run(app, after)
        assert set(positions.values()) == {end} and "needs" in positions
        assert (reached, beyond) == (True, False)

    def test_a_view_not_built_yet_is_a_clear_error(self, app: WusheApplication) -> None:
        build_town(app)
        with pytest.raises(ViewNotBuiltError, match="has not been built"):
            needs_page(app, NeedsQuery(community_id=uuid4()))


class TestRebuild:
    def test_a_rebuild_mid_session_is_followed(self, app: WusheApplication,
                                               store: ViewStore) -> None:
        town = build_town(app)
        views = needs_only(app, store)
        views.catch_up()
        query = NeedsQuery(community_id=town.community_id)

        async def work(reads: ReadModel) -> tuple[list[str], list[str], list[str], list[int]]:
            async def page() -> list[str]:
                return titles(await fetch_needs(reads, query, now=THU_10AM, policy=POLICY))
            generations = [await reads.generation("needs")]
            first = await page()
            await asyncio.to_thread(views.rebuild, "needs")  # drops the generation we read
            second = await page()
            generations.append(await reads.generation("needs"))
            receive(app, town.community_id, town.staff_a, "重建后", at=china(3, 9))
            await asyncio.to_thread(views.rebuild, "needs")
            await asyncio.to_thread(views.catch_up)
            third = await page()
            generations.append(await reads.generation("needs"))
            return first, second, third, generations

        first, second, third, generations = run(app, work)
        assert first == second
        assert third == ["重建后", *first]
        assert generations == [generations[0], generations[0] + 1, generations[0] + 2]


class TestInterface:
    def test_fetch_gives_the_same_dicts_on_every_store(self, app: WusheApplication,
                                                       store: ViewStore) -> None:
        town = build_town(app)
        needs_only(app, store).catch_up()
        sql = ("SELECT title, extensions, 'it''s ?' AS text FROM {needs} "
               "WHERE community_id = ? AND grid = ?")

        async def work(reads: ReadModel) -> Any:
            return await reads.query("needs", sql, (str(town.community_id), "G02"))

        rows = sorted(run(app, work), key=lambda row: str(row["title"]))
        assert rows == [{"title": t, "extensions": 0, "text": "it's ?"}
                        for t in sorted(["轮椅", "探访", "噪音"])]

    @pytest.mark.parametrize(("sql", "expected"), [
        ("SELECT ? , ?", "SELECT $1 , $2"),
        ("SELECT '?', \"a?\", ?", "SELECT '?', \"a?\", $1"),
        ("SELECT 'it''s?' , ?", "SELECT 'it''s?' , $1"),
        ("SELECT 1", "SELECT 1"),
    ])
    def test_numbered_placeholders(self, sql: str, expected: str) -> None:
        assert numbered_placeholders(sql) == expected
