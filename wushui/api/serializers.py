from wushui.api.base import PortalFeatureSerializer, PortalModelSerializer
from wushui.models import Region, Unit


class RegionSerializer(PortalFeatureSerializer):
    class Meta:
        model = Region
        geo_field = "boundary"
        fields = ["id", "name", "code", "level", "parent", "boundary"]


class UnitSerializer(PortalModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "region", "phone", "duties"]
