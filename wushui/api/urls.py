from django.urls import path

from wushui.api.routers import AppRouter, PortalAPIRootView
from wushui.api.views import RegionViewSet, TokenView, UnitViewSet

router = AppRouter()
router.register("regions", RegionViewSet)
router.register("units", UnitViewSet)

urlpatterns = [
    path("", PortalAPIRootView.as_view(), name="api-root"),
    path("auth/token/", TokenView.as_view(), name="api_token"),
    *router.urls,
]
