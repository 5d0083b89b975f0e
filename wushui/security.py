"""Sign-in that resists guessing: what a locked-out visitor is told.

django-axes counts failed sign-ins (pages, admin and the API token endpoint alike, since all go
through ``authenticate``) and records each attempt; after ``AXES_FAILURE_LIMIT`` failures the
username, and separately the address, is locked for ``AXES_COOLOFF_TIME``. This module only shapes
the answer: the API's error body for the API, the sign-in page with a message for people.
"""

from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import status

from wushui.api.errors import error_body

LOCKED_OUT_STATUS = status.HTTP_429_TOO_MANY_REQUESTS


def lockout_message(request):
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    if minutes is None:
        return _("Too many failed sign-ins. Ask the river-chief office to unlock the account.")
    return _("Too many failed sign-ins. Try again in %(minutes)s minutes.") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 in the API's error shape for the API, the sign-in page otherwise."""
    from django.http import JsonResponse

    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(LOCKED_OUT_STATUS, "locked_out", message), status=LOCKED_OUT_STATUS)
    # The admin's sign-in locks out too; both are answered with the portal's sign-in page.
    context = {"form": AuthenticationForm(request), "next": request.GET.get("next", ""), "lockout_message": message}
    return render(request, "registration/login.html", context, status=LOCKED_OUT_STATUS)


def client_address(request):
    """The client's address behind the TLS proxy: the last entry of X-Forwarded-For, the one our proxy
    appended (earlier ones are whatever the client claimed)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR", "")
