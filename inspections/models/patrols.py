"""Patrols (巡河) with their tracks, findings and photos."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections import tracks
from inspections.choices import FindingCategory, PatrolSource
from inspections.models.problems import Problem
from rivers.models import Segment, visible_segment_ids
from wushui.choices import Tier
from wushui.figures import PATROLS, VersionedModel
from wushui.files import PrivatePhoto, UnguessableName
from wushui.scoping import VIEW, ScopedQuerySet

# Newest first, the order of every patrol list and the keyset their pages are cut on; the primary
# key makes it unique (two patrols may start in the same second). Served by the index patrol_recent.
RECENT_FIRST = ("-started_at", "-pk")


class PatrolQuerySet(ScopedQuerySet):
    # A signboard's page counts the segment's patrols; who walked, the track and the findings stay inside.
    PUBLIC_FIELDS = ("segment_id", "started_at", "is_valid")

    def public_q(self):
        # Only patrols that count are activity worth showing.
        return Q(is_valid=True)

    def scope_q(self, user, action):
        if action == VIEW:
            return Q(chief=user) | Q(segment_id__in=visible_segment_ids(user))
        # A patrol is its chief's record: only they add to it (photos), whoever else may read it.
        return Q(chief=user)


class Patrol(VersionedModel, models.Model):
    """A patrol (巡河) by a chief along one of their segments, with its GPS track and the server's verdict."""

    data_version = PATROLS

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

    # What a list of patrols never shows: the track and its times (the bulk of a row), the rules
    # that judged it, and the segment's line.
    LIST_DEFERRED = ("track", "track_times", "rules", "segment__geometry")

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = list(RECENT_FIRST)
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
            # On PostgreSQL it also includes segment_id and chief_id (migration 0011): a covering index.
            models.Index(fields=["-started_at", "-id"], name="patrol_recent"),
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
        return str(FindingCategory.label(self.category))


class PatrolPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # A photo is seen with its patrol, and added to by the patrol's chief only.
        if action == VIEW:
            return Q(patrol__chief=user) | Q(patrol__segment_id__in=visible_segment_ids(user))
        return Q(patrol__chief=user)


class PatrolPhoto(PrivatePhoto):
    """A photo taken on a patrol, optionally of one finding."""

    file_route = "inspections:patrol_photo"

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(
        _("image"), upload_to=UnguessableName("patrols"), width_field="width", height_field="height"
    )
    client_key = models.CharField(
        _("client key"),
        max_length=64,
        blank=True,
        help_text=_("Made by the phone for each photo; a re-sent photo with the same key is not stored twice."),
    )

    objects = PatrolPhotoQuerySet.as_manager()

    class Meta(PrivatePhoto.Meta):
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "client_key"],
                condition=~Q(client_key=""),
                name="inspections_photo_one_per_client_key",
            ),
        ]
