"""Water quality (水质): monitoring stations, their samples classified by GB 3838-2002, the alerts a bad
sample raises, file imports, and the year's deadlines of the 劣V campaign."""

import datetime
import hashlib
import secrets

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rivers import gb3838
from rivers.choices import (
    AlertKind,
    ControlLevel,
    DeadlineSubject,
    SampleInterval,
    SampleSource,
    WaterClass,
    WaterType,
)
from rivers.models.registry import Segment, WaterBody, code_validator, visible_segment_ids
from wushui.choices import Domain
from wushui.figures import VersionedModel
from wushui.files import UnguessableName
from wushui.scoping import EVERYTHING, NOTHING, VIEW, RegistryQuerySet, ScopedQuerySet, administers_registry

mn_validator = RegexValidator(r"^[0-9A-Za-z]{1,24}$", _("An MN is 1–24 letters or digits."))
password_validator = RegexValidator(r"^[0-9A-Za-z]{1,32}$", _("Use 1–32 letters or digits."))


def manages(user, domain):
    """District administrators, and department users working on ``domain``, keep that domain's rows."""
    return administers_registry(user) or domain in user.domains


def domain_scope(user, action, seen, domain):
    """The scope rule of a domain's rows: seen where ``seen()`` says (their segment's scope); changed by
    those who manage ``domain``, within what they see. ``seen`` is called only when needed: it reads
    the user's segment ids, which a district-wide manager never needs."""
    if action == VIEW:
        return seen()
    if administers_registry(user):
        return EVERYTHING
    if domain in user.domains:
        return EVERYTHING if user.sees_whole_district else seen()
    return NOTHING


class StationQuerySet(ScopedQuerySet):
    PUBLIC_FIELDS = ("pk", "code", "name", "control_level", "water_body__name", "latest_class", "latest_sampled_at")

    def scope_q(self, user, action):
        return domain_scope(user, action, lambda: Q(segment_id__in=visible_segment_ids(user)), Domain.WATER_QUALITY)


# The data version (``wushui.figures``) of the stations and their monthly means: figures over every
# station's months (year over year) are kept until one is written.
STATION_MONTHS = "station-months"


class Station(VersionedModel, models.Model):
    """A monitoring station or section (站位 / 断面) on a segment, with the class it must reach; an
    automatic one reports over HJ 212 under its device number (MN)."""

    data_version = STATION_MONTHS

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    control_level = models.CharField(_("control level"), max_length=16, choices=ControlLevel.choices())
    water_body = models.ForeignKey(
        WaterBody, verbose_name=_("water body"), on_delete=models.PROTECT, related_name="stations", editable=False
    )
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="stations")
    location = models.PointField(_("location"), srid=4326)
    target_class = models.PositiveSmallIntegerField(
        _("target water class"),
        choices=WaterClass.target_choices(),
        help_text=_("The class of GB 3838-2002 the station must reach; empty takes the water body's."),
        blank=True,
    )
    water_type = models.CharField(
        _("river or lake"),
        max_length=8,
        choices=WaterType.choices(),
        blank=True,
        help_text=_("Lakes and reservoirs have their own phosphorus limits; empty follows the water body's kind."),
    )
    responsible_chief = models.ForeignKey(
        "wushui.User",
        verbose_name=_("responsible chief"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stations",
        help_text=_("Receives the station's alerts."),
    )
    is_automatic = models.BooleanField(_("automatic station"), default=False)
    mn = models.CharField(
        _("device number (MN)"),
        max_length=24,
        blank=True,
        validators=[mn_validator],
        help_text=_("HJ 212 device number of an automatic station."),
    )
    hj212_password = models.CharField(
        _("access password (PW)"), max_length=32, blank=True, validators=[password_validator]
    )
    push_token_hash = models.CharField(_("push token (SHA-256)"), max_length=64, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The station's latest assessed sample (not real-time readings), kept by rivers.samples.
    latest_class = models.PositiveSmallIntegerField(
        _("latest class"), choices=WaterClass.choices(), null=True, blank=True, editable=False
    )
    latest_sampled_at = models.DateTimeField(_("latest sample at"), null=True, blank=True, editable=False)
    latest_sample = models.ForeignKey(
        "Sample", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    bad_since = models.DateTimeField(
        _("bad since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the latest run of samples worse than target or 劣V began; empty while the station is good."),
    )

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring station")
        verbose_name_plural = _("monitoring stations")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["mn"],
                condition=~Q(mn=""),
                name="rivers_station_one_per_mn",
                violation_error_message=_("Another station has this MN."),
            ),
            models.CheckConstraint(
                condition=Q(target_class__gte=1) & Q(target_class__lte=5), name="rivers_station_target_i_to_v"
            ),
        ]
        indexes = [models.Index(fields=["segment", "code"], name="rivers_station_segment")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("rivers:station_detail", args=[self.pk])

    @property
    def is_lake(self):
        return self.water_type == WaterType.LAKE

    @property
    def is_city_controlled(self):
        return self.control_level in ControlLevel.CITY_OR_ABOVE

    def is_bad(self, water_class):
        """A class worse than the target, or 劣V."""
        return water_class is not None and (water_class > self.target_class or water_class == WaterClass.WORSE_THAN_V)

    @property
    def latest_is_bad(self):
        return self.is_bad(self.latest_class)

    def clean(self):
        errors = {}
        if self.target_class == "":
            # An empty choice in a form (the field is blank but not null): the water body's, as for None.
            self.target_class = None
        if self.segment_id:
            body = self.segment.water_body
            if self.target_class is None:
                self.target_class = body.target_class
            if not self.water_type:
                self.water_type = WaterType.of_kind(body.kind)
        if self.is_automatic and not self.mn:
            errors["mn"] = _("An automatic station needs its MN.")
        if self.mn and not self.hj212_password:
            errors["hj212_password"] = _("A station with an MN needs its access password.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.segment_id:
            self.water_body_id = self.segment.water_body_id
            if self.target_class is None:
                self.target_class = self.segment.water_body.target_class
            if not self.water_type:
                self.water_type = WaterType.of_kind(self.segment.water_body.kind)
        super().save(*args, **kwargs)

    # A station that cannot speak HJ 212 pushes JSON with a token of its own; only its hash is kept.
    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def issue_push_token(self):
        """A new push token (shown once); the old one stops working."""
        token = secrets.token_urlsafe(32)
        self.push_token_hash = self.hash_token(token)
        self.save(update_fields=["push_token_hash"])
        return token


class SampleQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return domain_scope(
            user, action, lambda: Q(station__segment_id__in=visible_segment_ids(user)), Domain.WATER_QUALITY
        )

    def assessed(self):
        """Samples that assess a station: lab, typed-in, hourly and daily values; real-time readings
        are too many and too noisy to set a station's class."""
        return self.exclude(source=SampleSource.AUTOMATIC, interval=SampleInterval.INSTANT)


def samples_of(station_id):
    """The data version (``wushui.figures``) of one station's samples: what is kept of them (the
    station's trend) is kept until a sample of that station is written, not of any other."""
    return f"samples:{station_id}"


class Sample(VersionedModel, models.Model):
    """A water sample or an automatic station's value: indicators by code (``rivers.gb3838.INDICATORS``;
    missing ones simply absent), classified on save by the station's rules."""

    @property
    def data_version(self):
        return samples_of(self.station_id)

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="samples")
    sampled_at = models.DateTimeField(_("sampled at"))
    source = models.CharField(_("source"), max_length=12, choices=SampleSource.choices())
    interval = models.CharField(
        _("interval"), max_length=8, choices=SampleInterval.choices(), default=SampleInterval.INSTANT
    )
    values = models.JSONField(_("values"), default=dict, help_text=_("Indicator code -> value (mg/L; pH unitless)."))
    flags = models.JSONField(
        _("data flags"), default=dict, blank=True, help_text=_("HJ 212 flag of each value; only N is classified.")
    )
    water_class = models.PositiveSmallIntegerField(_("class"), choices=WaterClass.choices(), null=True, blank=True)
    determining = models.JSONField(_("determining indicators"), default=list, blank=True)
    exceedances = models.JSONField(
        _("exceedance multiples"), default=dict, blank=True, help_text=_("超标倍数 over the target class limit.")
    )
    ph_out_of_range = models.BooleanField(_("pH outside 6–9"), default=False)
    is_bad = models.BooleanField(_("worse than target or 劣V"), default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            # A file imported twice, a packet repeated, a push replayed: each value is stored once.
            models.UniqueConstraint(
                fields=["station", "source", "interval", "sampled_at"], name="rivers_sample_one_per_station_time"
            ),
        ]
        indexes = [
            models.Index(fields=["station", "-sampled_at"], name="rivers_sample_station_recent"),
            models.Index(fields=["sampled_at"], name="rivers_sample_time"),
        ]

    def __str__(self):
        return f"{self.station.code} · {timezone.localtime(self.sampled_at):%Y-%m-%d %H:%M}"

    def classifiable_values(self):
        """The values fit to classify: all of them but those an automatic station flagged other than N."""
        return {
            code: value
            for code, value in self.values.items()
            if value is not None and self.flags.get(code, "N") == "N" and code in gb3838.INDICATORS
        }

    def classify(self, station=None):
        """Set the class, the determining indicators and the exceedances from the values."""
        station = station or self.station
        evaluation = gb3838.classify(self.classifiable_values(), lake=station.is_lake, target=station.target_class)
        self.water_class = evaluation.water_class
        self.determining = list(evaluation.determining)
        self.exceedances = evaluation.exceedances
        self.ph_out_of_range = evaluation.ph_out_of_range
        self.is_bad = station.is_bad(evaluation.water_class)
        return evaluation

    def clean(self):
        errors = {}
        if self.sampled_at and self.sampled_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["sampled_at"] = _("A sample cannot be taken in the future.")
        if not isinstance(self.values, dict):
            errors["values"] = _("Give the values as an object of indicator codes.")
        else:
            for code, value in self.values.items():
                try:
                    gb3838.check_value(code, value)
                except gb3838.ImpossibleValue as error:
                    errors[f"values.{code}" if code in gb3838.INDICATORS else "values"] = str(error)
                    break
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.classify()
        super().save(*args, **kwargs)


class StationMonthQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return domain_scope(
            user, action, lambda: Q(station__segment_id__in=visible_segment_ids(user)), Domain.WATER_QUALITY
        )


class StationMonth(models.Model):
    """A station's month: the mean of each indicator over its assessed samples (N values only) and the
    class of those means. Kept by ``rivers.samples`` as samples arrive; year-over-year figures, grading
    and long trends read these instead of every sample."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="months")
    month = models.DateField(_("month"), help_text=_("Its first day."))
    samples = models.PositiveIntegerField(_("samples"))
    means = models.JSONField(_("means"), default=dict)
    water_class = models.PositiveSmallIntegerField(_("class"), choices=WaterClass.choices(), null=True, blank=True)

    objects = StationMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("station month")
        verbose_name_plural = _("station months")
        ordering = ["station", "month"]
        constraints = [models.UniqueConstraint(fields=["station", "month"], name="rivers_station_month_once")]
        indexes = [models.Index(fields=["month"], name="rivers_station_month_month")]

    def __str__(self):
        return f"{self.station_id} · {self.month:%Y-%m}"


class AlertQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        def seen():
            return Q(station__segment_id__in=visible_segment_ids(user)) | Q(chief=user)

        return domain_scope(user, action, seen, Domain.WATER_QUALITY)

    def untaken(self):
        return self.filter(taken_at__isnull=True)


class Alert(models.Model):
    """A station worse than its target, or 劣V, on a day: for its responsible chief and the district. The
    problems side reads them (``rivers.samples.untaken_alerts``) and turns them into problems."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="alerts")
    sample = models.ForeignKey(Sample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices())
    day = models.DateField(_("day"), help_text=_("Local day of the sample: one alert per station, kind and day."))
    water_class = models.PositiveSmallIntegerField(_("class"), choices=WaterClass.choices())
    target_class = models.PositiveSmallIntegerField(_("target class"), choices=WaterClass.choices())
    determining = models.JSONField(_("determining indicators"), default=list)
    chief = models.ForeignKey(
        "wushui.User", verbose_name=_("chief"), on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    taken_at = models.DateTimeField(
        _("taken up at"), null=True, blank=True, help_text=_("When the problems side turned it into a problem.")
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("water-quality alert")
        verbose_name_plural = _("water-quality alerts")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["station", "kind", "day"], name="rivers_alert_one_per_station_kind_day")
        ]
        indexes = [
            models.Index(fields=["taken_at", "id"], name="rivers_alert_untaken"),
            # Lists newest first (the API, a station's page) read the first page from it, not a sort of all.
            models.Index(fields=["-day", "-id"], name="rivers_alert_recent"),
        ]

    def __str__(self):
        return f"{self.station.code} · {AlertKind.label(self.kind)} · {self.day}"


class ImportStatus:
    PENDING = "pending"
    RUNNING = "running"
    IMPORTED = "imported"
    REFUSED = "refused"
    CHOICES = [
        (PENDING, _("Pending")),
        (RUNNING, _("Running")),
        (IMPORTED, _("Imported")),
        (REFUSED, _("Refused")),
    ]


class SampleImportQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        if action == VIEW:
            return Q(requested_by=user)
        return Q(requested_by=user) if manages(user, Domain.WATER_QUALITY) else NOTHING


class SampleImport(models.Model):
    """An uploaded file of samples (xlsx or CSV) and its per-row report: imported whole or not at all."""

    file = models.FileField(_("file"), upload_to=UnguessableName("sample-imports"))
    original_name = models.CharField(_("file name"), max_length=200)
    requested_by = models.ForeignKey(
        "wushui.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="sample_imports"
    )
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.CHOICES, default=ImportStatus.PENDING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new samples"), default=0)
    updated = models.PositiveIntegerField(_("samples already stored"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True, help_text=_("[{row, field, message}]"))
    job = models.ForeignKey(
        "wushui.Job", verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = SampleImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("sample import")
        verbose_name_plural = _("sample imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("rivers:sample_import_detail", args=[self.pk])


class CampaignDeadlineQuerySet(RegistryQuerySet):
    def visible_q(self, user):
        return EVERYTHING


class CampaignDeadline(models.Model):
    """A deadline of the year's water campaign, as data (the speech: 5/31, 8/31, 12/31)."""

    # The speech's dates, for a year without rows of its own.
    DEFAULTS = {
        DeadlineSubject.ILLEGAL_OUTLETS: (5, 31),
        DeadlineSubject.CITY_STATIONS: (8, 31),
        DeadlineSubject.OUTLET_REMEDIATION: (8, 31),
        DeadlineSubject.ALL_STATIONS: (12, 31),
    }

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)])
    subject = models.CharField(_("subject"), max_length=24, choices=DeadlineSubject.choices())
    due = models.DateField(_("due"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = CampaignDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign deadline")
        verbose_name_plural = _("campaign deadlines")
        ordering = ["year", "due", "subject"]
        constraints = [models.UniqueConstraint(fields=["year", "subject"], name="rivers_deadline_one_per_year_subject")]

    def __str__(self):
        return f"{self.due:%Y-%m-%d} {DeadlineSubject.label(self.subject)}"

    def clean(self):
        if self.due and self.year and self.due.year != self.year:
            raise ValidationError({"due": _("The date lies in another year.")})

    @classmethod
    def for_year(cls, year):
        """``{subject: date}`` of a year: its rows, the speech's dates where it has none."""
        dates = {subject: datetime.date(year, *month_day) for subject, month_day in cls.DEFAULTS.items()}
        dates.update(dict(cls.objects.filter(year=year).values_list("subject", "due")))
        return dates
