from rivers.api.serializers import ChiefAppointmentSerializer, SegmentSerializer, WaterBodySerializer
from rivers.filtersets import ChiefAppointmentFilterSet, SegmentFilterSet, WaterBodyFilterSet
from rivers.models import ChiefAppointment, Segment, WaterBody
from wushui.api.base import RememberedListMixin, ScopedViewSet
from wushui.api.pagination import FeaturePagination
from wushui.figures import REGISTRY


class WaterBodyViewSet(RememberedListMixin, ScopedViewSet):
    """Water bodies of the registry (一河一档) as GeoJSON features."""

    list_depends_on = (REGISTRY,)
    queryset = WaterBody.objects.all()
    serializer_class = WaterBodySerializer
    filterset_class = WaterBodyFilterSet
    pagination_class = FeaturePagination


class SegmentViewSet(RememberedListMixin, ScopedViewSet):
    """Segments (河段) as GeoJSON features; lengths are computed by the server in metres."""

    list_depends_on = (REGISTRY,)
    queryset = Segment.objects.select_related("water_body", "region").defer("water_body__geometry", "region__boundary")
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilterSet
    pagination_class = FeaturePagination


class ChiefAppointmentViewSet(RememberedListMixin, ScopedViewSet):
    """Chief appointments, current and past; ``?current=true`` for the chiefs in office."""

    list_depends_on = (REGISTRY,)
    queryset = ChiefAppointment.objects.select_related("chief", "segment")
    serializer_class = ChiefAppointmentSerializer
    filterset_class = ChiefAppointmentFilterSet
