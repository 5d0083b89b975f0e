"""Open311 GeoReport v2 at /open311/v2/ (namespace ``open311``; see ``inspections.open311``). Every
resource ends in its format, ``.json`` or ``.xml``."""

from django.urls import re_path

from inspections import open311

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, open311.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, open311.ServiceListView.as_view(), name="services"),
    re_path(
        r"^services/(?P<code>[A-Za-z0-9_-]{1,50})" + FORMAT, open311.ServiceDefinitionView.as_view(), name="service"
    ),
    re_path(r"^requests" + FORMAT, open311.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<request_id>[^/.]{1,40})" + FORMAT, open311.RequestDetailView.as_view(), name="request"),
    re_path(r"^.*$", open311.NotFoundView.as_view(), {"fmt": "json"}, name="not_found"),
]
