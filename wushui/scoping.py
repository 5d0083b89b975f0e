"""The one scoping mechanism: what a user may see.

Every domain queryset derives from :class:`ScopedQuerySet` and answers
``restrict(user)``. Views, API viewsets, exports, map layers and dashboard
figures all start from it, so no single view can forget the rule. Rows outside
the scope simply do not exist for the user: a detail lookup then answers 404.

The rule: district-wide roles see the district; everybody else sees the subtree
of the region they are attached to (a street official their street and its
villages, a village chief their village) plus, for a chief, the segments of
their current appointments wherever those lie.
"""

from django.db import models
from django.db.models import Q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to a user's scope."""

    def restrict(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_whole_district:
            return self
        return self.filter(self.scope_q(user))

    def scope_q(self, user) -> Q:
        raise TypeError(f"{type(self).__name__} must define scope_q(user)")


def scope_region_ids(user):
    """A subquery of the ids of the regions in the user's scope (their region's subtree)."""
    from wushui.models import Region

    return Region.objects.subtree(user.region_id).values("pk")
