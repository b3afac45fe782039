"""Authorisation for resource offers, their allocations and resource requests (docs/api.md).

An offer belongs to the organisation that made it: the organisation's members see
and change only their own offers and allocations (they decide where their
resources go, to any project or need of their community), beside the community's
coordinators and the administrators. Requests are what the community's projects
and needs require: its coordinators record and withdraw them; its organisations
see them all, so they can respond by allocating one of their own offers. As
everywhere, a principal who may not see the target gets the 404 of a missing one
(another community, another organisation's offer); 403 is for a target they see.

=========================  =======  ===============  =====================  ===============
action                     admin    coordinator (c)  organisation (o of c)  volunteer of c
=========================  =======  ===============  =====================  ===============
offers list (c)            all      c                o's own offers         403
offer read                 all      c                o's own                404
offer create (for o)       all      c                for o                  404
offer withdraw             all      c                o's own                404
allocations list, read     all      c                o's own offers'        404
allocate, use, release     all      c                o's own offers         404
an organisation's allocs   all      c                o's own                404
requests list (c)          all      c                all of c               403
request read               all      c                all of c               404
request create (c)         all      c                403                    403
request withdraw           all      c                403                    404
allocate for a request     all      c                with o's own offer     404
=========================  =======  ===============  =====================  ===============
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.authz_people import manages

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.http.auth.principal import Principal

__all__ = ["OfferScope", "can_offer", "can_request", "can_respond"]


@dataclass(frozen=True, slots=True)
class OfferScope:
    """What deciding about an offer (or its allocations) needs: its community and party."""

    community_id: UUID
    organisation_id: UUID


def can_offer(principal: Principal, offer: OfferScope) -> bool:
    """Whether the principal may see and act on the offer: who sees it may change it."""
    return (manages(principal, offer.community_id)
            or principal.roles.organisation_id == offer.organisation_id)


def can_request(principal: Principal, action: Action, community_id: UUID) -> bool:
    """Whether the principal may ``action`` a resource request of the community."""
    if manages(principal, community_id):
        return True
    return action is Action.READ and principal.organisation_community == community_id


def can_respond(principal: Principal, community_id: UUID) -> bool:
    """Whether the principal may allocate for a request of the community (with an offer
    they may act on: :func:`can_offer`)."""
    return can_request(principal, Action.READ, community_id)
