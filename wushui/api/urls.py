from django.urls import path

from wushui.api.choices import RegionChoiceView
from wushui.api.layers import RegionLayerView, UnitRegionLayerView
from wushui.api.routers import AppRouter, PortalAPIRootView
from wushui.api.views import RegionViewSet, TokenView, UnitViewSet

router = AppRouter()
router.register("regions", RegionViewSet)
router.register("units", UnitViewSet)

urlpatterns = [
    path("", PortalAPIRootView.as_view(), name="api-root"),
    path("auth/token/", TokenView.as_view(), name="api_token"),
    path("layers/regions/", RegionLayerView.as_view(), name="region-layer"),
    path("layers/unit-regions/", UnitRegionLayerView.as_view(), name="unit-region-layer"),
    path("choices/regions/", RegionChoiceView.as_view(), name="region-choices"),
    *router.urls,
]
