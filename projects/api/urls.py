from django.urls import path

from projects.api.choices import UnitChoiceView
from projects.api.views import EnterpriseViewSet, ProjectViewSet, TaskViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("projects", ProjectViewSet)
router.register("responsibility-tasks", TaskViewSet, basename="responsibilitytask")
router.register("enterprises", EnterpriseViewSet)

urlpatterns = [
    path("choices/units/", UnitChoiceView.as_view(), name="unit-choices"),
    *router.urls,
]
