"""Private files (patrol photos, export workbooks): stored under names nobody can guess, and answered
only by a view that has made the same scope check as the file's page.

``MEDIA_ROOT`` is never served as a folder. The view checks the scope, then either streams the file
itself (``PRIVATE_FILES_SERVER=django``, the embedded default) or hands the transfer to the proxy with
an internal redirect (``PRIVATE_FILES_SERVER=accel``: an ``X-Accel-Redirect`` to
``PRIVATE_FILES_INTERNAL_URL``, a location the proxy marks ``internal`` and maps to ``MEDIA_ROOT``).
"""

import mimetypes
import posixpath
import secrets
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DJANGO = "django"
ACCEL = "accel"
SERVERS = (DJANGO, ACCEL)

# A private file may stay in the browser's own cache for a while, never in a shared one.
CACHE_CONTROL = "private, max-age=3600"


@deconstructible
class UnguessableName:
    """``upload_to`` for private files: ``<folder>/<year>/<month>/<random>.<ext>``; the name a user sees
    on download is kept elsewhere, never derived from the stored one."""

    TOKEN_BYTES = 18

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = posixpath.splitext(filename)[1].lower()[:10]
        return f"{self.folder}/{timezone.localdate():%Y/%m}/{secrets.token_urlsafe(self.TOKEN_BYTES)}{extension}"

    def __eq__(self, other):
        return isinstance(other, UnguessableName) and other.folder == self.folder


class PrivatePhoto(models.Model):
    """A photo kept as a private file. A concrete photo declares its ``image`` (an ``ImageField`` with
    ``UnguessableName`` of its folder and these width and height fields), its owner and its scope, and
    names in ``file_route`` the view that answers it after the scope check (a ``PrivateFileView``)."""

    file_route = None

    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        """The photo itself, served after the scope check (never from a public folder)."""
        return reverse(self.file_route, args=[self.pk])


def private_file_response(field_file, *, download_name=None):
    """The answer for a private file the caller has already checked the user may see. With
    ``download_name`` it is offered as an attachment of that name, else shown inline."""
    if not field_file:
        raise Http404
    content_type = mimetypes.guess_type(download_name or field_file.name)[0] or "application/octet-stream"
    if settings.PRIVATE_FILES_SERVER == ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_INTERNAL_URL + quote(field_file.name)
        if download_name:
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name)}"
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=bool(download_name), filename=download_name or "", content_type=content_type
        )
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def save_file_and_row(row, field_name, upload, siblings, client_key=""):
    """Store ``row`` with ``upload`` in its file field ``field_name``: the file is written first, so a row
    that fails to insert takes its file with it (nothing half-saved). Where ``client_key`` is given and a
    twin sent at the same moment won the race on it (an ``IntegrityError``), the twin among ``siblings``
    (the owner's rows) is the answer. Returns ``(row, created)``."""
    field_file = getattr(row, field_name)
    field_file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            row.save()
    except BaseException as error:
        field_file.delete(save=False)
        if isinstance(error, IntegrityError) and client_key:
            stored = siblings.filter(client_key=client_key).first()
            if stored is not None:
                return stored, False
        raise
    return row, True
