from django.urls import path, re_path

from rivers import quality_views, views

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
    # Water quality
    path("stations/", quality_views.StationListView.as_view(), name="station_list"),
    path("stations/<int:pk>/", quality_views.StationDetailView.as_view(), name="station_detail"),
    path("samples/import/", quality_views.SampleImportView.as_view(), name="sample_import"),
    path("samples/import/template/", quality_views.SampleTemplateView.as_view(), name="sample_template"),
    path("samples/import/<int:pk>/", quality_views.SampleImportDetailView.as_view(), name="sample_import_detail"),
    path("quality/year-over-year/", quality_views.YearOverYearView.as_view(), name="quality_yoy"),
    path("quality/tracker/", quality_views.TrackerView.as_view(), name="quality_tracker"),
    path("quality/grading/", quality_views.GradingView.as_view(), name="quality_grading"),
    # Pollution outlets and 清三河
    path("outlets/", quality_views.OutletListView.as_view(), name="outlet_list"),
    path("outlets/<int:pk>/", quality_views.OutletDetailView.as_view(), name="outlet_detail"),
    path("outlets/<int:pk>/edit/", quality_views.OutletUpdateView.as_view(), name="outlet_update"),
    path("outlets/<int:pk>/card/", quality_views.OutletCardView.as_view(), name="outlet_card"),
    path("outlets/<int:pk>/sign/", quality_views.OutletSignPhotoView.as_view(), name="outlet_sign_photo"),
    path("three-rivers/", quality_views.ThreeRiversListView.as_view(), name="three_rivers"),
]
