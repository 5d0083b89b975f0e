from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from projects import selectors, services
from projects.api.serializers import (
    EnterpriseSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    ProgressReportSerializer,
    ProjectSerializer,
    ReportInputSerializer,
    SummarySerializer,
    TaskSerializer,
    TaskUpdateInputSerializer,
    TaskUpdateSerializer,
)
from projects.filtersets import EnterpriseFilterSet, ProjectFilterSet, TaskFilterSet
from projects.forms import SummaryForm
from projects.models import Enterprise, Project, ResponsibilityTask
from wushui.api.base import ScopePermission
from wushui.api.parsers import SafeJSONParser
from wushui.scoping import CHANGE, get_in_scope

REPORT_EXAMPLE = {
    "month": "2022-05",
    "investment": "320.50",
    "quantities": [{"target": 7, "quantity": "0.80"}],
    "notes": "管网铺设完成0.8公里",
}


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ScopePermission]

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


class ProjectViewSet(ReadOnlyScopedViewSet):
    """Five-waters projects in your scope with their plans and milestones; owner units file their
    monthly reports on their own projects."""

    queryset = (
        Project.objects.select_related("owner_unit", "lead_department")
        .prefetch_related("streets", "plans__targets", "milestones")
        .defer("geometry")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

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
            OpenApiParameter("year", int, description="The plan year (default: that of as_of)"),
            OpenApiParameter("as_of", str, description="YYYY-MM-DD, default today"),
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
        summary = selectors.investment_summary(form.cleaned_data["year"], form.cleaned_data["as_of"], projects.qs)
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
