"""The projects step of ``grow_district`` at a tiny scale: rows the product could have made, with
figures derived as the services derive them."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from projects import selectors
from projects.models import (
    AnnualPlan,
    Enterprise,
    Milestone,
    PlanTarget,
    ProgressReport,
    Project,
    ResponsibilityTask,
)
from projects.services import check_milestone_order

TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        call_command("grow_district", scale=0.01, seed=7, today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_step_grows_in_proportion(grown):
    grown_projects = Project.objects.filter(code__startswith="WZ-P")
    assert grown_projects.count() == 30
    assert ResponsibilityTask.objects.filter(description__contains="：").count() == 20
    assert Enterprise.objects.count() == 40 + 15
    # 24 months, a few not reported.
    assert 30 * 20 <= ProgressReport.objects.filter(project__in=grown_projects).count() <= 30 * 24


def test_reports_keep_the_rules(grown):
    assert not ProgressReport.objects.filter(month__gt=TODAY.replace(day=1)).exists()
    assert not ProgressReport.objects.filter(investment__lt=0).exists()
    for report in ProgressReport.objects.select_related("project")[:200]:
        report.full_clean()


def test_the_stored_figures_are_the_sums_of_the_reports(grown):
    for plan in AnnualPlan.objects.select_related("project"):
        reported = plan.reports().aggregate(total=Sum("investment"))["total"] or Decimal(0)
        assert plan.completed_investment == reported, plan
    for target in PlanTarget.objects.all():
        done = target.reported.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        assert target.completed_quantity == done
    for project in Project.objects.all():
        pending = project.milestones.filter(actual_date__isnull=True).order_by("planned_date").first()
        assert project.next_milestone_due == (pending.planned_date if pending else None)


def test_milestones_and_tasks_keep_their_dates_in_order(grown):
    by_project = {}
    for milestone in Milestone.objects.all():
        by_project.setdefault(milestone.project_id, []).append(milestone)
        assert milestone.actual_date is None or milestone.actual_date <= TODAY
    for milestones in by_project.values():
        check_milestone_order(milestones)
    for task in ResponsibilityTask.objects.select_related("letter"):
        task.full_clean()
        for update in task.updates.all():
            update.full_clean()
    for enterprise in Enterprise.objects.all():
        enterprise.full_clean()


def test_the_summary_reads_the_grown_district(grown):
    summary = selectors.investment_summary(TODAY.year)
    assert summary.total.projects == Project.objects.filter(plans__year=TODAY.year).count()
    assert summary.total.completed > 0
