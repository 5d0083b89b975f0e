"""The water-quality and outlet API: stations, samples, alerts, outlets and 清三河 records for signed-in
users (scoped like every viewset), and the two doors automatic stations use: HJ 212 packets posted over
HTTP (the MN and password in each packet) and a JSON push with a token per station."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, parsers, permissions, serializers, viewsets
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from rivers import gb3838, hj212
from rivers.choices import SampleInterval, SampleSource
from rivers.filtersets import AlertFilterSet, OutletFilterSet, SampleFilterSet, StationFilterSet, ThreeRiversFilterSet
from rivers.hj212_ingest import ingest
from rivers.models import Alert, Outlet, Sample, Station, ThreeRiversRecord
from rivers.samples import FUTURE_SLACK, new_sample, store_samples
from wushui.api.base import PortalFeatureSerializer, PortalModelSerializer, ScopedRelatedField, ScopedViewSet
from wushui.api.pagination import FeaturePagination, KeysetPagination
from wushui.scoping import CHANGE

# A push or a posted body carries at most this many samples or packets.
MAX_PER_REQUEST = 500


def check_values(values, field="values"):
    """``values`` as ``{code: float}``, or a ValidationError naming the indicator."""
    if not isinstance(values, dict) or not values:
        raise serializers.ValidationError({field: [_("Give the values as an object of indicator codes.")]})
    checked = {}
    for code, value in values.items():
        if value is None:
            continue
        try:
            checked[code] = gb3838.check_value(code, value)
        except gb3838.ImpossibleValue as error:
            raise serializers.ValidationError({f"{field}.{code}": [str(error)]}) from None
    if not checked:
        raise serializers.ValidationError({field: [_("No indicator has a value.")]})
    return checked


def check_time(moment, field="sampled_at"):
    if moment > timezone.now() + FUTURE_SLACK:
        raise serializers.ValidationError({field: [_("A sample cannot be taken in the future.")]})
    if moment.year < 2000:
        raise serializers.ValidationError({field: [_("A sample from before 2000?")]})
    return moment


# --- Stations -------------------------------------------------------------------------------------------


class StationSerializer(PortalFeatureSerializer):
    water_body_name = serializers.CharField(source="water_body.name", read_only=True)
    hj212_password = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=32)

    class Meta:
        model = Station
        geo_field = "location"
        fields = [
            "id",
            "code",
            "name",
            "control_level",
            "segment",
            "water_body_name",
            "target_class",
            "water_type",
            "responsible_chief",
            "is_automatic",
            "mn",
            "hj212_password",
            "is_active",
            "latest_class",
            "latest_sampled_at",
            "location",
        ]
        read_only_fields = ["latest_class", "latest_sampled_at"]
        extra_kwargs = {"target_class": {"required": False}, "water_type": {"required": False}}


class StationViewSet(ScopedViewSet):
    """Monitoring stations (站位 / 断面) with their latest class; kept by the water-quality department."""

    queryset = Station.objects.select_related("water_body").defer("water_body__geometry")
    serializer_class = StationSerializer
    filterset_class = StationFilterSet
    pagination_class = FeaturePagination


# --- Samples --------------------------------------------------------------------------------------------


class SampleSerializer(PortalModelSerializer):
    """A sample typed in or sent by a program: classified by the server; the same station, source,
    interval and time a second time updates the stored sample rather than adding one."""

    station = ScopedRelatedField(queryset=Station.objects.all())
    source = serializers.ChoiceField(
        choices=[(SampleSource.LAB, "lab"), (SampleSource.MANUAL, "manual")], default=SampleSource.MANUAL
    )

    class Meta:
        model = Sample
        fields = [
            "id",
            "station",
            "sampled_at",
            "source",
            "interval",
            "values",
            "flags",
            "water_class",
            "determining",
            "exceedances",
            "ph_out_of_range",
            "is_bad",
        ]
        read_only_fields = [
            "interval",
            "flags",
            "water_class",
            "determining",
            "exceedances",
            "ph_out_of_range",
            "is_bad",
        ]
        # The same station and time again is an update (idempotent), not an error.
        validators = []

    def validate(self, attrs):
        station = attrs["station"]
        if not Station.objects.restrict(self.context["request"].user, CHANGE).filter(pk=station.pk).exists():
            raise serializers.ValidationError({"station": [_("You may not add samples to this station.")]})
        attrs["values"] = check_values(attrs.get("values"))
        check_time(attrs["sampled_at"])
        return attrs

    def create(self, validated_data):
        sample = new_sample(
            validated_data["station"],
            validated_data["sampled_at"],
            validated_data["source"],
            SampleInterval.INSTANT,
            validated_data["values"],
        )
        store_samples([sample])
        return Sample.objects.get(
            station=sample.station, source=sample.source, interval=sample.interval, sampled_at=sample.sampled_at
        )


# Newest first; served by the index (station, -sampled_at) for one station's samples.
SAMPLE_ORDER = ("-sampled_at", "-pk")


class SamplePagination(KeysetPagination):
    ordering = SAMPLE_ORDER


class SampleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Samples newest first (keyset pages); ``POST`` adds a typed-in or lab sample, classified here."""

    queryset = Sample.objects.select_related("station")
    serializer_class = SampleSerializer
    filterset_class = SampleFilterSet
    pagination_class = SamplePagination
    permission_classes = ScopedViewSet.permission_classes

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


class AlertSerializer(PortalModelSerializer):
    station_code = serializers.CharField(source="station.code", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "station",
            "station_code",
            "sample",
            "kind",
            "day",
            "water_class",
            "target_class",
            "determining",
            "chief",
            "raised_at",
            "taken_at",
        ]


class AlertPagination(KeysetPagination):
    ordering = ("-day", "-pk")  # the index rivers_alert_recent


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts: a station worse than its target, or 劣V, on a day; newest first (keyset pages: alerts
    accumulate every day, and no page counts them all)."""

    queryset = Alert.objects.select_related("station")
    serializer_class = AlertSerializer
    pagination_class = AlertPagination
    filterset_class = AlertFilterSet
    permission_classes = ScopedViewSet.permission_classes

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


# --- Outlets and 清三河 ----------------------------------------------------------------------------------


class OutletSerializer(PortalFeatureSerializer):
    water_body_name = serializers.CharField(source="water_body.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Outlet
        geo_field = "location"
        fields = [
            "id",
            "national_code",
            "local_code",
            "name",
            "category",
            "subtype",
            "segment",
            "water_body_name",
            "responsible_entity",
            "contact_name",
            "contact_phone",
            "sign_installed",
            "status",
            "remediation_plan",
            "remediation_deadline",
            "remediation_completed_on",
            "registered_on",
            "is_overdue",
            "location",
        ]


class OutletViewSet(ScopedViewSet):
    """Pollution outlets (入河排污口) with their ID codes, status and remediation; every change is kept."""

    queryset = Outlet.objects.select_related("water_body").defer("water_body__geometry")
    serializer_class = OutletSerializer
    filterset_class = OutletFilterSet
    pagination_class = FeaturePagination


class ThreeRiversSerializer(PortalModelSerializer):
    class Meta:
        model = ThreeRiversRecord
        fields = ["id", "water_body", "kind", "identified_on", "cleared_on", "rebound_of", "note"]


class ThreeRiversViewSet(ScopedViewSet):
    """清三河: garbage, black and smelly episodes of water bodies, identified, cleared, rebounded."""

    queryset = ThreeRiversRecord.objects.select_related("water_body")
    serializer_class = ThreeRiversSerializer
    filterset_class = ThreeRiversFilterSet


# --- The stations' own doors ------------------------------------------------------------------------------


# A body of packets holds at most MAX_PER_REQUEST of the longest packets.
MAX_PACKETS_BODY = MAX_PER_REQUEST * hj212.MAX_PACKET


class PlainTextParser(parsers.BaseParser):
    """The body as bytes, refused (413) beyond ``MAX_PACKETS_BODY``: Django's own limit applies only to
    bodies it reads itself."""

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_PACKETS_BODY + 1) if stream is not None else b""
        if len(body) > MAX_PACKETS_BODY:
            raise RequestDataTooBig("The body holds more than a request's packets.")
        return body


class PacketParser(PlainTextParser):
    media_type = "application/octet-stream"


class PlainTextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "ascii"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # Errors of the API's shape, as text for a program that reads text.
        return str(data).encode("ascii", "replace")


class HJ212View(APIView):
    """HJ 212-2017 packets posted over HTTP by a station that cannot keep a TCP connection: the body is
    one or more packets as sent on the wire; the answer holds the platform's answers (a 9014 data
    response where Flag asks for one, a 9011 with QnRtn for a refused packet). 200 when every packet was
    stored, 400 when any was refused."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [PlainTextParser, PacketParser]
    # The protocol's answers are text; so are its errors (in the API's error shape).
    renderer_classes = [PlainTextRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "station"

    @extend_schema(
        request={"text/plain": OpenApiTypes.STR},
        responses={(200, "text/plain"): OpenApiTypes.STR, (400, "text/plain"): OpenApiTypes.STR},
        auth=[],
        examples=[
            OpenApiExample(
                "Hourly data",
                value=hj212.frame(
                    hj212.data_segment(
                        mn="LW0000000001",
                        pw="123456",
                        cn=hj212.HOURLY,
                        data_time=datetime.datetime(2026, 3, 5, 10),
                        factors={"w21003": (1.2, "N"), "w01009": (5.1, "N")},
                    )
                ).decode(),
                request_only=True,
            )
        ],
    )
    def post(self, request):
        body = request.data if isinstance(request.data, bytes) else b""
        decoder, assembler = hj212.StreamDecoder(), hj212.Assembler()
        items = []
        for item in decoder.feed(body):
            if isinstance(item, hj212.Packet):
                item = assembler.add(item)
                if item is None:
                    continue
            items.append(item)
        if not items:
            raise exceptions.ParseError(_("The body holds no HJ 212 packet."))
        if len(items) > MAX_PER_REQUEST:
            return Response(b"Too many packets in one request", status=413)
        outcomes = ingest(items)
        answers = b"".join(outcome.answer or b"" for outcome in outcomes)
        return Response(answers, status=200 if all(outcome.stored for outcome in outcomes) else 400)


class StationTokenAuthentication(BaseAuthentication):
    """``Authorization: Station <token>``: the token issued to one station (only its hash is stored)."""

    keyword = b"station"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the station's token after 'Station'."))
        token = parts[1].decode("ascii", "replace")
        station = (
            Station.objects.filter(push_token_hash=Station.hash_token(token), is_active=True)
            .exclude(push_token_hash="")
            .only("pk", "code", "target_class", "water_type", "responsible_chief_id")
            .first()
        )
        if station is None:
            raise exceptions.AuthenticationFailed(_("No active station has this token."))
        return AnonymousUser(), station

    def authenticate_header(self, request):
        return "Station"


class StationTokenScheme(OpenApiAuthenticationExtension):
    target_class = StationTokenAuthentication
    name = "stationToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`Station <token>`"}


class IsStation(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Station)


class PushedSampleSerializer(serializers.Serializer):
    sampled_at = serializers.DateTimeField()
    interval = serializers.ChoiceField(choices=SampleInterval.choices(), default=SampleInterval.INSTANT)
    values = serializers.DictField(child=serializers.JSONField())
    flags = serializers.DictField(
        child=serializers.ChoiceField(choices=list(hj212.DATA_FLAGS)), required=False, default=dict
    )

    def validate(self, attrs):
        check_time(attrs["sampled_at"])
        attrs["values"] = check_values(attrs["values"])
        unknown = set(attrs["flags"]) - set(attrs["values"])
        if unknown:
            raise serializers.ValidationError(
                {"flags": [_("Flags of values not sent: %s.") % ", ".join(sorted(unknown))]}
            )
        return attrs


class PushSerializer(serializers.Serializer):
    samples = PushedSampleSerializer(many=True, allow_empty=False, max_length=MAX_PER_REQUEST)


class StationPushView(APIView):
    """JSON samples from a station that cannot speak HJ 212, with its token: idempotent on the station,
    interval and time (a replay updates the stored sample, never adds one)."""

    authentication_classes = [StationTokenAuthentication]
    permission_classes = [IsStation]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "station"

    @extend_schema(
        request=PushSerializer,
        responses={
            200: inline_serializer(
                "PushResult",
                {"created": serializers.IntegerField(), "updated": serializers.IntegerField()},
            ),
            400: OpenApiResponse(description="A field is wrong; nothing was stored."),
        },
        examples=[
            OpenApiExample(
                "One hourly value",
                value={
                    "samples": [
                        {
                            "sampled_at": "2026-03-05T10:00:00+08:00",
                            "interval": "hour",
                            "values": {"nh3n": 1.2, "do": 5.1, "ph": 7.4},
                            "flags": {"nh3n": "N"},
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = PushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        station = request.auth
        samples = [
            new_sample(
                station, item["sampled_at"], SampleSource.AUTOMATIC, item["interval"], item["values"], item["flags"]
            )
            for item in serializer.validated_data["samples"]
        ]
        result = store_samples(samples)
        return Response({"created": result.created, "updated": result.updated})
