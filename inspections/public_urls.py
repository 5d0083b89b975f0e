"""The public's pages and the report endpoint (namespace ``public``), mounted at ``/s/``: short, since
the signboards' QR codes carry them."""

from django.urls import path

from inspections import public_views
from inspections.api.public import PublicPhotoView, PublicReportView

app_name = "public"

urlpatterns = [
    path("problems/<int:pk>/", public_views.PublicProblemView.as_view(), name="problem"),
    path("nearby/", public_views.NearbyView.as_view(), name="nearby"),
    path("track/", public_views.TrackLookupView.as_view(), name="track"),
    path("track/<str:code>/", public_views.ReportStatusView.as_view(), name="report_status"),
    path("track/<str:code>/photos/<int:pk>/", public_views.ReportPhotoView.as_view(), name="report_photo"),
    path("api/reports/", PublicReportView.as_view(), name="report_create"),
    path("api/reports/<str:tracking_code>/photos/", PublicPhotoView.as_view(), name="report_photos"),
    path("<str:code>/", public_views.SegmentPageView.as_view(), name="segment"),
]
