from projects.api.views import EnterpriseViewSet, ProjectViewSet, TaskViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("projects", ProjectViewSet)
router.register("responsibility-tasks", TaskViewSet, basename="responsibilitytask")
router.register("enterprises", EnterpriseViewSet)

urlpatterns = router.urls
