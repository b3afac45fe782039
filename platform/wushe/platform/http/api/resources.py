"""The resources context of ``/api/v1``: offers, their allocations and resource requests."""

from __future__ import annotations

from wushe.platform.http.api.allocations import AllocationsController
from wushe.platform.http.api.offers import OffersController
from wushe.platform.http.api.resource_requests import ResourceRequestsController

__all__ = ["RESOURCE_CONTROLLERS"]

RESOURCE_CONTROLLERS = (OffersController, AllocationsController, ResourceRequestsController)
