"""What a report from the public adds to its problem: the reporter's contact, the tracking code they
follow it with, the phone's client token that makes re-sending safe, their photos and their rating;
and the keys of the Open311 clients allowed to post reports.

The problem itself (segment, category, description, location, state) is a :class:`Problem` like any
other, made by ``inspections.public.create_public_problem``.
"""

import hashlib
import secrets

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections.models.problems import Problem
from rivers.models import visible_segment_ids
from wushui.files import PrivatePhoto, UnguessableName
from wushui.scoping import CHANGE, EVERYTHING, NOTHING, VIEW, ScopedQuerySet, administers_registry

# Crockford's base 32 without the letters read as digits (I, L, O, U): a code read out over the phone
# or typed from a note survives. 12 characters are 60 random bits: not to be guessed, even at the rate
# limit's pace.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_LENGTH = 12

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,30}$", _("Enter a phone number."))


def new_tracking_code():
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def normalise_tracking_code(text):
    """A typed code as stored: upper case, the look-alikes read as digits, grouped by four."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    if len(cleaned) != TRACKING_LENGTH or any(char not in TRACKING_ALPHABET for char in cleaned):
        return None
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


def handled_problems_q(user, prefix):
    """The rows whose problem the user handles, i.e. may change (``Problem``'s own CHANGE rule, which the
    workflow refines): the people a reporter's contact is for."""
    handled = Problem.objects.scope_q(user, CHANGE)
    if handled is EVERYTHING or handled is NOTHING:
        return handled
    return Q(**{f"{prefix}__in": Problem.objects.filter(handled).values("pk")})


class PublicReportQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # Seen with its problem (who sees the segment); changed — and its contact read — by the
        # problem's handlers only.
        if action == VIEW:
            return Q(problem__segment_id__in=visible_segment_ids(user))
        return handled_problems_q(user, "problem")


class PublicReport(models.Model):
    """A problem reported by the public (群众举报), from a signboard's QR page or an Open311 client."""

    VIA_PAGE = "page"
    VIA_OPEN311 = "open311"
    VIA_CHOICES = [(VIA_PAGE, _("Signboard page")), (VIA_OPEN311, _("Open311 client"))]

    problem = models.OneToOneField(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="public_report"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=14, unique=True, default=new_tracking_code)
    client_token = models.UUIDField(
        _("client token"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Made by the reporter's phone; a re-sent report with the same token is stored once."),
    )
    via = models.CharField(_("received via"), max_length=8, choices=VIA_CHOICES, default=VIA_PAGE)
    open311_client = models.ForeignKey(
        "inspections.Open311Client",
        verbose_name=_("Open311 client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(_("contact e-mail"), max_length=100, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (very unsatisfied) to 5 (very satisfied), given by the reporter once the problem is closed."),
    )
    rating_comment = models.TextField(_("comment on the handling"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = PublicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="inspections_public_report_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["rated_at"], name="public_report_rated")]

    def __str__(self):
        return self.tracking_code

    def get_absolute_url(self):
        return reverse("inspections:publicreport_detail", args=[self.pk])

    def status_path(self):
        """The reporter's status page: the tracking code is its only key."""
        return reverse("public:report_status", args=[self.tracking_code])

    @property
    def has_contact(self):
        return bool(self.contact_name or self.contact_phone or self.contact_email)


class PublicPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # Seen with the problem; evidence, changed by nobody.
        if action == VIEW:
            return Q(report__problem__segment_id__in=visible_segment_ids(user))
        return NOTHING


class PublicPhoto(PrivatePhoto):
    """A photo sent with a public report, stored re-encoded without its EXIF (position, device)."""

    file_route = "inspections:public_photo"

    report = models.ForeignKey(
        PublicReport, verbose_name=_("public report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("image"), upload_to=UnguessableName("public"), width_field="width", height_field="height"
    )
    client_key = models.CharField(_("client key"), max_length=64, blank=True)

    objects = PublicPhotoQuerySet.as_manager()

    class Meta(PrivatePhoto.Meta):
        verbose_name = _("public photo")
        verbose_name_plural = _("public photos")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "client_key"],
                condition=~Q(client_key=""),
                name="inspections_public_photo_one_per_client_key",
            ),
        ]


def key_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class Open311ClientQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # Keys are issued in the administration by the river-chief office.
        return EVERYTHING if administers_registry(user) else NOTHING


class Open311Client(models.Model):
    """An application allowed to post reports through Open311 (its ``api_key``). Only the key's digest
    is stored: the key is shown once, when it is issued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def issue_key(self):
        """A new key for this client (the old one stops working); returns it, to be shown once."""
        key = secrets.token_urlsafe(24)
        self.key_prefix = key[:8]
        self.key_digest = key_digest(key)
        return key

    @classmethod
    def for_key(cls, key):
        if not key or len(key) > 200:
            return None
        return cls.objects.filter(key_digest=key_digest(key), is_active=True).first()
