"""Projects created and changed through the API (and the service beneath it), with their annual plans
and milestones: checked as the import checks a workbook, nothing half-saved, managers only."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import AnnualPlan, Milestone, PlanTarget, Project

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def body(pw, **changes):
    data = {
        "code": "P-NEW",
        "name": "East dredging",
        "category": "sewage",
        "subtype": "dredging",
        "owner_unit": pw.owner_unit.pk,
        "lead_department": pw.water_bureau.pk,
        "streets": [pw.world.street_a.pk, pw.world.street_b.pk],
        "is_key": True,
        "total_investment": "900",
        "start_year": 2022,
        "end_year": 2023,
        "plans": [
            {
                "year": 2022,
                "investment": "300",
                "targets": [{"measure": "Dredged", "unit": "wan_m3", "quantity": "12"}],
            },
            {"year": 2023, "investment": "600"},
        ],
        "milestones": [
            {"kind": "feasibility", "planned_date": "2022-02-01", "actual_date": "2022-02-10"},
            {"kind": "start", "planned_date": "2022-07-01"},
            {"kind": "completion", "planned_date": "2023-10-01"},
        ],
    }
    data.update(changes)
    return data


def rows():
    """Every row a refused write must leave as it was."""
    return (
        list(
            Project.objects.order_by("code").values_list("code", "name", "total_investment", "start_year", "end_year")
        ),
        list(AnnualPlan.objects.order_by("project", "year").values_list("project__code", "year", "investment")),
        list(PlanTarget.objects.order_by("pk").values_list("plan_id", "measure", "quantity")),
        list(Milestone.objects.order_by("pk").values_list("project_id", "kind", "planned_date", "actual_date")),
        sorted(Project.streets.through.objects.values_list("project_id", "region_id")),
    )


def post(client, data):
    return client.post(reverse("project-list"), data, content_type="application/json")


def patch(client, project, data, method="patch"):
    url = reverse("project-detail", args=[project.pk])
    return getattr(client, method)(url, data, content_type="application/json")


# --- Through the API ----------------------------------------------------------------------------------


def test_the_projects_department_creates_a_project_with_its_plans_and_milestones(client, projects_world):
    pw = projects_world
    client.force_login(pw.users.projects_dept)
    response = post(client, body(pw))
    assert response.status_code == 201, response.content
    created = response.json()
    project = Project.objects.get(code="P-NEW")
    assert created["id"] == project.pk
    assert [(p["year"], p["investment"]) for p in created["plans"]] == [(2022, "300.00"), (2023, "600.00")]
    assert created["plans"][0]["targets"][0]["quantity"] == "12.00"
    assert sorted(created["streets"]) == sorted([pw.world.street_a.pk, pw.world.street_b.pk])
    # The next milestone due is derived: the start (the feasibility study is done).
    assert created["next_milestone_due"] == "2022-07-01"
    summary = client.get(reverse("project-summary"), {"year": 2022}).json()
    assert summary["total"]["plan"] == "1300.00"  # 500 + 500 + 300


def test_a_district_administrator_changes_a_project_and_sets_next_years_plan(client, projects_world):
    pw = projects_world
    client.force_login(pw.world.users.admin)
    response = patch(
        client,
        pw.project_a,
        {"total_investment": "1200", "name": "Seawall A, raised", "plans": [{"year": 2023, "investment": "700"}]},
    )
    assert response.status_code == 200, response.content
    pw.project_a.refresh_from_db()
    assert (pw.project_a.name, pw.project_a.total_investment) == ("Seawall A, raised", 1200)
    # 2022's plan is kept, 2023's added.
    assert dict(pw.project_a.plans.values_list("year", "investment")) == {2022: 500, 2023: 700}
    assert [p["year"] for p in response.json()["plans"]] == [2022, 2023]


def test_a_put_replaces_the_fields_and_the_plans_sent(client, projects_world):
    pw = projects_world
    client.force_login(pw.world.users.official)
    data = body(pw, code="P-A", plans=[{"year": 2022, "investment": "450"}], milestones=[])
    assert patch(client, pw.project_a, data, method="put").status_code == 200
    pw.project_a.refresh_from_db()
    assert (pw.project_a.name, pw.project_a.category, pw.project_a.subtype) == ("East dredging", "sewage", "dredging")
    assert dict(pw.project_a.plans.values_list("year", "investment")) == {2022: 450}


def test_targets_sent_replace_those_not_reported_on(client, projects_world):
    pw = projects_world
    reported = PlanTarget.objects.create(plan=pw.plan_a, measure="Seawall", unit="km", quantity=2)
    PlanTarget.objects.create(plan=pw.plan_a, measure="Gates", unit="count", quantity=4)
    services.file_report(
        pw.users.owner,
        pw.project_a,
        services.ReportInput(month=datetime.date(2022, 4, 1), investment=Decimal(5), quantities={reported.pk: 1}),
    )
    client.force_login(pw.users.projects_dept)
    targets = [{"measure": "Pumps", "unit": "count", "quantity": "3"}]
    assert (
        patch(client, pw.project_a, {"plans": [{"year": 2022, "investment": "500", "targets": targets}]}).status_code
        == 200
    )
    assert sorted(pw.plan_a.targets.values_list("measure", flat=True)) == ["Pumps", "Seawall"]
    pw.plan_a.refresh_from_db()
    assert pw.plan_a.completed_investment == 5


@pytest.mark.parametrize(
    ("changes", "field", "match"),
    [
        ({"subtype": "seawall"}, "subtype", "do not serve"),
        ({"end_year": 2021}, "end_year", "before the first year"),
        ({"total_investment": "-1"}, "total_investment", ""),
        ({"total_investment": "lots"}, "total_investment", ""),
        ({"category": "rain"}, "category", ""),
        ({"code": "P-A"}, "code", ""),
        ({"owner_unit": 999999}, "owner_unit", ""),
        ({"streets": ["x"]}, "streets", ""),
        ({"start_year": 1999}, "start_year", ""),
        ({"plans": [{"year": 2022, "investment": "-5"}]}, "plans", ""),
        ({"plans": [{"year": 2024, "investment": "5"}]}, "plans", "runs from 2022 to 2023"),
        ({"plans": [{"year": 2022, "investment": "950"}]}, "plans", "exceeds"),
        ({"plans": [{"year": 2022, "investment": "500"}, {"year": 2023, "investment": "500"}]}, "plans", "add up"),
        ({"plans": [{"year": 2022, "investment": "5"}, {"year": 2022, "investment": "6"}]}, "plans", "twice"),
        (
            {
                "plans": [
                    {"year": 2022, "investment": "5", "targets": [{"measure": "x", "unit": "km", "quantity": "0"}]}
                ]
            },
            "plans",
            "",
        ),
        ({"milestones": [{"kind": "start", "planned_date": "2022-13-01"}]}, "milestones", ""),
        (
            {"milestones": [{"kind": "start", "planned_date": "2022-05-01", "actual_date": "2022-06-02"}]},
            "milestones",
            "future",
        ),
        (
            {
                "milestones": [
                    {"kind": "start", "planned_date": "2022-09-01"},
                    {"kind": "completion", "planned_date": "2022-08-01"},
                ]
            },
            "milestones",
            "comes before",
        ),
        ({"milestones": [{"kind": "opening", "planned_date": "2022-09-01"}]}, "milestones", ""),
    ],
)
def test_a_bad_project_is_400_naming_the_field_and_nothing_is_saved(client, projects_world, changes, field, match):
    client.force_login(projects_world.users.projects_dept)
    before = rows()
    response = post(client, body(projects_world, **changes))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"], error
    assert match in " ".join(map(str, error["fields"][field])), error
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "field", "match"),
    [
        ({"end_year": 2022}, "end_year", "plan for 2023"),
        ({"total_investment": "400"}, "total_investment", "add up"),
        ({"milestones": [{"kind": "completion", "planned_date": "2022-03-01"}]}, "milestones", "comes before"),
    ],
)
def test_a_change_that_breaks_what_is_stored_is_refused(client, projects_world, changes, field, match):
    pw = projects_world
    AnnualPlan.objects.create(project=pw.project_a, year=2023, investment=300)
    services.set_milestone(pw.project_a, "start", planned_date=datetime.date(2022, 4, 1))
    client.force_login(pw.users.projects_dept)
    before = rows()
    response = patch(client, pw.project_a, changes)
    assert response.status_code == 400, response.content
    assert match in " ".join(response.json()["error"]["fields"][field])
    assert rows() == before


def test_only_those_who_manage_projects_create_and_change_them(client, projects_world):
    pw = projects_world
    before = rows()
    client.force_login(pw.users.owner)  # an owner unit reports on its project A but does not plan it
    response = post(client, body(pw))
    assert response.status_code == 403
    assert "治水办" in response.json()["error"]["message"]
    assert patch(client, pw.project_a, {"name": "Mine"}).status_code == 403
    client.force_login(pw.world.users.street_a)  # sees project A, not project B
    assert patch(client, pw.project_a, {"name": "Ours"}).status_code == 403
    assert patch(client, pw.project_b, {"name": "Ours"}).status_code == 404
    assert post(client, body(pw)).status_code == 403
    client.logout()
    assert post(client, body(pw)).status_code in (401, 403)
    assert rows() == before


# --- The service --------------------------------------------------------------------------------------


def test_the_service_checks_everything_before_writing(projects_world):
    pw = projects_world
    project = Project(
        code="P-S",
        name="Pumps",
        category="drainage",
        subtype="drainage",
        owner_unit=pw.owner_unit,
        lead_department=pw.water_bureau,
        total_investment=Decimal(100),
        start_year=2022,
        end_year=2022,
    )
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.save_project(
            project,
            streets=[pw.world.district],
            plans=[services.PlanInput(2022, Decimal(50))],
        )
    assert "streets" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.save_project(
            project,
            plans=[services.PlanInput(2022, Decimal(50))],
            milestones=[
                services.MilestoneInput("acceptance", datetime.date(2022, 5, 1)),
                services.MilestoneInput("start", datetime.date(2022, 6, 1)),
            ],
        )
    assert "comes before" in caught.value.message_dict["milestones"][0]
    assert rows() == before
    assert project.pk is None
    services.save_project(
        project,
        streets=[pw.world.street_b],
        plans=[services.PlanInput(2022, Decimal(50), [("Pumps", "count", Decimal(2))])],
        milestones=[services.MilestoneInput("start", datetime.date(2022, 6, 1))],
    )
    project.refresh_from_db()
    assert project.next_milestone_due == datetime.date(2022, 6, 1)
    assert project.plans.get().targets.get().quantity == 2
