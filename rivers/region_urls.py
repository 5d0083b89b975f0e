"""Pages of regions and units (the registry seen by place), and the registry export; names without a namespace."""

from django.urls import path

from rivers import region_views

urlpatterns = [
    path("regions/", region_views.RegionListView.as_view(), name="region_list"),
    path("regions/<int:pk>/", region_views.RegionDetailView.as_view(), name="region_detail"),
    path("units/", region_views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", region_views.UnitDetailView.as_view(), name="unit_detail"),
    path("jobs/registry-export/", region_views.RegistryExportView.as_view(), name="registry_export"),
]
