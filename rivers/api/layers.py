"""The registry's map layers over HTTP (see ``wushui.api.layers``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from rivers.maps import OutletLayer, SegmentLayer, StationLayer
from wushui.api.layers import MapLayerView, id_filter, layer_schema


class SegmentLayerView(MapLayerView):
    """Segments in the user's scope coloured by tier, with their chiefs in office; village-tier
    segments from the detail zoom."""

    layer_class = SegmentLayer

    @layer_schema(
        [
            id_filter("region", "Segments in a region and its subdivisions."),
            id_filter("water_body", "Segments of one water body."),
            OpenApiParameter("tier", OpenApiTypes.STR, description="The water body's responsible tier."),
            OpenApiParameter("kind", OpenApiTypes.STR, description="The water body's kind."),
            OpenApiParameter("target_class", OpenApiTypes.INT, description="The water body's target class."),
            OpenApiParameter("is_provincial_model", OpenApiTypes.BOOL),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the water body's name, code or description."),
        ]
    )
    def get(self, request):
        return super().get(request)


class StationLayerView(MapLayerView):
    """Monitoring stations in the user's scope as points coloured by their latest class."""

    layer_class = StationLayer

    @layer_schema(
        [
            id_filter("region", "Stations on segments of a region and its subdivisions."),
            id_filter("water_body", "Stations of one water body."),
            OpenApiParameter("control_level", OpenApiTypes.STR),
            OpenApiParameter("latest_class", OpenApiTypes.INT, description="The latest class, 1–6 (6: 劣V)."),
            OpenApiParameter("bad", OpenApiTypes.BOOL, description="Latest class worse than target, or 劣V."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the code, name or water body."),
        ]
    )
    def get(self, request):
        return super().get(request)


class OutletLayerView(MapLayerView):
    """Pollution outlets in the user's scope as points coloured by status."""

    layer_class = OutletLayer

    @layer_schema(
        [
            id_filter("region", "Outlets into segments of a region and its subdivisions."),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("overdue", OpenApiTypes.BOOL),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a code, name or responsible entity."),
        ]
    )
    def get(self, request):
        return super().get(request)
