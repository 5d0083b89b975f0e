"""Patrol compliance: for each chief, how many valid patrols their tier requires in its period and
how many they did; per street, how its chiefs stand.

The rule (:class:`ChiefCompliance`): a chief of a tier must patrol each of their segments ``count``
times in the tier's period, and done = Σ over the segments of min(valid patrols on it, ``count``):
extra patrols on one segment do not make up for a segment never walked. Summaries, ordering, paging and
"behind only" need it for thousands of chiefs at once, so it is also written in SQL
(``ComplianceReport._done_here``); tests hold both to the same figures.
"""

import functools
import operator
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Func, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Least
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from inspections.models import Patrol, PatrolFrequency
from rivers.choices import ChiefRole
from rivers.selectors import current_appointments, landing_region, post_region, subdivision_of
from wushui import periods
from wushui.choices import RegionLevel, Tier
from wushui.figures import PATROLS, REGISTRY, remembered_figure, scope_key
from wushui.filtersets import CalendarDateField
from wushui.models import Region
from wushui.widgets import SearchableChoiceWidget

# What a chief's row reads of their appointments: names and the region chain up to the post's region
# (``post_region``), nothing else (a chief's row of 75 appointments built in a third of the time).
_REGION = ("name", "code", "level", "parent")
CHIEF_ROW_FIELDS = (
    "tier",
    "chief__name",
    "chief__username",
    "segment__code",
    "segment__name",
    "segment__water_body__name",
    *(f"segment__region__{name}" for name in _REGION),
    *(f"segment__region__parent__{name}" for name in _REGION),
    *(f"segment__region__parent__parent__{name}" for name in _REGION),
)


@dataclass
class ChiefCompliance:
    chief: object
    tier: str
    region: Region
    period: periods.Period
    per_segment: int
    segments: list = field(default_factory=list)
    done_by_segment: dict = field(default_factory=dict)

    @property
    def required(self):
        return self.per_segment * len(self.segments)

    @property
    def done(self):
        # Extra patrols on one segment do not make up for a segment never walked.
        return sum(min(self.done_by_segment.get(segment.pk, 0), self.per_segment) for segment in self.segments)

    @property
    def percent(self):
        return round(100 * self.done / self.required) if self.required else 100

    @property
    def is_behind(self):
        return self.done < self.required

    @property
    def missed_segments(self):
        return [s for s in self.segments if self.done_by_segment.get(s.pk, 0) < self.per_segment]


@dataclass
class SummaryRow:
    """The chiefs of one subdivision (or of the whole selection): how many, the patrols required of
    them and done, and how many are behind. A chief counts in each subdivision they have segments in,
    judged on those segments."""

    region: Region | None
    is_subdivision: bool = True
    chiefs: int = 0
    required: int = 0
    done: int = 0
    behind: int = 0

    @property
    def percent(self):
        return round(100 * self.done / self.required) if self.required else 100


class ComplianceReport:
    """Compliance of the chiefs (river chiefs, not police chiefs or inspectors) in the user's scope,
    or in ``region`` and below, for the periods containing ``on``; the one selector behind both levels
    of the page and the dashboard.

    - ``summary()``: per subdivision of the region (the streets of the district) and in total, counted
      by the database in one statement;
    - ``per_chief()``: one row per (chief, tier) with ``required`` and ``done``, for ordering, paging and
      "behind only", computed by the database; ``chief_order()`` its keys, kept;
    - ``chief_rows(keys)``: the :class:`ChiefCompliance` of those chiefs (the rule in Python, with the
      segments not yet patrolled), two queries for a page.

    Making one costs a query (the frequencies).
    """

    def __init__(self, user, *, on=None, region=None, tier=None, behind_only=False):
        self.user = user
        self.region = region
        self.behind_only = behind_only
        self.on = on or periods.local_date()
        self.frequencies = PatrolFrequency.by_tier()
        self.tiers = [tier] if tier else Tier.values()
        self.periods = {t: periods.period_containing(self.frequencies[t][0], self.on) for t in self.tiers}

    @cached_property
    def summary_region(self):
        """The region whose subdivisions the summary is grouped by: the one asked for, else the user's own."""
        return self.region if self.region is not None else landing_region(self.user)

    @property
    def shows_subdivisions(self):
        """A district is shown as a summary per street first; a street or a village as its chiefs."""
        return self.summary_region is not None and self.summary_region.level == RegionLevel.DISTRICT

    def appointments(self, *, with_post_region=False):
        """The current river-chief appointments of the selection (``rivers.selectors.current_appointments``)."""
        appointments = current_appointments(self.user, with_post_region=with_post_region)
        appointments = appointments.filter(role=ChiefRole.CHIEF, tier__in=self.tiers)
        if self.region is not None:
            appointments = appointments.filter(segment__region__in=Region.objects.subtree(self.region).values("pk"))
        return appointments

    def _per_segment(self):
        """The patrols required on each segment of an appointment: its tier's count."""
        return Case(
            *(When(tier=t, then=Value(self.frequencies[t][1])) for t in self.tiers), output_field=IntegerField()
        )

    def _done_here(self):
        """The rule in SQL, for one appointment: its chief's valid patrols on its segment at its tier in the
        tier's period, counted up to the tier's count (extra ones do not make up for another segment)."""
        valid = Case(
            *(
                When(
                    tier=t,
                    then=Subquery(
                        Patrol.objects.filter(
                            chief=OuterRef("chief_id"),
                            segment=OuterRef("segment_id"),
                            tier=t,
                            is_valid=True,
                            started_at__gte=period.start,
                            started_at__lt=period.end,
                        )
                        .order_by()
                        .annotate(patrols=Func(F("pk"), function="COUNT"))
                        .values("patrols")
                    ),
                )
                for t, period in self.periods.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        return Least(Coalesce(valid, Value(0)), self._per_segment())

    def per_chief(self):
        """``{chief_id, tier, required, done}`` per (chief, tier) in the selection, the furthest behind
        first; a queryset (page it), one query."""
        rows = (
            self.appointments()
            .values("chief_id", "tier")
            .annotate(required=Sum(self._per_segment()), done=Sum(self._done_here()))
        )
        if self.behind_only:
            rows = rows.filter(done__lt=F("required"))
        share = Case(
            When(required=0, then=Value(1.0)),
            default=Cast(F("done"), FloatField()) / F("required"),
            output_field=FloatField(),
        )
        return rows.annotate(share=share).order_by("share", "chief__name", "chief_id", "tier")

    def _kept(self, name, compute, *more):
        """``compute()`` kept for this selection (and ``more`` parts) until a patrol, an appointment or a
        rule changes (``wushui.figures``)."""
        parts = (
            name,
            *more,
            scope_key(self.user),
            self.on,
            tuple(self.tiers),
            tuple(sorted(self.frequencies.items())),
            self.region.pk if self.region else None,
            self.behind_only,
        )
        return remembered_figure(parts, compute, depends_on=(REGISTRY, PATROLS))

    def summary(self):
        """The summary below, kept (``_kept``): it reads every appointment of the selection."""
        return self._kept("compliance-summary", self._summary)

    def chief_order(self):
        """The ``(chief id, tier)`` pairs of ``per_chief()`` in its order, kept (``_kept``), so that a
        page of chiefs is a slice of it: the rule is applied to every appointment of the selection
        once per change, not once per page."""
        return self._kept(
            "compliance-chief-order", lambda: [(row["chief_id"], row["tier"]) for row in self.per_chief()]
        )

    def _summary(self):
        """``(rows, total)``: a :class:`SummaryRow` per subdivision of ``summary_region`` in the scope (and
        one for what lies directly in it), and one for the whole selection, where a chief counts once
        and is judged on all their segments. One statement: the rule is applied per appointment once,
        then summed per chief here, per chief overall, and per subdivision."""
        root = self.summary_region
        per_appointment = (
            self.appointments()
            .annotate(
                subdivision=subdivision_of(root, "segment__region") if root else Value(None, IntegerField()),
                per_segment=self._per_segment(),
                done_here=self._done_here(),
            )
            .values("chief_id", "tier", "subdivision", "per_segment", "done_here")
            .order_by()
        )
        sql, params = per_appointment.query.sql_with_params()
        behind = "HAVING SUM(done_here) < SUM(per_segment)" if self.behind_only else ""
        statement = f"""
            WITH per_appointment AS ({sql}),
            per_chief_here AS (
                SELECT chief_id, tier, subdivision, SUM(per_segment) AS required, SUM(done_here) AS done
                FROM per_appointment GROUP BY chief_id, tier, subdivision {behind}
            ),
            per_chief AS (
                SELECT chief_id, tier, SUM(per_segment) AS required, SUM(done_here) AS done
                FROM per_appointment GROUP BY chief_id, tier {behind}
            )
            SELECT 0, subdivision, COUNT(*), SUM(required), SUM(done), SUM(CASE WHEN done < required THEN 1 ELSE 0 END)
            FROM per_chief_here GROUP BY subdivision
            UNION ALL
            SELECT 1, NULL, COUNT(*), SUM(required), SUM(done), SUM(CASE WHEN done < required THEN 1 ELSE 0 END)
            FROM per_chief
        """
        rows = {}
        if root is not None and self.shows_subdivisions:
            rows = {child.pk: SummaryRow(child) for child in Region.objects.restrict(self.user).filter(parent=root)}
        itself = SummaryRow(root, is_subdivision=False)
        total = SummaryRow(None, is_subdivision=False)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            for whole, subdivision, *figures in cursor.fetchall():
                row = total if whole else itself if root and subdivision == root.pk else rows.get(subdivision)
                if row is not None:
                    row.chiefs, row.required, row.done, row.behind = (int(figure or 0) for figure in figures)
        if self.behind_only:
            rows = {pk: row for pk, row in rows.items() if row.chiefs}
        return [*rows.values(), *([itself] if itself.chiefs and rows else [])], total

    def kept_chief_rows(self, keys):
        """:meth:`chief_rows` of a page's ``keys``, kept as the order they come from is (``_kept``)."""
        keys = [tuple(key) for key in keys]
        return self._kept("compliance-chief-rows", lambda: self.chief_rows(keys), tuple(keys))

    def chief_rows(self, keys=None):
        """The :class:`ChiefCompliance` of the (chief id, tier) pairs in ``keys``, in that order (every
        chief of the selection when ``keys`` is None: tests and exports only). Two queries: the chiefs'
        appointments in the selection and one grouped count of their valid patrols per segment."""
        appointments = (
            self.appointments(with_post_region=True).only(*CHIEF_ROW_FIELDS).order_by("chief__name", "segment__code")
        )
        if keys is not None:
            keys = [tuple(key) for key in keys]
            if not keys:
                return []
            appointments = appointments.filter(chief_id__in={chief_id for chief_id, _tier in keys})
        rows = {}
        for appointment in appointments:
            key = (appointment.chief_id, appointment.tier)
            if keys is not None and key not in keys:
                continue
            if key not in rows:
                rows[key] = ChiefCompliance(
                    chief=appointment.chief,
                    tier=appointment.tier,
                    region=post_region(appointment),
                    period=self.periods[appointment.tier],
                    per_segment=self.frequencies[appointment.tier][1],
                )
            rows[key].segments.append(appointment.segment)
        if rows:
            in_period = functools.reduce(
                operator.or_,
                (Q(tier=t, started_at__gte=p.start, started_at__lt=p.end) for t, p in self.periods.items()),
            )
            counts = (
                Patrol.objects.filter(in_period, is_valid=True, chief__in={chief_id for chief_id, _tier in rows})
                .values("chief_id", "tier", "segment_id")
                .annotate(patrols=Count("pk"))
                .order_by()
            )
            for count in counts:
                row = rows.get((count["chief_id"], count["tier"]))
                if row is not None:
                    row.done_by_segment[count["segment_id"]] = count["patrols"]
        if keys is not None:
            return [rows[key] for key in keys if key in rows]
        ordered = sorted(rows.values(), key=lambda row: (row.percent, row.region.code, row.chief.name))
        return [row for row in ordered if row.is_behind] if self.behind_only else ordered


def compliance_report(user, *, on=None, region=None, tier=None, behind_only=False):
    """The compliance of the user's scope (or ``region``): see :class:`ComplianceReport`."""
    return ComplianceReport(user, on=on, region=region, tier=tier, behind_only=behind_only)


class ComplianceForm(forms.Form):
    on = CalendarDateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(
        label=_("Street / village"),
        queryset=Region.objects.none(),
        required=False,
        widget=SearchableChoiceWidget("region-choices"),
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices()], required=False)
    behind_only = forms.BooleanField(label=_("Behind schedule only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user)

    def report_arguments(self):
        data = self.cleaned_data if self.is_bound else {}
        return {
            "on": data.get("on"),
            "region": data.get("region"),
            "tier": data.get("tier") or None,
            "behind_only": data.get("behind_only", False),
        }
