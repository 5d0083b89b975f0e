"""Base classes every API viewset and serializer builds on."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, viewsets

from wushui.api.errors import django_errors_as_dict
from wushui.scoping import CHANGE, refusal_message


class ScopePermission(permissions.BasePermission):
    """Reading needs a signed-in user (the rows are their view scope); writing needs the change scope:
    creating, that the user may change rows of this kind at all; changing or deleting a row they see,
    that it is in their change scope (else 403 saying so — a row they cannot see was already a 404)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS or view.detail:
            return True
        return view.queryset.may_change_any(user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.queryset.restrict(request.user, CHANGE).filter(pk=obj.pk).exists():
            return True
        self.message = refusal_message(obj, CHANGE)
        return False


class ScopedViewSet(viewsets.ModelViewSet):
    """Every row goes through ``restrict(user, action)``: out of the view scope is 404, in lists and lookups
    alike; a write outside the change scope is 403."""

    permission_classes = [ScopePermission]

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


def check_geometry_type(model, field_name, value):
    """Refuse a geometry of the wrong type (a Polygon for a LineString field) as a field error."""
    model_field = model._meta.get_field(field_name)
    expected = getattr(model_field, "geom_type", "GEOMETRY")
    if value is None or expected == "GEOMETRY" or value.geom_type.upper() == expected:
        return
    raise serializers.ValidationError(
        {
            field_name: [
                _("Expected a %(expected)s, not a %(given)s.") % {"expected": expected, "given": value.geom_type}
            ]
        }
    )


class ModelCleanMixin:
    """Runs the model's own ``full_clean`` so the API enforces the same rules as the admin."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for field, value in attrs.items():
            check_geometry_type(self.Meta.model, field, value)
            setattr(instance, field, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors_as_dict(exc)) from exc
        return attrs
