"""The water-quality API: samples typed in (classified, idempotent, refused with the field named),
stations' JSON push with a token, HJ 212 packets over HTTP, the scoped lists and the schema."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from rivers import hj212
from rivers.choices import WaterClass
from rivers.models import Sample, Station
from tests.rivers.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def post_sample(client, user, target, **body):
    client.force_login(user)
    data = {"station": target.pk, "sampled_at": "2026-03-01T10:00:00+08:00", "values": {"nh3n": 1.2}} | body
    return client.post(reverse("sample-list"), data, content_type="application/json")


def test_a_typed_in_sample_is_classified_and_a_repeat_updates_it(client, world, stations):
    a1, _b = stations
    response = post_sample(client, world.users.department, a1, values={"nh3n": 1.2, "do": 4})
    assert response.status_code == 201, response.content
    assert response.json()["water_class"] == WaterClass.IV
    assert response.json()["determining"] == ["do", "nh3n"]
    response = post_sample(client, world.users.department, a1, values={"nh3n": 2.5})
    assert response.status_code == 201
    assert Sample.objects.get().water_class == WaterClass.WORSE_THAN_V


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"values": {"nh3n": -1}}, "values.nh3n"),
        ({"values": {"ph": 15}}, "values.ph"),
        ({"values": {"mercury": 1}}, "values.mercury"),
        ({"values": {}}, "values"),
        ({"values": "high"}, "values"),
        ({"sampled_at": "2027-01-01T00:00:00+08:00"}, "sampled_at"),
        ({"sampled_at": "yesterday"}, "sampled_at"),
        ({"station": 987654}, "station"),
    ],
)
def test_bad_samples_are_refused_naming_the_field(client, world, stations, body, field):
    response = post_sample(client, world.users.department, stations[0], **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Sample.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("admin", 201), ("department", 201), ("official", 403), ("chief_a1", 403)]
)
def test_who_may_add_samples(client, world, stations, persona, status):
    assert post_sample(client, getattr(world.users, persona), stations[0]).status_code == status


def test_push_with_a_station_token_is_idempotent(client, stations):
    a1, _b = stations
    token = a1.issue_push_token()
    body = {
        "samples": [
            {"sampled_at": "2026-03-01T10:00:00+08:00", "interval": "hour", "values": {"nh3n": 1.0, "do": 6}},
            {
                "sampled_at": "2026-03-01T11:00:00+08:00",
                "interval": "hour",
                "values": {"nh3n": 2.2},
                "flags": {"nh3n": "M"},
            },
        ]
    }
    url = reverse("station-push")
    headers = {"HTTP_AUTHORIZATION": f"Station {token}"}
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.json() == {"created": 2, "updated": 0}
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.json() == {"created": 0, "updated": 2}
    flagged = Sample.objects.get(sampled_at=datetime.datetime(2026, 3, 1, 3, tzinfo=datetime.UTC))
    assert flagged.water_class is None  # NH3-N in maintenance: nothing to classify
    a1.refresh_from_db()
    assert a1.latest_class is None or a1.latest_class == WaterClass.III


@pytest.mark.parametrize(("header", "status"), [("", 401), ("Station nope", 401), ("Station", 401), ("Token abc", 401)])
def test_push_without_a_good_token_is_refused(client, stations, header, status):
    stations[0].issue_push_token()
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    body = {"samples": [{"sampled_at": "2026-03-01T10:00:00+08:00", "values": {"nh3n": 1}}]}
    response = client.post(reverse("station-push"), body, content_type="application/json", **headers)
    assert response.status_code == status
    assert not Sample.objects.exists()


def test_a_push_with_one_bad_sample_stores_none(client, stations):
    token = stations[0].issue_push_token()
    body = {
        "samples": [
            {"sampled_at": "2026-03-01T10:00:00+08:00", "values": {"nh3n": 1}},
            {"sampled_at": "2026-03-01T11:00:00+08:00", "values": {"nh3n": -1}},
        ]
    }
    response = client.post(
        reverse("station-push"), body, content_type="application/json", HTTP_AUTHORIZATION=f"Station {token}"
    )
    assert response.status_code == 400
    assert "samples" in response.json()["error"]["fields"]
    assert not Sample.objects.exists()


def hj212_packet(station, **extra):
    return hj212.frame(
        hj212.data_segment(
            mn=station.mn,
            pw=station.hj212_password,
            cn=hj212.HOURLY,
            data_time=datetime.datetime(2026, 3, 5, 10),
            factors={"w21003": (0.4, "N")},
            **extra,
        )
    )


def test_hj212_over_http(client, stations):
    a1, _b = stations
    Station.objects.filter(pk=a1.pk).update(is_automatic=True, mn="HTTP0001", hj212_password="pw")
    a1.refresh_from_db()
    response = client.post(reverse("hj212"), hj212_packet(a1), content_type="text/plain")
    assert response.status_code == 200
    [answer] = hj212.StreamDecoder().feed(response.content)
    assert answer.cn == hj212.DATA_RESPONSE
    assert Sample.objects.get().water_class == WaterClass.II
    bad = hj212_packet(a1)[:-6] + b"FFFF\r\n"
    response = client.post(reverse("hj212"), bad, content_type="text/plain")
    assert response.status_code == 400
    [refusal] = hj212.StreamDecoder().feed(response.content)
    assert refusal.cp == "QnRtn=9"
    nothing = client.post(reverse("hj212"), b"nothing", content_type="text/plain")
    assert (nothing.status_code, nothing["Content-Type"]) == (400, "text/plain; charset=ascii")
    assert b"no HJ 212 packet" in nothing.content
    assert Sample.objects.count() == 1


def test_lists_are_scoped(client, world, stations):
    client.force_login(world.users.street_a)
    codes = [feature["properties"]["code"] for feature in client.get(reverse("station-list")).json()["features"]]
    assert codes == ["T-ST-A1"]
    client.force_login(world.users.street_b)
    response = client.get(reverse("station-detail", args=[stations[0].pk]))
    assert response.status_code == 404


def test_alerts_are_listed_newest_first_a_keyset_page_at_a_time_in_scope(client, world, stations):
    from tests.rivers.conftest import add_sample, local

    a1, b_creek = stations
    for day in (1, 2, 3):
        add_sample(a1, local(2026, 2, day, 10), nh3n=2.5)  # 劣V each day: one alert a day
    add_sample(b_creek, local(2026, 2, 4, 10), nh3n=2.5)
    client.force_login(world.users.street_a)
    first = client.get(reverse("alert-list"), {"page_size": 2}).json()
    assert [row["day"] for row in first["results"]] == ["2026-02-03", "2026-02-02"]
    assert "count" not in first
    second = client.get(first["next"]).json()
    assert [row["day"] for row in second["results"]] == ["2026-02-01"]
    assert second["next"] is None
    assert client.get(reverse("alert-list"), {"cursor": "nonsense"}).status_code == 404
    client.force_login(world.users.official)
    assert len(client.get(reverse("alert-list")).json()["results"]) == 4


def station_feature(world, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [120.75, 27.9]},
        "properties": {"code": "T-NEW-1", "name": "New", "control_level": "district", "segment": world.segment_a1.pk}
        | properties,
    }


def test_the_water_quality_department_registers_a_station(client, world):
    client.force_login(world.users.department)
    response = client.post(reverse("station-list"), station_feature(world), content_type="application/json")
    assert response.status_code == 201, response.content
    station = Station.objects.get(code="T-NEW-1")
    assert (station.water_body, station.target_class) == (world.river, world.river.target_class)
    response = client.post(
        reverse("station-list"),
        station_feature(world, code="T-NEW-2", is_automatic=True),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "mn" in response.json()["error"]["fields"]
    client.force_login(world.users.official)
    response = client.post(
        reverse("station-list"), station_feature(world, code="T-NEW-3"), content_type="application/json"
    )
    assert response.status_code == 403


def test_a_duplicate_outlet_code_is_refused_naming_it(client, world, outlet_department):
    from tests.factories import OutletFactory

    OutletFactory(local_code="LW-PK-0001", national_code="91330303MA2CR1AB1XDW001", segment=world.segment_b1)
    client.force_login(outlet_department)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [120.86, 27.9]},
        "properties": {
            "local_code": "LW-PK-0001",
            "national_code": "91330303MA2CR1AB1XDW001",
            "name": "Twin",
            "category": "industrial",
            "subtype": "enterprise",
            "segment": world.segment_b1.pk,
            "responsible_entity": "x",
            "status": "illegal",
        },
    }
    response = client.post(reverse("outlet-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert {"local_code", "national_code"} <= set(response.json()["error"]["fields"])
    body["properties"].update(local_code="LW-PK-0002", national_code="")
    response = client.post(reverse("outlet-list"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["remediation_deadline"] == "2026-05-31"


def test_a_sample_filter_out_of_range_is_a_400_naming_it(client, world, stations):
    client.force_login(world.users.official)
    response = client.get(reverse("sample-list"), {"since": "2200-01-01"})
    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]


def test_an_hj212_body_over_the_limit_is_a_413(client, stations, monkeypatch):
    from rivers.api import quality

    monkeypatch.setattr(quality, "MAX_PACKETS_BODY", 100)
    response = client.post(reverse("hj212"), b"#" * 500, content_type="text/plain")
    assert response.status_code == 413
