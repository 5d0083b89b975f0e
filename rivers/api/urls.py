from django.urls import path

from rivers.api.choices import ChiefChoiceView
from rivers.api.layers import SegmentLayerView
from rivers.api.views import ChiefAppointmentViewSet, SegmentViewSet, WaterBodyViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("water-bodies", WaterBodyViewSet)
router.register("segments", SegmentViewSet)
router.register("chiefs", ChiefAppointmentViewSet, basename="chiefappointment")

urlpatterns = [
    path("layers/segments/", SegmentLayerView.as_view(), name="segment-layer"),
    path("choices/chiefs/", ChiefChoiceView.as_view(), name="chief-choices"),
    *router.urls,
]
