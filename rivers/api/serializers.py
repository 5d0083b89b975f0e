from rest_framework import serializers

from rivers.models import ChiefAppointment, Segment, WaterBody
from wushui.api.base import PortalFeatureSerializer, PortalModelSerializer


class WaterBodySerializer(PortalFeatureSerializer):
    class Meta:
        model = WaterBody
        geo_field = "geometry"
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "responsible_tier",
            "target_class",
            "length_km",
            "area_km2",
            "start_description",
            "end_description",
            "is_provincial_model",
            "description",
            "geometry",
        ]


class SegmentSerializer(PortalFeatureSerializer):
    water_body_name = serializers.CharField(source="water_body.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Segment
        geo_field = "geometry"
        fields = [
            "id",
            "code",
            "name",
            "water_body",
            "water_body_name",
            "region",
            "region_name",
            "start_description",
            "end_description",
            "length_m",
            "geometry",
        ]
        read_only_fields = ["length_m"]


class ChiefAppointmentSerializer(PortalModelSerializer):
    chief_name = serializers.CharField(source="chief.name", read_only=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChiefAppointment
        fields = [
            "id",
            "chief",
            "chief_name",
            "segment",
            "segment_name",
            "tier",
            "role",
            "post",
            "public_phone",
            "start_date",
            "end_date",
            "is_current",
        ]
