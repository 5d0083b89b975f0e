"""The investment summary's owner-unit and street tables at the scale of a city: the largest plans on
the summary, every unit and street a page at a time, the district total from the same selector, and
the same queries whatever the number of units and streets."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from projects import selectors, views
from projects.api import views as api_views
from projects.models import AnnualPlan, Project
from tests.factories import RegionFactory, UnitFactory
from wushui.choices import RegionLevel, UnitKind

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _small_tables(monkeypatch):
    """Tables of three rows on the summary and pages of four: a city's hundreds in a test's dozens."""
    monkeypatch.setattr(views, "SUMMARY_ROWS", 3)
    monkeypatch.setattr(views, "LIST_SUMMARY_ROWS", 3)
    monkeypatch.setattr(views, "GROUP_PAGE_ROWS", 4)
    monkeypatch.setattr(api_views, "SUMMARY_ROWS", 3)


def add_units(pw, count):
    """``count`` projects, each with an owner unit and a street of its own and a 2022 plan of
    10, 20, 30 … 万元 (the n-th project added so far plans n × 10)."""
    first = Project.objects.filter(code__startswith="P-U").count()
    for n in range(first + 1, first + count + 1):
        unit = UnitFactory(name=f"Owner {n:03d}", kind=UnitKind.OWNER)
        street = RegionFactory(
            name=f"Street {n:03d}", code=f"330303{100 + n:03d}000", level=RegionLevel.STREET, parent=pw.world.district
        )
        project = Project.objects.create(
            code=f"P-U{n:03d}",
            name=f"Works {n}",
            category="drainage",
            subtype="drainage",
            owner_unit=unit,
            lead_department=pw.water_bureau,
            total_investment=1000,
            start_year=2022,
            end_year=2022,
        )
        project.streets.set([street])
        AnnualPlan.objects.create(project=project, year=2022, investment=Decimal(10 * n))


def test_the_tables_keep_the_largest_plans_and_the_total_keeps_everything(projects_world):
    add_units(projects_world, 6)  # plans 10 … 60, besides projects A and B (500 each)
    whole = selectors.investment_summary(2022)
    top = selectors.investment_summary(2022, rows=3)
    assert [f.label for f in top.by_unit] == ["East flood works HQ", "Street B office", "Owner 006"]
    assert [f.plan for f in top.by_street] == [500, 500, 60]
    assert top.more_units
    assert top.more_streets
    assert not whole.more_units
    assert top.total == whole.total
    assert top.total.plan == 1000 + 210
    assert top.by_unit == whole.by_unit[:3]
    assert not selectors.investment_summary(2022, rows=8).more_units  # exactly eight units


def test_the_group_table_pages_through_every_unit_in_order(projects_world):
    add_units(projects_world, 6)
    table = selectors.group_table(2022, None, Project.objects.all(), "unit")
    assert len(table) == 8
    every = table[0:8]
    assert [f.plan for f in every] == [500, 500, 60, 50, 40, 30, 20, 10]
    assert table[2:4] == every[2:4]
    assert table[7] == every[7]
    assert sum(f.plan for f in every) == selectors.investment_summary(2022).total.plan
    streets = selectors.group_table(2022, datetime.date(2022, 3, 31), Project.objects.all(), "street")
    assert len(streets) == 8


def test_the_summary_page_shows_the_largest_and_links_to_every_unit(client, projects_world):
    add_units(projects_world, 6)
    client.force_login(projects_world.world.users.official)
    response = client.get(reverse("projects:investment_summary"), {"year": 2022})
    summary = response.context["summary"]
    assert len(summary.by_unit) == len(summary.by_street) == 3
    content = response.content.decode()
    assert reverse("projects:summary_units") + "?year=2022" in content
    assert reverse("projects:summary_streets") + "?year=2022" in content
    assert "Owner 005" not in content

    units = client.get(reverse("projects:summary_units"), {"year": 2022})
    assert [f.label for f in units.context["rows"]] == [
        "East flood works HQ",
        "Street B office",
        "Owner 006",
        "Owner 005",
    ]
    assert units.context["summary"].total == summary.total  # the district total, the same selector
    last = client.get(reverse("projects:summary_units"), {"year": 2022, "page": 2})
    assert [f.label for f in last.context["rows"]] == ["Owner 004", "Owner 003", "Owner 002", "Owner 001"]
    assert "Owner 001" in last.content.decode()
    streets = client.get(reverse("projects:summary_streets"), {"year": 2022, "page": 2})
    assert [f.label for f in streets.context["rows"]] == ["Street 004", "Street 003", "Street 002", "Street 001"]
    assert client.get(reverse("projects:summary_units"), {"page": 9}).status_code == 404
    assert client.get(reverse("projects:summary_units"), {"page": "x"}).status_code == 404
    assert client.get(reverse("projects:summary_units"), {"as_of": "2022-13-01"}).status_code == 400


def test_a_street_sees_its_own_street_only_in_every_table(client, projects_world):
    add_units(projects_world, 3)
    client.force_login(projects_world.world.users.street_a)
    streets = client.get(reverse("projects:summary_streets"), {"year": 2022})
    assert [f.label for f in streets.context["rows"]] == ["Street A"]
    assert streets.context["summary"].total.plan == 500


PAGES = [
    ("projects:investment_summary", {}),
    ("projects:investment_summary", {"as_of": "2022-03-31"}),
    ("projects:summary_units", {}),
    ("projects:summary_streets", {"page": 2}),
    ("projects:project_list", {}),
    ("project-summary", {}),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_the_tables_cost_the_same_queries_and_rows_for_5_and_40_units(
    client, projects_world, django_assert_max_num_queries, name, query
):
    client.force_login(projects_world.users.projects_dept)
    add_units(projects_world, 5)
    with django_assert_max_num_queries(20) as small:
        response = client.get(reverse(name), query)
        assert response.status_code == 200
    add_units(projects_world, 35)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name), query)
        assert response.status_code == 200
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert (len(body["by_unit"]), len(body["by_street"]), body["more_units"]) == (3, 3, True)
    elif name in ("projects:summary_units", "projects:summary_streets"):
        assert len(response.context["page_obj"].object_list) == 4
    elif name == "projects:project_list":
        assert len(response.context["top_units"]) == len(response.context["top_streets"]) == 3
    else:
        summary = response.context["summary"]
        assert len(summary.by_unit) == len(summary.by_street) == 3


def test_the_api_summary_takes_the_number_of_rows(client, projects_world):
    add_units(projects_world, 6)
    client.force_login(projects_world.users.projects_dept)
    body = client.get(reverse("project-summary"), {"year": 2022, "rows": 2}).json()
    assert [row["plan"] for row in body["by_unit"]] == ["500.00", "500.00"]
    assert body["more_units"] is True
    assert body["total"]["plan"] == "1210.00"
    body = client.get(reverse("project-summary"), {"year": 2022, "rows": 500}).json()
    assert (len(body["by_unit"]), body["more_units"]) == (8, False)
    for bad in ("0", "501", "many"):
        response = client.get(reverse("project-summary"), {"rows": bad})
        assert response.status_code == 400
        assert "rows" in response.json()["error"]["fields"]


@pytest.mark.parametrize("as_of", [None, datetime.date(2022, 3, 31), datetime.date(2022, 2, 10)])
def test_each_plans_figures_add_up_to_the_summarys(projects_world, as_of):
    """The list's rows (``plan_rows``, per plan) and the summary's tables (``plan_table``, added up by
    the database) read the same figures, on today's stored figures and on an earlier day's reports."""
    from projects import services

    pw = projects_world
    add_units(pw, 4)
    for project, month, amount in [(pw.project_a, 1, 50), (pw.project_a, 3, 300), (pw.project_b, 2, 40)]:
        services.file_report(
            pw.users.owner if project == pw.project_a else pw.world.users.street_b,
            project,
            services.ReportInput(month=datetime.date(2022, month, 1), investment=Decimal(amount)),
        )
    services.set_milestone(pw.project_b, "start", planned_date=datetime.date(2022, 3, 1))
    rows = list(selectors.plan_rows(2022, as_of))
    summary = selectors.investment_summary(2022, as_of)
    assert summary.total.plan == sum(row.investment for row in rows)
    assert summary.total.completed == sum(row.completed for row in rows)
    assert summary.total.lagging == sum(1 for row in rows if row.lagging)
    for unit in summary.by_unit:
        mine = [row for row in rows if row.project.owner_unit_id == unit.key]
        assert (unit.completed, unit.lagging) == (sum(r.completed for r in mine), sum(r.lagging for r in mine))
    expected = {None: (350, 40), datetime.date(2022, 3, 31): (350, 40), datetime.date(2022, 2, 10): (50, 40)}[as_of]
    by_unit = {unit.label: unit.completed for unit in summary.by_unit}
    assert (by_unit["East flood works HQ"], by_unit["Street B office"]) == expected


def test_a_scope_without_projects_gets_empty_tables_not_an_error(client, projects_world):
    add_units(projects_world, 2)
    client.force_login(projects_world.world.users.chief_a1)  # a village without a project
    for name in ("projects:project_list", "projects:investment_summary", "projects:summary_units"):
        response = client.get(reverse(name), {"as_of": "2022-03-31"} if name != "projects:project_list" else {})
        assert response.status_code == 200, name
        assert response.context["summary"].total.projects == 0
    body = client.get(reverse("project-summary")).json()
    assert (body["total"]["projects"], body["by_unit"], body["by_street"]) == (0, [], [])
    assert selectors.group_table(2022, None, Project.objects.none(), "street").count() == 0
