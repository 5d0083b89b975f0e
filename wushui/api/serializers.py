from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from wushui.api.base import ModelCleanMixin
from wushui.models import Region, Unit


class RegionSerializer(ModelCleanMixin, GeoFeatureModelSerializer):
    class Meta:
        model = Region
        geo_field = "boundary"
        fields = ["id", "name", "code", "level", "parent", "boundary"]


class UnitSerializer(ModelCleanMixin, serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "region", "phone", "duties"]
