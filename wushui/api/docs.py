"""The API's documentation pages, served without a CDN and without inline scripts."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is served as a file (no inline script for the CSP to refuse).
    Pages answer GET only: DRF's OPTIONS metadata has no template to render on an HTML view."""

    http_method_names = ["get", "head"]


class RedocView(SpectacularRedocView):
    http_method_names = ["get", "head"]


# Redoc starts from an inline script and runs a worker from a blob: both allowed on this page only.
redoc_view = csp_update({"script-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
    RedocView.as_view(url_name="api_schema")
)
