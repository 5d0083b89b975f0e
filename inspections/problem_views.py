"""Problem pages: "my work" (待办), the list, a problem with its map, photos, timeline and the
transitions the user may make (htmx forms, plain forms without JavaScript), the photos, and the
rates per street and per unit."""

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, EmptyResultSet, PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Count, F, Prefetch
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from inspections import problems, selectors, workflow
from inspections.api.problem_serializers import TRANSITION_INPUTS, service_arguments
from inspections.choices import CloseReason, PhotoStage, ProblemStatus
from inspections.filtersets import ProblemFilterSet
from inspections.models import Problem, ProblemEvent, ProblemPhoto
from inspections.models.problems import DUE_FIRST, RECENT_FIRST
from rivers.maps import segment_features
from wushui import keyset, periods
from wushui.filtersets import CalendarDateField
from wushui.generic import PrivateFileView, ScopedDetailView, ScopedKeysetListView, ScopedMixin
from wushui.maps import feature
from wushui.models import Unit, attach_users
from wushui.scoping import VIEW, get_in_scope

LIST_RELATED = ("segment__water_body", "segment__region", "assignee_unit", "assignee_chief")
# The people a problem's detail names: read apart from it, in one query (``attach_users``).
PEOPLE = ("assignee_chief", "assigned_by", "reported_by")
# What a table of problems shows of each row (the list and my work); the rest is not read.
LIST_FIELDS = (
    "created_at",
    "status",
    "category",
    "urgency",
    "level",
    "completion_due",
    "segment__name",
    "segment__water_body__name",
    "segment__region__name",
    "assignee_unit__name",
    "assignee_chief__name",
    "assignee_chief__username",
)


def listed(queryset):
    """What a table of problems reads: its related names, nothing else."""
    return queryset.select_related(*LIST_RELATED).only(*LIST_FIELDS)


def capped_counts(queryset, field, values, cap):
    """``{value: rows of queryset with field = value, counting no further than cap}``.

    A narrowed queryset (a street's scope, a filter) is first counted in one grouped query over at most
    ``cap × len(values)`` rows: when it holds fewer, that read them all, so each count is exact, in one
    plan. Otherwise, and at once for a whole table (which a grouped count would only find capped), one
    counted subquery per value in one statement, each stopping at ``cap`` rows (an index on the field
    serves it); planning a street's scope predicate once per value costs more than reading it."""
    bound = cap * len(values)
    try:
        with connections[queryset.db].cursor() as cursor:
            if queryset.query.where:
                grouped = queryset.order_by().annotate(counted_value=F(field)).values("counted_value")[:bound]
                sql, params = grouped.query.sql_with_params()
                cursor.execute(f"SELECT counted_value, COUNT(*) FROM ({sql}) grouped GROUP BY counted_value", params)
                counts = dict(cursor.fetchall())
                if sum(counts.values()) < bound:
                    return {value: min(counts.get(value, 0), cap) for value in values}
            # Built only when needed: compiling a subquery per value costs as much as the grouped count.
            parts, part_params = [], []
            for number, value in enumerate(values):
                part_sql, subquery_params = (
                    queryset.filter(**{field: value}).order_by().values("pk")[:cap].query.sql_with_params()
                )
                parts.append(f"(SELECT COUNT(*) FROM ({part_sql}) counted_{number})")
                part_params.extend(subquery_params)
            cursor.execute("SELECT " + ", ".join(parts), part_params)
            return dict(zip(values, cursor.fetchone(), strict=True))
    except EmptyResultSet:  # a queryset that can match nothing (an empty scope)
        return dict.fromkeys(values, 0)


class ProblemListView(ScopedKeysetListView):
    """Problems newest first, paged by keyset, with the filters and a count per state."""

    model = Problem
    filterset_class = ProblemFilterSet
    template_name = "inspections/problem_list.html"
    keyset_ordering = RECENT_FIRST

    def get_base_queryset(self):
        return listed(Problem.objects.all())

    def count_rows(self, page):
        # Each state counted up to the list's own limit, so that no count reads a whole district's year;
        # the list's count is their sum (more than the limit as soon as one state is).
        self.state_counts = capped_counts(self.object_list, "status", ProblemStatus.values(), self.count_limit + 1)
        return sum(self.state_counts.values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limit, counts = self.count_limit, self.state_counts
        query = self.request.GET.copy()
        query.pop("cursor", None)
        query.pop("status", None)
        context["query_without_status"] = query.urlencode()
        context["state_counts"] = [
            (status, label, min(counts[status], limit), counts[status] > limit)
            for status, label in ProblemStatus.choices()
        ]
        context["now"] = timezone.now()
        return context


class MyWorkView(LoginRequiredMixin, TemplateView):
    """What the user owes (待办): the problems on which a duty of theirs waits, per duty with its
    count, soonest deadline first, a page at a time."""

    template_name = "inspections/my_work.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        duties = [t for t in workflow.TRANSITION_LIST if t.duty]
        conditions = {t.name: workflow.transition_q(user, t.name, now) for t in duties}
        conditions = {name: q for name, q in conditions.items() if q is not None}
        scoped = Problem.objects.restrict(user)
        counts = (
            scoped.filter(status__in=ProblemStatus.OPEN).aggregate(
                **{name: Count("pk", filter=q) for name, q in conditions.items()}
            )
            if conditions
            else {}
        )
        context["sections"] = [
            {"transition": t, "count": counts.get(t.name, 0) if t.name in conditions else None} for t in duties
        ]
        # Without a choice, the first duty with something waiting; nothing when nothing waits.
        task = self.request.GET.get("task") or next((name for name in conditions if counts.get(name)), None)
        if task is not None and task not in conditions:
            raise BadRequest(_("No such task."))
        context["task"] = task
        context["now"] = now
        if task is None:
            context["rows"] = []
            return context
        rows = listed(scoped.filter(conditions[task], completion_due__isnull=False))
        try:
            page = keyset.paginate(rows, DUE_FIRST, self.request.GET.get("cursor"), self.paginate_by)
        except keyset.InvalidCursor:
            raise BadRequest(_("This page link is not valid; start again from the first page.")) from None
        context["page_obj"], context["rows"] = page, page.object_list
        context["query_without_cursor"] = f"task={task}"
        return context


class ProblemDetailView(ScopedDetailView):
    """A problem: its map, photos before and after, timeline, and the transitions the user may make."""

    model = Problem
    template_name = "inspections/problem_detail.html"

    def get_base_queryset(self):
        # The segment's line draws the map; the shapes of its water body and regions stay in the
        # database, and the problem merged into is only linked to (its id). The people come apart
        # (detail_context).
        return (
            Problem.objects.select_related("segment__water_body", "segment__region", "street", "assignee_unit")
            .defer("segment__water_body__geometry", "segment__region__boundary", "street__boundary")
            .prefetch_related("photos", Prefetch("events", queryset=ProblemEvent.objects.select_related("actor")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


def detail_context(request, problem, *, failed=None, errors=None, message=""):
    """What the detail page shows besides the problem; ``failed`` names the transition whose form
    comes back with ``errors`` (field → messages) or ``message``."""
    user = request.user
    attach_users([problem], *PEOPLE)
    allowed = workflow.allowed_transitions(user, problem)
    features = segment_features([problem.segment])
    if problem.location:
        features["features"].append(feature(problem.location, name=str(problem), colour="red", kind="problem"))
    photos = list(problem.photos.all())
    finding = getattr(problem, "finding", None) if problem.source == "patrol" else None
    first_alert = (
        problem.alerts.select_related("alert__station").order_by("pk").first() if problem.source == "system" else None
    )
    context = {
        "problem": problem,
        "map_features": features,
        "before_photos": [p for p in photos if p.stage == PhotoStage.BEFORE],
        "after_photos": [p for p in photos if p.stage == PhotoStage.AFTER],
        "patrol_photos": list(finding.photos.all()) if finding else [],
        "finding": finding,
        "alert_station": first_alert.alert.station if first_alert else None,
        "alert_count": problem.alerts.count() if first_alert else 0,
        "allowed": allowed,
        "failed": failed,
        "errors": errors or {},
        "action_message": message,
        "now": timezone.now(),
        "close_reasons": CloseReason.choices(),
        "posted": request.POST if failed else {},
    }
    names = {transition.name for transition in allowed}
    if "assign" in names:
        context["assignable_units"] = Unit.objects.restrict(user).order_by("kind", "name")
        context["assignable_chiefs"] = problems.assignable_chiefs(user, problem)
        default_due = problem.completion_due or timezone.now() + datetime.timedelta(days=7)
        context["default_due"] = periods.local_date(default_due)
    if "merge" in names:
        context["merge_candidates"] = (
            Problem.objects.restrict(user)
            .filter(segment_id=problem.segment_id, status__in=ProblemStatus.OPEN)
            .exclude(pk=problem.pk)
            .only("pk", "category", "created_at", "status")[:20]
        )
    return context


class ProblemTransitionView(ScopedMixin, View):
    """One transition, posted from the detail page's form: 404 outside the view scope, 403 with the
    reason when the user may not make it, 400 with the fields named, 409 when another won."""

    def post(self, request, pk, transition):
        problem = get_in_scope(ProblemDetailView().get_base_queryset(), request.user, VIEW, pk=pk)
        if transition not in workflow.TRANSITIONS:
            raise BadRequest(_("No such transition."))
        name = transition
        serializer = TRANSITION_INPUTS[name][0](data=_form_data(request), context={"request": request})
        try:
            # Refused (403) before the form's fields are judged, as the API does.
            problems.check_allowed(request.user, problem, name)
            if not serializer.is_valid():
                return self.refused(request, problem, name, 400, errors=serializer.errors)
            problems.SERVICES[name](problem, request.user, **service_arguments(name, serializer.validated_data))
        except PermissionDenied as error:
            return self.refused(request, problem, name, 403, message=str(error))
        except ValidationError as error:
            return self.refused(request, problem, name, 400, errors=error.message_dict)
        except problems.TransitionConflict as error:
            return self.refused(request, problem, name, 409, message=str(error))
        return HttpResponseRedirect(problem.get_absolute_url())

    def refused(self, request, problem, name, status, *, errors=None, message=""):
        from django.template.response import TemplateResponse

        problem = ProblemDetailView().get_base_queryset().get(pk=problem.pk)
        context = {"object": problem, **detail_context(request, problem, failed=name, errors=errors, message=message)}
        return TemplateResponse(request, "inspections/problem_detail.html", context, status=status)


def _form_data(request):
    """The posted fields with the files, as the serializers read them (``photos`` may repeat)."""
    data = request.POST.copy()
    for key in request.FILES:
        data.setlist(key, request.FILES.getlist(key))
    for key in ("assignee_unit", "assignee_chief", "due", "duplicate_of"):
        # An empty choice in a form is "none", as null is in JSON.
        if key in data and data[key] == "":
            del data[key]
    return data


class ProblemPhotoFileView(PrivateFileView):
    """A problem photo, to those who may see its problem."""

    model = ProblemPhoto


class RatesForm(forms.Form):
    period = forms.ChoiceField(
        choices=[(periods.MONTH, _("month")), (periods.QUARTER, _("quarter")), (periods.YEAR, _("year"))],
        required=False,
        label=_("Period"),
    )
    day = CalendarDateField(required=False, label=_("Containing the day"))

    def period_value(self):
        kind = self.cleaned_data.get("period") or periods.MONTH
        return periods.period_containing(kind, self.cleaned_data.get("day") or timezone.localdate())


class ProblemRatesView(LoginRequiredMixin, TemplateView):
    """Closure rate, on-time rate and average handling time per street and per unit, for a month,
    quarter or year (``inspections.selectors.problem_rates``, which the dashboard reuses)."""

    template_name = "inspections/problem_rates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RatesForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            context["period"] = None
            return context
        if not form.is_bound:
            form.cleaned_data = {}
        period = form.period_value()
        context["period"] = period
        for by in (selectors.BY_STREET, selectors.BY_UNIT):
            context[f"by_{by}"] = selectors.problem_rates(self.request.user, by=by, start=period.start, end=period.end)
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["period"] is None:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
