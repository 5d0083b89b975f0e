"""Sample files: the template, good files in both formats, broken ones refused whole with the row and
the column named, re-imports without duplicates, the change scope, large files as a recorded job."""

import csv
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from rivers.choices import WaterClass
from rivers.models import Alert, Sample, SampleImport
from rivers.sample_import import COLUMNS
from tests.rivers.conftest import NOW
from wushui.models import Job

pytestmark = pytest.mark.django_db

HEADER = ["station_code", "sampled_at", "source", "do", "nh3n", "tp", "ph"]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def csv_file(rows, header=HEADER, name="samples.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="samples.xlsx"):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


GOOD_ROWS = [
    ["T-ST-A1", "2026-02-01 10:00", "lab", 5.5, 2.6, 0.2, 7.2],
    ["T-ST-A1", "2026-03-01 10:00", "", 6.1, 0.9, 0.15, 7.4],
    ["T-ST-B", "2026-02-01", "manual", "", "1.1", "", ""],
]


def upload(client, user, file):
    client.force_login(user)
    return client.post(reverse("rivers:sample_import"), {"file": file})


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_a_good_file_is_imported_and_again_adds_nothing(client, world, stations, make):
    response = upload(client, world.users.department, make(GOOD_ROWS))
    assert response.status_code == 302
    record = SampleImport.objects.get()
    assert (record.status, record.rows, record.created, record.updated) == ("imported", 3, 3, 0)
    a1, _b = stations
    a1.refresh_from_db()
    assert a1.latest_class == WaterClass.III
    assert Alert.objects.filter(station=a1).count() == 1  # 2026-02-01: NH3-N 2.6, 劣V
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = upload(client, world.users.department, make(GOOD_ROWS))
    again = SampleImport.objects.latest("pk")
    assert (again.status, again.created, again.updated) == ("imported", 0, 3)
    assert Sample.objects.count() == 3


def test_an_xlsx_with_spreadsheet_dates_and_chinese_headers(client, world, stations):
    import datetime

    header = ["站位编码", "采样时间", "来源", "溶解氧", "氨氮"]
    rows = [["T-ST-A1", datetime.datetime(2026, 2, 3, 9, 30), "实验室", 7.6, 0.1]]
    upload(client, world.users.department, xlsx_file(rows, header))
    sample = Sample.objects.get()
    assert sample.water_class == WaterClass.I
    assert sample.sampled_at.isoformat() == "2026-02-03T01:30:00+00:00"


BROKEN = [
    (["NOPE", "2026-02-01 10:00", "lab", 5, 1, 0.1, 7], "station_code", "Unknown station"),
    (["T-ST-A1", "2026-02-01 10:00", "lab", 5, -1, 0.1, 7], "nh3n", "negative"),
    (["T-ST-A1", "2026-02-01 10:00", "lab", 5, 1, 0.1, 15], "ph", "between 0 and 14"),
    (["T-ST-A1", "2027-02-01 10:00", "lab", 5, 1, 0.1, 7], "sampled_at", "future"),
    (["T-ST-A1", "1 Feb", "lab", 5, 1, 0.1, 7], "sampled_at", "YYYY-MM-DD"),
    (["T-ST-A1", "2026-02-01 10:00", "lab", "five", 1, 0.1, 7], "do", "number"),
    (["T-ST-A1", "2026-02-01 10:00", "robot", 5, 1, 0.1, 7], "source", "lab or manual"),
    (["T-ST-A1", "2026-02-01 10:00", "lab", "", "", "", ""], "values", "no indicator"),
    (["", "2026-02-01 10:00", "lab", 5, 1, 0.1, 7], "station_code", "Enter the station code"),
]


@pytest.mark.parametrize(("bad_row", "field", "message"), BROKEN)
def test_one_bad_row_refuses_the_whole_file_naming_row_and_column(client, world, stations, bad_row, field, message):
    rows = [GOOD_ROWS[0], bad_row, GOOD_ROWS[1]]
    response = upload(client, world.users.department, csv_file(rows))
    record = SampleImport.objects.get()
    assert record.status == "refused"
    assert [(error["row"], error["field"]) for error in record.errors] == [(3, field)]
    assert message.lower() in record.errors[0]["message"].lower()
    assert not Sample.objects.exists()
    assert not Alert.objects.exists()
    assert not record.file  # the refused file is not kept, its report is
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert message.lower() in page.content.decode().lower()


def test_a_duplicate_row_in_the_file_is_refused(client, world, stations):
    upload(client, world.users.department, csv_file([GOOD_ROWS[0], GOOD_ROWS[0]]))
    record = SampleImport.objects.get()
    assert record.errors == [
        {"row": 3, "field": "sampled_at", "message": "Row 2 has the same station, source and time."}
    ]
    assert not Sample.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("x.xlsx", b"not a workbook"), "Excel"),
        (SimpleUploadedFile("x.csv", "a;b\n".encode("utf-16")), "UTF-8"),
        (SimpleUploadedFile("x.csv", b"station_code,nh3n\nT-ST-A1,1\n"), "missing: sampled_at"),
        (SimpleUploadedFile("x.csv", b"station_code,sampled_at,mercury\n"), "Unknown columns: mercury"),
        (SimpleUploadedFile("x.csv", b"\xef\xbb\xbf"), "empty"),
    ],
)
def test_unreadable_files_are_refused(client, world, stations, file, message):
    upload(client, world.users.department, file)
    record = SampleImport.objects.get()
    assert record.status == "refused"
    assert message in record.errors[0]["message"]
    assert record.errors[0]["field"] == "file"


@pytest.mark.parametrize("file", [SimpleUploadedFile("x.txt", b"hello"), SimpleUploadedFile("x.csv", b"")])
def test_a_file_that_is_neither_xlsx_nor_csv_nor_anything_is_a_form_error(client, world, stations, file):
    response = upload(client, world.users.department, file)
    assert response.status_code == 400
    assert not SampleImport.objects.exists()


def test_a_station_outside_the_change_scope_is_unknown(client, world, stations):
    # The administrator may import anywhere; a street official may not import at all.
    assert upload(client, world.users.street_a, csv_file(GOOD_ROWS)).status_code == 403
    assert upload(client, world.users.chief_a1, csv_file(GOOD_ROWS)).status_code == 403
    assert not Sample.objects.exists()


@override_settings(SAMPLE_IMPORT_SYNC_BYTES=10)
def test_a_large_file_is_imported_by_a_recorded_job(client, world, stations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world.users.department, csv_file(GOOD_ROWS))
    record = SampleImport.objects.get()
    assert record.job.kind == "sample_import"
    job = Job.objects.get()
    assert job.status == "completed"
    assert record.status == "imported" or SampleImport.objects.get().status == "imported"
    assert Sample.objects.count() == 3
    report = client.get(reverse("job_download", args=[job.pk]))
    assert b"3" in b"".join(report.streaming_content)
    assert client.get(response["Location"]).status_code == 200


def test_templates_download_and_read_back(client, world):
    client.force_login(world.users.department)
    response = client.get(reverse("rivers:sample_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook["samples"][1]] == list(COLUMNS)
    response = client.get(reverse("rivers:sample_template"), {"format": "csv"})
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)


def test_a_method_the_import_does_not_take_is_405_even_to_those_it_refuses(client, world):
    """What the page takes is the same for everybody: the refusal (403) answers the methods it takes."""
    address = reverse("rivers:sample_import")
    for user, refused in ((world.users.street_a, True), (world.users.department, False)):
        client.force_login(user)
        assert client.get(address).status_code == (403 if refused else 200)
        assert client.patch(address).status_code == 405
        assert client.delete(address).status_code == 405
