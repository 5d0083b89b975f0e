from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from inspections.api.views import PatrolViewSet
from rivers.api.views import ChiefAppointmentViewSet, SegmentViewSet, WaterBodyViewSet
from wushui.api.views import RegionViewSet, UnitViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("units", UnitViewSet)
router.register("water-bodies", WaterBodyViewSet)
router.register("segments", SegmentViewSet)
router.register("chiefs", ChiefAppointmentViewSet, basename="chiefappointment")
router.register("patrols", PatrolViewSet)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api_token"),
    *router.urls,
]
