"""The five-waters API: reports filed with the one error shape, the summary, scope per action."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from projects.models import PlanTarget, ProgressReport

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_owner_unit_files_a_report_through_the_api_and_the_summary_follows(client, projects_world):
    pw = projects_world
    target = PlanTarget.objects.create(plan=pw.plan_a, measure="Seawall", unit="km", quantity=2)
    client.force_login(pw.users.owner)

    def completed_in_the_list():
        listed = client.get(reverse("project-list")).json()["results"]
        project = next(row for row in listed if row["id"] == pw.project_a.pk)
        plan = next(plan for plan in project["plans"] if plan["year"] == 2022)
        return plan["completed_investment"], [target["completed_quantity"] for target in plan["targets"]]

    assert completed_in_the_list() == ("0.00", ["0.00"])  # and now kept (RememberedListMixin)
    url = reverse("project-reports", args=[pw.project_a.pk])
    response = post(
        client,
        url,
        {"month": "2022-04", "investment": "75.5", "quantities": [{"target": target.pk, "quantity": "0.5"}]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["quantities"] == [{"target": target.pk, "quantity": "0.50"}]
    assert completed_in_the_list() == ("75.50", ["0.50"]), "the kept list follows the report"
    summary = client.get(reverse("project-summary"), {"year": 2022}).json()
    assert summary["total"]["completed"] == "75.50"
    assert summary["total"]["plan"] == "1000.00"
    flood = next(row for row in summary["by_category"] if row["key"] == "flood")
    assert (flood["completed"], flood["percent"]) == ("75.50", "15.1")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2022-04", "investment": "-1"}, "investment"),
        ({"month": "2022-07", "investment": "1"}, "month"),
        ({"month": "April", "investment": "1"}, "month"),
        ({"month": "2022-04", "investment": "1", "quantities": [{"target": 999999, "quantity": "1"}]}, "quantities"),
    ],
)
def test_bad_reports_are_400_naming_the_field(client, projects_world, body, field):
    client.force_login(projects_world.users.owner)
    response = post(client, reverse("project-reports", args=[projects_world.project_a.pk]), body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ProgressReport.objects.exists()


def test_a_month_reported_twice_is_400(client, projects_world):
    client.force_login(projects_world.users.owner)
    url = reverse("project-reports", args=[projects_world.project_a.pk])
    assert post(client, url, {"month": "2022-04", "investment": "1"}).status_code == 201
    response = post(client, url, {"month": "2022-04-01", "investment": "2"})
    assert response.status_code == 400
    assert "already reported" in response.json()["error"]["fields"]["month"][0]


def test_reports_answer_by_the_change_scope(client, projects_world):
    pw = projects_world
    body = {"month": "2022-04", "investment": "1"}
    client.force_login(pw.users.owner)
    response = post(client, reverse("project-reports", args=[pw.project_b.pk]), body)
    assert response.status_code == 403
    assert "not change" in response.json()["error"]["message"]
    client.force_login(pw.world.users.street_a)
    assert post(client, reverse("project-reports", args=[pw.project_b.pk]), body).status_code == 404
    client.force_login(pw.world.users.street_b)
    assert post(client, reverse("project-reports", args=[pw.project_b.pk]), body).status_code == 201


def test_the_summary_refuses_a_bad_day(client, projects_world):
    client.force_login(projects_world.users.projects_dept)
    response = client.get(reverse("project-summary"), {"as_of": "2022-13-01"})
    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["fields"]


def test_task_updates_and_inspections_through_the_api(client, projects_world):
    pw = projects_world
    client.force_login(pw.world.users.street_b)
    response = post(
        client,
        reverse("responsibilitytask-updates", args=[pw.task_b.pk]),
        {"reported_on": "2022-05-02", "note": "6万方", "quantity": "6"},
    )
    assert response.status_code == 201, response.content
    task = client.get(reverse("responsibilitytask-detail", args=[pw.task_b.pk])).json()
    assert task["done_quantity"] == "6.00"
    response = post(
        client,
        reverse("enterprise-inspections", args=[pw.enterprise_b.pk]),
        {"inspected_on": "2022-05-03", "passed": True, "resolution": "remediated"},
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    client.force_login(pw.world.users.street_a)
    response = post(
        client,
        reverse("enterprise-inspections", args=[pw.enterprise_b.pk]),
        {"inspected_on": "2022-05-03", "passed": True},
    )
    assert response.status_code == 404
