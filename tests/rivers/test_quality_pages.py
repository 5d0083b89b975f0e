"""The water-quality and outlet pages: what they show, their refusals, and queries that do not grow."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rivers.choices import OutletStatus, ThreeRiversKind, WaterClass
from rivers.models import CampaignDeadline, Outlet, ThreeRiversRecord
from tests.factories import OutletFactory, StationFactory
from tests.rivers.conftest import NOW, add_sample, local
from tests.rivers.conftest import add_sample as add_stored_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(world, stations):
    a1, b = stations
    for month in (1, 2, 3):
        add_sample(a1, local(2025, month, 3, 10), nh3n=2.4, tp=0.3, do=4)
        add_sample(a1, local(2026, month, 3, 10), nh3n=1.8, tp=0.25, do=5)
        add_sample(b, local(2026, month, 4, 10), nh3n=0.4, do=7)
    return a1, b


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_station_list_shows_the_latest_class(client, world, history):
    response = get(client, world.users.official, "rivers:station_list")
    assert response.status_code == 200
    html = response.content.decode()
    assert "T-ST-A1" in html
    assert "T-ST-B" in html
    assert response.context["class_counts"][WaterClass.V - 1][3] == 1
    response = get(client, world.users.official, "rivers:station_list", bad="true")
    assert [station.code for station in response.context["object_list"]] == ["T-ST-A1"]
    assert get(client, world.users.official, "rivers:station_list", bad="maybe").status_code == 400


def test_station_layer_colours_by_class(client, world, history):
    client.force_login(world.users.official)
    response = client.get(reverse("station-layer"), {"bbox": "120.6,27.8,121.0,28.1", "zoom": "12"})
    features = response.json()["features"]
    assert [(f["properties"]["water_class"], f["properties"]["colour"]) for f in features] == [
        (WaterClass.V, "orange"),
        (WaterClass.II, "blue"),
    ]


@pytest.mark.parametrize("period", ["", "month", "year", "all"])
def test_station_detail_charts_each_indicator(client, world, history, period):
    response = get(client, world.users.official, "rivers:station_detail", history[0].pk, period=period)
    assert response.status_code == 200
    trend = response.context["trend"]
    series = {item["code"]: item for item in trend["series"]}
    expected_points = {"month": 2, "year": 3, "all": 6}.get(period, 3)
    assert series["nh3n"]["count"] == expected_points
    assert len(series["nh3n"]["values"]) == len(trend["times"])
    assert series["nh3n"]["target_limit"] == 1.5  # class IV
    assert [band["name"] for band in series["nh3n"]["bands"]] == ["I", "II", "III", "IV", "V", "劣V"]
    assert series["tn"]["bands"] == []  # a river: TN is shown, not classified
    assert 'id="trend-data"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("trend-data")[0][-200:]


def test_a_stations_trend_is_kept_until_a_sample_of_that_station_is_written(
    client, world, history, django_capture_on_commit_callbacks
):
    from rivers.models import Sample

    a1, b = history

    def add_sample(*args, **kwargs):
        # Stored samples move their station's version when the transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return add_stored_sample(*args, **kwargs)

    def nh3n_count():
        response = get(client, world.users.official, "rivers:station_detail", a1.pk, period="year")
        return {item["code"]: item for item in response.context["trend"]["series"]}["nh3n"]["count"]

    assert nh3n_count() == 3
    # Kept: a row written past the portal's own writes (and its versions) is not seen...
    Sample.objects.filter(station=a1).update(values={})
    assert nh3n_count() == 3
    # ...a sample of another station leaves it kept, a sample of this station is seen at once.
    add_sample(b, local(2026, 3, 5, 9), nh3n=0.5)
    assert nh3n_count() == 3
    add_sample(a1, local(2026, 3, 5, 9), nh3n=2.0)
    assert nh3n_count() == 1  # the bulk update above emptied the others: read afresh
    # A sample saved one by one (the administration) moves the version too.
    sample = Sample.objects.filter(station=a1, sampled_at__year=2026).order_by("sampled_at").first()
    sample.values = {"nh3n": 1.0}
    sample.save()
    assert nh3n_count() == 2


def test_the_monthly_means_written_after_the_samples_move_the_trend_too(
    client, world, history, django_capture_on_commit_callbacks
):
    # The HJ 212 listener stores samples first and writes their months' means a few seconds later.
    from rivers.samples import months_touched, new_sample, refresh_months_of, store_samples

    a1, _b = history

    def months_shown():
        response = get(client, world.users.official, "rivers:station_detail", a1.pk, period="all")
        return len(response.context["trend"]["times"])

    before = months_shown()
    sample = new_sample(a1, local(2024, 6, 3, 10), "lab", values={"nh3n": 1.1})
    with django_capture_on_commit_callbacks(execute=True):
        store_samples([sample], refresh_months=False)
    assert months_shown() == before  # no month of June 2024 yet
    with django_capture_on_commit_callbacks(execute=True):
        refresh_months_of(months_touched([sample]))
    assert months_shown() == before + 1


def test_samples_deleted_in_the_administration_leave_the_trend(admin_client, world, history):
    from rivers.models import Sample

    a1, _b = history
    url = reverse("rivers:station_detail", args=[a1.pk])

    def nh3n_count():
        series = admin_client.get(url, {"period": "year"}).context["trend"]["series"]
        return {item["code"]: item for item in series}["nh3n"]["count"]

    assert nh3n_count() == 3
    doomed = Sample.objects.filter(station=a1, sampled_at__year=2026).order_by("sampled_at")[:1]
    response = admin_client.post(
        reverse("admin:rivers_sample_changelist"),
        {"action": "delete_selected", "_selected_action": [doomed[0].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert nh3n_count() == 2


def test_station_detail_refuses_an_unknown_period(client, world, history):
    assert get(client, world.users.official, "rivers:station_detail", history[0].pk, period="decade").status_code == 400


def test_year_over_year_per_station_and_district(client, world, history):
    response = get(client, world.users.official, "rivers:quality_yoy", year=2026, month=3)
    assert response.status_code == 200
    rows = {row.station.code: row for row in response.context["rows"]}
    change = rows["T-ST-A1"].changes["nh3n"]
    assert (round(change.current, 3), round(change.previous, 3), change.percent, change.improved) == (
        1.8,
        2.4,
        -25.0,
        True,
    )
    assert rows["T-ST-A1"].changes["do"].improved is True  # more oxygen
    assert response.context["district"]["nh3n"].percent == -25.0  # B has no previous year: left out
    assert rows["T-ST-B"].changes["nh3n"].percent is None
    page = response.content.decode()
    assert '1.800 <small class="better">-25.0%</small>' in page  # ammonia fell: better
    assert rows["T-ST-B"].changes["nh3n"].html in page
    assert get(client, world.users.official, "rivers:quality_yoy", year=1999).status_code == 400


def test_year_over_year_is_kept_until_a_months_means_or_a_station_change(
    client, world, history, django_capture_on_commit_callbacks
):
    a1, _b = history

    def page():
        response = get(client, world.users.official, "rivers:quality_yoy", year=2026, month=3)
        return {row.station.code: row for row in response.context["rows"]}

    assert round(page()["T-ST-A1"].changes["nh3n"].current, 3) == 1.8
    # A new sample rewrites March's means (at commit): the page shows it.
    with django_capture_on_commit_callbacks(execute=True):
        add_sample(a1, local(2026, 3, 4, 10), nh3n=3.0)
    assert round(page()["T-ST-A1"].changes["nh3n"].current, 3) == 2.0  # (1.8 + 1.8 + 2.4) / 3
    # A new station, saved one by one, is listed at once.
    StationFactory(code="T-ST-NEW", segment=world.segment_a1, water_body=world.river)
    assert "T-ST-NEW" in page()


def test_the_tracker_lists_bad_stations_with_their_deadline(client, world, history):
    a1, _b = history
    OutletFactory(segment=world.segment_a1, status=OutletStatus.ILLEGAL)
    response = get(client, world.users.official, "rivers:quality_tracker")
    assert response.status_code == 200
    [entry] = response.context["stations"]
    assert entry.station == a1
    assert entry.deadline == datetime.date(2026, 8, 31)  # city-controlled
    assert entry.days_bad == (datetime.date(2026, 3, 5) - datetime.date(2025, 1, 3)).days
    [water] = response.context["waters"]
    assert (water.water_body, water.open_illegal_outlets, water.outlet_deadline) == (
        world.river,
        1,
        datetime.date(2026, 5, 31),
    )
    # The deadlines are data: a row for the year moves them.
    CampaignDeadline.objects.create(year=2026, subject="city_stations", due=datetime.date(2026, 9, 30))
    response = get(client, world.users.official, "rivers:quality_tracker")
    assert response.context["stations"][0].deadline == datetime.date(2026, 9, 30)
    # Out of scope, out of the tracker.
    assert get(client, world.users.street_b, "rivers:quality_tracker").context["stations"] == []


def test_grading_by_the_mean_of_few_sections(client, world, history):
    response = get(client, world.users.official, "rivers:quality_grading", year=2026, month=3)
    graded = {water.name: water for water in response.context["graded"]}
    assert graded["Shared River"].grade.mean_class == WaterClass.V
    assert graded["Shared River"].grade.status == "moderate"
    assert graded["B Creek"].grade.status == "excellent"
    assert response.context["district"].sections == 2


def test_page_queries_do_not_grow(client, world, history, django_assert_max_num_queries):
    OutletFactory(segment=world.segment_a1, status=OutletStatus.ILLEGAL)
    client.force_login(world.users.official)
    pages = [
        ("rivers:station_list", [], {}),
        ("rivers:station_detail", [history[0].pk], {"period": "year"}),
        ("rivers:quality_tracker", [], {}),
        ("rivers:quality_yoy", [], {}),
        ("rivers:quality_grading", [], {}),
        ("rivers:outlet_list", [], {}),
    ]
    limits = {}
    for name, args, params in pages:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse(name, args=args), params).status_code == 200
        limits[name] = len(captured)
    for number in range(12):
        station = StationFactory(segment=world.segment_b1)
        add_sample(station, local(2026, 2, 5, 10), nh3n=2.5)
        add_sample(station, local(2025, 2, 5, 10), nh3n=2.9)
        OutletFactory(segment=world.segment_b1, status=OutletStatus.ILLEGAL, local_code=f"LW-X-{number:03d}")
    for name, args, params in pages:
        with django_assert_max_num_queries(limits[name]):
            assert client.get(reverse(name, args=args), params).status_code == 200


# --- Outlets -------------------------------------------------------------------------------------------


@pytest.fixture
def outlet(world):
    return OutletFactory(
        segment=world.segment_b1,
        local_code="LW-PK-0001",
        national_code="913303001234567890DW001",
        status=OutletStatus.ILLEGAL,
    )


def test_an_illegal_outlet_takes_the_campaigns_deadline(outlet):
    assert outlet.remediation_deadline == datetime.date(2026, 5, 31)
    assert outlet.water_body.code == "T-RIVER"


def test_outlet_list_filters_and_counts(client, world, outlet):
    OutletFactory(segment=world.segment_b1, status=OutletStatus.COMPLIANT, sign_installed=True)
    response = get(client, world.users.official, "rivers:outlet_list")
    assert response.context["counts"]["illegal"] == 1
    assert response.context["counts"]["total"] == 2
    response = get(client, world.users.official, "rivers:outlet_list", status="illegal")
    assert list(response.context["object_list"]) == [outlet]
    with time_machine.travel(datetime.datetime(2026, 6, 2, 9, tzinfo=NOW.tzinfo), tick=False):
        response = get(client, world.users.official, "rivers:outlet_list", overdue="true")
        assert list(response.context["object_list"]) == [outlet]
        assert response.context["counts"]["overdue"] == 1
    assert get(client, world.users.street_a, "rivers:outlet_list").context["counts"]["total"] == 0


def test_outlet_layer_colours_by_status(client, world, outlet):
    client.force_login(world.users.official)
    response = client.get(reverse("outlet-layer"), {"bbox": "120.6,27.8,121.0,28.1", "zoom": "12"})
    [feature] = response.json()["features"]
    assert feature["properties"]["colour"] == "red"


def test_the_id_card_carries_a_qr_code(client, world, outlet):
    response = get(client, world.users.official, "rivers:outlet_card", outlet.pk)
    html = response.content.decode()
    assert "<svg" in html
    assert "913303001234567890DW001" in html


def _photo():
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(image, "JPEG")
    return SimpleUploadedFile("sign.jpg", image.getvalue(), content_type="image/jpeg")


def test_the_outlet_department_changes_an_outlet_and_history_says_who(client, world, outlet, outlet_department):
    client.force_login(outlet_department)
    url = reverse("rivers:outlet_update", args=[outlet.pk])
    data = {
        "national_code": outlet.national_code,
        "name": outlet.name,
        "responsible_entity": "New Owner Ltd",
        "contact_name": "",
        "contact_phone": "0577-86000000",
        "sign_installed": "on",
        "sign_photo": _photo(),
        "status": OutletStatus.SEALED,
        "remediation_plan": "Sealed with concrete.",
        "remediation_deadline": "2026-05-31",
        "remediation_completed_on": "2026-03-01",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    outlet.refresh_from_db()
    assert outlet.status == OutletStatus.SEALED
    record = outlet.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == outlet_department
    page = client.get(reverse("rivers:outlet_detail", args=[outlet.pk]))
    [latest, _created] = page.context["history"]
    labels = {str(label) for label, _old, _new in latest["changes"]}
    assert {"status", "responsible entity", "sign installed"} <= labels
    photo = client.get(reverse("rivers:outlet_sign_photo", args=[outlet.pk]))
    assert photo.status_code == 200
    assert photo["Cache-Control"].startswith("private")


def test_a_sign_photo_of_too_many_pixels_is_refused_naming_the_field(
    client, world, outlet, outlet_department, settings
):
    settings.PATROL_PHOTO_MAX_PIXELS = 1_000_000
    client.force_login(outlet_department)
    image = io.BytesIO()
    Image.new("RGB", (1200, 1000), "blue").save(image, "JPEG")
    data = {
        "national_code": outlet.national_code,
        "name": outlet.name,
        "responsible_entity": outlet.responsible_entity,
        "sign_installed": "on",
        "sign_photo": SimpleUploadedFile("sign.jpg", image.getvalue(), content_type="image/jpeg"),
        "status": outlet.status,
    }
    response = client.post(reverse("rivers:outlet_update", args=[outlet.pk]), data)
    assert response.status_code == 400
    assert "megapixels" in " ".join(response.context["form"].errors["sign_photo"])
    outlet.refresh_from_db()
    assert not outlet.sign_photo


def test_a_remediated_outlet_must_be_compliant_or_sealed(client, world, outlet, outlet_department):
    client.force_login(outlet_department)
    response = client.post(
        reverse("rivers:outlet_update", args=[outlet.pk]),
        {
            "name": outlet.name,
            "responsible_entity": "x",
            "status": OutletStatus.ILLEGAL,
            "remediation_completed_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "status" in response.context["form"].errors
    assert outlet.history.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("official", 403), ("department", 403), ("street_a", 404), ("admin", 200)]
)
def test_who_may_change_an_outlet(client, world, outlet, persona, status):
    assert get(client, getattr(world.users, persona), "rivers:outlet_update", outlet.pk).status_code == status


def test_duplicate_outlet_codes_are_refused(world, outlet):
    from django.core.exceptions import ValidationError

    twin = Outlet(
        local_code="LW-PK-0001",
        national_code=outlet.national_code,
        name="Twin",
        category="industrial",
        subtype="park_plant",
        segment=world.segment_b1,
        location=outlet.location,
        responsible_entity="x",
        status="compliant",
    )
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert {"local_code", "national_code"} <= set(caught.value.message_dict) | {"national_code"}
    twin.subtype = "livestock"
    twin.local_code, twin.national_code = "LW-PK-0002", ""
    with pytest.raises(ValidationError, match="category"):
        twin.full_clean()


def test_three_rivers_with_rebound(client, world):
    cleared = ThreeRiversRecord.objects.create(
        water_body=world.river,
        kind=ThreeRiversKind.BLACK,
        identified_on=datetime.date(2025, 4, 1),
        cleared_on=datetime.date(2025, 9, 1),
    )
    rebound = ThreeRiversRecord(
        water_body=world.river, kind=ThreeRiversKind.BLACK, identified_on=datetime.date(2026, 2, 1), rebound_of=cleared
    )
    rebound.full_clean()
    rebound.save()
    response = get(client, world.users.official, "rivers:three_rivers")
    assert response.context["open_count"] == 1
    assert response.context["rebound_count"] == 1
    assert next(iter(response.context["object_list"])) == rebound
    early = ThreeRiversRecord(
        water_body=world.river,
        kind=ThreeRiversKind.SMELLY,
        identified_on=datetime.date(2026, 2, 1),
        cleared_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(Exception, match="identified"):
        early.full_clean()


def test_the_sign_photo_is_private_to_those_who_see_the_outlet(client, world, outlet):
    outlet.sign_installed = True
    outlet.sign_photo = _photo()
    outlet.save()
    assert outlet.sign_photo.name.startswith("outlet-signs/")
    assert "sign" not in outlet.sign_photo.name.rsplit("/", 1)[1]
    url = reverse("rivers:outlet_sign_photo", args=[outlet.pk])
    for persona, status in [("street_b", 200), ("official", 200), ("street_a", 404), ("chief_a1", 404)]:
        client.force_login(getattr(world.users, persona))
        assert client.get(url).status_code == status, persona


def test_a_sign_photo_over_the_limit_is_a_form_error(client, world, outlet, outlet_department, settings):
    settings.PATROL_PHOTO_MAX_BYTES = 100
    client.force_login(outlet_department)
    data = {
        "name": outlet.name,
        "responsible_entity": "x",
        "status": OutletStatus.ILLEGAL,
        "sign_installed": "on",
        "sign_photo": _photo(),
    }
    response = client.post(reverse("rivers:outlet_update", args=[outlet.pk]), data)
    assert response.status_code == 400
    assert "sign_photo" in response.context["form"].errors
    outlet.refresh_from_db()
    assert not outlet.sign_photo


def test_echarts_is_served_by_the_portal():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("js/quality-charts.js")
