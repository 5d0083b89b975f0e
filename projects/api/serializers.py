import copy
from decimal import Decimal

from rest_framework import serializers

from projects import services
from projects.choices import MeasureUnit, MilestoneKind, WaterCategory
from projects.models import (
    AnnualPlan,
    Enterprise,
    EnterpriseInspection,
    Milestone,
    PlanTarget,
    ProgressReport,
    Project,
    ResponsibilityTask,
    TaskUpdate,
)
from projects.services import MAX_REPORT_PHOTOS
from wushui.api.base import PortalModelSerializer, ScopedRelatedField
from wushui.choices import RegionLevel
from wushui.models import Region

MONEY = {"max_digits": 12, "decimal_places": 2}
# What a project is, as read and as written.
PROJECT_FIELDS = [
    "code",
    "name",
    "category",
    "subtype",
    "owner_unit",
    "lead_department",
    "streets",
    "location",
    "is_key",
    "total_investment",
    "start_year",
    "end_year",
]


class PlanTargetSerializer(PortalModelSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "measure", "unit", "quantity", "completed_quantity"]


class AnnualPlanSerializer(PortalModelSerializer):
    targets = PlanTargetSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ["year", "investment", "completed_investment", "targets"]


class MilestoneSerializer(PortalModelSerializer):
    class Meta:
        model = Milestone
        fields = ["kind", "planned_date", "actual_date"]


class ProjectSerializer(PortalModelSerializer):
    """A project with its plans and milestones; the figures completed are derived from the reports."""

    plans = AnnualPlanSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            *PROJECT_FIELDS,
            "next_milestone_due",
            "plans",
            "milestones",
        ]
        read_only_fields = fields


class PlanTargetInputSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=60, help_text="What is counted, e.g. 新建污水管网.")
    unit = serializers.ChoiceField(choices=MeasureUnit.choices())
    quantity = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))


class PlanInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2099)
    investment = serializers.DecimalField(**MONEY, min_value=Decimal("0"), help_text="万元")
    targets = PlanTargetInputSerializer(
        many=True,
        required=False,
        help_text="When given, the plan's targets: those not listed go, unless a report counted them.",
    )


class MilestoneInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneKind.choices())
    planned_date = serializers.DateField()
    actual_date = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectWriteSerializer(PortalModelSerializer):
    """A project to create or change, with (optionally) its annual plans and milestones: each plan sent
    is created or replaced by its year, each milestone by its kind; those not sent are kept. Checked
    as the import checks a workbook's rows: the kind of works serves the category, the last year is
    not before the first, money is not negative, the plans lie within the project's years and do not
    add up to more than its total, the milestones' stages run in order."""

    streets = ScopedRelatedField(
        many=True, required=False, queryset=Region.objects.filter(level=RegionLevel.STREET).defer("boundary")
    )
    plans = PlanInputSerializer(many=True, required=False)
    milestones = MilestoneInputSerializer(many=True, required=False)

    class Meta:
        model = Project
        fields = [
            *PROJECT_FIELDS,
            "description",
            "plans",
            "milestones",
        ]
        extra_kwargs = {"total_investment": {"min_value": Decimal("0")}}

    def validate(self, attrs):
        related = {name: attrs.pop(name) for name in ("streets", "plans", "milestones") if name in attrs}
        attrs = super().validate(attrs)
        return {**attrs, **related}

    def save(self, **kwargs):
        data = dict(self.validated_data)
        streets = data.pop("streets", None)
        plans = data.pop("plans", None)
        milestones = data.pop("milestones", None)
        project = copy.copy(self.instance) if self.instance is not None else Project()
        # The plans and milestones read with the project change now: answer with the stored ones.
        project.__dict__.pop("_prefetched_objects_cache", None)
        for name, value in data.items():
            setattr(project, name, value)
        self.instance = services.save_project(
            project,
            streets=streets,
            plans=[
                services.PlanInput(
                    year=row["year"],
                    investment=row["investment"],
                    targets=(
                        [(t["measure"], t["unit"], t["quantity"]) for t in row["targets"]] if "targets" in row else None
                    ),
                )
                for row in plans or []
            ],
            milestones=[services.MilestoneInput(**row) for row in milestones or []],
        )
        return self.instance

    def to_representation(self, instance):
        return ProjectSerializer(instance, context=self.context).data


class QuantityInputSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, help_text="A target of the plan of the month's year.")
    quantity = serializers.DecimalField(**MONEY, min_value=Decimal("0"))


class ReportInputSerializer(serializers.Serializer):
    """A month's report: the month (``YYYY-MM`` or its first day), the investment completed in it
    (万元, not negative) and the quantities done of the year's targets."""

    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])
    investment = serializers.DecimalField(**MONEY)
    quantities = QuantityInputSerializer(many=True, required=False, default=list)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, default=list, max_length=MAX_REPORT_PHOTOS
    )


class CorrectionInputSerializer(serializers.Serializer):
    """A correction of a filed report: any of the month's investment (万元), the quantities done of
    the year's targets and the notes. Figures may be raised, never lowered."""

    investment = serializers.DecimalField(**MONEY, required=False)
    quantities = QuantityInputSerializer(many=True, required=False, default=list)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def validate_quantities(self, rows):
        targets = [row["target"] for row in rows]
        if len(targets) != len(set(targets)):
            raise serializers.ValidationError("A target appears twice.")
        return rows


class ReportQuantitySerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target_id")
    quantity = serializers.DecimalField(**MONEY)


class ProgressReportSerializer(PortalModelSerializer):
    quantities = ReportQuantitySerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "month", "investment", "quantities", "notes", "reported_by", "reported_at"]
        read_only_fields = fields


class FiguresSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    projects = serializers.IntegerField()
    key_projects = serializers.IntegerField()
    plan = serializers.DecimalField(**MONEY)
    completed = serializers.DecimalField(**MONEY)
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    lagging = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    time_percent = serializers.DecimalField(max_digits=8, decimal_places=1)
    margin = serializers.DecimalField(max_digits=4, decimal_places=3)
    total = FiguresSerializer()
    by_category = FiguresSerializer(many=True)
    by_unit = FiguresSerializer(many=True, help_text="The owner units with the largest plans, at most `rows`.")
    more_units = serializers.BooleanField(help_text="Whether units were left out of by_unit.")
    by_street = FiguresSerializer(many=True, help_text="The streets with the largest plans, at most `rows`.")
    more_streets = serializers.BooleanField(help_text="Whether streets were left out of by_street.")


class TaskSerializer(PortalModelSerializer):
    year = serializers.IntegerField(source="letter.year", read_only=True)
    # A task need not serve one water category: blank is documented as the answer may hold it.
    category = serializers.ChoiceField(choices=WaterCategory.choices(), allow_blank=True, read_only=True)

    class Meta:
        model = ResponsibilityTask
        fields = [
            "id",
            "year",
            "description",
            "category",
            "target_quantity",
            "target_unit",
            "done_quantity",
            "deadline",
            "responsible_unit",
            "supporting_units",
            "region",
            "status",
            "completed_on",
        ]
        read_only_fields = fields


class TaskUpdateInputSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    note = serializers.CharField(max_length=4000)
    quantity = serializers.DecimalField(**MONEY, required=False, allow_null=True, default=None)
    marks_done = serializers.BooleanField(required=False, default=False)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class TaskUpdateSerializer(PortalModelSerializer):
    class Meta:
        model = TaskUpdate
        fields = ["id", "task", "reported_on", "quantity", "note", "marks_done", "reported_by"]
        read_only_fields = fields


class EnterpriseSerializer(PortalModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "street",
            "address",
            "plan",
            "deadline",
            "status",
            "resolved_on",
        ]
        read_only_fields = fields


class InspectionInputSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    passed = serializers.BooleanField()
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    resolution = serializers.ChoiceField(
        choices=[("remediated", "remediated"), ("closed", "closed")], required=False, allow_null=True, default=None
    )


class InspectionSerializer(PortalModelSerializer):
    class Meta:
        model = EnterpriseInspection
        fields = ["id", "enterprise", "inspected_on", "inspector", "passed", "notes"]
        read_only_fields = fields
