"""The read models: one module per view, all listed in :data:`VIEWS`."""

from wushe.projections.views.compliance import ComplianceIndicators
from wushe.projections.views.hours import HoursLedger
from wushe.projections.views.needs import NeedsList
from wushe.projections.views.participation import OrganisationParticipation
from wushe.projections.views.projects import ProjectList
from wushe.projections.views.replans import Replans
from wushe.projections.views.resources import ResourceList
from wushe.projections.views.roster import Roster
from wushe.projections.views.runs import StaffingRuns

__all__ = ["VIEWS"]

VIEWS = (NeedsList, ResourceList, ProjectList, Roster, HoursLedger, OrganisationParticipation,
         ComplianceIndicators, Replans, StaffingRuns)
