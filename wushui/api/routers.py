"""Routers for the apps' API modules.

Each app routes its own viewsets in its ``api/urls.py`` with an :class:`AppRouter`, included by the
project's urls under ``/api/v1/``; every route registered so is listed by the one API root view, so
the core names no app.
"""

from rest_framework.routers import APIRootView, DefaultRouter

# prefix -> URL name of the list route, in registration order.
ROUTES: dict[str, str] = {}


class AppRouter(DefaultRouter):
    """Routes with format suffixes, without a root view of their own (the core's lists them all)."""

    include_root_view = False

    def register(self, prefix, viewset, basename=None):
        super().register(prefix, viewset, basename)
        basename = basename or self.get_default_basename(viewset)
        ROUTES[prefix] = self.routes[0].name.format(basename=basename)


class PortalAPIRootView(APIRootView):
    """The API's index: every list endpoint of every app."""

    def get(self, request, *args, **kwargs):
        self.api_root_dict = dict(ROUTES)
        return super().get(request, *args, **kwargs)
