"""GeoJSON for the portal's maps, of two kinds.

A detail page embeds its few features (``feature_collection``, built from rows the view has already
loaded: no extra query). A page over a whole scope declares map layers instead (``layer_map``), and
``static/js/map.js`` fetches each one for the visible extent and zoom (``MapLayer``, served by
``wushui.api.layers``), so that the page never carries more than a screen's worth of features.

How a layer stays small, written once for every layer:

- rows come from ``restrict(user)`` and the layer's filters, then those that meet the requested
  ``bbox`` (``__intersects``, which PostGIS answers from its index; not ``__bboverlaps``, which
  SpatiaLite answers with ``MbrOverlaps``, false for a view inside a row's box);
- a district-wide view leaves out the classes of rows that would be specks at its zoom (``min_zoom``:
  village-tier segments and village boundaries below ``DETAIL_ZOOM``) and says so;
- geometries are simplified in the database by one screen pixel at the requested zoom and written
  with no more decimals than that pixel needs;
- at most ``MAX_FEATURES_PER_LAYER`` rows, the most important first, and the response says when it
  stopped there.
"""

import json
import math
import secrets
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wushui.choices import RegionLevel
from wushui.figures import REGISTRY, remembered_figure, scope_key
from wushui.filtersets import RegionLayerFilterSet, UnitFilterSet
from wushui.models import Region

# A response never carries more features than this; the most important come first.
MAX_FEATURES_PER_LAYER = 1000
# From this zoom (a street or a few villages across the screen) a map shows everything.
DETAIL_ZOOM = 13
MIN_ZOOM, MAX_ZOOM = 0, 22
# Web Mercator: the world is 256 pixels wide at zoom 0.
TILE_SIZE = 256
DECIMALS = (4, 7)


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


@dataclass(frozen=True)
class MapWindow:
    """What a map shows: a box in EPSG:4326 degrees and a Web Mercator zoom level."""

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @classmethod
    def from_query(cls, params):
        """Parses ``bbox=west,south,east,north`` and ``zoom``; a ``ValidationError`` names each bad one."""
        errors = {}
        try:
            box = _parse_bbox(params.get("bbox"))
        except ValueError as error:
            errors["bbox"] = [str(error)]
        try:
            zoom = _parse_zoom(params.get("zoom"))
        except ValueError as error:
            errors["zoom"] = [str(error)]
        if errors:
            raise ValidationError(errors)
        return cls(*box, zoom=zoom)

    @property
    def polygon(self):
        polygon = Polygon.from_bbox((self.west, self.south, self.east, self.north))
        polygon.srid = 4326
        return polygon

    @property
    def tolerance(self):
        """One screen pixel in degrees: of longitude 360 / (256 · 2^zoom), of latitude that times the
        cosine of the latitude; the smaller of the two, so that nothing moves by a visible amount."""
        middle = math.radians((self.south + self.north) / 2)
        return 360 / (TILE_SIZE * 2**self.zoom) * max(math.cos(middle), 0.01)

    @property
    def decimals(self):
        """Enough decimals to place a vertex within a tenth of a pixel."""
        return min(max(math.ceil(-math.log10(self.tolerance)) + 1, DECIMALS[0]), DECIMALS[1])


def _parse_bbox(text):
    if not text:
        raise ValueError(_("bbox is required: west,south,east,north in degrees."))
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise ValueError(_("bbox must be four numbers: west,south,east,north."))
    if not all(math.isfinite(value) for value in values):
        raise ValueError(_("bbox must be four finite numbers."))
    west, south, east, north = values
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise ValueError(_("bbox must lie within longitudes -180 to 180 and latitudes -90 to 90."))
    if not (west < east and south < north):
        raise ValueError(_("bbox must have west < east and south < north."))
    return west, south, east, north


def _parse_zoom(text):
    message = _("zoom must be a whole number from %(min)s to %(max)s.") % {"min": MIN_ZOOM, "max": MAX_ZOOM}
    if text is None or not text.strip().isdigit():
        raise ValueError(message)
    zoom = int(text)
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(message)
    return zoom


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """``ST_SimplifyPreserveTopology``, spelled alike by PostGIS and SpatiaLite. Unlike ``ST_Simplify``
    it never collapses a short line to nothing nor makes a polygon invalid."""

    function = "ST_SimplifyPreserveTopology"

    def __init__(self, expression, tolerance, **extra):
        super().__init__(expression, Value(float(tolerance)), **extra)


def extent(queryset, field):
    """``[west, south, east, north]`` of ``field`` over ``queryset`` in one aggregate query, or ``None``."""
    box = queryset.aggregate(extent=Extent(field))["extent"]
    return list(box) if box else None


def union_of(boxes):
    boxes = [box for box in boxes if box]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def rank(field, values):
    """An ordering expression: rows whose ``field`` comes first in ``values`` sort first."""
    return Case(*(When(**{field: value}, then=i) for i, value in enumerate(values)), output_field=IntegerField())


class MapLayer:
    """A layer of a page's map, served for the visible extent (see the module docstring).

    Subclasses say which rows (``model``, ``geometry_field``, the layer's own ``filterset_class``, and
    optionally ``list_filterset_class``: the filters of a list page whose rows this layer draws, see
    ``narrow_to_list``), which classes of rows wait for a closer zoom (``class_field`` and
    ``min_zoom``), which rows matter most (``importance``), and what a feature says (``features``).
    """

    url_name = ""
    model = None
    geometry_field = "geometry"
    filterset_class = None
    list_filterset_class = None
    class_field = ""
    min_zoom: dict = {}
    fields: tuple = ("pk",)
    max_features = MAX_FEATURES_PER_LAYER

    def __init__(self, request):
        self.request = request
        self.user = request.user

    # What to show
    def get_queryset(self):
        return self.model.objects.restrict(self.user)

    def filter(self, queryset, params):
        """The layer's filters and the list's, validated as the list validates them: an id outside the
        user's scope is a ``ValidationError`` naming the field, as on the list page."""
        errors = {}
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(params, queryset=queryset, request=self.request)
            if not filterset.is_valid():
                errors.update(filterset.errors)
        listed = None
        if self.list_filterset_class is not None:
            model = self.list_filterset_class._meta.model
            listed = self.list_filterset_class(params, queryset=model.objects.restrict(self.user), request=self.request)
            if not listed.is_valid():
                errors.update(listed.errors)
        if errors:
            raise ValidationError({field: list(messages) for field, messages in errors.items()})
        if filterset is not None:
            queryset = filterset.qs
        if listed is not None:
            self.listed = listed.qs
            queryset = self.narrow_to_list(queryset, self.listed)
        return queryset

    def narrow_to_list(self, queryset, listed):
        """The rows that draw the list page's rows ``listed``."""
        raise NotImplementedError

    def importance(self):
        """The ordering that keeps the most useful rows when a response is cut at ``max_features``."""
        return ["pk"]

    def class_label(self, value):
        return value

    def features(self, rows):
        """GeoJSON features of ``rows`` (dicts of ``fields`` and ``geojson``): at most one more query."""
        raise NotImplementedError

    # How it is served
    def collection(self, params):
        """The layer's FeatureCollection for ``bbox`` and ``zoom`` in ``params``: a bounded number of
        queries (the filters' validation, the rows, and whatever ``features`` needs) at any size."""
        window = MapWindow.from_query(params)
        queryset = self.filter(self.get_queryset(), params)
        queryset = queryset.filter(**{f"{self.geometry_field}__intersects": window.polygon})
        hidden = [value for value, zoom in self.min_zoom.items() if window.zoom < zoom]
        if hidden:
            queryset = queryset.exclude(**{f"{self.class_field}__in": hidden})
        geometry = SimplifyPreserveTopology(self.geometry_field, window.tolerance)
        rows = list(
            queryset.order_by(*self.importance()).values(
                *self.fields, geojson=AsGeoJSON(geometry, precision=window.decimals)
            )[: self.max_features + 1]
        )
        truncated = len(rows) > self.max_features
        rows = rows[: self.max_features]
        notices = []
        if truncated:
            notices.append(
                _("Only the first %(count)s %(things)s are shown; zoom in to see the others.")
                % {"count": self.max_features, "things": self.model._meta.verbose_name_plural}
            )
        if hidden:
            notices.append(
                _("Zoom in to see %(things)s: %(classes)s.")
                % {
                    "things": self.model._meta.verbose_name_plural,
                    "classes": ", ".join(str(self.class_label(value)) for value in hidden),
                }
            )
        return {
            "type": "FeatureCollection",
            "features": [f for f in self.features(rows) if f["geometry"] is not None],
            "zoom": window.zoom,
            "limit": self.max_features,
            "truncated": truncated,
            "hidden": hidden,
            "notices": notices,
        }

    def extent(self, params):
        """The extent of what the layer can show with ``params``, in one aggregate query (after the
        filters' validation): where a page's map opens. Kept until the registry changes."""
        pairs = params.lists() if hasattr(params, "lists") else params.items()
        parts = (
            "layer-extent",
            type(self).__name__,
            scope_key(self.request.user),
            sorted((k, repr(v)) for k, v in pairs),
        )
        return remembered_figure(
            parts, lambda: extent(self.filter(self.get_queryset(), params), self.geometry_field), depends_on=(REGISTRY,)
        )

    @staticmethod
    def geometry(row):
        return json.loads(row["geojson"]) if row["geojson"] else None


def layer_map(request, *layers, bounds=None):
    """A page's map of ``layers``, each ``(MapLayer subclass, params)`` with the page's filters: the
    layers' URLs for ``static/js/map.js``, drawn in this order, and the view it opens on: ``bounds`` or
    else the extent of everything the layers can show (one aggregate query per layer)."""
    entries = []
    boxes = []
    for layer_class, params in layers:
        layer = layer_class(request)
        pairs = params.lists() if hasattr(params, "lists") else params.items()
        query = urlencode([(key, value) for key, value in pairs if value not in (None, "", [])], doseq=True)
        entries.append({"url": reverse(layer_class.url_name) + (f"?{query}" if query else "")})
        if bounds is None:
            boxes.append(layer.extent(params))
    return {
        # A new id for every page: htmx, putting a refreshed map where the old one was, would give an
        # element of the same id the old one's class and style for a moment, undoing Leaflet's.
        "id": f"map-{secrets.token_hex(4)}",
        "bounds": bounds or union_of(boxes),
        "layers": entries,
        "messages": {"failed": _("The map could not load; move it to try again.")},
    }


def list_map(request, filterset, layer_class):
    """The map of a list page: ``layer_class`` with the list's filters (the query without its page
    number), or no layer while the filters are invalid."""
    if filterset.is_bound and not filterset.is_valid():
        return layer_map(request)
    params = request.GET.copy()
    params.pop("page", None)
    return layer_map(request, (layer_class, params))


class RegionLayer(MapLayer):
    """Region boundaries coloured by level; villages from ``DETAIL_ZOOM``."""

    url_name = "region-layer"
    model = Region
    geometry_field = "boundary"
    filterset_class = RegionLayerFilterSet
    class_field = "level"
    min_zoom = {RegionLevel.VILLAGE: DETAIL_ZOOM}
    fields = ("pk", "name", "level")

    def importance(self):
        return [rank("level", RegionLevel.values()), "code"]

    def class_label(self, value):
        return RegionLevel.label(value)

    def features(self, rows):
        return [self.region_feature(row) for row in rows]

    def region_feature(self, row, **properties):
        return {
            "type": "Feature",
            "geometry": self.geometry(row),
            "properties": {
                "name": row["name"],
                "url": reverse("region_detail", args=[row["pk"]]),
                "colour": RegionLevel.colour(row["level"]),
                **properties,
            },
        }


# Lines of a popup, at most.
POPUP_LINES = 12


class UnitRegionLayer(RegionLayer):
    """The regions the units of the unit list lie in, each listing those units."""

    url_name = "unit-region-layer"
    filterset_class = None
    list_filterset_class = UnitFilterSet

    def narrow_to_list(self, queryset, listed):
        return queryset.filter(pk__in=listed.values("region_id"))

    def features(self, rows):
        units = {}
        for unit in self.listed.filter(region_id__in=[row["pk"] for row in rows]).values("region_id", "name"):
            units.setdefault(unit["region_id"], []).append(unit["name"])
        return [self.region_feature(row, units=units.get(row["pk"], [])[:POPUP_LINES]) for row in rows]
