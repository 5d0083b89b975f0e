"""What a photo must be to be stored, wherever it comes from (a patrol, a problem, a public report,
a project's monthly report, an outlet's sign): an image of one of the formats phones send, not too
large a file, not too many pixels (a decompression bomb). One check, with the limits of the caller's
kind of photo; the header is read, the pixels are not."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def upload_size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, 2)
        upload.seek(position)
    return size


def check_photo(upload, *, max_bytes=None, max_pixels=None):
    """Raises ``ValidationError`` (a message, for the caller to put under its field) unless ``upload``
    (an uploaded file) is a photo the portal keeps: at most ``max_bytes`` and ``max_pixels`` (by default
    the portal's own photos' limits, ``PATROL_PHOTO_MAX_*``). Returns the image opened on its header."""
    max_bytes = max_bytes or settings.PATROL_PHOTO_MAX_BYTES
    max_pixels = max_pixels or settings.PATROL_PHOTO_MAX_PIXELS
    if upload_size(upload) > max_bytes:
        raise ValidationError(_("The photo is larger than %(max)s MB.") % {"max": max_bytes // (1024 * 1024)})
    decoded = getattr(upload, "image", None)
    if decoded is None:
        # Not through a form's ImageField (which opens it): read the header here, pixels untouched.
        try:
            position = upload.tell()
            upload.seek(0)
            decoded = Image.open(upload)
            upload.seek(position)
        except Image.DecompressionBombError:
            # Pillow's own guard, past twice its MAX_IMAGE_PIXELS, before the header reaches us.
            raise ValidationError(
                _("The photo decodes to too many pixels; at most %(max)s megapixels are accepted.")
                % {"max": max_pixels // 1_000_000}
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            decoded = None
    if decoded is None or decoded.format not in PHOTO_FORMATS:
        raise ValidationError(_("Send a JPEG, PNG or WebP photo."))
    width, height = decoded.size
    if width * height > max_pixels:
        # A small file can decode to gigabytes (a decompression bomb); phones send 1600 px.
        raise ValidationError(
            _("The photo has %(pixels)s megapixels; at most %(max)s are accepted.")
            % {"pixels": round(width * height / 1e6), "max": max_pixels // 1_000_000}
        )
    return decoded


def check_photos(uploads, **limits):
    """``check_photo`` on each of ``uploads``; the message of a refusal says which photo it was."""
    for number, upload in enumerate(uploads, start=1):
        try:
            check_photo(upload, **limits)
        except ValidationError as error:
            raise ValidationError(
                _("Photo %(number)s: %(message)s") % {"number": number, "message": " ".join(error.messages)}
            ) from None
