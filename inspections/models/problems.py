"""Problems (事件) found on or reported about a river, their photos, their timeline and the deadlines
they are given.

A problem's state changes only through ``inspections.workflow`` (the transition table) and the
services of ``inspections.problems``; the timeline (:class:`ProblemEvent`) is written in the same
transaction as each change and never edited.
"""

import datetime

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import (
    CloseReason,
    PhotoStage,
    ProblemCategory,
    ProblemLevel,
    ProblemSource,
    ProblemStatus,
    ProblemUrgency,
)
from rivers.models import Segment, visible_segment_ids
from wushui import periods
from wushui.files import PrivatePhoto, UnguessableName
from wushui.scoping import CHANGE, NOTHING, VIEW, ScopedQuerySet

# Newest first: the order of the problem list and the keyset its pages are cut on (index problem_recent).
RECENT_FIRST = ("-created_at", "-pk")
OPEN_STATES = ProblemStatus.OPEN
# Soonest deadline first: the order of "my work" (index problem_open_due).
DUE_FIRST = ("completion_due", "pk")


class ProblemQuerySet(ScopedQuerySet):
    """Seen by whoever sees the segment, the reporter and the handler. Changed through transitions:
    ``restrict(user, CHANGE)`` is the problems on which the user may make at least one transition now,
    and ``restrict(user, "assign")`` (any transition's name) those on which they may make that one
    (``inspections.workflow``, where who may do what is kept beside the transition table)."""

    # What a public page (a signboard's, the reporter's status page, Open311) may show of any problem:
    # never its description (a patrol's notes are internal, a reporter's text may name people), its
    # reporter, or anything the workflow adds unless it is named here.
    PUBLIC_FIELDS = ("pk", "segment_id", "category", "source", "status", "location", "created_at")

    def model_actions(self):
        from inspections import workflow

        # Each transition is an action: the problems the user may make it on.
        return workflow.TRANSITIONS

    def scope_q(self, user, action):
        from inspections import workflow

        if action == VIEW:
            condition = Q(reported_by=user) | Q(segment_id__in=visible_segment_ids(user)) | Q(assignee_chief=user)
            if user.unit_id:
                condition |= Q(assignee_unit_id=user.unit_id)
            return condition
        if action == CHANGE:
            return workflow.any_transition_q(user)
        condition = workflow.transition_q(user, action)
        return NOTHING if condition is None else condition

    def open(self):
        return self.filter(status__in=ProblemStatus.OPEN)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))


def overdue_q(now=None):
    """Open problems past their completion deadline and not yet handled (a completed one is judged by
    when it was completed, not by today)."""
    waiting = [status for status in ProblemStatus.OPEN if status not in ProblemStatus.HANDLED]
    return Q(status__in=waiting, completion_due__lt=now or timezone.now())


class Problem(models.Model):
    """A problem (事件) found on or reported about a river segment: who is to solve it, by when, and
    where it stands in the workflow."""

    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="problems")
    street = models.ForeignKey(
        "wushui.Region",
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="street_problems",
        null=True,
        blank=True,
        help_text=_("The street the segment lies in, kept for the figures per street (empty: district-wide)."),
    )
    category = models.CharField(_("category"), max_length=24, choices=ProblemCategory.choices())
    description = models.TextField(_("description"), max_length=4000)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ProblemSource.choices())
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=ProblemUrgency.choices(), default=ProblemUrgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus.choices(), default=ProblemStatus.REGISTERED
    )
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=ProblemLevel.choices(),
        default=ProblemLevel.VILLAGE,
        help_text=_("Where the problem is being solved; escalation moves it up."),
    )
    reported_by = models.ForeignKey(
        "wushui.User",
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        help_text=_("Empty for a public report or a system alert."),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    # The assignment in force (交办): to a unit or to a chief of a lower tier, by whom, when.
    assignee_unit = models.ForeignKey(
        "wushui.Unit",
        verbose_name=_("assigned to unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_problems",
    )
    assignee_chief = models.ForeignKey(
        "wushui.User",
        verbose_name=_("assigned to chief"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_problems",
    )
    assigned_by = models.ForeignKey(
        "wushui.User",
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_assigned_by",
        help_text=_("The assigner, who verifies the result."),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # Deadlines (ProblemDeadlineRule, then the assigner's), in indexed columns for the reminder sweeps.
    response_due = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    completion_due = models.DateTimeField(_("completion due"), null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, help_text=_("Archived, merged or closed."))
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    close_reason = models.CharField(_("close reason"), max_length=10, choices=CloseReason.choices(), blank=True)
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    # Raised by every transition: the conditional UPDATE names the version it read, so of two
    # transitions racing on one problem only one finds its row (inspections.problems).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = list(RECENT_FIRST)
        indexes = [
            models.Index(fields=["status", "created_at"], name="problem_status_created"),
            models.Index(fields=["-created_at", "-id"], name="problem_recent"),
            # "My work" lists open problems soonest deadline first: only the open few thousand are indexed.
            models.Index(fields=["completion_due", "id"], name="problem_open_due", condition=Q(status__in=OPEN_STATES)),
            models.Index(fields=["segment", "status"], name="problem_segment_status"),
            models.Index(fields=["street", "created_at"], name="problem_street_created"),
            models.Index(fields=["assignee_chief", "status"], name="problem_chief_status"),
            models.Index(fields=["assignee_unit", "status"], name="problem_unit_status"),
            models.Index(fields=["assigned_by", "status"], name="problem_assigner_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=True) | Q(assignee_chief__isnull=True),
                name="inspections_problem_one_assignee",
            ),
            models.CheckConstraint(
                condition=Q(status=ProblemStatus.MERGED, duplicate_of__isnull=False)
                | (~Q(status=ProblemStatus.MERGED) & Q(duplicate_of__isnull=True)),
                name="inspections_problem_merged_has_original",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {ProblemCategory.label(self.category)} · {self.segment}"

    def get_absolute_url(self):
        return reverse("problems:problem_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in ProblemStatus.OPEN

    @property
    def assignee(self):
        return self.assignee_unit or self.assignee_chief

    def is_overdue(self, now=None):
        now = now or timezone.now()
        handled = self.status in ProblemStatus.HANDLED or self.status in ProblemStatus.ENDED
        return not handled and self.completion_due is not None and self.completion_due < now


class ProblemPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        # A photo is seen with its problem; photos are added by the transitions that take them.
        problems = Problem.objects.restrict(user, action).values("pk")
        return Q(problem__in=problems)


class ProblemPhoto(PrivatePhoto):
    """A photo of a problem, before (at registration) or after (at completion) the work."""

    file_route = "problems:problem_photo"

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage.choices())
    image = models.ImageField(
        _("image"), upload_to=UnguessableName("problems"), width_field="width", height_field="height"
    )
    event = models.ForeignKey(
        "ProblemEvent",
        verbose_name=_("timeline entry"),
        on_delete=models.PROTECT,
        related_name="photos",
        help_text=_("The transition the photo came with."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = ProblemPhotoQuerySet.as_manager()

    class Meta(PrivatePhoto.Meta):
        verbose_name = _("problem photo")
        verbose_name_plural = _("problem photos")


class ImmutableRow(ValueError):
    """A timeline entry is a record of what happened: it is never changed or deleted."""


class ProblemEvent(models.Model):
    """A timeline entry: one transition of one problem — who, when, from which state to which, with
    the note and the details the transition took (assignee, deadline, reason). Written in the same
    transaction as the change of state; never changed."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("transition"), max_length=16)
    actor = models.ForeignKey(
        "wushui.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem_events",
        help_text=_("Empty for the public or the system."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=16, choices=ProblemStatus.choices(), blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ProblemStatus.choices())
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["problem", "at"], name="problem_event_time")]

    def __str__(self):
        return f"{self.problem_id} {self.transition} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRow("A timeline entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRow("A timeline entry is never deleted.")

    @property
    def label(self):
        from inspections import workflow

        return workflow.label(self.transition)


class ProblemDeadlineRule(models.Model):
    """How long a problem of a source and urgency may take to be answered (accepted or sent back)
    and to be completed. Every rule that matches a problem applies, and the earliest deadline wins,
    so a critical public report gets the critical deadline and a normal one the public one.

    Defaults (used while the table has no rows): public reports and hotline calls answered within
    5 working days (the rule Hangzhou's app must keep); normal problems answered within 5 and done
    within 20 working days, urgent ones 2 and 10, critical ones within one and three calendar days;
    supervision findings done within 15 working days.
    """

    # (source or "", urgency or "", answer days, completion days, working days?)
    DEFAULTS = (
        (ProblemSource.PUBLIC, "", 5, None, True),
        (ProblemSource.HOTLINE, "", 5, None, True),
        (ProblemSource.SUPERVISION, "", None, 15, True),
        ("", ProblemUrgency.NORMAL, 5, 20, True),
        ("", ProblemUrgency.URGENT, 2, 10, True),
        ("", ProblemUrgency.CRITICAL, 1, 3, False),
    )

    source = models.CharField(
        _("source"), max_length=16, choices=ProblemSource.choices(), blank=True, help_text=_("Empty: every source.")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=ProblemUrgency.choices(), blank=True, help_text=_("Empty: every urgency.")
    )
    response_days = models.PositiveSmallIntegerField(
        _("days to answer"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    completion_days = models.PositiveSmallIntegerField(
        _("days to complete"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    working_days = models.BooleanField(
        _("working days"),
        default=True,
        help_text=_("Count working days (holidays and 调休 included), not calendar days."),
    )

    class Meta:
        verbose_name = _("problem deadline rule")
        verbose_name_plural = _("problem deadline rules")
        ordering = ["source", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["source", "urgency"], name="inspections_deadline_rule_one_per_case"),
        ]

    def __str__(self):
        return f"{ProblemSource.label(self.source) or '*'} / {ProblemUrgency.label(self.urgency) or '*'}"

    def clean(self):
        if self.response_days is None and self.completion_days is None:
            raise ValidationError({"response_days": _("Give the days to answer, to complete, or both.")})

    @classmethod
    def rules(cls):
        """The rules in force: the saved rows, or the defaults while there are none (one query)."""
        saved = list(cls.objects.all())
        if saved:
            return saved
        return [
            cls(source=source, urgency=urgency, response_days=answer, completion_days=done, working_days=working)
            for source, urgency, answer, done, working in cls.DEFAULTS
        ]

    @classmethod
    def deadlines(cls, source, urgency, registered_at, rules=None):
        """``(answer due, completion due)`` for a problem registered at ``registered_at``."""
        response, completion = [], []
        for rule in rules if rules is not None else cls.rules():
            if rule.source not in ("", source) or rule.urgency not in ("", urgency):
                continue
            if rule.response_days:
                response.append(rule.due(registered_at, rule.response_days))
            if rule.completion_days:
                completion.append(rule.due(registered_at, rule.completion_days))
        return min(response, default=None), min(completion, default=None)

    def due(self, moment, days):
        if self.working_days:
            return periods.working_days_after(moment, days)
        return moment + datetime.timedelta(days=days)


class ProblemAlert(models.Model):
    """A water-quality alert taken up as a system problem (系统预警): the first alert of a station opens a
    problem, the station's later alerts join it while it is open. An alert belongs to one problem only, so
    two sweeps running at once cannot both make one of it."""

    alert = models.OneToOneField(
        "rivers.Alert", verbose_name=_("alert"), on_delete=models.CASCADE, related_name="problem_link"
    )
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="alerts")
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("alert taken up")
        verbose_name_plural = _("alerts taken up")

    def __str__(self):
        return f"{self.alert} → #{self.problem_id}"
