"""Choices for a searchable filter field (``wushui.widgets.SearchableChoiceWidget``).

``GET <choices>?q=<text>`` answers ``{"results": [{"id", "label", "detail"}], "more": bool}``: at most
``MAX_CHOICES`` of the field's own scoped queryset whose ``search_fields`` contain the text, so the
widget never offers what the field would refuse.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from wushui.choices import RegionLevel
from wushui.filtersets import regions_in_scope

MAX_CHOICES = 20
MAX_QUERY_LENGTH = 100

choice_schema = extend_schema(
    parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name or code; empty for the first.")],
    responses={200: {"type": "object", "description": f"`results` (at most {MAX_CHOICES}) and `more`."}},
)


class ChoiceView(APIView):
    """Base view: subclasses give the queryset (the field's), ``search_fields`` and the ``detail``."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    search_fields: tuple = ("name",)

    def get_queryset(self):
        raise NotImplementedError

    def detail(self, obj):
        return ""

    @choice_schema
    def get(self, request):
        text = request.query_params.get("q", "").strip()
        if len(text) > MAX_QUERY_LENGTH:
            raise ValidationError({"q": [_("Search with at most %(count)s characters.") % {"count": MAX_QUERY_LENGTH}]})
        queryset = self.get_queryset()
        if text:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": text})
            queryset = queryset.filter(condition)
        found = list(queryset[: MAX_CHOICES + 1])
        return Response(
            {
                "results": [
                    {"id": obj.pk, "label": str(obj), "detail": self.detail(obj)} for obj in found[:MAX_CHOICES]
                ],
                "more": len(found) > MAX_CHOICES,
            }
        )


class RegionChoiceView(ChoiceView):
    """Regions in the user's scope by name or code, in code order (a street before its villages)."""

    search_fields = ("name", "code")

    def get_queryset(self):
        return regions_in_scope(self.request).select_related("parent").defer("boundary", "parent__boundary")

    def detail(self, region):
        parts = [str(RegionLevel.label(region.level)), region.code]
        if region.parent is not None:
            parts.insert(1, region.parent.name)
        return " · ".join(parts)
