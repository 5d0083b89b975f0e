"""One error shape for the whole API.

``{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}``
``fields`` maps a field (or filter) name to its messages and is present only
for validation errors.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def django_errors_as_dict(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(message) for message in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return _error_response(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", _("The request body is larger than allowed.")
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors_as_dict(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        return _error_response(status.HTTP_409_CONFLICT, "protected", _("Other records still refer to this one."))
    elif isinstance(exc, IntegrityError):
        return _error_response(
            status.HTTP_409_CONFLICT, "conflict", _("The change conflicts with a record saved meanwhile; reload.")
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(response.status_code, "invalid", _("The request has invalid fields."), fields)
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", str(exc))
        response.data = error_body(response.status_code, code, str(detail))
    return response


def error_body(status_code, code, message, fields=None):
    body = {"status": status_code, "code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def _error_response(status_code, code, message):
    return Response(error_body(status_code, code, message), status=status_code)
