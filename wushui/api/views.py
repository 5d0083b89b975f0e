from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from wushui.api.base import RememberedListMixin, ScopedViewSet
from wushui.api.pagination import FeaturePagination
from wushui.api.serializers import RegionSerializer, UnitSerializer
from wushui.figures import REGISTRY
from wushui.filtersets import RegionFilterSet, UnitFilterSet
from wushui.models import Region, Unit


class RegionViewSet(RememberedListMixin, ScopedViewSet):
    """Administrative regions (district, streets, villages) as GeoJSON features with their boundaries."""

    list_depends_on = (REGISTRY,)
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    pagination_class = FeaturePagination


class UnitViewSet(RememberedListMixin, ScopedViewSet):
    """Departments, street offices and owner units."""

    list_depends_on = (REGISTRY,)
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Failed attempts count towards the sign-in
    lockout like the sign-in page's; the endpoint is also throttled per address (rate ``auth``)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        finally:
            # The lockout check flags the request it was given, here DRF's wrapper; the middleware that
            # answers a locked-out attempt reads Django's request.
            if getattr(request, "axes_locked_out", False):
                request._request.axes_locked_out = True
