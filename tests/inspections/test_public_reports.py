"""Reports from the public: the signboard page, the report endpoint (idempotent, limited, CSRF-checked),
photos without EXIF, the status page and the rating — all as an anonymous visitor."""

import datetime
import io
import os
import uuid

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections import public
from inspections.choices import ProblemSource
from inspections.models import Problem, PublicPhoto, PublicReport
from rivers.models import Signboard
from tests.factories import PatrolFactory

ON_A1 = [120.78, 27.9105]  # on segment A1's line, in village A1


@pytest.fixture
def board(world):
    return Signboard.objects.create(
        segment=world.segment_a1, supervision_hotline="0577-12345", duties="Patrol weekly", goals="Class III"
    )


def report_body(signboard, **extra):
    return {
        "client_token": str(uuid.uuid4()),
        "board": signboard.public_code,
        "category": "bank",
        "description": "Rubbish dumped on the east bank",
        "location": ON_A1,
        "contact_name": "Ms Wang",
        "contact_phone": "13700001111",
        **extra,
    }


def post_report(client, body):
    return client.post(reverse("public:report_create"), body, content_type="application/json")


def media_files():
    return sorted(os.path.join(d, f) for d, _s, files in os.walk(settings.MEDIA_ROOT) for f in files)


def jpeg_with_gps():
    """A phone photo: EXIF with the camera's make and model and a GPS position."""
    image = Image.new("RGB", (320, 240), (90, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMakerCo"  # Make
    exif[0x0110] = "SecretPhone 9"  # Model
    exif[0x0132] = "2026:11:15 09:30:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (27.0, 54.0, 38.0)
    gps[3] = "E"
    gps[4] = (120.0, 46.0, 48.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# The segment page


def test_the_qr_page_shows_the_river_its_chiefs_and_activity_to_anyone(
    client, world, board, django_assert_max_num_queries
):
    world.users.chief_a1.phone = "13999999999"
    world.users.chief_a1.save()
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, started_at=timezone.now())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("public:segment", args=[board.public_code]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ["Shared River", "A1 reach", "Chief A1", "Village A1 secretary", "13800000000", "0577-12345"]:
        assert shown in page, shown
    assert "13999999999" not in page, "a chief's own phone is never public"
    assert "chief_a1" not in page
    assert response.context["activity"].patrols_this_month in (0, 1)
    assert 'name="website"' in page, "the honeypot field is there"
    assert response.cookies.get("csrftoken"), "the outbox's CSRF token comes with the page"
    assert "no-cache" in response["Cache-Control"]


def test_an_unknown_board_is_404_and_a_segment_id_is_no_code(client, world, board):
    assert client.get(reverse("public:segment", args=["nope"])).status_code == 404
    assert client.get(reverse("public:segment", args=[str(world.segment_a1.pk)])).status_code == 404


# Sending a report


def test_a_report_becomes_a_public_problem_with_its_contact_kept_apart(client, world, board):
    response = post_report(client, report_body(board))
    assert response.status_code == 201, response.content
    receipt = response.json()
    report = PublicReport.objects.get()
    problem = report.problem
    assert (problem.source, problem.reported_by, problem.segment) == (ProblemSource.PUBLIC, None, world.segment_a1)
    assert problem.location.coords == pytest.approx(tuple(ON_A1))
    assert "13700001111" not in problem.description
    assert (report.contact_name, report.contact_phone) == ("Ms Wang", "13700001111")
    assert receipt["tracking_code"] == report.tracking_code
    assert receipt["status_url"] == reverse("public:report_status", args=[report.tracking_code])
    assert receipt["status"]["code"] == "open"


def test_a_report_sent_twice_is_stored_once(client, world, board):
    body = report_body(board)
    first = post_report(client, body)
    second = post_report(client, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Problem.objects.count() == PublicReport.objects.count() == 1


def test_tracking_codes_are_random_and_read_back_leniently(world, board):
    from inspections.models.public import normalise_tracking_code

    codes = {
        public.submit_public_report(
            segment=world.segment_a1, category="bank", description="Heap of rubbish", location=Point(*ON_A1, srid=4326)
        )[0].tracking_code
        for _ in range(5)
    }
    assert len(codes) == 5
    code = codes.pop()
    assert len(code) == 14
    assert normalise_tracking_code(code.lower().replace("-", " ")) == code
    assert normalise_tracking_code("short") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("location", [121.9, 27.9]),  # outside the district
        ("location", [120.78, 27.99]),  # kilometres from the river
        ("location", "here"),
        ("location", [120.78]),
        ("description", "x"),
        ("description", "x" * 2001),
        ("description", "NUL \x00 byte"),
        ("category", "gossip"),
        ("contact_phone", "call me maybe"),
        ("contact_name", "n" * 51),
        ("client_token", 12345),
        ("board", "nope"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(client, world, board, field, value):
    response = post_report(client, report_body(board, **{field: value}))
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Problem.objects.exists()
    assert not PublicReport.objects.exists()


def test_a_body_that_is_no_json_object_is_a_400(client, world, board):
    response = client.post(reverse("public:report_create"), "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    response = client.post(reverse("public:report_create"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_the_honeypot_refuses_and_says_why(client, world, board):
    response = post_report(client, report_body(board, website="http://spam.example"))
    assert response.status_code == 400
    assert "must stay empty" in response.json()["error"]["fields"]["website"][0]
    assert not Problem.objects.exists()


def test_reports_are_limited_per_client(client, world, board, settings):
    settings.PUBLIC_REPORT_RATE_CLIENT = "2/h"
    assert [post_report(client, report_body(board)).status_code for _ in range(2)] == [201, 201]
    refused = post_report(client, report_body(board))
    assert refused.status_code == 429
    assert "Too many reports from this connection" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) > 0
    assert Problem.objects.count() == 2
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert post_report(other, report_body(board)).status_code == 201, "another client is not held back"


def test_reports_are_limited_per_segment(world, board, settings):
    settings.PUBLIC_REPORT_RATE_SEGMENT = "2/h"
    clients = [Client(REMOTE_ADDR=f"10.0.0.{n}") for n in range(3)]
    statuses = [post_report(client, report_body(board)).status_code for client in clients]
    assert statuses == [201, 201, 429]
    assert Problem.objects.count() == 2


def test_a_replay_does_not_count_against_the_limit(client, world, board, settings):
    settings.PUBLIC_REPORT_RATE_CLIENT = "1/h"
    body = report_body(board)
    assert post_report(client, body).status_code == 201
    assert post_report(client, body).status_code == 200, "the phone re-sending its report is not refused"


def test_the_endpoint_checks_the_csrf_token(world, board):
    browser = Client(enforce_csrf_checks=True)
    refused = post_report(browser, report_body(board))
    assert refused.status_code == 403
    assert "security token" in refused.json()["error"]["message"]
    assert not Problem.objects.exists()
    page = browser.get(reverse("public:segment", args=[board.public_code]))
    token = page.cookies["csrftoken"].value
    response = browser.post(
        reverse("public:report_create"), report_body(board), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


# Photos


@pytest.fixture
def report(world, board):
    return public.submit_public_report(
        segment=world.segment_a1,
        category="bank",
        description="Heap of rubbish",
        location=Point(*ON_A1, srid=4326),
        contact_phone="13700001111",
    )[0]


def post_photo(client, report, content, **extra):
    return client.post(
        reverse("public:report_photos", args=[report.tracking_code]),
        {"image": upload(content, **extra.pop("file", {})), **extra},
    )


def test_a_photo_is_stored_without_its_exif(client, report):
    original = jpeg_with_gps()
    assert b"PhoneMakerCo" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the sample carries a GPS position"
    response = post_photo(client, report, original, client_key="k1")
    assert response.status_code == 201, response.content
    photo = PublicPhoto.objects.get()
    stored = photo.image.read()
    assert b"PhoneMakerCo" not in stored
    assert b"SecretPhone" not in stored
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (320, 240)
    assert (photo.width, photo.height) == (320, 240)


def test_a_photo_sent_again_is_kept_once(client, report):
    first = post_photo(client, report, jpeg_with_gps(), client_key="k1")
    second = post_photo(client, report, jpeg_with_gps(), client_key="k1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert PublicPhoto.objects.count() == 1


def test_a_turned_photo_is_stored_upright(client, report):
    image = Image.new("RGB", (300, 100), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert post_photo(client, report, buffer.getvalue()).status_code == 201
    assert (PublicPhoto.objects.get().width, PublicPhoto.objects.get().height) == (100, 300)


def decompression_bomb():
    """A small PNG that claims 30,000 × 30,000 pixels (900 megapixels)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 30001 * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not an image", "JPEG, PNG or WebP"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "JPEG, PNG or WebP"),
        (decompression_bomb(), "megapixels"),
    ],
)
def test_a_file_that_is_no_acceptable_photo_is_refused_and_leaves_no_file(client, report, content, message):
    before = media_files()
    response = post_photo(client, report, content)
    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["image"][0]
    assert not PublicPhoto.objects.exists()
    assert media_files() == before


def test_a_gif_is_refused(client, report):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    response = post_photo(client, report, buffer.getvalue(), file={"name": "a.gif", "content_type": "image/gif"})
    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]


def test_a_photo_larger_than_allowed_is_refused(client, report, settings):
    settings.PUBLIC_PHOTO_MAX_BYTES = 2000
    response = post_photo(client, report, jpeg_with_gps() + b"\x00" * 3000)
    assert response.status_code == 400
    assert "larger than" in response.json()["error"]["fields"]["image"][0]


def test_a_report_takes_a_bounded_number_of_photos(client, report, settings):
    settings.PUBLIC_REPORT_MAX_PHOTOS = 2
    statuses = [post_photo(client, report, jpeg_with_gps(), client_key=f"k{n}").status_code for n in range(3)]
    assert statuses == [201, 201, 400]
    assert PublicPhoto.objects.count() == 2


def test_photos_come_within_a_day_of_the_report(client, report):
    PublicReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    response = post_photo(client, report, jpeg_with_gps())
    assert response.status_code == 400
    assert not PublicPhoto.objects.exists()


def test_photos_for_an_unknown_tracking_code_are_404(client, report):
    response = client.post(reverse("public:report_photos", args=["ABCD-EFGH-JKMN"]), {"image": upload(jpeg_with_gps())})
    assert response.status_code == 404


# Following the report


def test_nearby_lists_open_problems_near_the_point_without_their_text(client, world, report):
    closed = public.submit_public_report(
        segment=world.segment_a1, category="outlet", description="Old one", location=Point(*ON_A1, srid=4326)
    )[0]
    Problem.objects.filter(pk=closed.problem_id).update(status="archived")
    public.submit_public_report(
        segment=world.segment_a1, category="bank", description="Far away", location=Point(120.73, 27.902, srid=4326)
    )
    response = client.get(reverse("public:nearby"), {"lon": ON_A1[0] + 0.0005, "lat": ON_A1[1]})
    assert response.status_code == 200
    problems = response.json()["problems"]
    assert [row["id"] for row in problems] == [report.problem_id]
    assert problems[0]["distance_m"] == pytest.approx(49, abs=3)
    assert problems[0]["url"] == reverse("public:problem", args=[report.problem_id])
    assert "Heap" not in response.content.decode()
    assert "13700001111" not in response.content.decode()


@pytest.mark.parametrize(("params", "field"), [({"lon": "x", "lat": "27.9"}, "lon"), ({"lon": "120.7"}, "lat")])
def test_nearby_with_bad_coordinates_is_a_400_naming_them(client, world, params, field):
    response = client.get(reverse("public:nearby"), params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_nearby_outside_the_district_is_a_400(client, world):
    response = client.get(reverse("public:nearby"), {"lon": "0", "lat": "0"})
    assert response.status_code == 400


def test_the_status_page_shows_the_report_to_its_code_holder_only(client, world, report):
    post_photo(client, report, jpeg_with_gps())
    page = client.get(reverse("public:report_status", args=[report.tracking_code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Heap of rubbish" in text
    assert "13700001111" not in text, "not even the reporter's own contact is shown back"
    photo = PublicPhoto.objects.get()
    photo_url = reverse("public:report_photo", args=[report.tracking_code, photo.pk])
    assert photo_url in text
    assert client.get(photo_url).status_code == 200
    other = public.submit_public_report(
        segment=world.segment_a1, category="bank", description="Other", location=Point(*ON_A1, srid=4326)
    )[0]
    assert client.get(reverse("public:report_photo", args=[other.tracking_code, photo.pk])).status_code == 404
    assert client.get(reverse("public:report_status", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404


def test_the_public_problem_page_shows_public_fields_only(client, world, report):
    page = client.get(reverse("public:problem", args=[report.problem_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bank" in text
    assert "Shared River" in text
    assert "Heap of rubbish" not in text
    assert "13700001111" not in text
    assert client.get(reverse("public:problem", args=[987654])).status_code == 404


def test_the_tracking_form_opens_the_status_page(client, report):
    response = client.get(reverse("public:track"), {"code": report.tracking_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("public:report_status", args=[report.tracking_code])
    assert client.get(reverse("public:track"), {"code": "nope"}).status_code == 404


# Rating


def close(report, state="archived"):
    """Closed directly: the workflow's transitions come with its own issue."""
    Problem.objects.filter(pk=report.problem_id).update(status=state)
    report.problem.refresh_from_db()


def test_a_closed_problem_is_rated_once(client, report):
    url = reverse("public:report_status", args=[report.tracking_code])
    assert "rating-form" not in client.get(url).content.decode(), "no rating while open"
    refused = client.post(url, {"rating": "5"})
    assert refused.status_code == 400
    close(report)
    assert "rating-form" in client.get(url).content.decode()
    response = client.post(url, {"rating": "4", "comment": "Cleared in three days"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.rating, report.rating_comment) == (4, "Cleared in three days")
    assert report.rated_at is not None
    again = client.post(url, {"rating": "1"})
    assert again.status_code == 400
    report.refresh_from_db()
    assert report.rating == 4
    assert "4 / 5" in client.get(url).content.decode()


@pytest.mark.parametrize("rating", ["0", "6", "five", ""])
def test_a_rating_outside_one_to_five_is_refused(client, report, rating):
    close(report)
    response = client.post(reverse("public:report_status", args=[report.tracking_code]), {"rating": rating})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.rating is None


def test_satisfaction_is_a_figure_per_street(world, report):
    close(report)
    public.rate_report(report, rating=4)
    second = public.submit_public_report(
        segment=world.segment_a1, category="bank", description="Second", location=Point(*ON_A1, srid=4326)
    )[0]
    close(second)
    public.rate_report(second, rating=2)
    on_b = public.submit_public_report(
        segment=world.segment_b1, category="bank", description="B", location=Point(120.87, 27.904, srid=4326)
    )[0]
    close(on_b)
    public.rate_report(on_b, rating=5)
    figures = public.satisfaction_by_street(world.users.official)
    assert [(row.street_name, row.ratings, row.average) for row in figures] == [
        ("Street B", 1, 5.0),
        ("Street A", 2, 3.0),
    ]
    assert [row.street_name for row in public.satisfaction_by_street(world.users.street_a)] == ["Street A"]


def test_public_states_are_open_unless_known_otherwise():
    assert public.public_status("registered").code == "open"
    assert public.public_status("accepted").code == "open"
    assert public.public_status("archived").code == "closed"
    assert public.public_status("something_new").code == "closed"


def test_a_photo_over_our_pixel_limit_but_under_pillows_is_refused_before_decoding(client, report, settings):
    settings.PUBLIC_PHOTO_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 1000), "white").save(buffer, format="PNG")
    response = post_photo(client, report, buffer.getvalue(), file={"name": "big.png", "content_type": "image/png"})
    assert response.status_code == 400
    assert "has 1 megapixels" in response.json()["error"]["fields"]["image"][0]


@pytest.mark.parametrize("reports", [1, 12])
def test_the_staff_list_costs_the_same_whatever_the_number_of_reports(
    client, world, board, reports, django_assert_max_num_queries
):
    for index in range(reports):
        report = public.submit_public_report(
            segment=world.segment_a1, category="bank", description=f"Report {index}", location=Point(*ON_A1, srid=4326)
        )[0]
        close(report)
        public.rate_report(report, rating=3)
    client.force_login(world.users.admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("inspections:publicreport_list"))
    assert len(response.context["rows"]) == reports
    assert response.context["satisfaction"][0].ratings == reports


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_four_copies_of_a_report_arriving_at_once_make_one_problem(world, board):
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    token = uuid.uuid4()
    results = []

    def send():
        try:
            barrier.wait()
            report, created = public.submit_public_report(
                segment=world.segment_a1,
                category="bank",
                description="Same heap",
                location=Point(*ON_A1, srid=4326),
                client_token=token,
            )
            results.append((report.pk, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _pk, created in results) == [False, False, False, True]
    assert len({pk for pk, _created in results}) == 1
    assert Problem.objects.count() == PublicReport.objects.count() == 1


def test_the_page_preloads_every_module_its_script_imports(client, world, board):
    import re

    from django.contrib.staticfiles import finders

    from tests.modules import imported_modules

    page = client.get(reverse("public:segment", args=[board.public_code])).content.decode()
    [entry] = re.findall(r'<script type="module" src="([^"]+)"', page)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)"', page))

    def source(url):
        with open(finders.find(url.removeprefix(settings.STATIC_URL)), encoding="utf-8") as module:
            return module.read()

    assert imported_modules(entry, source) == preloaded


def test_the_admin_adds_no_report_of_its_own(client, world):
    """A report comes with its problem from the public pages or Open311: the admin offers no form to
    add one (its add page answered a server error, having no problem to save)."""
    client.force_login(world.users.admin)
    address = reverse("admin:inspections_publicreport_add")
    assert client.get(address).status_code == 403
    assert client.post(address, {}).status_code == 403
    assert client.get(reverse("admin:inspections_publicreport_changelist")).status_code == 200
    assert not PublicReport.objects.exists()
