"""Pages of the five-waters work: projects and their reports, the investment summary, the import,
responsibility tasks and enterprise remediation. Thin: the selectors read, the services decide."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from projects import imports, selectors, services
from projects.access import manages_projects
from projects.filtersets import EnterpriseFilterSet, ProjectFilterSet, TaskFilterSet
from projects.forms import (
    CorrectionForm,
    ImportForm,
    InspectionForm,
    MilestoneForm,
    ReportForm,
    SummaryForm,
    TaskUpdateForm,
)
from projects.models import Enterprise, ProgressReport, Project, ReportPhoto, ResponsibilityTask, TaskUpdate
from wushui import periods
from wushui.files import private_file_response
from wushui.generic import PrivateFileView, ScopedDetailView, ScopedListView, ScopedMixin
from wushui.scoping import CHANGE, VIEW, get_in_scope

# The unit and street tables beside the project list and on the summary page show the largest plans;
# the pages of every unit and every street show the rest, a page at a time.
LIST_SUMMARY_ROWS = 10
SUMMARY_ROWS = 20
GROUP_PAGE_ROWS = 50


def apply_errors(form, error):
    """A service's refusal shown on the form's fields (or the whole form)."""
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


class ProjectListView(ScopedListView):
    """Projects with their year's plan and progress a page at a time, and the totals of the filtered
    projects by water category, owner unit and street."""

    model = Project
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"

    def get_base_queryset(self):
        return Project.objects.select_related("owner_unit").defer("geometry", "description")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = periods.local_date()
        selectors.attach_year_figures(context["object_list"], today.year, today)
        if self.filterset.is_bound and not self.filterset.is_valid():
            context["summary"] = None
            return context
        if self.filterset.is_bound:
            summary = selectors.investment_summary(today.year, today, self.filterset.qs, rows=LIST_SUMMARY_ROWS)
        else:
            summary = selectors.scope_investment_summary(self.request.user, today.year, today, rows=LIST_SUMMARY_ROWS)
        context["summary"] = summary
        context["top_units"] = summary.by_unit
        context["top_streets"] = summary.by_street
        context["may_import"] = manages_projects(self.request.user)
        return context


class ProjectDetailView(ScopedDetailView):
    """A project, its year's progress month by month (with the chart), targets, milestones and reports."""

    model = Project
    template_name = "projects/project_detail.html"

    def get_base_queryset(self):
        return Project.objects.select_related("owner_unit", "lead_department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        form = SummaryForm(self.request.GET or None)
        year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else periods.local_date().year
        figures = selectors.project_progress(project, year)
        context.update(
            figures=figures,
            year=year,
            years=list(project.plans.values_list("year", flat=True)),
            streets=list(project.streets.values_list("name", flat=True)),
            milestones=list(project.milestones.order_by("planned_date")),
            chart=figures.chart(),
            may_report=Project.objects.restrict(self.request.user, CHANGE).filter(pk=project.pk).exists(),
            milestone_form=MilestoneForm(),
        )
        return context


class ReportCreateView(ScopedMixin, FormView):
    """An owner unit files a month's report: 404 outside the view scope, 403 for another unit's project."""

    template_name = "projects/report_form.html"
    form_class = ReportForm

    def check_access(self, request, *args, **kwargs):
        self.project = get_in_scope(Project.objects.all(), request.user, CHANGE, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        return {"month": f"{periods.local_date():%Y-%m}"}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "project": self.project}

    def form_valid(self, form):
        data = services.ReportInput(
            month=form.cleaned_data["month"],
            investment=form.cleaned_data["investment"],
            quantities=form.quantities(),
            notes=form.cleaned_data["notes"],
            photos=form.cleaned_data["photos"],
        )
        try:
            report = services.file_report(self.request.user, self.project, data)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The report of %(month)s is filed.") % {"month": f"{report.month:%Y-%m}"})
        # Back to the project's page for the year reported.
        return redirect(f"{self.project.get_absolute_url()}?year={report.month.year}#progress")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportCorrectView(ScopedMixin, FormView):
    """The owner unit corrects a filed report (raising its figures, never lowering them): 404 outside
    the view scope, 403 for a report the user sees but does not report on."""

    template_name = "projects/report_correct.html"
    form_class = CorrectionForm

    def check_access(self, request, *args, **kwargs):
        self.report = get_in_scope(
            ProgressReport.objects.select_related("project"), request.user, CHANGE, pk=kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "report": self.report}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "report": self.report, "project": self.report.project}

    def form_valid(self, form):
        try:
            report = services.correct_report(
                self.request.user,
                self.report,
                investment=form.cleaned_data["investment"],
                quantities=form.quantities(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The report of %(month)s is corrected.") % {"month": f"{report.month:%Y-%m}"})
        return redirect(f"{report.project.get_absolute_url()}?year={report.month.year}#report-{report.month:%Y-%m}")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MilestoneUpdateView(ScopedMixin, View):
    """Plan a milestone or record the day it was reached (the project's change scope)."""

    def post(self, request, pk):
        project = get_in_scope(Project.objects.all(), request.user, CHANGE, pk=pk)
        form = MilestoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["planned_date"] and not manages_projects(request.user):
                raise PermissionDenied(_("Only the 治水办 and the projects department plan milestones."))
            try:
                services.set_milestone(
                    project, data["kind"], planned_date=data["planned_date"], actual_date=data["actual_date"]
                )
                messages.success(request, _("The milestone is saved."))
            except ValidationError as error:
                messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        else:
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(project.get_absolute_url() + "#milestones")


class ReportPhotoFileView(PrivateFileView):
    """A monthly report's photo, to those who may see its project."""

    model = ReportPhoto


class InvestmentSummaryView(LoginRequiredMixin, TemplateView):
    """The year's investment (plan, completed, rate, lagging) by water category, owner unit and street,
    with the district total, as of a day: the figures the speech quotes."""

    template_name = "projects/investment_summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SummaryForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            context["summary"] = None
            return context
        data = form.cleaned_data if form.is_bound else {"year": periods.local_date().year, "as_of": None}
        context["summary"] = selectors.scope_investment_summary(
            self.request.user, data["year"], data["as_of"], rows=SUMMARY_ROWS
        )
        context["query"] = self.request.GET.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["summary"] is None:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class GroupTableView(LoginRequiredMixin, TemplateView):
    """Every owner unit's or every street's figures of the summary, a page at a time, with the district
    total from the same selector."""

    template_name = "projects/summary_group.html"
    group = "unit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SummaryForm(self.request.GET or None)
        context.update(form=form, group=self.group)
        if form.is_bound and not form.is_valid():
            context["summary"] = None
            return context
        data = form.cleaned_data if form.is_bound else {"year": periods.local_date().year, "as_of": None}
        projects = Project.objects.restrict(self.request.user)
        summary = selectors.scope_investment_summary(
            self.request.user, data["year"], data["as_of"], by_unit=False, by_street=False
        )
        table = selectors.group_table(summary.year, summary.as_of, projects, self.group)
        try:
            page = Paginator(table, GROUP_PAGE_ROWS).page(self.request.GET.get("page") or 1)
        except (InvalidPage, ValueError):
            raise Http404(_("No such page.")) from None
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            summary=summary,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            rows=page.object_list,
            query_without_page=query.urlencode(),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["summary"] is None:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class ManagersOnlyMixin(ScopedMixin):
    def check_access(self, request, *args, **kwargs):
        if not manages_projects(request.user):
            raise PermissionDenied(_("Only the 治水办 and the projects department import projects."))


class ImportView(ManagersOnlyMixin, FormView):
    """Projects and their plans from a workbook: all rows or none, with a report per row."""

    template_name = "projects/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        result = imports.import_workbook(form.cleaned_data["workbook"])
        if result.ok:
            messages.success(
                self.request,
                _("Imported %(projects)s projects and %(plans)s plans.")
                % {"projects": result.projects, "plans": result.plans},
            )
            return redirect("projects:project_list")
        return self.render_to_response(self.get_context_data(form=form, result=result), status=400)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportTemplateView(ManagersOnlyMixin, View):
    def get(self, request):
        response = HttpResponse(
            imports.template_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename=projects-template.xlsx"
        return response


# --- Responsibility tasks -------------------------------------------------------------------------------


class TaskListView(ScopedListView):
    model = ResponsibilityTask
    filterset_class = TaskFilterSet
    template_name = "projects/task_list.html"

    def get_base_queryset(self):
        return ResponsibilityTask.objects.select_related("responsible_unit", "letter", "region").defer(
            "region__boundary"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = periods.local_date()
        valid = not (self.filterset.is_bound and not self.filterset.is_valid())
        context["figures"] = selectors.task_figures(self.filterset.qs) if valid else None
        return context


class TaskDetailView(ScopedDetailView):
    model = ResponsibilityTask
    template_name = "projects/task_detail.html"

    def get_base_queryset(self):
        return ResponsibilityTask.objects.select_related("responsible_unit", "letter__unit", "region").defer(
            "region__boundary"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        context.update(
            updates=list(task.updates.select_related("reported_by")),
            supporting=list(task.supporting_units.values_list("name", flat=True)),
            may_update=ResponsibilityTask.objects.restrict(self.request.user, CHANGE).filter(pk=task.pk).exists(),
            form=kwargs.get("form") or TaskUpdateForm(),
            today=periods.local_date(),
        )
        return context

    def post(self, request, pk):
        task = get_in_scope(ResponsibilityTask.objects.all(), request.user, CHANGE, pk=pk)
        self.object = task
        form = TaskUpdateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_task_update(request.user, task, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The progress is recorded."))
                return redirect(task.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TaskEvidenceView(ScopedMixin, View):
    def get(self, request, pk):
        update = get_in_scope(TaskUpdate.objects.all(), request.user, VIEW, pk=pk)
        return private_file_response(update.evidence, download_name=update.evidence_name or None)


# --- Enterprises ----------------------------------------------------------------------------------------


class EnterpriseListView(ScopedListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    template_name = "projects/enterprise_list.html"

    def get_base_queryset(self):
        return Enterprise.objects.select_related("street").defer("street__boundary", "location")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = periods.local_date()
        valid = not (self.filterset.is_bound and not self.filterset.is_valid())
        context["counts"] = selectors.enterprise_counts(self.filterset.qs) if valid else None
        return context


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "projects/enterprise_detail.html"

    def get_base_queryset(self):
        return Enterprise.objects.select_related("street").defer("street__boundary")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        context.update(
            inspections=list(enterprise.inspections.select_related("inspector")),
            may_inspect=Enterprise.objects.restrict(self.request.user, CHANGE).filter(pk=enterprise.pk).exists(),
            form=kwargs.get("form") or InspectionForm(),
            today=periods.local_date(),
        )
        return context

    def post(self, request, pk):
        enterprise = get_in_scope(Enterprise.objects.all(), request.user, CHANGE, pk=pk)
        self.object = enterprise
        form = InspectionForm(request.POST)
        if form.is_valid():
            try:
                services.record_inspection(request.user, enterprise, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The inspection is recorded."))
                return redirect(enterprise.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)
