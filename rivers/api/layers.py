"""The registry's map layers over HTTP (see ``wushui.api.layers``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from rivers.maps import SegmentLayer
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
