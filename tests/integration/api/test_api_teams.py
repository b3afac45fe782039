"""``/api/v1`` teams: form, read, list, membership, leader and dissolution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.people import catch_up, sign_in_volunteer, team_body
from tests.integration.test_commands import volunteer as registered_volunteer

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World


class Team(NamedTuple):
    """A team led by the signed-in volunteer (``vol``) and its second member (``vol2``)."""

    id: str
    member: UUID


def form(world: World, leader: UUID, role: str = "coord", **changes: Any) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/teams", role,
                          json=team_body(leader, **changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def team(world: World) -> Team:
    """A team of c1 led by the signed-in volunteer, with a second member (``vol2``)."""
    team_id = form(world, world.volunteer)
    member = registered_volunteer(world.app, world.c1)
    sign_in_volunteer(world, "vol2", member)
    added = world.call("POST", f"/api/v1/teams/{team_id}/members", "coord",
                       json={"volunteer_id": str(member)}, if_match='"1"')
    assert added.status_code == 200, added.text
    return Team(team_id, member)


def test_forming_is_idempotent_per_key(world: World) -> None:
    url = f"/api/v1/communities/{world.c1}/teams"
    body = team_body(world.volunteer)
    first = world.call("POST", url, "coord", json=body, idempotency_key="t-1")
    assert first.status_code == 201, first.text
    team = first.json()
    assert (team["name"], team["leader_id"], team["status"]) == \
        ("东街银龄服务队", str(world.volunteer), "active")
    assert team["members"] == [{"volunteer_id": str(world.volunteer), "name": None}]
    end = world.position()
    retry = world.call("POST", url, "coord", json=body, idempotency_key="t-1")
    assert (retry.status_code, retry.content) == (201, first.content)
    changed = world.call("POST", url, "coord", json={**body, "name": "另一队"},
                         idempotency_key="t-1")
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end


BAD_TEAMS: list[tuple[dict[str, Any], int, str | None, str]] = [
    ({"name": " "}, 422, "name", "input.required"),
    ({"home_grid": "G77"}, 422, "home_grid", "reference.unknown_grid"),
    ({"leader_id": "nobody"}, 422, "leader_id", "input.bad_type"),
    ({"skills_focus": ["Not A Code"]}, 422, "skills_focus", "input.bad_code"),
    ({"organisation_id": "00000000-0000-4000-8000-000000000000"}, 404, None,
     "organisation.not_found"),
]


def test_a_bad_team_is_a_field_level_problem(world: World) -> None:
    start = world.position()
    for changes, status, field, code in BAD_TEAMS:
        response = world.call("POST", f"/api/v1/communities/{world.c1}/teams", "coord",
                              json=team_body(world.volunteer, **changes))
        assert response.status_code == status, (changes, response.text)
        errors = response.json().get("errors") or [{"field": None}]
        assert (errors[0]["field"], response.json()["code"] if field is None
                else errors[0]["code"]) == (field, code), changes
    assert world.position() == start


def test_a_leader_of_another_community_is_refused(world: World) -> None:
    start = world.position()
    outsider = registered_volunteer(world.app, world.c2)
    response = world.call("POST", f"/api/v1/communities/{world.c1}/teams", "coord",
                          json=team_body(outsider))
    assert (response.status_code, response.json()["code"]) == (409, "reference.other_community")
    assert response.json()["errors"][0]["field"] == "leader_id"
    assert world.position() == start + 1  # only the outsider's registration


def test_only_coordinators_form_teams(world: World) -> None:
    start = world.position()
    for role, status in (("org", 403), ("vol", 403), ("coord2", 404)):
        response = world.call("POST", f"/api/v1/communities/{world.c1}/teams", role,
                              json=team_body(world.volunteer))
        assert response.status_code == status, role
    assert world.position() == start


def test_a_team_is_seen_by_coordinators_and_its_members(world: World, team: Team) -> None:
    catch_up(world)
    for role in ("coord", "admin", "vol", "vol2"):
        response = world.call("GET", f"/api/v1/teams/{team.id}", role)
        assert (response.status_code, etag(response)) == (200, '"2"')
        names = {m["name"] for m in response.json()["members"]}
        assert names == {"林**"}  # both members are 林晓燕, masked
    sign_in_volunteer(world, "vol3", registered_volunteer(world.app, world.c1))
    for role in ("coord2", "org", "vol3"):
        response = world.call("GET", f"/api/v1/teams/{team.id}", role)
        assert (response.status_code, response.json()["code"]) == (404, "team.not_found")


def test_membership_changes_need_if_match_and_the_leader_or_a_coordinator(
        world: World, team: Team) -> None:
    url = f"/api/v1/teams/{team.id}"
    newcomer = registered_volunteer(world.app, world.c1)
    body = {"volunteer_id": str(newcomer)}
    start = world.position()
    assert world.call("POST", f"{url}/members", "vol", json=body).status_code == 428
    assert world.call("POST", f"{url}/members", "vol", json=body,
                      if_match='"7"').status_code == 412
    denied = world.call("POST", f"{url}/members", "vol2", json=body, if_match='"2"')
    assert (denied.status_code, denied.json()["code"]) == (403, "auth.forbidden")
    for role in ("coord2", "org"):
        assert world.call("POST", f"{url}/members", role, json=body,
                          if_match='"2"').status_code == 404
    again = world.call("POST", f"{url}/members", "vol",
                       json={"volunteer_id": str(world.volunteer)}, if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "team.already_member")
    assert world.position() == start
    added = world.call("POST", f"{url}/members", "vol", json=body, if_match='"2"',
                       idempotency_key="add-1")
    assert (added.status_code, etag(added)) == (200, '"3"')
    end = world.position()
    retry = world.call("POST", f"{url}/members", "vol", json=body, if_match='"2"',
                       idempotency_key="add-1")
    assert (retry.status_code, retry.content) == (200, added.content)
    assert world.position() == end
    removed = world.call("DELETE", f"{url}/members/{newcomer}", "vol", if_match='"3"')
    assert (removed.status_code, etag(removed)) == (200, '"4"')
    assert str(newcomer) not in {m["volunteer_id"] for m in removed.json()["members"]}


def test_removing_and_changing_the_leader(world: World, team: Team) -> None:
    url = f"/api/v1/teams/{team.id}"
    member = str(team.member)
    start = world.position()
    assert world.call("DELETE", f"{url}/members/{world.volunteer}", "coord").status_code == 428
    leader = world.call("DELETE", f"{url}/members/{world.volunteer}", "coord", if_match='"2"')
    assert (leader.status_code, leader.json()["code"]) == (409, "team.remove_leader")
    bad = world.call("DELETE", f"{url}/members/not-a-uuid", "coord", if_match='"2"')
    assert bad.status_code == 404
    assert world.call("PUT", f"{url}/leader", "vol", json={"volunteer_id": member}) \
        .status_code == 428
    assert world.call("PUT", f"{url}/leader", "vol", json={"volunteer_id": member},
                      if_match='"1"').status_code == 412
    assert world.call("PUT", f"{url}/leader", "vol2", json={"volunteer_id": member},
                      if_match='"2"').status_code == 403
    missing = world.call("PUT", f"{url}/leader", "coord", json={}, if_match='"2"')
    assert missing.json()["errors"][0] == {"field": "volunteer_id", "code": "input.required",
                                           "message": "volunteer_id is required"}
    assert world.position() == start
    changed = world.call("PUT", f"{url}/leader", "vol", json={"volunteer_id": member},
                         if_match='"2"')
    assert (changed.status_code, changed.json()["leader_id"]) == (200, member)
    # The old leader is now an ordinary member: no longer theirs to change.
    assert world.call("POST", f"{url}/dissolve", "vol", json={"reason": "解散"},
                      if_match='"3"').status_code == 403


def test_dissolving(world: World, team: Team) -> None:
    url = f"/api/v1/teams/{team.id}/dissolve"
    start = world.position()
    assert world.call("POST", url, "vol", json={"reason": "完成使命"}).status_code == 428
    assert world.call("POST", url, "vol", json={"reason": "完成使命"},
                      if_match='"1"').status_code == 412
    assert world.call("POST", url, "vol", json={"reason": ""},
                      if_match='"2"').json()["errors"][0]["field"] == "reason"
    assert world.call("POST", url, "vol2", json={"reason": "x"}, if_match='"2"').status_code \
        == 403
    assert world.position() == start
    done = world.call("POST", url, "vol", json={"reason": "完成使命"}, if_match='"2"')
    assert (done.status_code, done.json()["status"]) == (200, "dissolved")
    assert done.json()["dissolved_at"] is not None
    again = world.call("POST", url, "coord", json={"reason": "再次"}, if_match='"3"')
    assert (again.status_code, again.json()["code"]) == (409, "state.dissolve")


def test_the_list_filters_pages_and_shows_a_volunteer_their_own(world: World,
                                                                team: Team) -> None:
    other_leader = registered_volunteer(world.app, world.c1)
    other = form(world, other_leader, home_grid="G02", name="环保队")
    third = form(world, registered_volunteer(world.app, world.c1), name="文艺队")
    world.call("POST", f"/api/v1/teams/{third}/dissolve", "coord", json={"reason": "合并"},
               if_match='"1"')
    catch_up(world)
    url = f"/api/v1/communities/{world.c1}/teams"

    def ids(query: str = "", role: str = "coord") -> set[str]:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert ids() == {team.id, other, third}
    assert ids("status=active") == {team.id, other}
    assert ids("home_grid=G02", "admin") == {other}
    assert ids(f"member={other_leader}") == {other}
    assert ids(role="vol") == {team.id}
    assert ids(f"member={other_leader}", "vol") == set()
    item = world.call("GET", url, "vol").json()["items"][0]
    assert (item["name"], item["version"], len(item["members"])) == ("东街银龄服务队", 2, 2)
    first = world.call("GET", f"{url}?limit=2", "coord").json()
    second = world.call("GET", f"{url}?limit=2&cursor={first['next_cursor']}", "coord").json()
    assert second["next_cursor"] is None
    assert {i["id"] for i in first["items"] + second["items"]} == {team.id, other, third}


def test_a_bad_list_query_is_422_with_the_field(world: World) -> None:
    for query, field in (("status=lost", "status"), ("limit=500", "limit"),
                         ("member=x", "member"), ("cursor=abc.def", "cursor")):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/teams?{query}", "coord")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["field"] == field, query


def test_the_list_is_not_for_organisations_or_other_communities(world: World) -> None:
    for role, status in (("org", 403), ("coord2", 404), (None, 401)):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/teams", role)
        assert response.status_code == status, role
