"""Patrols (巡河) with their tracks and findings, the rules that judge them, and the problems they raise."""

from decimal import Decimal

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections import tracks
from inspections.choices import FindingCategory, PatrolSource, ProblemSource, ProblemStatus
from rivers.models import Segment
from wushui import periods
from wushui.choices import Tier
from wushui.scoping import ScopedQuerySet


class PatrolRuleSet(models.Model):
    """Validity rules for patrols. The newest row applies; each patrol keeps a copy of the values that judged it.

    Defaults: at least 10 minutes and 1 km (Guangzhou 2021, see the domain reference); coverage of at
    least 60 % of the segment within 50 m of the track (this product's check of Zhejiang's "cover the
    whole water body"); at most 25 km/h sustained, faster than a bicycle, to catch patrols by car.
    The distance asked for is never more than the coverage rule's share of the segment's length: on
    a segment shorter than the minimum distance a chief who walks all of it has done the duty. (With
    the defaults that share is below 1 km on segments under 1.67 km.)
    """

    min_duration_min = models.PositiveIntegerField(_("minimum duration (min)"), default=10)
    min_distance_m = models.PositiveIntegerField(_("minimum distance (m)"), default=1000)
    min_coverage = models.DecimalField(
        _("minimum coverage"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the segment's length within the buffer of the track, 0 to 1."),
    )
    coverage_buffer_m = models.PositiveIntegerField(
        _("coverage buffer (m)"), default=50, validators=[MinValueValidator(5), MaxValueValidator(500)]
    )
    max_speed_kmh = models.DecimalField(
        _("maximum sustained speed (km/h)"), max_digits=5, decimal_places=1, default=Decimal("25.0")
    )
    max_distance_from_segment_m = models.PositiveIntegerField(
        _("maximum distance from the segment (m)"),
        default=500,
        help_text=_("A track that never comes this close to its segment is refused."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol rule set")
        verbose_name_plural = _("patrol rule sets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Patrol rules of %(date)s") % {"date": f"{self.created_at:%Y-%m-%d}" if self.created_at else "—"}

    @classmethod
    def current(cls):
        """The rules in force: the newest row, or the defaults when none was saved."""
        return cls.objects.first() or cls()

    def as_dict(self, segment_length_m=None):
        """The values that judge a patrol, as stored with it. ``required_distance_m`` is the minimum
        distance for a segment of ``segment_length_m`` (the rule's own minimum without one)."""
        required = self.min_distance_m
        if segment_length_m is not None:
            # With the coverage rule off (0), the segment's whole length.
            share = float(self.min_coverage) or 1.0
            required = min(required, round(share * segment_length_m))
        return {
            "min_duration_min": self.min_duration_min,
            "min_distance_m": self.min_distance_m,
            "required_distance_m": required,
            "min_coverage": float(self.min_coverage),
            "coverage_buffer_m": self.coverage_buffer_m,
            "max_speed_kmh": float(self.max_speed_kmh),
            "max_distance_from_segment_m": self.max_distance_from_segment_m,
        }


class PatrolFrequency(models.Model):
    """How often a chief of a tier must patrol each of their segments.

    Defaults (Henan 2018, Guizhou, Akqi county): district at least once a quarter, street once a
    month, village once a week. Guangzhou asks villages once per 旬; a row here changes it.
    """

    DEFAULTS = {
        Tier.DISTRICT: (periods.QUARTER, 1),
        Tier.STREET: (periods.MONTH, 1),
        Tier.VILLAGE: (periods.WEEK, 1),
    }

    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices(), unique=True)
    period = models.CharField(_("period"), max_length=10, choices=periods.KINDS)
    count = models.PositiveSmallIntegerField(_("patrols per period"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("patrol frequency")
        verbose_name_plural = _("patrol frequencies")
        ordering = ["tier"]

    def __str__(self):
        return f"{Tier.label(self.tier)}: {self.count} / {self.get_period_display()}"

    @classmethod
    def by_tier(cls):
        """``{tier: (period kind, count)}`` with the saved rows over the defaults (one query)."""
        frequencies = dict(cls.DEFAULTS)
        frequencies.update({row.tier: (row.period, row.count) for row in cls.objects.all()})
        return frequencies


class PatrolQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(chief=user) | Q(segment__in=Segment.objects.restrict(user).values("pk"))


class Patrol(models.Model):
    """A patrol (巡河) by a chief along one of their segments, with its GPS track and the server's verdict."""

    client_uuid = models.UUIDField(
        _("client UUID"), help_text=_("Made by the phone; a replay returns the same patrol.")
    )
    chief = models.ForeignKey("wushui.User", verbose_name=_("chief"), on_delete=models.PROTECT, related_name="patrols")
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="patrols")
    tier = models.CharField(
        _("tier"), max_length=16, choices=Tier.choices(), help_text=_("The chief's tier on the segment at the time.")
    )
    source = models.CharField(_("source"), max_length=8, choices=PatrolSource.choices(), default=PatrolSource.APP)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    track = models.LineStringField(_("track"), srid=4326)
    track_times = models.JSONField(_("track times"), help_text=_("One ISO 8601 time per track point."))
    distance_m = models.FloatField(_("distance (m)"))
    max_speed_kmh = models.FloatField(_("maximum sustained speed (km/h)"))
    coverage = models.FloatField(_("coverage"), help_text=_("Share of the segment within the buffer of the track."))
    is_valid = models.BooleanField(_("valid"))
    invalid_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rules = models.JSONField(_("rules applied"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["chief", "client_uuid"], name="inspections_patrol_one_per_client_uuid"),
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")), name="inspections_patrol_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["chief", "started_at"], name="patrol_chief_time"),
            models.Index(fields=["segment", "started_at"], name="patrol_segment_time"),
            models.Index(fields=["tier", "is_valid", "started_at"], name="patrol_compliance"),
        ]

    def __str__(self):
        return f"{self.chief} · {self.segment} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("inspections:patrol_detail", args=[self.pk])

    @property
    def duration_s(self):
        return tracks.duration_seconds(self.started_at, self.ended_at)

    @property
    def avg_speed_kmh(self):
        return tracks.average_speed_kmh(self.distance_m, self.duration_s)

    @property
    def invalid_reason_messages(self):
        return [tracks.reason_message(reason) for reason in self.invalid_reasons]


class ProblemQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(reported_by=user) | Q(segment__in=Segment.objects.restrict(user).values("pk"))


class Problem(models.Model):
    """A problem (事件) found on or reported about a river; the workflow (assign, handle, verify) builds on it."""

    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="problems")
    category = models.CharField(_("category"), max_length=24, choices=FindingCategory.choices())
    description = models.TextField(_("description"))
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ProblemSource.choices())
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus.choices(), default=ProblemStatus.REGISTERED
    )
    reported_by = models.ForeignKey(
        "wushui.User", verbose_name=_("reported by"), on_delete=models.PROTECT, null=True, related_name="problems"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="problem_status_created")]

    def __str__(self):
        return f"{FindingCategory.label(self.category)} · {self.segment}"


class Finding(models.Model):
    """Something a chief noted during a patrol; marked as a problem, it becomes a :class:`Problem`."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="findings")
    category = models.CharField(_("category"), max_length=24, choices=FindingCategory.choices())
    note = models.TextField(_("note"), blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    problem = models.OneToOneField(
        Problem, verbose_name=_("problem"), on_delete=models.SET_NULL, null=True, blank=True, related_name="finding"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["pk"]

    def __str__(self):
        return FindingCategory.label(self.category)


class PatrolPhoto(models.Model):
    """A photo taken on a patrol, optionally of one finding."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to="patrols/%Y/%m/", width_field="width", height_field="height")
    client_key = models.CharField(
        _("client key"),
        max_length=64,
        blank=True,
        help_text=_("Made by the phone for each photo; a re-sent photo with the same key is not stored twice."),
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "client_key"],
                condition=~Q(client_key=""),
                name="inspections_photo_one_per_client_key",
            ),
        ]

    def __str__(self):
        return self.image.name
