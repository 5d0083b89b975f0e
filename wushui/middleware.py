"""Response headers that every page needs and no view should have to remember."""

from csp.constants import UNSAFE_INLINE
from django.utils.cache import patch_cache_control


class PrivateAnswersMiddleware:
    """An answer to a signed-in user is theirs alone: ``Cache-Control: private`` unless the view said
    more (``never_cache``, private files), so that no shared cache or proxy keeps one user's page for
    another. Placed after the CSP middleware, it also relaxes the policy for the admin, whose map
    widgets carry inline scripts without a nonce (the admin is for the district's administrators only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        if request.path_info.startswith("/admin/"):
            response._csp_update = {"script-src": [UNSAFE_INLINE]}
        return response
