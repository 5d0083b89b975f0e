"""Map layers over HTTP: GeoJSON of one ``wushui.maps.MapLayer`` for the visible extent.

``GET <layer>?bbox=west,south,east,north&zoom=<0-22>`` plus the layer's filters, signed-in users only.
A bad ``bbox``, ``zoom`` or filter answers 400 in the API's error shape with the parameter named; an id
outside the user's scope is refused like the list pages refuse it.
"""

from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from wushui.maps import DETAIL_ZOOM, MAX_FEATURES_PER_LAYER, MAX_ZOOM, MIN_ZOOM, RegionLayer, UnitRegionLayer

WINDOW_PARAMETERS = [
    OpenApiParameter(
        "bbox",
        OpenApiTypes.STR,
        required=True,
        description="The visible extent, `west,south,east,north` in degrees (EPSG:4326).",
    ),
    OpenApiParameter(
        "zoom",
        OpenApiTypes.INT,
        required=True,
        description=(
            f"The map's zoom ({MIN_ZOOM}–{MAX_ZOOM}): geometries are simplified by one pixel at it; "
            f"village-level rows appear from zoom {DETAIL_ZOOM}."
        ),
    ),
]


def layer_schema(filters):
    return extend_schema(
        parameters=[*WINDOW_PARAMETERS, *filters],
        responses={
            200: {
                "type": "object",
                "description": (
                    "A GeoJSON FeatureCollection with `zoom`, `limit` (at most "
                    f"{MAX_FEATURES_PER_LAYER} features), `truncated`, `hidden` (the classes left out "
                    "at this zoom) and `notices` (the same, said for people)."
                ),
            }
        },
    )


def id_filter(name, description):
    return OpenApiParameter(name, OpenApiTypes.INT, description=description)


@method_decorator(gzip_page, name="dispatch")
class MapLayerView(APIView):
    """Base view of a map layer: the layer class does the work."""

    layer_class = RegionLayer
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        return Response(self.layer_class(request).collection(request.query_params))


REGION_FILTERS = [
    id_filter("region", "A region and its subdivisions."),
    id_filter("parent", "The subdivisions of a region."),
    OpenApiParameter("level", OpenApiTypes.STR, enum=["district", "street", "village"]),
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name or code."),
]


class RegionLayerView(MapLayerView):
    """Region boundaries in the user's scope, coloured by level; villages from the detail zoom."""

    layer_class = RegionLayer

    @layer_schema(REGION_FILTERS)
    def get(self, request):
        return super().get(request)


class UnitRegionLayerView(MapLayerView):
    """The regions the units in the user's scope lie in, each listing them; the unit list's filters."""

    layer_class = UnitRegionLayer

    @layer_schema(
        [
            id_filter("region", "Units of a region and its subdivisions."),
            OpenApiParameter("kind", OpenApiTypes.STR),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a unit's name."),
        ]
    )
    def get(self, request):
        return super().get(request)
