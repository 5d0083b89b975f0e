"""GeoJSON for the portal's maps, built from rows a view has already loaded (no extra queries)."""

import json


def feature(geometry, **properties):
    return {"type": "Feature", "geometry": json.loads(geometry.geojson), "properties": properties}


def feature_collection(features):
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"] is not None]}
