"""Base classes every API viewset and serializer builds on."""

import copy
import json
from collections.abc import Mapping

from django.contrib.gis.db.models import GeometryField as ModelGeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from wushui import periods
from wushui.api.errors import django_errors_as_dict
from wushui.figures import remembered_figure, shown_to
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
        if view.queryset.may_create(user):
            return True
        self.message = view.queryset.create_refusal(user)
        return False

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.queryset.restrict(request.user, CHANGE).filter(pk=obj.pk).exists():
            return True
        self.message = refusal_message(obj, CHANGE)
        return False


# Decimals of the coordinates the API serves from the database (7: about a centimetre).
GEOJSON_DECIMALS = 7
GEOJSON_SUFFIX = "_geojson"


def with_geojson(queryset, field_name, decimals=GEOJSON_DECIMALS):
    """``queryset`` with each row's ``field_name`` as GeoJSON text written by the database (annotated
    ``<field_name>_geojson``), the geometry itself not read: what :class:`DatabaseGeoJSONField` serves."""
    return queryset.annotate(**{field_name + GEOJSON_SUFFIX: AsGeoJSON(field_name, precision=decimals)}).defer(
        field_name
    )


class DatabaseGeoJSONField(GeometryField):
    """A geometry field that serves the database's GeoJSON where the row carries it (``with_geojson``):
    GDAL's export of a district's boundaries was most of a list's time. Otherwise, and for what is
    written, the geometry as GEOS holds it."""

    def get_attribute(self, instance):
        stored = instance.__dict__.get(self.source + GEOJSON_SUFFIX, self)
        if stored is not self:
            return json.loads(stored) if stored else None
        return super().get_attribute(instance)


class ScopedViewSet(viewsets.ModelViewSet):
    """Every row goes through ``restrict(user, action)``: out of the view scope is 404, in lists and lookups
    alike; a write outside the change scope is 403. Features are read with their GeoJSON written by the
    database (``with_geojson``); a write reads the geometry itself, so that its answer shows the new one."""

    permission_classes = [ScopePermission]

    def get_queryset(self):
        queryset = self.queryset.restrict(self.request.user)
        serializer_class = self.get_serializer_class()
        if self.request.method in permissions.SAFE_METHODS and issubclass(serializer_class, PortalFeatureSerializer):
            queryset = with_geojson(queryset, serializer_class.Meta.geo_field)
        return queryset


class RememberedListMixin:
    """A list answered from the kept figures (``wushui.figures``) while the data under it stands: the
    same page of the same query, for the same scope, host, language and day, is served again until a
    data version in ``list_depends_on`` moves. For lists read far more often than their rows change
    (the registry, the projects); a list whose serializer shows something per user must not use it."""

    list_depends_on = ()

    def list(self, request, *args, **kwargs):
        parts = (
            "api-list",
            type(self).__module__,
            type(self).__qualname__,
            request.get_host(),
            request.get_full_path(),
            periods.local_date(),  # a filter may judge by the day (a project lagging)
        )
        listed = super().list
        kept = shown_to(request.user, parts)
        data = remembered_figure(kept, lambda: listed(request, *args, **kwargs).data, depends_on=self.list_depends_on)
        return Response(data)


def check_geometry_type(model, field_name, value):
    """Refuse a geometry of the wrong type (a Polygon for a LineString field), or with heights for a
    two-dimensional column, as a field error."""
    model_field = model._meta.get_field(field_name)
    if value is not None and getattr(value, "hasz", False) and getattr(model_field, "dim", 2) == 2:
        raise serializers.ValidationError(
            {field_name: [_("Give two coordinates per position (longitude, latitude), not a height.")]}
        )
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


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by id, chosen among those the requesting user may see: the browsable API's forms
    list nothing else, and an id outside the scope is refused as if it did not exist."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if not hasattr(queryset, "restrict"):
            return queryset
        request = self.context.get("request")
        return queryset.restrict(getattr(request, "user", None))


class PortalModelSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A record: the model's own validation, related rows from the user's scope."""

    serializer_related_field = ScopedRelatedField


class PortalFeatureSerializer(ModelCleanMixin, GeoFeatureModelSerializer):
    """A GeoJSON feature: the model's own validation, related rows from the user's scope, and a body
    that is not a feature refused with a message (not a server error)."""

    serializer_related_field = ScopedRelatedField
    serializer_field_mapping = {
        **GeoFeatureModelSerializer.serializer_field_mapping,
        **{
            field: DatabaseGeoJSONField
            for field in GeoFeatureModelSerializer.serializer_field_mapping
            if isinstance(field, type) and issubclass(field, ModelGeometryField)
        },
    }

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [_("Send a GeoJSON Feature object.")]})
        if "properties" in data and not isinstance(data["properties"], Mapping):
            raise serializers.ValidationError({"properties": [_("Give the feature's properties as an object.")]})
        return super().to_internal_value(data)
