"""Signboards (公示牌): one per segment, with what 浙江省河长制规定 (2017) Art. 12 requires and one QR
code (一牌一码) that opens the segment's public page."""

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rivers.models.registry import Segment, visible_segment_ids
from wushui.geo import validate_geometry
from wushui.scoping import RegistryQuerySet

# 12 URL-safe characters, 72 random bits: a board's code cannot be guessed from another's, so the
# public pages cannot be walked by counting.
PUBLIC_CODE_BYTES = 9

DEFAULT_DUTIES = _(
    "Patrol the river on the required cycle; find and stop pollution, encroachment, illegal sand mining "
    "and dumping; see that problems reported by the public are handled and answered; coordinate the "
    "units responsible for the river's governance."
)
DEFAULT_GOALS = _(
    "Clean water, open channels, green banks, a beautiful landscape: no direct discharge, no floating "
    "litter, no encroachment of the banks, and the water body's target class met."
)


def new_public_code():
    return secrets.token_urlsafe(PUBLIC_CODE_BYTES)


# The public page a board's QR code opens belongs to the app above (it shows patrols and problems):
# that app registers how to build its address (``register_public_page``), the registry names no app above it.
_public_page = {}


def register_public_page(url_for_code):
    """``url_for_code(code)`` is the path of the public page of the board with that code."""
    _public_page["url_for_code"] = url_for_code


def public_page_path(code):
    if "url_for_code" not in _public_page:
        raise LookupError("No public signboard page registered (inspections registers it when it is installed).")
    return _public_page["url_for_code"](code)


class SignboardQuerySet(RegistryQuerySet):
    # What the public page shows of a board; the chiefs come from the appointments' own public fields.
    PUBLIC_FIELDS = ("public_code", "segment_id", "supervision_hotline", "duties", "goals", "updated_at")

    def visible_q(self, user):
        return Q(segment_id__in=visible_segment_ids(user))


class Signboard(models.Model):
    """A river-chief signboard (河长公示牌) at a segment: chiefs, hotline, length, duties and goals, and
    a QR code with an unguessable code that opens the segment's public page."""

    segment = models.OneToOneField(
        Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="signboard"
    )
    public_code = models.CharField(
        _("public code"),
        max_length=24,
        unique=True,
        default=new_public_code,
        editable=False,
        help_text=_("Random: the QR code's address cannot be guessed from another board's."),
    )
    supervision_hotline = models.CharField(
        _("supervision hotline"),
        max_length=30,
        validators=[RegexValidator(r"^[0-9+\-() ]{3,30}$", _("Enter a phone number."))],
        help_text=_("The number the public calls to complain about the river or its chiefs (监督电话)."),
    )
    duties = models.TextField(_("chiefs' duties"), max_length=1000)
    goals = models.TextField(_("governance goals"), max_length=1000)
    location = models.PointField(
        _("location"), srid=4326, null=True, blank=True, help_text=_("Where the board stands.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SignboardQuerySet.as_manager()

    class Meta:
        verbose_name = _("signboard")
        verbose_name_plural = _("signboards")
        ordering = ["segment__code"]

    def __str__(self):
        return f"{self.segment} · {self.public_code}"

    def get_absolute_url(self):
        return reverse("rivers:signboard_detail", args=[self.pk])

    def public_path(self):
        return public_page_path(self.public_code)

    def clean(self):
        error = validate_geometry(self.location)
        if error:
            raise ValidationError({"location": error})

    @classmethod
    def for_segment(cls, segment_id):
        """A new (unsaved) board for the segment with the standard duties and goals and the district's hotline."""
        return cls(
            segment_id=segment_id,
            supervision_hotline=settings.SUPERVISION_HOTLINE,
            duties=str(DEFAULT_DUTIES),
            goals=str(DEFAULT_GOALS),
        )
