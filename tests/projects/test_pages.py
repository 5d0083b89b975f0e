"""The five-waters pages: content, scope, refusals, and queries bounded at two sizes."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.models import (
    AnnualPlan,
    Enterprise,
    Milestone,
    PlanTarget,
    ProgressReport,
    Project,
    ReportPhoto,
    ResponsibilityTask,
)
from tests.projects.images import jpeg

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def add_projects(pw, count):
    """``count`` more projects in street A, owned by the owner unit, each with a plan, two reports,
    two milestones and a task and an enterprise."""
    first = Project.objects.count()
    for n in range(first, first + count):
        project = Project.objects.create(
            code=f"P-X{n:03d}",
            name=f"Extra {n}",
            category="sewage",
            subtype="dredging",
            owner_unit=pw.owner_unit,
            lead_department=pw.water_bureau,
            total_investment=100,
            start_year=2022,
            end_year=2022,
            is_key=n % 2 == 0,
        )
        project.streets.set([pw.world.street_a, pw.world.street_b])
        AnnualPlan.objects.create(project=project, year=2022, investment=100)
        for month in (1, 2):
            services.file_report(
                pw.users.owner,
                project,
                services.ReportInput(month=datetime.date(2022, month, 1), investment=Decimal(10)),
            )
        services.set_milestone(project, "start", planned_date=datetime.date(2022, 3, 1))
        services.set_milestone(project, "completion", planned_date=datetime.date(2022, 11, 1))
        ResponsibilityTask.objects.create(
            letter=pw.letter_b,
            description=f"Task {n}",
            deadline=datetime.date(2022, 5, 1),
            responsible_unit=pw.world.street_b_office,
            region=pw.world.street_b,
        )
        Enterprise.objects.create(
            name=f"Works {n}", industry="casting", street=pw.world.street_b, plan="in_place", deadline="2022-06-30"
        )


PAGES = [
    ("projects:project_list", None),
    ("projects:project_list", {"lagging": "true", "street": "street_a"}),
    ("projects:investment_summary", None),
    ("projects:investment_summary", {"as_of": "2022-03-31"}),
    ("projects:task_list", {"overdue": "true"}),
    ("projects:enterprise_list", None),
    ("projects:project_detail", "project"),
    ("projects:task_detail", "task"),
    ("projects:enterprise_detail", "enterprise"),
]


def url_of(pw, name, query):
    if query == "project":
        return reverse(name, args=[pw.project_a.pk]), {}
    if query == "task":
        return reverse(name, args=[pw.task_b.pk]), {}
    if query == "enterprise":
        return reverse(name, args=[pw.enterprise_b.pk]), {}
    query = dict(query or {})
    if "street" in query:
        query["street"] = getattr(pw.world, query["street"]).pk
    return reverse(name), query


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_every_page_costs_the_same_queries_at_two_sizes(
    client, projects_world, django_assert_max_num_queries, name, query
):
    client.force_login(projects_world.users.projects_dept)
    url, params = url_of(projects_world, name, query)
    add_projects(projects_world, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url, params).status_code == 200
    add_projects(projects_world, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_the_list_shows_each_projects_year_and_the_totals(client, projects_world):
    pw = projects_world
    services.file_report(
        pw.users.owner, pw.project_a, services.ReportInput(month=datetime.date(2022, 5, 1), investment=Decimal(200))
    )
    client.force_login(pw.world.users.official)
    response = client.get(reverse("projects:project_list"))
    rows = {project.code: project for project in response.context["object_list"]}
    assert (rows["P-A"].year_plan, rows["P-A"].year_completed, rows["P-A"].year_rate) == (500, 200, Decimal("40.0"))
    assert rows["P-B"].year_lagging, "nothing reported on 31 May"
    summary = response.context["summary"]
    assert (summary.total.plan, summary.total.completed, summary.total.lagging) == (1000, 200, 1)
    filtered = client.get(reverse("projects:project_list"), {"category": "flood"}).context["summary"]
    assert (filtered.total.plan, filtered.total.completed) == (500, 200)


def test_the_summary_is_kept_until_a_report_or_a_plan_changes_it(client, projects_world, django_assert_max_num_queries):
    pw = projects_world
    client.force_login(pw.world.users.official)
    url = reverse("projects:investment_summary")
    with django_assert_max_num_queries(20) as first:
        assert client.get(url).context["summary"].total.completed == 0
    with django_assert_max_num_queries(len(first.captured_queries) - 1):  # the figures come from the cache
        client.get(url)
    services.file_report(
        pw.users.owner, pw.project_a, services.ReportInput(month=datetime.date(2022, 5, 1), investment=Decimal(200))
    )
    assert client.get(url).context["summary"].total.completed == 200
    assert client.get(reverse("projects:project_list")).context["summary"].total.completed == 200
    AnnualPlan.objects.get(project=pw.project_b, year=2022).delete()
    assert client.get(url).context["summary"].total.plan == 500
    # A street official's summary is their own, not the district's kept one.
    client.force_login(pw.world.users.street_b)
    assert client.get(url).context["summary"].total.completed == 0


def test_streets_see_their_projects_only(client, projects_world):
    client.force_login(projects_world.world.users.street_a)
    response = client.get(reverse("projects:project_list"))
    assert [project.code for project in response.context["object_list"]] == ["P-A"]
    assert client.get(reverse("projects:project_detail", args=[projects_world.project_b.pk])).status_code == 404


def test_an_owner_unit_files_its_report_and_the_detail_shows_it(client, projects_world, settings):
    pw = projects_world
    target = PlanTarget.objects.create(plan=pw.plan_a, measure="Seawall raised", unit="km", quantity=2)
    client.force_login(pw.users.owner)
    url = reverse("projects:report_create", args=[pw.project_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "month": "2022-05",
            "investment": "120.50",
            f"target_{target.pk}": "0.4",
            "notes": "Piles driven",
            "photos": [SimpleUploadedFile("site.jpg", jpeg(), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302, response.content
    report = ProgressReport.objects.get()
    assert (report.investment, report.reported_by) == (Decimal("120.50"), pw.users.owner)
    detail = client.get(reverse("projects:project_detail", args=[pw.project_a.pk]))
    assert detail.context["figures"].completed == Decimal("120.50")
    assert detail.context["chart"]["cumulative"][-1] == "120.50"
    photo = ReportPhoto.objects.get()
    assert client.get(photo.get_absolute_url()).status_code == 200
    client.force_login(pw.world.users.street_b)
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_a_bad_report_is_a_form_error_naming_the_field(client, projects_world):
    client.force_login(projects_world.users.owner)
    url = reverse("projects:report_create", args=[projects_world.project_a.pk])
    for data, field in [
        ({"month": "2022-06", "investment": "1"}, "month"),
        ({"month": "2022-05", "investment": "-1"}, "investment"),
        ({"month": "May", "investment": "1"}, "month"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    assert not ProgressReport.objects.exists()


def test_another_units_project_is_refused_with_a_message(client, projects_world):
    client.force_login(projects_world.users.owner)
    response = client.get(reverse("projects:report_create", args=[projects_world.project_b.pk]))
    assert response.status_code == 403
    client.force_login(projects_world.world.users.street_a)
    assert client.get(reverse("projects:report_create", args=[projects_world.project_a.pk])).status_code == 403
    assert client.get(reverse("projects:report_create", args=[projects_world.project_b.pk])).status_code == 404


def test_milestones_are_planned_by_managers_and_reached_by_the_owner(client, projects_world):
    pw = projects_world
    url = reverse("projects:milestone_update", args=[pw.project_a.pk])
    client.force_login(pw.users.owner)
    assert client.post(url, {"kind": "start", "planned_date": "2022-04-01"}).status_code == 403
    client.force_login(pw.users.projects_dept)
    client.post(url, {"kind": "start", "planned_date": "2022-04-01"})
    client.force_login(pw.users.owner)
    client.post(url, {"kind": "start", "actual_date": "2022-04-03"})
    assert Milestone.objects.get().actual_date == datetime.date(2022, 4, 3)


def test_the_summary_page_refuses_a_future_day(client, projects_world):
    client.force_login(projects_world.world.users.official)
    response = client.get(reverse("projects:investment_summary"), {"as_of": "2022-07-01"})
    assert response.status_code == 400


def test_a_task_update_by_the_responsible_unit(client, projects_world):
    pw = projects_world
    url = reverse("projects:task_detail", args=[pw.task_b.pk])
    client.force_login(pw.world.users.street_a)
    assert client.get(url).status_code == 404
    client.force_login(pw.users.owner)
    assert client.post(url, {"reported_on": "2022-05-01", "note": "x"}).status_code == 403
    client.force_login(pw.world.users.street_b)
    evidence = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = client.post(
        url, {"reported_on": "2022-05-10", "note": "8万方 done", "quantity": "8", "evidence": evidence}
    )
    assert response.status_code == 302
    update = pw.task_b.updates.get()
    assert client.get(update.get_evidence_url()).status_code == 200
    response = client.post(url, {"reported_on": "2022-06-10", "note": "later"})
    assert response.status_code == 400
    assert "reported_on" in response.context["form"].errors


def test_an_enterprise_inspection_by_the_street(client, projects_world):
    pw = projects_world
    url = reverse("projects:enterprise_detail", args=[pw.enterprise_b.pk])
    client.force_login(pw.world.users.street_a)
    assert client.get(url).status_code == 404
    client.force_login(pw.world.users.street_b)
    response = client.post(url, {"inspected_on": "2022-05-20", "passed": "on", "resolution": "closed"})
    assert response.status_code == 302
    pw.enterprise_b.refresh_from_db()
    assert pw.enterprise_b.status == "closed"
    counts = client.get(reverse("projects:enterprise_list")).context["counts"]
    assert (counts.total["listed"], counts.total["closed"]) == (1, 1)
    client.force_login(pw.world.users.official)
    counts = client.get(reverse("projects:enterprise_list")).context["counts"]
    by_industry = {row["key"]: row for row in counts.by_industry}
    assert (by_industry["four_no"]["closed"], by_industry["metal_surface"]["in_progress"]) == (1, 1)
    assert {row["label"]: row["listed"] for row in counts.by_street} == {"Street A": 1, "Street B": 1}


def test_a_method_a_page_does_not_take_is_405_before_the_user_or_the_row_is_judged(client, projects_world):
    """The report form and the import answer 405 to a method they do not take, for any row (missing or
    not) and any user (who may use them or not); their 403 and 404 answer the methods they take."""
    users = projects_world.world.users
    report = reverse("projects:report_create", args=[projects_world.project_a.pk])
    missing = reverse("projects:report_create", args=[987654])
    for user in (users.street_a, users.street_b, users.admin):
        client.force_login(user)
        for address in (report, missing, reverse("projects:project_import"), reverse("projects:import_template")):
            assert client.patch(address).status_code == 405, (user, address)
            assert client.delete(address).status_code == 405, (user, address)
        assert client.post(reverse("projects:import_template")).status_code == 405
    client.force_login(users.street_b)
    assert client.get(missing).status_code == 404
    assert client.get(report).status_code == 404
    assert client.get(reverse("projects:project_import")).status_code == 403
