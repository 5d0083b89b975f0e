"""Geometry rules in one place: validity, and measuring in the metric CRS.

Geometries are stored in EPSG:4326. Lengths, buffers and distances are
computed after transforming to ``settings.METRIC_SRID`` (metres), never in
degrees, so the result is the same on PostGIS and SpatiaLite.
"""

import threading

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.utils.translation import gettext as _

# Longwan and its surroundings; a coordinate outside is a data-entry error
# (swapped latitude/longitude, a projected coordinate pasted as degrees).
SERVICE_AREA = (120.4, 27.6, 121.3, 28.3)  # min lon, min lat, max lon, max lat


def validate_geometry(geometry):
    """Return a message naming what is wrong with ``geometry``, or ``None``."""
    if geometry is None:
        return None
    if geometry.empty:
        return _("The geometry is empty.")
    if geometry.srid not in (None, 4326):
        return _("Geometries are stored in EPSG:4326, not EPSG:%(srid)s.") % {"srid": geometry.srid}
    if not geometry.valid:
        return _("The geometry is invalid: %(reason)s.") % {"reason": geometry.valid_reason}
    min_x, min_y, max_x, max_y = geometry.extent
    area_min_x, area_min_y, area_max_x, area_max_y = SERVICE_AREA
    if min_x < area_min_x or max_x > area_max_x or min_y < area_min_y or max_y > area_max_y:
        return _("The geometry lies outside the district's service area (longitude %(x)s, latitude %(y)s).") % {
            "x": f"{area_min_x}–{area_max_x}",
            "y": f"{area_min_y}–{area_max_y}",
        }
    return None


_transforms = threading.local()


def _transform(geometry, target_srid):
    # Building a GDAL transform costs ~50 ms, applying it well under 1 ms: keep one
    # per thread (GDAL transform objects are not thread-safe).
    cache = _transforms.__dict__.setdefault("by_srid", {})
    key = (geometry.srid or 4326, target_srid)
    if key not in cache:
        cache[key] = CoordTransform(SpatialReference(key[0]), SpatialReference(target_srid))
    result = geometry.transform(cache[key], clone=True)
    result.srid = target_srid
    return result


def to_metric(geometry):
    """A copy of ``geometry`` in the metric CRS."""
    return _transform(geometry, settings.METRIC_SRID)


def from_metric(geometry):
    """A copy of a metric-CRS ``geometry`` in EPSG:4326."""
    return _transform(geometry, 4326)


def length_m(geometry):
    """Length in metres, measured in the metric CRS."""
    return to_metric(geometry).length
