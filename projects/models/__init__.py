"""Projects and their plans and reports (``projects``), responsibility letters (``tasks``), enterprise
remediation (``enterprises``)."""

from projects.models.enterprises import Enterprise, EnterpriseInspection
from projects.models.projects import (
    AnnualPlan,
    Milestone,
    PlanTarget,
    ProgressReport,
    ProgressRules,
    Project,
    ReportPhoto,
    ReportQuantity,
)
from projects.models.tasks import ResponsibilityLetter, ResponsibilityTask, TaskUpdate

__all__ = [
    "AnnualPlan",
    "Enterprise",
    "EnterpriseInspection",
    "Milestone",
    "PlanTarget",
    "ProgressReport",
    "ProgressRules",
    "Project",
    "ReportPhoto",
    "ReportQuantity",
    "ResponsibilityLetter",
    "ResponsibilityTask",
    "TaskUpdate",
]
