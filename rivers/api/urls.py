from django.urls import path

from rivers.api.choices import ChiefChoiceView
from rivers.api.views import ChiefAppointmentViewSet, SegmentViewSet, WaterBodyViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("water-bodies", WaterBodyViewSet)
router.register("segments", SegmentViewSet)
router.register("chiefs", ChiefAppointmentViewSet, basename="chiefappointment")

urlpatterns = [
    path("choices/chiefs/", ChiefChoiceView.as_view(), name="chief-choices"),
    *router.urls,
]
