from rest_framework.routers import DefaultRouter

from rivers.api.views import ChiefAppointmentViewSet, SegmentViewSet, WaterBodyViewSet
from wushui.api.views import RegionViewSet, UnitViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("units", UnitViewSet)
router.register("water-bodies", WaterBodyViewSet)
router.register("segments", SegmentViewSet)
router.register("chiefs", ChiefAppointmentViewSet, basename="chiefappointment")

urlpatterns = router.urls
