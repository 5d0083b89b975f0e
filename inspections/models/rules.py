"""The rules patrols are judged by: validity (versioned rule sets) and the required frequency per tier."""

from decimal import Decimal

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from inspections import tracks
from wushui import periods
from wushui.choices import Tier
from wushui.figures import PATROLS, VersionedModel


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
        return {
            "min_duration_min": self.min_duration_min,
            "min_distance_m": self.min_distance_m,
            "required_distance_m": tracks.required_distance_m(
                self.min_distance_m, float(self.min_coverage), segment_length_m
            ),
            "min_coverage": float(self.min_coverage),
            "coverage_buffer_m": self.coverage_buffer_m,
            "max_speed_kmh": float(self.max_speed_kmh),
            "max_distance_from_segment_m": self.max_distance_from_segment_m,
        }


class PatrolFrequency(VersionedModel, models.Model):
    """How often a chief of a tier must patrol each of their segments.

    Defaults (Henan 2018, Guizhou, Akqi county): district at least once a quarter, street once a
    month, village once a week. Guangzhou asks villages once per 旬; a row here changes it.
    """

    data_version = PATROLS

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
