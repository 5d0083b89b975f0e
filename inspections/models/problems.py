"""Problems (事件) found on or reported about a river."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections.choices import FindingCategory, ProblemSource, ProblemStatus
from rivers.models import Segment, visible_segment_ids
from wushui.scoping import EVERYTHING, NOTHING, VIEW, ScopedQuerySet, administers_registry


class ProblemQuerySet(ScopedQuerySet):
    # What a public page (a signboard's, the reporter's status page, Open311) may show of any problem:
    # never its description (a patrol's notes are internal, a reporter's text may name people), its
    # reporter, or anything the workflow adds unless it is named here.
    PUBLIC_FIELDS = ("pk", "segment_id", "category", "source", "status", "location", "created_at")

    def scope_q(self, user, action):
        if action == VIEW:
            return Q(reported_by=user) | Q(segment_id__in=visible_segment_ids(user))
        # Problems are registered by the patrol service; who may move one along is the workflow's to
        # decide (assigner, handler, verifier), per transition. Until then district administrators only.
        return EVERYTHING if administers_registry(user) else NOTHING


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
