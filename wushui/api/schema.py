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


# The answers every operation may give besides its own, in the one error shape of ``wushui.api.errors``.
ERROR_ANSWERS = {
    400: "The request is invalid: a field, a filter or a parameter; ``fields`` names each with its messages.",
    401: "No credentials, or a token or session that is not valid.",
    403: "Signed in, but the row or the action is outside what the user may change; the message says why.",
    404: "No such row in the user's scope, or no such page of results.",
    409: "The change conflicts with a row saved meanwhile, or other rows still refer to this one.",
    413: "The request body is larger than allowed.",
    415: "The request body's media type is not one the operation reads.",
    429: "Too many requests (throttled, or the sign-in is locked); ``Retry-After`` tells when to try again.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "For validation errors: each field or filter with its messages.",
                    "additionalProperties": {},
                },
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}


def _error_statuses(operation, method):
    statuses = {400, 403, 404, 429}
    if any(requirement for requirement in operation.get("security", [])):
        statuses.add(401)
    if "requestBody" in operation:
        statuses |= {409, 413, 415}
    elif method == "delete":
        statuses.add(409)
    return statuses


def document_errors(result, generator, request, public):
    """Post-processing hook: document the error answers each operation may give (the status codes that
    DRF, the scope checks, the throttles and the error handler answer), in the API's one error shape, and
    as text where the operation answers text (an error is rendered like the operation's answers)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            answered = {
                media_type
                for status, response in responses.items()
                if status.startswith("2")
                for media_type in response.get("content", {})
            }
            content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            content.update(
                {media_type: {"schema": {"type": "string"}} for media_type in answered if "json" not in media_type}
            )
            for status in sorted(_error_statuses(operation, method)):
                response = responses.setdefault(str(status), {"description": ERROR_ANSWERS[status]})
                for media_type, schema in content.items():
                    response.setdefault("content", {}).setdefault(media_type, schema)
    return result
