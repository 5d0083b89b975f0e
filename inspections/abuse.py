"""Limits on what the public may send: rates per client and per segment (django-ratelimit, counted in
the cache, which is Redis when there is one), and the honeypot field a person never fills in.

A refused request says why: a 429 with the limit's message and ``Retry-After``, or a 400 naming the
field. Nothing refused reaches the problem register.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from rest_framework.exceptions import Throttled

# The form field a person never sees (hidden by the stylesheet and marked aria-hidden) and scripts
# that fill in every field do.
HONEYPOT_FIELD = "website"


# The client a rate counts: its address (behind the TLS proxy the one the proxy saw,
# ``RATELIMIT_IP_META_KEY``; IPv6 addresses by their /64).
CLIENT = "ip"


def _check(request, group, key, rate, message):
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        raise Throttled(wait=usage["time_left"], detail=message)


def check_report_rates(request, segment_id):
    """One more report from this client and for this segment, or a 429 saying which limit it hit."""
    _check(
        request,
        "public-report-client",
        CLIENT,
        settings.PUBLIC_REPORT_RATE_CLIENT,
        _("Too many reports from this connection; please wait a while and send it again."),
    )
    _check(
        request,
        "public-report-segment",
        lambda group, request: str(segment_id),
        settings.PUBLIC_REPORT_RATE_SEGMENT,
        _("This river has had many reports in the last hour; please wait a while, or follow a report already made."),
    )


def check_photo_rate(request):
    _check(
        request,
        "public-photo-client",
        CLIENT,
        settings.PUBLIC_PHOTO_RATE_CLIENT,
        _("Too many photos from this connection; please wait a while."),
    )


def check_open311_rate(request, client):
    _check(
        request,
        "open311-client",
        lambda group, request: str(client.pk),
        settings.OPEN311_RATE_API_KEY,
        _("Too many requests with this api_key; wait and try again."),
    )
