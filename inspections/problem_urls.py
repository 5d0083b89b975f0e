from django.urls import path

from inspections import problem_views as views

app_name = "problems"

urlpatterns = [
    path("", views.ProblemListView.as_view(), name="problem_list"),
    path("my-work/", views.MyWorkView.as_view(), name="my_work"),
    path("rates/", views.ProblemRatesView.as_view(), name="problem_rates"),
    path("<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("<int:pk>/<slug:transition>/", views.ProblemTransitionView.as_view(), name="problem_transition"),
    path("photos/<int:pk>/", views.ProblemPhotoFileView.as_view(), name="problem_photo"),
]
