"""Bad input refused clearly, with the field named, and nothing half-saved."""

import datetime
import os
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from projects import services
from projects.models import AnnualPlan, PlanTarget, ProgressReport, ReportPhoto, ResponsibilityTask, TaskUpdate
from tests.projects.images import jpeg

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def file(pw, month=(2022, 3), investment="10", **extra):
    return services.file_report(
        pw.users.owner,
        pw.project_a,
        services.ReportInput(month=datetime.date(*month, 1), investment=Decimal(investment), **extra),
    )


def refused(field, call, match):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert match in " ".join(caught.value.message_dict[field])


def test_negative_money_is_refused(projects_world):
    refused("investment", lambda: file(projects_world, investment="-1"), "negative")
    assert not ProgressReport.objects.exists()


def test_a_month_reported_twice_is_refused(projects_world):
    file(projects_world)
    refused("month", lambda: file(projects_world, investment="5"), "already reported")
    assert ProgressReport.objects.get().investment == 10


def test_a_future_month_is_refused_and_the_current_one_accepted(projects_world):
    refused("month", lambda: file(projects_world, month=(2022, 6)), "has not begun")
    file(projects_world, month=(2022, 5))


def test_a_month_outside_the_project_or_its_plans_is_refused(projects_world):
    refused("month", lambda: file(projects_world, month=(2021, 12)), "runs from 2022 to 2023")
    refused("month", lambda: file(projects_world, month=(2023, 1)), "has not begun")


def test_a_year_without_a_plan_is_refused(projects_world):
    AnnualPlan.objects.filter(project=projects_world.project_a).delete()
    refused("month", lambda: file(projects_world), "no plan for 2022")


def test_quantities_must_be_the_plans_and_not_negative(projects_world):
    other = PlanTarget.objects.create(plan=projects_world.plan_b, measure="Pipe", unit="km", quantity=3)
    own = PlanTarget.objects.create(plan=projects_world.plan_a, measure="Seawall", unit="km", quantity=3)
    refused("quantities", lambda: file(projects_world, quantities={other.pk: Decimal(1)}), "not one of")
    refused("quantities", lambda: file(projects_world, quantities={own.pk: Decimal(-1)}), "negative")
    assert not ProgressReport.objects.exists()


def test_a_correction_may_not_make_the_cumulative_go_down(projects_world):
    target = PlanTarget.objects.create(plan=projects_world.plan_a, measure="Seawall", unit="km", quantity=3)
    report = file(projects_world, quantities={target.pk: Decimal("1.5")})
    user = projects_world.users.owner
    refused("investment", lambda: services.correct_report(user, report, investment=Decimal(9)), "would go down")
    refused(
        "quantities",
        lambda: services.correct_report(user, report, quantities={target.pk: Decimal(1)}),
        "would go down",
    )
    services.correct_report(user, report, investment=Decimal(12), quantities={target.pk: Decimal(2)})
    projects_world.plan_a.refresh_from_db()
    target.refresh_from_db()
    assert (projects_world.plan_a.completed_investment, target.completed_quantity) == (12, 2)


def stored_files(settings):
    folder = os.path.join(settings.MEDIA_ROOT, "projects")
    return {os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names}


def test_a_refused_report_leaves_no_photo_behind(projects_world, settings, monkeypatch):
    before = stored_files(settings)
    # The photo is written, then the plan's figures fail: the transaction and the file go together.
    monkeypatch.setattr(AnnualPlan, "refresh_completed", lambda plan: 1 / 0)
    photo = SimpleUploadedFile("site.jpg", jpeg(), content_type="image/jpeg")
    with pytest.raises(ZeroDivisionError):
        file(projects_world, photos=[photo])
    assert not ReportPhoto.objects.exists()
    assert not ProgressReport.objects.exists()
    assert stored_files(settings) == before


def test_milestone_dates_out_of_order_are_refused(projects_world):
    services.set_milestone(projects_world.project_a, "start", planned_date=datetime.date(2022, 4, 1))
    refused(
        "planned_date",
        lambda: services.set_milestone(projects_world.project_a, "completion", planned_date=datetime.date(2022, 3, 1)),
        "comes before",
    )


def test_project_years_out_of_order_are_refused(projects_world):
    project = projects_world.project_a
    project.end_year = 2021
    refused("end_year", project.full_clean, "before the first year")


def test_a_plan_above_the_total_investment_is_refused(projects_world):
    plan = AnnualPlan(project=projects_world.project_a, year=2023, investment=Decimal(1001))
    refused("investment", plan.full_clean, "exceeds")


def test_task_dates_out_of_order_are_refused(projects_world):
    task = projects_world.task_b
    task.deadline = datetime.date(2022, 1, 1)
    refused("deadline", task.full_clean, "before the letter was signed")
    user = projects_world.world.users.street_b
    refused(
        "reported_on",
        lambda: services.add_task_update(user, task, reported_on=datetime.date(2022, 6, 1), note="x"),
        "future",
    )
    services.add_task_update(user, task, reported_on=datetime.date(2022, 5, 1), note="Half done", quantity=Decimal(6))
    refused(
        "reported_on",
        lambda: services.add_task_update(user, task, reported_on=datetime.date(2022, 4, 1), note="x"),
        "date order",
    )
    refused(
        "quantity",
        lambda: services.add_task_update(
            user, task, reported_on=datetime.date(2022, 5, 2), note="x", quantity=Decimal(-1)
        ),
        "",
    )
    assert TaskUpdate.objects.count() == 1


def test_task_progress_is_derived_from_its_updates(projects_world):
    task, user = projects_world.task_b, projects_world.world.users.street_b
    services.add_task_update(user, task, reported_on=datetime.date(2022, 4, 10), note="a", quantity=Decimal(5))
    services.add_task_update(
        user, task, reported_on=datetime.date(2022, 5, 20), note="b", quantity=Decimal(8), marks_done=True
    )
    task.refresh_from_db()
    assert (task.done_quantity, task.status, task.completed_on) == (13, "done", datetime.date(2022, 5, 20))
    assert task.completion_rate == 1
    refused(
        "marks_done",
        lambda: services.add_task_update(user, task, reported_on=datetime.date(2022, 5, 21), note="c"),
        "done",
    )


def test_overdue_tasks_are_open_ones_past_their_deadline(projects_world):
    task = projects_world.task_b
    assert not ResponsibilityTask.objects.overdue().exists()
    assert ResponsibilityTask.objects.overdue(datetime.date(2022, 6, 16)).get() == task
    assert not task.is_overdue()
    assert task.is_overdue(datetime.date(2022, 6, 16))


def test_an_enterprise_on_the_closure_list_is_closed_not_remediated(projects_world):
    enterprise, user = projects_world.enterprise_b, projects_world.users.projects_dept
    refused(
        "status",
        lambda: services.record_inspection(
            user, enterprise, inspected_on=datetime.date(2022, 5, 2), passed=True, resolution="remediated"
        ),
        "closed, not remediated",
    )
    services.record_inspection(
        user, enterprise, inspected_on=datetime.date(2022, 5, 2), passed=True, resolution="closed"
    )
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.resolved_on) == ("closed", datetime.date(2022, 5, 2))
    refused(
        "inspected_on",
        lambda: services.record_inspection(user, enterprise, inspected_on=datetime.date(2022, 6, 2), passed=True),
        "future",
    )


def test_a_photo_of_too_many_pixels_or_not_a_photo_is_refused_and_nothing_is_filed(projects_world, settings):
    # The same check as every photo of the portal's (wushui.images): the header's pixels count, not the file's size.
    settings.PATROL_PHOTO_MAX_PIXELS = 1_000_000
    before = stored_files(settings)
    large = SimpleUploadedFile("site.jpg", jpeg(size=(1200, 1000)), content_type="image/jpeg")
    good = SimpleUploadedFile("good.jpg", jpeg(), content_type="image/jpeg")
    refused("photos", lambda: file(projects_world, photos=[good, large]), "Photo 2: The photo has 1 megapixels")
    text = SimpleUploadedFile("site.jpg", b"not a photo", content_type="image/jpeg")
    refused("photos", lambda: file(projects_world, photos=[text]), "Send a JPEG, PNG or WebP photo")
    assert not ProgressReport.objects.exists()
    assert not ReportPhoto.objects.exists()
    assert stored_files(settings) == before
