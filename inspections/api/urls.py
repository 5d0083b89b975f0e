from inspections.api.problem_views import ProblemViewSet
from inspections.api.views import PatrolViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("patrols", PatrolViewSet)
router.register("problems", ProblemViewSet)

urlpatterns = router.urls
