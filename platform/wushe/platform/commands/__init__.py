"""Application commands: the checks that need more than one aggregate.

An aggregate checks its own rules; these functions check what it refers to —
that the community, grid, organisation, volunteer, team, need or offer exists,
belongs to the same community and is active, and that a category is in the
policy — then run the aggregate command and save. Each takes the application
first and keyword arguments, and returns :class:`~wushe.platform.application.Recorded`.
Creations take ``request_key`` (a retry with the same key appends nothing);
updates take ``expected_version`` (``If-Match``). A failed check raises a
:class:`~wushe.platform.domain.errors.WusheError` and appends nothing.
"""

from wushe.platform.commands.community import (
    add_grid,
    appoint_staff,
    change_grid,
    found_community,
    remove_grid,
)
from wushe.platform.commands.needs import extend, object_to_reply, receive_need, start_handling
from wushe.platform.commands.people import (
    add_team_member,
    change_team_leader,
    form_team,
    register_volunteer,
    set_home_grid,
)
from wushe.platform.commands.projects import (
    add_shift,
    assign_team,
    check_out,
    draft_project,
    propose_assignment,
    serve_need,
)
from wushe.platform.commands.requests import (
    allocate_for_request,
    request_resource,
    withdraw_request,
)
from wushe.platform.commands.resources import (
    allocate_to_need,
    allocate_to_project,
    offer_resource,
    register_organisation,
    release_allocation,
)

__all__ = [
    "add_grid",
    "add_shift",
    "add_team_member",
    "allocate_for_request",
    "allocate_to_need",
    "allocate_to_project",
    "appoint_staff",
    "assign_team",
    "change_grid",
    "change_team_leader",
    "check_out",
    "draft_project",
    "extend",
    "form_team",
    "found_community",
    "object_to_reply",
    "offer_resource",
    "propose_assignment",
    "receive_need",
    "register_organisation",
    "register_volunteer",
    "release_allocation",
    "remove_grid",
    "request_resource",
    "serve_need",
    "set_home_grid",
    "start_handling",
    "withdraw_request",
]
