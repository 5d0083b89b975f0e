"""Submitting patrols through the API: computed by the server, idempotent, strict with bad input."""

import copy
import datetime
import io
import os
import threading
import uuid

import pytest
from django.conf import settings
from django.contrib.gis.geos import LineString
from django.db import connection
from django.utils import timezone
from PIL import Image

from inspections.models import Patrol, PatrolPhoto, Problem
from tests.factories import AppointmentFactory, PatrolFactory, SegmentFactory, UserFactory
from wushui.choices import Role, Tier

pytestmark = pytest.mark.django_db

URL = "/api/v1/patrols/"


def post(client, data):
    return client.post(URL, data, content_type="application/json")


@pytest.fixture
def chief(client, world):
    client.force_login(world.users.chief_a1)
    return client


def test_a_chief_submits_a_patrol_and_the_server_measures_it(chief, patrol_body):
    response = post(chief, patrol_body())
    assert response.status_code == 201, response.json()
    patrol = response.json()
    assert patrol["is_valid"] is True
    assert patrol["invalid_reasons"] == []
    assert patrol["tier"] == "village"
    assert patrol["distance_m"] == pytest.approx(8270, rel=0.01)
    assert patrol["duration_s"] == pytest.approx(8270 / (12 / 3.6), abs=2)
    assert patrol["max_speed_kmh"] == pytest.approx(12, rel=0.02)
    assert patrol["coverage"] == pytest.approx(1.0, abs=0.01)
    assert patrol["rules"]["min_duration_min"] == 10
    assert "track" not in patrol  # not echoed back to the phone
    stored = chief.get(f"{URL}{patrol['id']}/").json()
    assert stored["track"]["type"] == "LineString"
    assert len(stored["track"]["coordinates"]) == len(stored["track_times"]) > 200


def test_client_figures_are_ignored(chief, patrol_body):
    response = post(chief, patrol_body(distance_m=99999, is_valid=True, coverage=1, fraction=0.3))
    patrol = response.json()
    assert patrol["distance_m"] < 3000
    assert patrol["coverage"] == pytest.approx(0.3, abs=0.02)
    assert patrol["is_valid"] is False
    assert [reason["code"] for reason in patrol["invalid_reasons"]] == ["low_coverage"]


def test_a_replay_returns_the_same_patrol_and_creates_nothing(chief, patrol_body):
    data = patrol_body()
    first = post(chief, data)
    second = post(chief, data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert Patrol.objects.count() == 1


def test_a_patrol_by_car_is_stored_as_invalid_with_its_reason(chief, patrol_body):
    # 8.3 km at 40 km/h takes 12.4 minutes: long enough, covered, but far too fast.
    response = post(chief, patrol_body(speed_kmh=40))
    assert response.status_code == 201
    assert [reason["code"] for reason in response.json()["invalid_reasons"]] == ["too_fast"]
    assert Patrol.objects.get().is_valid is False


def test_findings_marked_as_problems_become_problems(chief, patrol_body, world):
    findings = [
        {"category": "water_surface", "note": "Floating litter", "location": [120.75, 27.905], "is_problem": True},
        {"category": "signboard", "note": "Board fine"},
    ]
    response = post(chief, patrol_body(findings=findings))
    assert response.status_code == 201
    stored = response.json()["findings"]
    assert [finding["category"] for finding in stored] == ["water_surface", "signboard"]
    problem = Problem.objects.get()
    assert (problem.segment, problem.source, problem.reported_by) == (world.segment_a1, "patrol", world.users.chief_a1)
    assert stored[0]["problem"] == problem.pk
    assert stored[1]["problem"] is None


def gpx_file(data):
    points = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><time>{time}</time></trkpt>'
        for (lon, lat), time in zip(data["track"]["coordinates"], data["track_times"], strict=True)
    )
    text = (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "patrol.gpx"
    return upload


def test_a_gpx_file_replaces_track_and_times(chief, patrol_body):
    data = patrol_body()
    form = {key: data[key] for key in ("client_uuid", "segment", "started_at", "ended_at")}
    response = chief.post(URL, {**form, "gpx": gpx_file(data)})
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "gpx"
    assert response.json()["is_valid"] is True


def field_error(response, field):
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"][field]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(track={"type": "Point", "coordinates": [120.75, 27.9]}), "track"),
        (lambda d: d.update(track="{not json"), "track"),
        (
            lambda d: (
                d["track"].update(coordinates=d["track"]["coordinates"][:1])
                or d.update(track_times=d["track_times"][:1])
            ),
            "track",
        ),
        (lambda d: d["track"]["coordinates"].__setitem__(3, ["a", "b"]), "track"),
        (lambda d: d["track"]["coordinates"].__setitem__(3, [27.9, 120.75]), "track"),
        (lambda d: d.update(track_times=d["track_times"][:-1]), "track_times"),
        (lambda d: d["track_times"].__setitem__(5, d["track_times"][0]), "track_times"),
        (lambda d: d["track_times"].__setitem__(5, "yesterday"), "track_times"),
        (lambda d: d.pop("track"), "track"),
        (lambda d: d.update(ended_at=d["started_at"]), "ended_at"),
        (lambda d: d.update(client_uuid="not-a-uuid"), "client_uuid"),
        (lambda d: d.update(segment=999999), "segment"),
        (lambda d: d.update(findings=[{"category": "volcano"}]), "findings"),
        (lambda d: d.update(findings=[{"category": "bank", "location": [200, 95]}]), "findings"),
    ],
)
def test_malformed_submissions_are_400_naming_the_field_and_save_nothing(chief, patrol_body, mutate, field):
    data = copy.deepcopy(patrol_body())
    mutate(data)
    assert field_error(post(chief, data), field)
    assert Patrol.objects.count() == 0
    assert Problem.objects.count() == 0


def test_times_in_the_future_are_refused(chief, patrol_body):
    data = patrol_body(start=timezone.now() + datetime.timedelta(hours=1))
    assert "future" in field_error(post(chief, data), "track_times")[0]


def test_a_track_far_from_the_segment_is_refused(chief, patrol_body, world):
    # The track runs along segment B1, kilometres from A1.
    data = patrol_body(segment=world.segment_b1)
    data["segment"] = world.segment_a1.pk
    assert "never comes within 500 m" in field_error(post(chief, data), "track")[0]
    assert Patrol.objects.count() == 0


def test_another_chiefs_segment_and_a_missing_one_get_the_same_answer(chief, patrol_body, world):
    data = patrol_body()
    data["segment"] = world.segment_b1.pk
    other = field_error(post(chief, data), "segment")
    data["segment"] = 987654
    assert field_error(post(chief, data), "segment") == other == ["You are not a current chief of this segment."]


def test_only_a_current_chief_of_the_segment_may_patrol_it(client, patrol_body, world):
    client.force_login(UserFactory(role=Role.CHIEF, region=world.village_a1))
    assert "not a current chief" in field_error(post(client, patrol_body()), "segment")[0]
    ended = world.appointments.village_a1
    ended.end_date = datetime.date(2026, 1, 1)
    ended.save()
    client.force_login(world.users.chief_a1)
    assert "not a current chief" in field_error(post(client, patrol_body()), "segment")[0]


def test_a_spoofed_chief_is_refused(chief, patrol_body, world):
    assert field_error(post(chief, patrol_body(chief=world.users.chief_district.pk)), "chief")
    assert post(chief, patrol_body(chief=world.users.chief_a1.pk)).status_code == 201


def test_the_same_uuid_from_another_chief_is_another_patrol(client, patrol_body, world):
    data = patrol_body()
    client.force_login(world.users.chief_a1)
    first = post(client, data)
    client.force_login(world.users.chief_district)
    second = post(client, data)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["tier"] == "district"
    assert Patrol.objects.count() == 2


def test_patrols_are_seen_within_scope_only(client, patrol_body, world):
    client.force_login(world.users.chief_a1)
    patrol_id = post(client, patrol_body()).json()["id"]
    for persona, expected in [("street_a", 200), ("official", 200), ("street_b", 404), ("chief_a1", 200)]:
        client.force_login(getattr(world.users, persona))
        assert client.get(f"{URL}{patrol_id}/").status_code == expected, persona
        listed = client.get(URL).json()["results"]
        assert [row["id"] for row in listed] == ([patrol_id] if expected == 200 else [])


def jpeg_bytes(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def media_files():
    root = settings.MEDIA_ROOT
    return sorted(os.path.join(d, f) for d, _s, files in os.walk(root) for f in files)


def test_photos_are_added_to_ones_own_patrol(chief, patrol_body):
    data = patrol_body(findings=[{"category": "outlet", "note": "Grey water", "is_problem": True}])
    patrol = post(chief, data).json()
    finding_id = patrol["findings"][0]["id"]
    response = chief.post(f"{URL}{patrol['id']}/photos/", {"image": jpeg_bytes(), "finding": finding_id})
    assert response.status_code == 201, response.json()
    assert (response.json()["width"], response.json()["height"]) == (64, 48)
    detail = chief.get(f"{URL}{patrol['id']}/").json()
    assert [photo["finding"] for photo in detail["photos"]] == [finding_id]


def test_bad_photos_are_refused_and_leave_no_file(chief, patrol_body, settings):
    patrol = post(chief, patrol_body()).json()
    url = f"{URL}{patrol['id']}/photos/"
    before = media_files()
    not_an_image = io.BytesIO(b"%PDF-1.4 not a photo")
    not_an_image.name = "photo.jpg"
    assert field_error(chief.post(url, {"image": not_an_image}), "image")
    settings.PATROL_PHOTO_MAX_BYTES = 100
    assert "larger than" in field_error(chief.post(url, {"image": jpeg_bytes((400, 400))}), "image")[0]
    assert PatrolPhoto.objects.count() == 0
    assert media_files() == before


def test_photos_go_only_to_ones_own_patrol(chief, patrol_body, world):
    from django.test import Client

    patrol = post(chief, patrol_body()).json()
    outsider = Client()
    outsider.force_login(world.users.street_b)
    response = outsider.post(f"{URL}{patrol['id']}/photos/", {"image": jpeg_bytes()})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    # The district chief sees the patrol but it is not theirs to add to: 403, saying so.
    client = Client()
    client.force_login(world.users.chief_district)
    response = client.post(f"{URL}{patrol['id']}/photos/", {"image": jpeg_bytes()})
    assert response.status_code == 403
    assert "not change" in response.json()["error"]["message"]
    assert PatrolPhoto.objects.count() == 0
    other = post(client, patrol_body(findings=[{"category": "bank"}])).json()
    response = chief.post(
        f"{URL}{patrol['id']}/photos/", {"image": jpeg_bytes(), "finding": other["findings"][0]["id"]}
    )
    missing = chief.post(f"{URL}{patrol['id']}/photos/", {"image": jpeg_bytes(), "finding": 987654})
    # Another patrol's finding is answered exactly as one that does not exist.
    other_id = str(other["findings"][0]["id"])
    assert field_error(response, "finding")[0].replace(other_id, "#") == field_error(missing, "finding")[0].replace(
        "987654", "#"
    )
    assert PatrolPhoto.objects.count() == 0


def test_patrol_list_api_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    PatrolFactory.create_batch(15, chief=world.users.chief_a1, segment=world.segment_a1)
    client.force_login(world.users.official)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.json()["results"]) == 15


def test_a_patrol_from_the_api_takes_as_many_queries_with_many_findings_and_photos(
    client, world, patrol_with_evidence, queries_to_get
):
    client.force_login(world.users.official)
    one = queries_to_get(client, f"{URL}{patrol_with_evidence(1).pk}/")
    assert queries_to_get(client, f"{URL}{patrol_with_evidence(6).pk}/") == one <= 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_copies_arriving_at_once_make_one_patrol(world, patrol_body):
    from django.db import connections
    from django.test import Client

    data = patrol_body()
    barrier = threading.Barrier(4)
    results = []

    def submit():
        client = Client()
        client.force_login(world.users.chief_a1)
        barrier.wait()
        response = client.post(URL, data, content_type="application/json")
        results.append((response.status_code, response.json()["id"]))
        connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Patrol.objects.count() == 1
    assert sorted(status for status, _id in results).count(201) == 1
    assert {patrol_id for _status, patrol_id in results} == {Patrol.objects.get().pk}


def test_the_phone_page_marks_its_patrols_as_web(chief, patrol_body):
    assert post(chief, patrol_body(source="web")).json()["source"] == "web"
    assert field_error(post(chief, patrol_body(source="gpx", client_uuid=str(uuid.uuid4()))), "source")


def test_a_resent_photo_with_the_same_key_is_stored_once(chief, patrol_body):
    patrol = post(chief, patrol_body()).json()
    url = f"{URL}{patrol['id']}/photos/"
    first = chief.post(url, {"image": jpeg_bytes(), "client_key": "photo-1"})
    again = chief.post(url, {"image": jpeg_bytes(), "client_key": "photo-1"})
    other = chief.post(url, {"image": jpeg_bytes(), "client_key": "photo-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert PatrolPhoto.objects.count() == 2


def test_reasons_carry_a_code_and_figures_and_read_in_the_callers_language(chief, patrol_body):
    patrol = post(chief, patrol_body(fraction=0.3)).json()
    (reason,) = patrol["invalid_reasons"]
    assert reason["code"] == "low_coverage"
    actual = reason["params"]["actual"]
    assert reason["params"]["min"] == "60%"
    assert actual in ("30%", "31%", "32%")  # the buffer reaches 50 m past the track's end
    assert reason["message"] == f"Covers {actual} of the segment; 60% needed."
    chinese = chief.get(f"{URL}{patrol['id']}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["invalid_reasons"][0]["message"] != reason["message"]
    assert actual in chinese["invalid_reasons"][0]["message"]


@pytest.fixture
def short_segment(world):
    """A 700 m reach east of A1 in village A1, with chief A1 as its village chief."""
    segment = SegmentFactory(
        water_body=world.river,
        region=world.village_a1,
        code="T-RIVER-A1-SHORT",
        name="A1 short reach",
        geometry=LineString((120.74, 27.88), (120.747, 27.88), srid=4326),
    )
    AppointmentFactory(chief=world.users.chief_a1, segment=segment, tier=Tier.VILLAGE)
    return segment


def test_a_segment_shorter_than_the_minimum_distance_asks_only_its_coverage_share(chief, patrol_body, short_segment):
    # The rule's 1,000 m cannot be walked on a 688 m segment: walking all of it is the duty done,
    # and the distance asked for is 60 % of the segment's length.
    required = round(0.6 * short_segment.length_m)
    assert 650 < short_segment.length_m < 700

    whole = post(chief, patrol_body(segment=short_segment, speed_kmh=3)).json()
    assert whole["distance_m"] < 1000
    assert whole["is_valid"] is True, whole["invalid_reasons"]
    assert whole["rules"]["min_distance_m"] == 1000
    assert whole["rules"]["required_distance_m"] == required

    part = post(
        chief, patrol_body(segment=short_segment, speed_kmh=1.2, fraction=0.4, client_uuid=str(uuid.uuid4()))
    ).json()
    assert part["is_valid"] is False, part
    distance_reason = next(reason for reason in part["invalid_reasons"] if reason["code"] == "too_short_distance")
    assert distance_reason["params"]["min"] == required
    assert [reason["code"] for reason in part["invalid_reasons"]] == ["too_short_distance", "low_coverage"]
