from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework_gis.pagination import GeoJsonPagination

from wushui import keyset


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class FeaturePagination(GeoJsonPagination):
    """A GeoJSON FeatureCollection with count, next and previous."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema):
        # ``schema`` is the FeatureCollection of the page's features (type and features); the page
        # adds its count and links beside them, as get_paginated_response serves it.
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "count", "features"],
                    "properties": {
                        "count": {"type": "integer", "example": 123},
                        "next": {"type": "string", "nullable": True, "format": "uri"},
                        "previous": {"type": "string", "nullable": True, "format": "uri"},
                    },
                },
            ]
        }


class KeysetPagination(BasePagination):
    """``next`` and ``previous`` links by keyset on ``ordering`` (``wushui.keyset``), the same cursors as
    the HTML lists: a deep page costs what the first does, and rows added meanwhile are neither
    repeated nor skipped. No total count: counting a big table on every call costs more than the page."""

    ordering: tuple = ()
    ids_first = False  # keyset.paginate's ids_first
    page_size = api_settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            self.page = keyset.paginate(
                queryset,
                self.ordering,
                request.query_params.get(self.cursor_query_param),
                self.get_page_size(request),
                ids_first=self.ids_first,
            )
        except keyset.InvalidCursor:
            raise NotFound(_("Invalid cursor.")) from None
        return self.page.object_list

    def get_page_size(self, request):
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(max(size, 1), self.max_page_size)

    def _link(self, cursor):
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("The next (older) page; null on the last.")),
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("The previous (newer) page; null on the first.")),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Opaque cursor from a next or previous link; omit it for the first page.")),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Rows per page, at most %(max)s.") % {"max": self.max_page_size}),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
