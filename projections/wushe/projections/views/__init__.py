"""The read models: one module per view, all listed in :data:`VIEWS`."""

from wushe.projections.views.needs import NeedsList

__all__ = ["VIEWS"]

VIEWS = (NeedsList,)
