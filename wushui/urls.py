from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from wushui import views
from wushui.api.docs import SwaggerView, redoc_view

# Each app brings its pages and its API routes; the project includes them by name (no import of an app here).
urlpatterns = [
    path("", include("dashboard.urls")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rivers.region_urls")),
    path("rivers/", include("rivers.urls")),
    path("patrols/", include("inspections.urls")),
    path("projects/", include("projects.urls")),
    path("problems/", include("inspections.problem_urls")),
    # The public's pages (signboard QR codes) and Open311 GeoReport v2: no sign-in.
    path("s/", include("inspections.public_urls")),
    path("open311/v2/", include("inspections.open311_urls")),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wushui.api.urls")),
    path("api/v1/", include("rivers.api.urls")),
    path("api/v1/", include("inspections.api.urls")),
    path("api/v1/", include("projects.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/redoc/", redoc_view, name="api_redoc"),
]
