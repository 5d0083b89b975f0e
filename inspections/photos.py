"""What a photo must be to be stored (patrol photos and problem photos alike): an image of one of
the formats phones send, not too large a file, not too many pixels (a decompression bomb)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def check_photo(image):
    """Raises ``ValidationError`` (a message, for the caller to put under its field) unless ``image``
    (an uploaded file) is a photo the portal keeps."""
    size = getattr(image, "size", None)
    if size is None:
        position = image.tell()
        size = image.seek(0, 2)
        image.seek(position)
    if size > settings.PATROL_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(max)s MB.") % {"max": settings.PATROL_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    decoded = getattr(image, "image", None)
    if decoded is None:
        # Not through a form's ImageField (which opens it): read the header here, pixels untouched.
        try:
            position = image.tell()
            decoded = Image.open(image)
            image.seek(position)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            decoded = None
    if decoded is None or decoded.format not in PHOTO_FORMATS:
        raise ValidationError(_("Send a JPEG, PNG or WebP photo."))
    width, height = decoded.size
    if width * height > settings.PATROL_PHOTO_MAX_PIXELS:
        # A small file can decode to gigabytes (a decompression bomb); phones send 1600 px.
        raise ValidationError(
            _("The photo has %(pixels)s megapixels; at most %(max)s are accepted.")
            % {"pixels": round(width * height / 1e6), "max": settings.PATROL_PHOTO_MAX_PIXELS // 1_000_000}
        )
