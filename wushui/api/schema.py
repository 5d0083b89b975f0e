"""OpenAPI schema adjustments, so that a client generated from ``/api/schema/`` reads what is served."""

from django.contrib.gis.db import models as gis_models
from drf_spectacular.contrib.rest_framework_gis import (
    GeoFeatureModelSerializerExtension,
    build_geo_container_schema,
    build_linestring_schema,
    build_point_schema,
    build_polygon_schema,
)
from drf_spectacular.plumbing import build_array_type


def any_geometry_schema():
    """Every GeoJSON geometry type: a generic geometry column holds lines and areas, single or multi."""
    point, line, polygon = build_point_schema(), build_linestring_schema(), build_polygon_schema()
    return {
        "oneOf": [
            build_geo_container_schema("Point", point),
            build_geo_container_schema("LineString", line),
            build_geo_container_schema("Polygon", polygon),
            build_geo_container_schema("MultiPoint", build_array_type(point)),
            build_geo_container_schema("MultiLineString", build_array_type(line)),
            build_geo_container_schema("MultiPolygon", build_array_type(polygon)),
        ]
    }


class GeoFeatureExtension(GeoFeatureModelSerializerExtension):
    """GeoJSON features, as served.

    - With request and response components split, the read-only feature id is absent from the
      request properties and the stock extension fails on it.
    - A generic geometry column may hold any geometry type, not only points, lines and polygons.
    - A geometry the model allows to be empty is documented as nullable.
    """

    priority = 1

    def map_serializer(self, auto_schema, direction):
        base_schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        id_field = self.target.Meta.id_field
        if id_field and id_field not in base_schema["properties"]:
            base_schema["properties"][id_field] = {"type": "integer", "readOnly": True}
        schema = self.map_geo_feature_model_serializer(self.target, base_schema)
        model_field = self.target.Meta.model._meta.get_field(self.target.Meta.geo_field)
        if type(model_field) is gis_models.GeometryField:
            schema["properties"]["geometry"] = any_geometry_schema()
        if model_field.null:
            schema["properties"]["geometry"]["nullable"] = True
        return schema
