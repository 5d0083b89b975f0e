"""Projects and plans from a workbook: the template imports as it is, and one bad row imports nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects import imports
from projects.models import AnnualPlan, PlanTarget, Project
from tests.factories import UnitFactory
from wushui.choices import UnitKind


def workbook(projects, plans):
    book = Workbook()
    sheet = book.active
    sheet.title = imports.PROJECT_SHEET
    sheet.append([heading for _name, heading in imports.PROJECT_COLUMNS])
    for row in projects:
        sheet.append(row)
    plan_sheet = book.create_sheet(imports.PLAN_SHEET)
    plan_sheet.append([heading for _name, heading in imports.PLAN_COLUMNS])
    for row in plans:
        plan_sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("projects.xlsx", output.getvalue())


PROJECT = [
    "WS-1",
    "Seawall upgrade",
    "防洪水",
    "海塘",
    "East flood works HQ",
    "Water bureau",
    "Street A、Street B",
    "是",
    "1000",
    2022,
    2023,
    "Ou river bank",
]


@pytest.fixture
def units(projects_world):
    return projects_world


def test_the_template_has_both_sheets_and_reads_back():
    book = load_workbook(io.BytesIO(imports.template_bytes()))
    assert {imports.PROJECT_SHEET, imports.PLAN_SHEET} <= set(book.sheetnames)
    assert next(book[imports.PROJECT_SHEET].iter_rows(values_only=True))[0] == "code 项目编号"


def test_a_good_workbook_imports_projects_plans_and_targets(units):
    result = imports.import_workbook(
        workbook(
            [PROJECT],
            [
                ["WS-1", 2022, "400", "海塘提升", "公里", "3.5"],
                ["WS-1", 2022, "400", "土方", "万方", "2"],
                ["WS-1", 2023, "600", "", "", ""],
            ],
        )
    )
    assert result.ok, result.rows
    project = Project.objects.get(code="WS-1")
    assert (project.category, project.subtype, project.is_key) == ("flood", "seawall", True)
    assert set(project.streets.values_list("name", flat=True)) == {"Street A", "Street B"}
    assert list(AnnualPlan.objects.filter(project=project).values_list("year", "investment")) == [
        (2022, 400),
        (2023, 600),
    ]
    assert PlanTarget.objects.filter(plan__project=project).count() == 2
    again = imports.import_workbook(
        workbook([[*PROJECT[:8], "1200", *PROJECT[9:]]], [["WS-1", 2022, "500", "海塘提升", "公里", "3.5"]])
    )
    assert again.ok
    project.refresh_from_db()
    assert project.total_investment == 1200
    assert AnnualPlan.objects.get(project=project, year=2022).investment == 500


def test_one_bad_row_imports_nothing_and_the_report_names_each_row(units):
    rows = [
        PROJECT,
        ["WS-2", "Bad", "防洪水", "污水处理厂", "Nobody", "Water bureau", "Nowhere", "maybe", "-5", 2023, 2022, ""],
    ]
    plans = [["WS-1", 2022, "2000", "", "", ""], ["WS-9", 2022, "1", "", "", ""]]
    result = imports.import_workbook(workbook(rows, plans))
    assert not result.ok
    assert not Project.objects.filter(code__startswith="WS-").exists()
    by_row = {(row.sheet, row.row): " ".join(row.errors) for row in result.rows}
    bad = by_row[(imports.PROJECT_SHEET, 3)]
    for words in [
        "no unit named Nobody",
        "no street named Nowhere",
        "是 or 否",
        "subtype",
        "end_year",
        "total_investment",
    ]:
        assert words in bad, (words, bad)
    assert "exceeds" in by_row[(imports.PLAN_SHEET, 2)]
    assert "no project coded WS-9" in by_row[(imports.PLAN_SHEET, 3)]


def test_a_file_that_is_no_workbook_is_refused(units):
    result = imports.import_workbook(SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert not result.ok


def test_the_import_page_is_for_managers_and_shows_the_row_report(client, units):
    client.force_login(units.users.owner)
    assert client.get(reverse("projects:project_import")).status_code == 403
    client.force_login(units.users.projects_dept)
    assert client.get(reverse("projects:import_template")).status_code == 200
    response = client.post(
        reverse("projects:project_import"), {"workbook": workbook([[*PROJECT[:4], "Nobody", *PROJECT[5:]]], [])}
    )
    assert response.status_code == 400
    assert "no unit named Nobody" in response.content.decode()
    response = client.post(reverse("projects:project_import"), {"workbook": workbook([PROJECT], [])})
    assert response.status_code == 302
    assert Project.objects.filter(code="WS-1").exists()


def test_units_may_be_named_by_their_short_name(units):
    UnitFactory(name="区经信局", short_name="经信", kind=UnitKind.DEPARTMENT)
    row = ["WS-3", "小微园", "治污水", "小微园", "经信", "经信", "", "否", "10", 2022, 2022, ""]
    assert imports.import_workbook(workbook([row], [])).ok
