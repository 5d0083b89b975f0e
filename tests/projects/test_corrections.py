"""Correcting a filed monthly report: the service, the page from the project's detail and the API,
refusals naming the field with nothing half-saved, and the scope (403 / 404)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import selectors, services
from projects.models import PlanTarget, ProgressReport, ReportQuantity

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def filed(projects_world):
    """Project A with a target and reports of March (10 万元, 1.5 km) and April (20 万元)."""
    pw = projects_world
    pw.target = PlanTarget.objects.create(plan=pw.plan_a, measure="Seawall", unit="km", quantity=3)
    pw.march = services.file_report(
        pw.users.owner,
        pw.project_a,
        services.ReportInput(
            month=datetime.date(2022, 3, 1), investment=Decimal(10), quantities={pw.target.pk: Decimal("1.5")}
        ),
    )
    pw.april = services.file_report(
        pw.users.owner,
        pw.project_a,
        services.ReportInput(month=datetime.date(2022, 4, 1), investment=Decimal(20), notes="April"),
    )
    return pw


def state(pw):
    """What a refused correction must leave as it was."""
    pw.plan_a.refresh_from_db()
    pw.target.refresh_from_db()
    return (
        list(ProgressReport.objects.order_by("month").values_list("month", "investment", "notes")),
        list(ReportQuantity.objects.values_list("report_id", "target_id", "quantity")),
        pw.plan_a.completed_investment,
        pw.target.completed_quantity,
    )


def refused(field, call, match):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert match in " ".join(caught.value.message_dict[field])


# --- The service --------------------------------------------------------------------------------------


def test_a_correction_raises_the_month_and_every_later_cumulative(filed):
    services.correct_report(
        filed.users.owner, filed.march, investment=Decimal(15), quantities={filed.target.pk: Decimal(2)}, notes="x"
    )
    progress = selectors.project_progress(filed.project_a, 2022)
    # March 15, April 20: the year to date 15 then 35 (was 10 then 30); May not reported.
    assert [m.cumulative for m in progress.months] == [0, 0, 15, 35, 35]
    assert state(filed)[2:] == (35, 2)
    assert selectors.investment_summary(2022).total.completed == 35


def test_a_correction_of_the_notes_alone_keeps_the_figures(filed):
    services.correct_report(filed.users.owner, filed.april, notes="Corrected notes")
    assert state(filed)[0][1] == (datetime.date(2022, 4, 1), Decimal(20), "Corrected notes")
    assert state(filed)[2] == 30


@pytest.mark.parametrize(
    ("kwargs", "field", "match"),
    [
        ({"investment": Decimal(-1)}, "investment", "negative"),
        ({"investment": Decimal("9.99")}, "investment", "would go down"),
        ({"quantities": {"target": Decimal(1)}}, "quantities", "would go down"),
        ({"quantities": {"target": Decimal(-1)}}, "quantities", "negative"),
        ({"quantities": {"other": Decimal(1)}}, "quantities", "not one of"),
        ({"investment": Decimal(12), "quantities": {"target": Decimal(1)}}, "quantities", "would go down"),
    ],
)
def test_a_refused_correction_changes_nothing(filed, kwargs, field, match):
    other = PlanTarget.objects.create(plan=filed.plan_b, measure="Pipe", unit="km", quantity=3)
    ids = {"target": filed.target.pk, "other": other.pk}
    if "quantities" in kwargs:
        kwargs = {**kwargs, "quantities": {ids[key]: value for key, value in kwargs["quantities"].items()}}
    before = state(filed)
    refused(field, lambda: services.correct_report(filed.users.owner, filed.march, notes="changed", **kwargs), match)
    assert state(filed) == before


def test_a_report_of_a_month_not_begun_cannot_be_corrected(filed):
    # A report the clock has overtaken (a server clock set back): not corrected until its month begins.
    ProgressReport.objects.filter(pk=filed.april.pk).update(month=datetime.date(2022, 6, 1))
    before = state(filed)
    refused("month", lambda: services.correct_report(filed.users.owner, filed.april, investment=Decimal(25)), "begun")
    assert state(filed) == before


# --- The page -----------------------------------------------------------------------------------------


def test_the_owner_unit_corrects_a_report_from_the_project_page(client, filed):
    client.force_login(filed.users.owner)
    detail = client.get(reverse("projects:project_detail", args=[filed.project_a.pk]))
    url = reverse("projects:report_correct", args=[filed.march.pk])
    assert url in detail.content.decode()
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"]["investment"].value() == Decimal(10)
    assert form.context["form"][f"target_{filed.target.pk}"].value() == Decimal("1.5")
    response = client.post(url, {"investment": "12.50", f"target_{filed.target.pk}": "1.5", "notes": "Re-measured"})
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2022#report-2022-03")
    detail = client.get(reverse("projects:project_detail", args=[filed.project_a.pk]))
    assert detail.context["figures"].completed == Decimal("32.50")
    assert state(filed)[0][0] == (datetime.date(2022, 3, 1), Decimal("12.50"), "Re-measured")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"investment": "-1"}, "investment"),
        ({"investment": "5"}, "investment"),
        ({"investment": "abc"}, "investment"),
        ({"investment": ""}, "investment"),
        ({"investment": "10", "target": "1"}, None),  # the quantities: a form error of the whole form
    ],
)
def test_a_refused_correction_is_a_form_error_and_nothing_is_saved(client, filed, data, field):
    client.force_login(filed.users.owner)
    if "target" in data:
        data = {"investment": data["investment"], f"target_{filed.target.pk}": data["target"]}
    before = state(filed)
    response = client.post(reverse("projects:report_correct", args=[filed.march.pk]), {**data, "notes": "changed"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (field or "__all__") in errors, errors
    if field is None:
        assert "would go down" in errors["__all__"][0]
    assert state(filed) == before


def test_the_correction_page_answers_by_the_change_scope(client, filed):
    url = reverse("projects:report_correct", args=[filed.march.pk])
    client.force_login(filed.world.users.street_a)  # sees project A (its street), does not report on it
    detail = client.get(reverse("projects:project_detail", args=[filed.project_a.pk]))
    assert url not in detail.content.decode()
    response = client.post(url, {"investment": "50"})
    assert response.status_code == 403
    client.force_login(filed.world.users.street_b)  # does not see project A
    assert client.get(url).status_code == 404
    assert client.post(url, {"investment": "50"}).status_code == 404
    client.force_login(filed.users.projects_dept)  # the 水利局 corrects any report
    assert client.post(url, {"investment": "50"}).status_code == 302
    assert state(filed)[2] == 70
    client.logout()
    assert client.get(url).status_code == 302


# --- The API ------------------------------------------------------------------------------------------


def patch(client, pw, month, body):
    url = reverse("project-report-correction", args=[pw.project_a.pk, month])
    return client.patch(url, body, content_type="application/json")


def test_the_owner_unit_corrects_a_report_through_the_api(client, filed):
    client.force_login(filed.users.owner)
    response = patch(
        client, filed, "2022-03", {"investment": "11", "quantities": [{"target": filed.target.pk, "quantity": "2"}]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["investment"], body["quantities"]) == ("11.00", [{"target": filed.target.pk, "quantity": "2.00"}])
    summary = client.get(reverse("project-summary"), {"year": 2022}).json()
    assert summary["total"]["completed"] == "31.00"
    assert patch(client, filed, "2022-04", {"notes": "Only the notes"}).json()["investment"] == "20.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"investment": "-1"}, "investment"),
        ({"investment": "9"}, "investment"),
        ({"investment": "many"}, "investment"),
        ({"quantities": [{"target": "target", "quantity": "1"}]}, "quantities"),
        ({"quantities": [{"target": "target", "quantity": "-1"}]}, "quantities"),
        ({"quantities": [{"target": 999999, "quantity": "1"}]}, "quantities"),
        ({"quantities": [{"target": "target", "quantity": "2"}, {"target": "target", "quantity": "3"}]}, "quantities"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_a_refused_correction_is_400_naming_the_field(client, filed, body, field):
    for row in body.get("quantities", []):
        if row["target"] == "target":
            row["target"] = filed.target.pk
    client.force_login(filed.users.owner)
    before = state(filed)
    response = patch(client, filed, "2022-03", {"notes": "changed", **body})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["fields"], error
    assert state(filed) == before


def test_corrections_through_the_api_answer_by_the_scope(client, filed):
    body = {"investment": "50"}
    client.force_login(filed.world.users.street_a)
    response = patch(client, filed, "2022-03", body)
    assert response.status_code == 403
    assert "not change" in response.json()["error"]["message"]
    client.force_login(filed.world.users.street_b)
    assert patch(client, filed, "2022-03", body).status_code == 404
    client.force_login(filed.users.owner)
    assert patch(client, filed, "2022-05", body).status_code == 404  # May is not reported
    assert patch(client, filed, "2022-13", body).status_code == 404
    assert state(filed)[2] == 30
    client.logout()
    assert patch(client, filed, "2022-03", body).status_code in (401, 403)
