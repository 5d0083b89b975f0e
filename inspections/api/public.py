"""The public report endpoint the signboard page's outbox posts to: anonymous, and safe from other
sites by Django's CSRF check (the page sets the ``csrftoken`` cookie and the outbox sends it back in
``X-CSRFToken``; a page elsewhere can neither read the cookie nor set the header). Replays are safe:
the phone's ``client_token`` makes a report, each photo's ``client_key`` a photo.

    POST /s/api/reports/                      JSON: the report → 201 receipt (200 for a replay)
    POST /s/api/reports/<tracking>/photos/    multipart: image, client_key → 201 (200 for a replay)
"""

import dataclasses
import uuid

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import CSRFCheck
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections import abuse, public
from inspections.api.serializers import PointInputField, TextUUIDField
from inspections.models import Problem, PublicReport
from inspections.models.public import normalise_tracking_code
from rivers.models import Segment, Signboard
from wushui.api.parsers import SafeJSONParser

REPORT_EXAMPLE = {
    "client_token": "0b7c2a52-5d7e-4d0f-9a52-8f1f4f6c2e10",
    "board": "h3K9xQ2mP0aZ",
    "category": "bank",
    "description": "河岸边堆了很多建筑垃圾",
    "location": [120.7555, 27.9312],
    "contact_name": "",
    "contact_phone": "",
    "website": "",
}


def problem_categories():
    return Problem._meta.get_field("category").choices


class PublicReportSerializer(serializers.Serializer):
    client_token = TextUUIDField(help_text=gettext_lazy("Made by the phone when the report is written."))
    board = serializers.CharField(max_length=24, help_text=gettext_lazy("The signboard's public code (its QR)."))
    category = serializers.ChoiceField(choices=problem_categories())
    description = serializers.CharField(min_length=public.DESCRIPTION_MIN, max_length=public.DESCRIPTION_MAX)
    location = PointInputField(help_text=gettext_lazy("Where the problem is: [longitude, latitude]."))
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        validators=[RegexValidator(r"^[0-9+\-() ]{5,30}$", gettext_lazy("Enter a phone number."))],
    )
    website = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Leave empty (a field people never see)."),
    )

    def validate_board(self, code):
        board = Signboard.objects.public().filter(public_code=code).first()
        if board is None:
            raise serializers.ValidationError(_("No signboard has this code."))
        return board

    def validate_website(self, value):
        if value:
            raise serializers.ValidationError(
                _("This field is for automated senders and must stay empty; the report was not registered.")
            )
        return value

    def validate(self, attrs):
        attrs.pop(abuse.HONEYPOT_FIELD, None)
        board = attrs.pop("board")
        attrs["segment"] = Segment.objects.get(pk=board["segment_id"])
        return attrs


class StatusSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[public.OPEN, public.CLOSED])
    label = serializers.CharField()
    note = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(help_text=gettext_lazy("The reporter's key to the status page."))
    status_url = serializers.CharField()
    photos_url = serializers.CharField()
    status = StatusSerializer()
    received_at = serializers.DateTimeField()


class PublicPhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text=gettext_lazy("JPEG, PNG or WebP; stored re-encoded, without EXIF."))
    client_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class PhotoReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


def receipt(report, request):
    return {
        "tracking_code": report.tracking_code,
        "status_url": report.status_path(),
        "photos_url": reverse("public:report_photos", args=[report.tracking_code]),
        "status": dataclasses.asdict(public.public_status(report.problem.status)),
        "received_at": report.created_at,
    }


class PublicEndpoint(APIView):
    """Anonymous, but with Django's CSRF check (DRF skips it for requests without a session)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check = CSRFCheck(lambda request: None)
        check.process_request(request._request)
        reason = check.process_view(request._request, None, (), {})
        if reason:
            raise PermissionDenied(
                _("The page's security token is missing or expired (%(reason)s); reload the page.") % {"reason": reason}
            )


class PublicReportView(PublicEndpoint):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=PublicReportSerializer,
        responses={201: ReceiptSerializer, 200: ReceiptSerializer},
        examples=[OpenApiExample("Rubbish on the bank", value=REPORT_EXAMPLE, request_only=True)],
        description=(
            "A report from a signboard's page (anonymous; Django's CSRF cookie and X-CSRFToken header). "
            "201 with the tracking code; a replay of the same client_token answers 200 with the same receipt. "
            "429 (with Retry-After) past the limits per client and per segment; a filled honeypot field is a 400."
        ),
        auth=[],
    )
    def post(self, request):
        replayed = self._replayed(request)
        if replayed is not None:
            return Response(receipt(replayed, request), status=status.HTTP_200_OK)
        serializer = PublicReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        abuse.check_report_rates(request, data["segment"].pk)
        report, created = public.submit_public_report(**data, via=PublicReport.VIA_PAGE)
        return Response(receipt(report, request), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _replayed(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        try:
            token = uuid.UUID(str(data.get("client_token")))
        except (TypeError, ValueError, AttributeError):
            return None
        return PublicReport.objects.filter(client_token=token).select_related("problem").first()


class PublicPhotoView(PublicEndpoint):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PublicPhotoUploadSerializer},
        responses={201: PhotoReceiptSerializer, 200: PhotoReceiptSerializer},
        description="A photo of one's own report, by its tracking code, within a day of the report. "
        "Re-sent with the same client_key it answers 200 with the stored one.",
        auth=[],
    )
    def post(self, request, tracking_code):
        code = normalise_tracking_code(tracking_code)
        report = PublicReport.objects.filter(tracking_code=code).first() if code else None
        if report is None:
            raise NotFound()
        serializer = PublicPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client_key = serializer.validated_data["client_key"]
        stored = report.photos.filter(client_key=client_key).first() if client_key else None
        if stored is not None:
            return Response(PhotoReceiptSerializer(stored).data, status=status.HTTP_200_OK)
        abuse.check_photo_rate(request)
        image = public.reencoded_photo(serializer.validated_data["image"])
        photo, created = public.add_public_photo(report, image=image, client_key=client_key)
        return Response(
            PhotoReceiptSerializer(photo).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
