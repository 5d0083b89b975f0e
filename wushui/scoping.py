"""The one scoping mechanism: what a user may see, and what they may change.

Every domain queryset derives from :class:`ScopedQuerySet` and answers
``restrict(user, action)``, ``action`` being :data:`VIEW` (the default),
:data:`CHANGE`, or an action of the model's own (``model_actions``: a problem's
transitions). Views, API viewsets, exports, map layers, form choices and
dashboard figures all start from it, so no single view can forget the rule.
Rows outside the view scope simply do not exist for the user: a lookup answers
404. A row the user may see but not change answers 403 with a message that says
so (:func:`get_in_scope`, and the API's ``ScopePermission``).

The view rule: district-wide roles see the district; everybody else sees the
subtree of the region they are attached to (a street official their street and
its villages, a village chief their village) plus, for a chief, the segments of
their current appointments wherever those lie. Each model says what changing
means for it in ``scope_q(user, action)``; a department user's domains
(``User.domains``) are part of their scope there.

Scope predicates are built from id lists read once per request and kept on the
user object (:func:`remembered`): ``segment_id IN (1, 2, …)`` lets the database
use its indexes, where ``chief_id = X OR segment_id IN (SELECT …)`` made
PostgreSQL scan every patrol.

Public pages (signboard QR codes) never use ``restrict``: they read
``public()``, which yields only the fields a queryset lists as published.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

# ``scope_q`` answers one of these, or any other Q.
EVERYTHING = Q()
NOTHING = Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to a user's scope, per action."""

    # Fields a public page may show; ``public()`` refuses to run without them.
    PUBLIC_FIELDS: tuple = ()

    def model_actions(self):
        """Actions besides view and change that the model names (a workflow's transitions): each is
        judged by ``scope_q`` among the rows the user may see."""
        return ()

    def restrict(self, user, action=VIEW):
        own = action not in ACTIONS
        if own and action not in self.model_actions():
            raise ValueError(f"Unknown scope action {action!r}; use one of {ACTIONS} or the model's own")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        condition = self.view_q(user) if action == VIEW else self.scope_q(user, action)
        if condition is NOTHING:
            return self.none()
        rows = self.restrict(user, VIEW) if own else self
        if condition is EVERYTHING:
            return rows.all()
        return rows.filter(condition)

    def may_change_any(self, user):
        """Whether the user may change (and so create) rows of this kind at all."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return self.scope_q(user, CHANGE) is not NOTHING

    def may_create(self, user):
        """Whether the user may create rows of this kind: who may change some, unless the model says
        otherwise (an owner unit reports on its projects but does not plan new ones)."""
        return self.may_change_any(user)

    def create_refusal(self, user):
        """What a user told no by ``may_create`` reads."""
        return _("You may not add %(kind)s.") % {"kind": self.model._meta.verbose_name_plural}

    def view_q(self, user) -> Q:
        """The view scope: the whole district for district-wide users, else the model's rule."""
        return EVERYTHING if user.sees_whole_district else self.scope_q(user, VIEW)

    def scope_q(self, user, action) -> Q:
        """The rows ``user`` may ``action``; called for VIEW only for users who are not district-wide."""
        raise TypeError(f"{type(self).__name__} must define scope_q(user, action)")

    def public_q(self) -> Q:
        """Which rows a public page may show; everything by default."""
        return EVERYTHING

    def public(self):
        """The published rows as dicts of the published fields only: a template cannot reach the rest."""
        if not self.PUBLIC_FIELDS:
            raise TypeError(f"{type(self).__name__} publishes nothing (no PUBLIC_FIELDS)")
        return self.filter(self.public_q()).values(*self.PUBLIC_FIELDS)


class RegistryQuerySet(ScopedQuerySet):
    """Registry rows (regions, units, users, water bodies, segments, appointments): seen by the model's
    ``visible_q``, changed only by those who keep the registry (:func:`administers_registry`)."""

    def scope_q(self, user, action):
        if action == VIEW:
            return self.visible_q(user)
        return EVERYTHING if administers_registry(user) else NOTHING

    def visible_q(self, user) -> Q:
        raise TypeError(f"{type(self).__name__} must define visible_q(user)")


def remembered(user, key, compute):
    """``compute()`` once per user object (a request's ``request.user``), kept for the request's other
    scope predicates. A new user object (the next request) computes it anew."""
    cache = user.__dict__.setdefault("_scope_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def remembered_from_registry(user, key, compute):
    """Like :func:`remembered`, and kept across requests too while the registry is unchanged: the ids a
    scope predicate lists (a street's regions, its segments) are the same answer on every page a
    user opens until a region, unit, segment or appointment is written (``figures.REGISTRY``). The key
    holds the user's region and unit, and today's date, since appointments begin and end by date."""
    from django.utils import timezone

    from wushui import figures

    parts = ("scope", key, user.pk, user.region_id, user.unit_id, timezone.localdate().isoformat())
    return remembered(user, key, lambda: figures.remembered_figure(parts, compute, depends_on=(figures.REGISTRY,)))


def scope_region_ids(user):
    """The ids of the regions in the user's scope (their region's subtree)."""
    from wushui.models import Region

    return remembered_from_registry(
        user, "region_ids", lambda: list(Region.objects.subtree(user.region_id).values_list("pk", flat=True))
    )


def administers_registry(user):
    """District administrators (the river-chief office) keep the registry: regions, units, water bodies,
    segments and appointments."""
    from wushui.choices import Role

    return user.is_superuser or user.role == Role.DISTRICT_ADMIN


def get_in_scope(queryset, user, action=VIEW, **lookup):
    """The row matching ``lookup``: 404 outside the user's view scope (exactly as for a row that does
    not exist), 403 with a clear message when the user may see it but not do ``action`` to it."""
    try:
        obj = queryset.restrict(user, VIEW).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A malformed id ("abc") finds nothing, like a missing one.
        raise Http404 from None
    if action != VIEW and not queryset.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(refusal_message(obj, action))
    return obj


def refusal_message(obj, action):
    return _("You may see this %(thing)s but not %(action)s it.") % {
        "thing": obj._meta.verbose_name,
        "action": _("change") if action == CHANGE else action,
    }
