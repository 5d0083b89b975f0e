from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.PatrolListView.as_view(), name="patrol_list"),
    path("<int:pk>/", views.PatrolDetailView.as_view(), name="patrol_detail"),
    path("record/", views.PatrolRecordView.as_view(), name="patrol_record"),
    # Served from the recorder's own path: a service worker controls pages below its script only.
    path("record/sw.js", views.RecorderServiceWorkerView.as_view(), name="recorder_service_worker"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("photos/<int:pk>/", views.PatrolPhotoFileView.as_view(), name="patrol_photo"),
    path("public-reports/", views.PublicReportListView.as_view(), name="publicreport_list"),
    path("public-reports/<int:pk>/", views.PublicReportDetailView.as_view(), name="publicreport_detail"),
    path("public-reports/photos/<int:pk>/", views.PublicPhotoFileView.as_view(), name="public_photo"),
]
