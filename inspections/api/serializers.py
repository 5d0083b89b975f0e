import json

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from inspections.choices import FindingCategory, PatrolSource
from inspections.models import Finding, Patrol, PatrolPhoto
from inspections.services import FindingInput
from inspections.tracks import reason_message, track_from_geojson, track_from_gpx
from wushui.geo import validate_geometry
from wushui.images import check_photo


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                },
            },
            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        ],
        "nullable": True,
    }
)
class PointInputField(serializers.Field):
    """A GeoJSON Point, or ``[longitude, latitude]``."""

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) == 2:
            data = {"type": "Point", "coordinates": list(data)}
        if not isinstance(data, dict) or data.get("type") != "Point":
            raise serializers.ValidationError(_("Give a GeoJSON Point or [longitude, latitude]."))
        try:
            point = GEOSGeometry(json.dumps(data), srid=4326)
        except (GEOSException, GDALException, ValueError, TypeError):
            raise serializers.ValidationError(_("Give a GeoJSON Point or [longitude, latitude].")) from None
        error = validate_geometry(point)
        if error:
            raise serializers.ValidationError(error)
        return point

    def to_representation(self, value):
        # Written from the point's own coordinates: through GDAL's GeoJSON it cost a list's row a tenth.
        return {"type": "Point", "coordinates": [value.x, value.y]} if value else None


class FindingInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=FindingCategory.choices())
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    location = PointInputField(required=False, allow_null=True, default=None)
    is_problem = serializers.BooleanField(required=False, default=False)


def _decoded(data):
    """A value as JSON sends it: multipart forms send one as a JSON-encoded string."""
    if not isinstance(data, str):
        return data
    try:
        return json.loads(data)
    except ValueError:
        raise serializers.ValidationError(_("Not valid JSON.")) from None


class JSONValueField(serializers.JSONField):
    """Any JSON value, also JSON-encoded in a form. Checking the content is left to the reader of
    the value (no per-item work on 1,000-point tracks)."""

    def to_internal_value(self, data):
        return _decoded(data)


class JSONListField(serializers.ListField):
    """A list, also JSON-encoded in a form."""

    def to_internal_value(self, data):
        return super().to_internal_value(_decoded(data))


# More findings than anyone notes on one walk: a longer list is a bug or an attack.
MAX_FINDINGS = 50


class TextUUIDField(serializers.UUIDField):
    """A UUID written as text, as phones make them; a number is refused, not read as a 128-bit integer."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class PatrolSubmitSerializer(serializers.Serializer):
    """What a phone sends at the end of a patrol: JSON with a GeoJSON track, or multipart with a GPX file."""

    client_uuid = TextUUIDField(help_text=_("Made by the phone when the patrol starts; replays are safe."))
    segment = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    track = JSONValueField(required=False, help_text=_("GeoJSON LineString, [longitude, latitude] points."))
    track_times = JSONValueField(required=False, help_text=_("ISO 8601, one per point."))
    gpx = serializers.FileField(required=False, help_text=_("A GPX file instead of track and track_times."))
    findings = JSONListField(child=FindingInputSerializer(), required=False, default=list, max_length=MAX_FINDINGS)
    chief = serializers.IntegerField(required=False, help_text=_("Optional; must be the signed-in chief."))
    source = serializers.ChoiceField(
        choices=PatrolSource.SUBMITTED, default=PatrolSource.APP, help_text=_("Ignored with a GPX file.")
    )

    # The service checks that the segment is one of the chief's current appointments (the same
    # answer for a segment that does not exist and one that is somebody else's).

    def validate_chief(self, value):
        if value != self.context["request"].user.pk:
            raise serializers.ValidationError(_("A chief submits only their own patrols."))
        return value

    def validate(self, attrs):
        has_json_track = "track" in attrs or "track_times" in attrs
        if "gpx" in attrs and has_json_track:
            raise serializers.ValidationError({"gpx": _("Send either a GPX file or track and track_times, not both.")})
        if "gpx" in attrs:
            attrs["track"] = track_from_gpx(attrs.pop("gpx"))
            attrs["source"] = PatrolSource.GPX
        elif "track" in attrs and "track_times" in attrs:
            attrs["track"] = track_from_geojson(attrs["track"], attrs.pop("track_times"))
        else:
            raise serializers.ValidationError({"track": _("Send track and track_times, or a GPX file.")})
        attrs["findings"] = [FindingInput(**finding) for finding in attrs.get("findings", [])]
        attrs.pop("chief", None)
        return attrs


class FindingSerializer(serializers.ModelSerializer):
    location = PointInputField(read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "category", "note", "location", "problem"]


class PatrolFindingField(serializers.PrimaryKeyRelatedField):
    """One of this patrol's findings: another patrol's finding is as unknown as one that does not exist
    (the answer tells nothing about which ids exist), and a form lists this patrol's findings only."""

    def get_queryset(self):
        patrol = self.context.get("patrol")
        return Finding.objects.filter(patrol=patrol) if patrol is not None else Finding.objects.none()


class PatrolPhotoSerializer(serializers.ModelSerializer):
    image = serializers.ImageField(help_text=_("JPEG, PNG or WebP."))
    finding = PatrolFindingField(required=False, allow_null=True)

    client_key = serializers.CharField(
        max_length=64, required=False, default="", help_text=_("Unique per photo of a patrol; makes re-sending safe.")
    )

    class Meta:
        model = PatrolPhoto
        fields = ["id", "image", "finding", "client_key", "width", "height", "uploaded_at"]
        read_only_fields = ["width", "height", "uploaded_at"]

    def validate_image(self, image):
        try:
            check_photo(image)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return image

    def to_representation(self, photo):
        data = super().to_representation(photo)
        # The photo's address is the view that checks the scope, never the stored file's.
        request = self.context.get("request")
        url = photo.get_absolute_url()
        data["image"] = request.build_absolute_uri(url) if request else url
        return data


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("too_short_time, too_short_distance, low_coverage or too_fast"))
    params = serializers.DictField(help_text=_("The figures the message quotes."))
    message = serializers.SerializerMethodField()

    def get_message(self, reason) -> str:
        return reason_message(reason)


class PatrolListSerializer(serializers.ModelSerializer):
    chief_name = serializers.CharField(source="chief.name", read_only=True)
    duration_s = serializers.IntegerField(read_only=True, help_text=_("From started_at to ended_at."))
    avg_speed_kmh = serializers.FloatField(read_only=True, help_text=_("Distance over duration."))
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    invalid_reasons = ReasonSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text=_("The patrol's page."))

    class Meta:
        model = Patrol
        fields = [
            "id",
            "client_uuid",
            "chief",
            "chief_name",
            "segment",
            "segment_name",
            "tier",
            "source",
            "started_at",
            "ended_at",
            "distance_m",
            "duration_s",
            "avg_speed_kmh",
            "max_speed_kmh",
            "coverage",
            "is_valid",
            "invalid_reasons",
            "submitted_at",
            "url",
        ]


class PatrolReceiptSerializer(PatrolListSerializer):
    """The answer to a submission: the verdict and the findings' ids (for photos), without echoing the track."""

    findings = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(PatrolListSerializer.Meta):
        fields = [*PatrolListSerializer.Meta.fields, "rules", "findings", "photos"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, patrol):
        findings = self.context.get("findings")
        return FindingSerializer(patrol.findings.all() if findings is None else findings, many=True).data

    @extend_schema_field(PatrolPhotoSerializer(many=True))
    def get_photos(self, patrol):
        photos = self.context.get("photos")
        return PatrolPhotoSerializer(
            patrol.photos.all() if photos is None else photos, many=True, context=self.context
        ).data


class PatrolSerializer(PatrolReceiptSerializer):
    track = GeometryField()

    class Meta(PatrolReceiptSerializer.Meta):
        fields = [*PatrolReceiptSerializer.Meta.fields, "track", "track_times"]
