from inspections.api.views import PatrolViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("patrols", PatrolViewSet)

urlpatterns = router.urls
