"""Patrol compliance: for each chief, how many valid patrols their tier requires in its period
and how many they did. Three queries whatever the number of chiefs or patrols."""

import functools
import operator
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from inspections.models import Patrol, PatrolFrequency
from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment
from rivers.selectors import post_region
from wushui import periods
from wushui.choices import Tier
from wushui.models import Region
from wushui.widgets import SearchableChoiceWidget


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
class ComplianceReport:
    on: object
    periods: dict  # tier -> Period
    frequencies: dict  # tier -> (period kind, count)
    rows: list

    @property
    def behind(self):
        return [row for row in self.rows if row.is_behind]

    @property
    def percent(self):
        required = sum(row.required for row in self.rows)
        return round(100 * sum(row.done for row in self.rows) / required) if required else 100


def compliance_report(user, *, on=None, region=None, tier=None, behind_only=False):
    on = on or periods.local_date()
    frequencies = PatrolFrequency.by_tier()
    tiers = [tier] if tier else Tier.values()
    periods_by_tier = {t: periods.period_containing(frequencies[t][0], on) for t in tiers}
    appointments = (
        ChiefAppointment.objects.restrict(user)
        .current()
        .filter(role=ChiefRole.CHIEF, tier__in=tiers)
        .select_related("chief", "segment__water_body", "segment__region__parent__parent")
        .order_by("chief__name", "segment__code")
    )
    if region is not None:
        appointments = appointments.filter(segment__region__in=Region.objects.subtree(region).values("pk"))
    rows = {}
    for appointment in appointments:
        key = (appointment.chief_id, appointment.tier)
        if key not in rows:
            rows[key] = ChiefCompliance(
                chief=appointment.chief,
                tier=appointment.tier,
                region=post_region(appointment),
                period=periods_by_tier[appointment.tier],
                per_segment=frequencies[appointment.tier][1],
            )
        rows[key].segments.append(appointment.segment)
    if rows:
        in_period = functools.reduce(
            operator.or_,
            (Q(tier=t, started_at__gte=p.start, started_at__lt=p.end) for t, p in periods_by_tier.items()),
        )
        counts = (
            Patrol.objects.filter(in_period, is_valid=True, chief__in=appointments.values("chief_id"))
            .values("chief_id", "tier", "segment_id")
            .annotate(patrols=Count("pk"))
        )
        for count in counts:
            row = rows.get((count["chief_id"], count["tier"]))
            if row is not None:
                row.done_by_segment[count["segment_id"]] = count["patrols"]
    ordered = sorted(rows.values(), key=lambda row: (row.percent, row.region.code, row.chief.name))
    if behind_only:
        ordered = [row for row in ordered if row.is_behind]
    return ComplianceReport(on=on, periods=periods_by_tier, frequencies=frequencies, rows=ordered)


class ComplianceForm(forms.Form):
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
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
