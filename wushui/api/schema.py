"""OpenAPI schema adjustments."""

from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension


class GeoFeatureRequestExtension(GeoFeatureModelSerializerExtension):
    """GeoJSON features in request bodies.

    With request and response components split, the read-only feature id is
    absent from the request properties and the stock extension fails on it.
    """

    priority = 1

    def map_serializer(self, auto_schema, direction):
        base_schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        id_field = self.target.Meta.id_field
        if id_field and id_field not in base_schema["properties"]:
            base_schema["properties"][id_field] = {"type": "integer", "readOnly": True}
        return self.map_geo_feature_model_serializer(self.target, base_schema)
