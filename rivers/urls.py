from django.urls import path

from rivers import views

app_name = "rivers"

urlpatterns = [
    path("", views.WaterBodyListView.as_view(), name="waterbody_list"),
    path("<int:pk>/", views.WaterBodyDetailView.as_view(), name="waterbody_detail"),
    path("segments/<int:pk>/", views.SegmentDetailView.as_view(), name="segment_detail"),
    path("chiefs/", views.ChiefDirectoryView.as_view(), name="chief_directory"),
]
