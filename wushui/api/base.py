"""Base classes every API viewset and serializer builds on."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, viewsets

from wushui.api.errors import django_errors_as_dict
from wushui.choices import Role


class RegistryPermission(permissions.BasePermission):
    """Everybody signed in reads their scope; only district administrators change the registry."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return user.is_superuser or user.role == Role.DISTRICT_ADMIN


class ScopedViewSet(viewsets.ModelViewSet):
    """Every row goes through ``restrict(user)``: out of scope is 404, in lists and lookups alike."""

    permission_classes = [RegistryPermission]

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
