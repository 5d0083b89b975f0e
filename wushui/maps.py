"""GeoJSON for the portal's maps, built from rows a view has already loaded (no extra queries)."""

import json

from wushui.choices import RegionLevel


def feature(geometry, **properties):
    return {"type": "Feature", "geometry": json.loads(geometry.geojson), "properties": properties}


def feature_collection(features):
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"] is not None]}


def region_features(regions):
    """Region boundaries coloured by level."""
    return feature_collection(
        feature(
            region.boundary, name=region.name, url=region.get_absolute_url(), colour=RegionLevel.colour(region.level)
        )
        for region in regions
        if region.boundary is not None
    )
