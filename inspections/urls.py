from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.PatrolListView.as_view(), name="patrol_list"),
    path("<int:pk>/", views.PatrolDetailView.as_view(), name="patrol_detail"),
    path("record/", views.PatrolRecordView.as_view(), name="patrol_record"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
]
