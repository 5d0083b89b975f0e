from wushui.api.base import ScopedViewSet
from wushui.api.pagination import FeaturePagination
from wushui.api.serializers import RegionSerializer, UnitSerializer
from wushui.filtersets import RegionFilterSet, UnitFilterSet
from wushui.models import Region, Unit


class RegionViewSet(ScopedViewSet):
    """Administrative regions (district, streets, villages) as GeoJSON features with their boundaries."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    pagination_class = FeaturePagination


class UnitViewSet(ScopedViewSet):
    """Departments, street offices and owner units."""

    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
