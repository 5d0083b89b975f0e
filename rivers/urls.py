from django.urls import path, re_path

from rivers import views

app_name = "rivers"

urlpatterns = [
    path("", views.WaterBodyListView.as_view(), name="waterbody_list"),
    path("<int:pk>/", views.WaterBodyDetailView.as_view(), name="waterbody_detail"),
    path("segments/<int:pk>/", views.SegmentDetailView.as_view(), name="segment_detail"),
    path("chiefs/", views.ChiefDirectoryView.as_view(), name="chief_directory"),
    path("signboards/", views.SignboardListView.as_view(), name="signboard_list"),
    path("signboards/<int:pk>/", views.SignboardDetailView.as_view(), name="signboard_detail"),
    path("signboards/<int:pk>/print/", views.SignboardPrintView.as_view(), name="signboard_print"),
    re_path(r"^signboards/(?P<pk>[0-9]+)/qr\.(?P<kind>png|svg)$", views.SignboardQRView.as_view(), name="signboard_qr"),
]
