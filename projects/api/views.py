import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from projects import selectors, services
from projects.access import manages_projects
from projects.api.serializers import (
    CorrectionInputSerializer,
    EnterpriseSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    ProgressReportSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    ReportInputSerializer,
    SummarySerializer,
    TaskSerializer,
    TaskUpdateInputSerializer,
    TaskUpdateSerializer,
)
from projects.filtersets import EnterpriseFilterSet, ProjectFilterSet, TaskFilterSet
from projects.forms import SummaryForm
from projects.models import Enterprise, ProgressReport, Project, ResponsibilityTask
from wushui.api.base import RememberedListMixin, ScopePermission
from wushui.api.parsers import SafeJSONParser
from wushui.figures import PROJECTS
from wushui.scoping import CHANGE, get_in_scope

CORRECTION_EXAMPLE = {
    "investment": "340.00",
    "quantities": [{"target": 7, "quantity": "0.90"}],
    "notes": "管网铺设完成0.9公里（更正）",
}
REPORT_EXAMPLE = {
    "month": "2022-05",
    "investment": "320.50",
    "quantities": [{"target": 7, "quantity": "0.80"}],
    "notes": "管网铺设完成0.8公里",
}


SUMMARY_ROWS = 20
MAX_SUMMARY_ROWS = 500


def summary_rows(request):
    """The ``rows`` parameter of the summary: how many units and streets it lists."""
    value = request.query_params.get("rows")
    if value in (None, ""):
        return SUMMARY_ROWS
    try:
        rows = int(value)
    except ValueError:
        rows = 0
    if not 1 <= rows <= MAX_SUMMARY_ROWS:
        raise ValidationError({"rows": [_("Give a number from 1 to %(max)s.") % {"max": MAX_SUMMARY_ROWS}]})
    return rows


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ScopePermission]

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


PROJECT_EXAMPLE = {
    "code": "WSGZ-2022-001",
    "name": "瓯江标准海塘提升改造工程",
    "category": "flood",
    "subtype": "seawall",
    "owner_unit": 12,
    "lead_department": 3,
    "streets": [5, 6],
    "location": "瓯江口南岸",
    "is_key": True,
    "total_investment": "120000.00",
    "start_year": 2022,
    "end_year": 2025,
    "plans": [
        {
            "year": 2022,
            "investment": "20000.00",
            "targets": [{"measure": "海塘提升", "unit": "km", "quantity": "3.50"}],
        }
    ],
    "milestones": [
        {"kind": "feasibility", "planned_date": "2022-03-31", "actual_date": "2022-03-20"},
        {"kind": "start", "planned_date": "2022-06-30"},
    ],
}
PROJECT_CHANGE_EXAMPLE = {"total_investment": "125000.00", "plans": [{"year": 2023, "investment": "40000.00"}]}
PROJECT_WRITE_DESCRIPTION = (
    "Only the 治水办 (district administrators and officials) and the projects department plan projects: 403 for "
    "anybody else (an owner unit reports on its projects but does not plan them), 404 for a project you do not "
    "see. Checked as the import checks a workbook: 400 naming the field for a kind of works that does not serve "
    "the category, a last year before the first, negative money, a plan outside the project's years or above "
    "its total, plans adding up to more than the total, milestones whose stages run backwards, an actual date "
    "in the future. Plans are set by year and milestones by kind; those not sent are kept. Nothing is written "
    "unless everything is right."
)


@extend_schema_view(
    create=extend_schema(
        request=ProjectWriteSerializer,
        responses={201: ProjectSerializer},
        examples=[OpenApiExample("A seawall project with its first plan", value=PROJECT_EXAMPLE, request_only=True)],
        description="Create a project with its annual plans and milestones. " + PROJECT_WRITE_DESCRIPTION,
    ),
    update=extend_schema(
        request=ProjectWriteSerializer,
        responses={200: ProjectSerializer},
        examples=[OpenApiExample("The whole project again", value=PROJECT_EXAMPLE, request_only=True)],
        description="Replace a project's fields (plans and milestones sent are set). " + PROJECT_WRITE_DESCRIPTION,
    ),
    partial_update=extend_schema(
        request=ProjectWriteSerializer,
        responses={200: ProjectSerializer},
        examples=[
            OpenApiExample("A higher total and next year's plan", value=PROJECT_CHANGE_EXAMPLE, request_only=True)
        ],
        description="Change some of a project's fields, plans or milestones. " + PROJECT_WRITE_DESCRIPTION,
    ),
)
class ProjectViewSet(RememberedListMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet):
    """Five-waters projects in your scope with their plans and milestones; the 治水办 and the projects
    department create and change them, owner units file their monthly reports on their own projects."""

    queryset = (
        Project.objects.select_related("owner_unit", "lead_department")
        .prefetch_related("streets", "plans__targets", "milestones")
        .defer("geometry")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    list_depends_on = (PROJECTS,)
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ProjectWriteSerializer
        return super().get_serializer_class()

    def check_manages_projects(self):
        if not manages_projects(self.request.user):
            raise PermissionDenied(_("Only the 治水办 and the projects department plan projects."))

    def create(self, request, *args, **kwargs):
        self.check_manages_projects()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.get_object()  # 404 outside the view scope before 403
        self.check_manages_projects()
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": ReportInputSerializer, "multipart/form-data": ReportInputSerializer},
        responses={201: ProgressReportSerializer},
        examples=[OpenApiExample("May's report", value=REPORT_EXAMPLE, request_only=True)],
        description=(
            "File the month's report of a project your unit owns. Refused with 400 naming the field: a negative "
            "amount, a month not yet begun, a month already reported, a month outside the project's years or "
            "without a plan, a target of another plan. 403 for a project you see but do not report on."
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=ReportInputSerializer)
    def reports(self, request, pk=None, format=None):
        project = get_in_scope(Project.objects.all(), request.user, CHANGE, pk=pk)
        serializer = ReportInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.file_report(
            request.user,
            project,
            services.ReportInput(
                month=data["month"].replace(day=1),
                investment=data["investment"],
                quantities={row["target"]: row["quantity"] for row in data["quantities"]},
                notes=data["notes"],
                photos=data["photos"],
            ),
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", str, OpenApiParameter.PATH, description="The month reported, YYYY-MM", pattern=r"^\d{4}-\d{2}$"
            ),
        ],
        request=CorrectionInputSerializer,
        responses={200: ProgressReportSerializer},
        examples=[OpenApiExample("May's report corrected", value=CORRECTION_EXAMPLE, request_only=True)],
        description=(
            "Correct the report of a month of a project your unit owns: the investment, the quantities done, "
            "the notes (any of them). Figures already reported may be raised, never lowered (the cumulative of "
            "later months would go down). Refused with 400 naming the field: a negative or lower amount or "
            "quantity, a target of another plan, a month not yet begun. 403 for a project you see but do not "
            "report on; 404 for a month not reported or a project you do not see."
        ),
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"reports/(?P<month>[0-9]{4}-[0-9]{2})",
        url_name="report-correction",
        serializer_class=CorrectionInputSerializer,
    )
    def correct_report(self, request, pk=None, month=None, format=None):
        try:
            first_day = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise Http404 from None
        project = self.get_object()  # 404 outside the view scope (and for an id no row can have)
        report = get_in_scope(ProgressReport.objects.all(), request.user, CHANGE, project=project, month=first_day)
        serializer = CorrectionInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.correct_report(
            request.user,
            report,
            investment=data.get("investment"),
            quantities={row["target"]: row["quantity"] for row in data.get("quantities", [])},
            notes=data.get("notes"),
        )
        return Response(ProgressReportSerializer(report).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="The plan year (default: that of as_of)"),
            OpenApiParameter("as_of", str, description="YYYY-MM-DD, default today"),
            OpenApiParameter(
                "rows",
                int,
                description=f"At most this many owner units and streets, the largest plans first "
                f"(default {SUMMARY_ROWS}, up to {MAX_SUMMARY_ROWS}); the total and the categories cover all.",
            ),
        ],
        responses={200: SummarySerializer},
        description="The year's investment (plan, completed, rate, lagging projects) by water category, owner "
        "unit and street, with the total, for the projects in your scope (and the list's filters).",
    )
    @action(detail=False, methods=["get"], serializer_class=SummarySerializer, filterset_class=None)
    def summary(self, request, format=None):
        form = SummaryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        projects = ProjectFilterSet(
            request.query_params, queryset=Project.objects.restrict(request.user), request=request
        )
        if not projects.is_valid():
            raise ValidationError(projects.errors)
        summary = selectors.investment_summary(
            form.cleaned_data["year"], form.cleaned_data["as_of"], projects.qs, rows=summary_rows(request)
        )
        return Response(SummarySerializer(summary).data)


class TaskViewSet(ReadOnlyScopedViewSet):
    """Responsibility tasks (责任书) in your scope; the responsible unit records progress."""

    queryset = ResponsibilityTask.objects.select_related("letter").prefetch_related("supporting_units")
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": TaskUpdateInputSerializer, "multipart/form-data": TaskUpdateInputSerializer},
        responses={201: TaskUpdateSerializer},
        description="Record progress on a task your unit is responsible for, with its evidence.",
    )
    @action(detail=True, methods=["post"], serializer_class=TaskUpdateInputSerializer)
    def updates(self, request, pk=None, format=None):
        task = get_in_scope(ResponsibilityTask.objects.all(), request.user, CHANGE, pk=pk)
        serializer = TaskUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.add_task_update(request.user, task, **serializer.validated_data)
        return Response(TaskUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class EnterpriseViewSet(ReadOnlyScopedViewSet):
    """Enterprises under remediation in your scope; inspections by the 治水办, departments and streets."""

    queryset = Enterprise.objects.defer("location")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    @extend_schema(request=InspectionInputSerializer, responses={201: InspectionSerializer})
    @action(detail=True, methods=["post"], serializer_class=InspectionInputSerializer)
    def inspections(self, request, pk=None, format=None):
        enterprise = get_in_scope(Enterprise.objects.all(), request.user, CHANGE, pk=pk)
        serializer = InspectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = services.record_inspection(request.user, enterprise, **serializer.validated_data)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)
