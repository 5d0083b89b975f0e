"""The Longwan demo: big enough to be realistic, valid, deterministic and idempotent."""

import hashlib
import io

import pytest
from django.core.management import call_command

from inspections.models import Patrol, Problem
from rivers.models import ChiefAppointment, Segment, WaterBody
from wushui.choices import RegionLevel, Tier
from wushui.models import Region, Unit, User

pytestmark = pytest.mark.django_db


def snapshot():
    """A fingerprint of every seeded row that matters."""
    rows = [
        *Region.objects.order_by("code").values_list("code", "name", "parent__code", "boundary"),
        *WaterBody.objects.order_by("code").values_list("code", "name", "kind", "target_class", "geometry"),
        *Segment.objects.order_by("code").values_list("code", "region__code", "geometry", "length_m"),
        *ChiefAppointment.objects.order_by("segment__code", "tier", "role", "start_date").values_list(
            "segment__code", "tier", "role", "chief__username", "start_date", "end_date"
        ),
        *User.objects.order_by("username").values_list("username", "name", "role", "region__code"),
        *Patrol.objects.order_by("client_uuid").values_list("client_uuid", "segment__code", "is_valid", "distance_m"),
    ]
    return hashlib.sha256(repr([tuple(str(v) for v in row) for row in rows]).encode()).hexdigest()


def test_seed_builds_longwan_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    streets = Region.objects.filter(level=RegionLevel.STREET)
    assert sorted(streets.values_list("name", flat=True)) == sorted(
        f"{name}街道" for name in ["永中", "永兴", "海滨", "海城", "状元", "瑶溪", "蒲州", "沙城", "天河", "星海"]
    )
    assert Region.objects.filter(level=RegionLevel.VILLAGE).count() >= 30
    assert WaterBody.objects.count() >= 40
    assert Segment.objects.count() >= 80
    assert Unit.objects.count() >= 10
    for name in ["瓯江", "温瑞塘河", "黄石山后河", "永强主塘河", "中横河", "天马落河", "北山河", "丰台水库"]:
        assert WaterBody.objects.filter(name__contains=name).exists(), name
    assert WaterBody.objects.get(name__contains="黄石山后河").is_provincial_model
    current = ChiefAppointment.objects.current()
    assert {tier for tier in current.values_list("tier", flat=True)} == set(Tier.values())
    assert ChiefAppointment.objects.filter(end_date__isnull=False).exists()
    for username in ["admin", "official", "yongzhong", "dept_env", "chief_yongzhong", "chief_village"]:
        assert User.objects.get(username=username).check_password("wushui-demo")
    assert current.filter(chief__username="chief_village", tier=Tier.VILLAGE).exists()
    # Weeks of patrolling: mostly valid, some not, a few problems found.
    patrols = Patrol.objects.all()
    assert patrols.count() > 200
    assert 0.5 < patrols.filter(is_valid=True).count() / patrols.count() < 0.95
    assert Problem.objects.filter(source="patrol").exists()

    first = snapshot()
    models = (Region, Unit, WaterBody, Segment, ChiefAppointment, User, Patrol, Problem)
    counts = [model.objects.count() for model in models]
    call_command("seed_demo", stdout=io.StringIO())
    assert [model.objects.count() for model in models] == counts
    assert snapshot() == first


def test_seeded_geometries_pass_the_registry_rules():
    call_command("seed_demo", stdout=io.StringIO())
    for region in Region.objects.all():
        region.full_clean()
    for segment in Segment.objects.select_related("region"):
        segment.full_clean()
    for body in WaterBody.objects.all():
        body.full_clean()
    lon_min, lat_min, lon_max, lat_max = Region.objects.get(level=RegionLevel.DISTRICT).boundary.extent
    assert 120.6 < lon_min < lon_max < 121.0
    assert 27.8 < lat_min < lat_max < 28.1
