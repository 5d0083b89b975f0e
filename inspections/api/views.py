import uuid

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from inspections import services
from inspections.api.serializers import (
    PatrolListSerializer,
    PatrolPhotoSerializer,
    PatrolReceiptSerializer,
    PatrolSerializer,
    PatrolSubmitSerializer,
)
from inspections.filtersets import PatrolFilterSet
from inspections.models import Patrol
from inspections.models.patrols import RECENT_FIRST
from wushui.api.base import ScopePermission
from wushui.api.pagination import KeysetPagination
from wushui.api.parsers import SafeJSONParser
from wushui.scoping import CHANGE, get_in_scope

SUBMIT_EXAMPLE = {
    "client_uuid": "5f0e8a7e-3c1b-4d8e-9a51-2b7f7f0c9e11",
    "segment": 12,
    "started_at": "2026-11-28T09:00:00+08:00",
    "ended_at": "2026-11-28T09:25:00+08:00",
    "track": {"type": "LineString", "coordinates": [[120.7512, 27.9301], [120.7555, 27.9312], [120.7601, 27.9320]]},
    "track_times": ["2026-11-28T09:00:05+08:00", "2026-11-28T09:12:40+08:00", "2026-11-28T09:24:50+08:00"],
    "findings": [
        {"category": "water_surface", "note": "漂浮垃圾", "location": [120.7555, 27.9312], "is_problem": True}
    ],
}


class PatrolPagination(KeysetPagination):
    ordering = RECENT_FIRST
    ids_first = True  # as the patrol list page: the keys from the covering index patrol_recent


class PatrolViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Patrols (巡河). Chiefs submit their own; officials read those in their scope."""

    queryset = Patrol.objects.select_related("chief", "segment")
    permission_classes = [ScopePermission]
    filterset_class = PatrolFilterSet
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    pagination_class = PatrolPagination

    def get_queryset(self):
        queryset = self.queryset.restrict(self.request.user)
        if self.action == "list":
            queryset = queryset.defer(*Patrol.LIST_DEFERRED)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("findings", "photos")
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return PatrolSubmitSerializer
        if self.action == "list":
            return PatrolListSerializer
        if self.action == "photos":
            return PatrolPhotoSerializer
        return PatrolSerializer

    @extend_schema(
        description=(
            "Patrols in your scope, newest first (by started_at, then id), paged by cursor: follow next (older) "
            "and previous (newer). There are no page numbers and no total count; the filters are kept in the links."
        )
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": PatrolSubmitSerializer, "multipart/form-data": PatrolSubmitSerializer},
        responses={201: PatrolReceiptSerializer, 200: PatrolReceiptSerializer},
        examples=[OpenApiExample("A short patrol with one problem", value=SUBMIT_EXAMPLE, request_only=True)],
        description=(
            "Submit a finished patrol. The server computes distance, duration, speeds and coverage and judges "
            "validity. 201 with the stored patrol; a replay of the same client_uuid by the same chief answers "
            "200 with the same body and creates nothing. The track itself is not echoed; GET the patrol for it."
        ),
    )
    def create(self, request, *args, **kwargs):
        replayed = self._replayed(request)
        if replayed is not None:
            # The phone never heard our answer: give it again without reading the track once more.
            return Response(self._receipt(replayed), status=status.HTTP_200_OK)
        serializer = PatrolSubmitSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        patrol, created = services.submit_patrol(request.user, **serializer.validated_data)
        return Response(self._receipt(patrol), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _replayed(self, request):
        try:
            client_uuid = uuid.UUID(str(request.data.get("client_uuid")))
        except (TypeError, ValueError, AttributeError):
            return None
        return Patrol.objects.filter(chief=request.user, client_uuid=client_uuid).first()

    def _receipt(self, patrol):
        context = self.get_serializer_context()
        if hasattr(patrol, "recorded_findings"):
            # Just stored: its findings are in hand and it has no photos yet.
            context.update(findings=patrol.recorded_findings, photos=[])
        else:
            prefetch_related_objects([patrol], "findings", "photos")
        return PatrolReceiptSerializer(patrol, context=context).data

    @extend_schema(
        request={"multipart/form-data": PatrolPhotoSerializer},
        responses={201: PatrolPhotoSerializer, 200: PatrolPhotoSerializer},
        description="Add a photo. A re-sent photo with the same client_key answers 200 with the stored one.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], serializer_class=PatrolPhotoSerializer)
    def photos(self, request, pk=None, format=None):
        """Add a photo to one of your own patrols (optionally of one of its findings)."""
        patrol = get_in_scope(Patrol.objects.all(), request.user, CHANGE, pk=pk)
        context = {**self.get_serializer_context(), "patrol": patrol}
        serializer = PatrolPhotoSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        photo, created = services.add_patrol_photo(patrol, **serializer.validated_data)
        return Response(
            PatrolPhotoSerializer(photo, context=context).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
