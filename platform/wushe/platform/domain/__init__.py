"""The five-society domain: aggregates, their events and value objects (pure, no I/O).

Importing this package imports every aggregate module, so every stored topic
resolves in any process that reads the log (not only those that happened to
import the aggregate's module).
"""

from wushe.platform.domain.account import Account
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.community import Community
from wushe.platform.domain.need import Need
from wushe.platform.domain.organisation import Organisation
from wushe.platform.domain.project import ServiceProject
from wushe.platform.domain.resource import ResourceOffer
from wushe.platform.domain.resource_request import ResourceRequest
from wushe.platform.domain.resource_run import ResourceRun
from wushe.platform.domain.staff import StaffMember
from wushe.platform.domain.staffing_run import StaffingRun
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.domain.webhook import WebhookSubscription

__all__ = ["AGGREGATES"]

AGGREGATES = (Community, StaffMember, Organisation, Volunteer, VolunteerTeam, Need,
              ResourceOffer, ServiceProject, Assignment, StaffingRun, ResourceRequest, ResourceRun,
              Account, WebhookSubscription)
