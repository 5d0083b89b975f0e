from django.urls import path

from rivers.api.choices import ChiefChoiceView
from rivers.api.layers import OutletLayerView, SegmentLayerView, StationLayerView
from rivers.api.quality import (
    AlertViewSet,
    HJ212View,
    OutletViewSet,
    SampleViewSet,
    StationPushView,
    StationViewSet,
    ThreeRiversViewSet,
)
from rivers.api.views import ChiefAppointmentViewSet, SegmentViewSet, WaterBodyViewSet
from wushui.api.routers import AppRouter

router = AppRouter()
router.register("water-bodies", WaterBodyViewSet)
router.register("segments", SegmentViewSet)
router.register("chiefs", ChiefAppointmentViewSet, basename="chiefappointment")
router.register("stations", StationViewSet)
router.register("samples", SampleViewSet)
router.register("alerts", AlertViewSet)
router.register("outlets", OutletViewSet)
router.register("three-rivers", ThreeRiversViewSet, basename="threeriversrecord")

urlpatterns = [
    path("layers/segments/", SegmentLayerView.as_view(), name="segment-layer"),
    path("layers/stations/", StationLayerView.as_view(), name="station-layer"),
    path("layers/outlets/", OutletLayerView.as_view(), name="outlet-layer"),
    # Before the router's stations/<pk>/.
    path("stations/push/", StationPushView.as_view(), name="station-push"),
    path("hj212/", HJ212View.as_view(), name="hj212"),
    path("choices/chiefs/", ChiefChoiceView.as_view(), name="chief-choices"),
    *router.urls,
]
