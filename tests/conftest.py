"""Shared fixtures: a small district with two streets, and the personas who use it."""

import os
import socket
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import LineString
from django.core.cache import cache
from django.utils import translation

from tests.factories import (
    AppointmentFactory,
    RegionFactory,
    SegmentFactory,
    UnitFactory,
    UserFactory,
    WaterBodyFactory,
    box,
)
from wushui.choices import Domain, RegionLevel, Role, Tier, UnitKind

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from such a thread unless told it is safe (the live server runs elsewhere).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_real_connect = socket.socket.connect


def _loopback_only_connect(sock, address):
    host = address[0] if isinstance(address, tuple) else address
    is_ip = isinstance(host, str) and sock.family in (socket.AF_INET, socket.AF_INET6)
    if is_ip and not (host.startswith("127.") or host in ("::1", "localhost")):
        raise RuntimeError(f"tests may not reach the network ({host})")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _loopback_only_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts and other cached values never pass from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language leaves its language active in the thread: reset it."""
    yield
    translation.deactivate()


@pytest.fixture
def world(db):
    """District D with streets A and B, villages A1 and B1, a river crossing both streets.

    Personas: ``admin`` (district administrator), ``official`` (district
    official), ``street_a`` and ``street_b`` (street officials), ``chief_a1``
    (village chief of A1 on segment_a1), ``department`` (district department).
    """
    return build_world()


def build_world():
    """The objects of :func:`world`, also for fixtures of a wider scope (tests/test_scope_matrix.py)."""
    district = RegionFactory(name="Longwan", code="330303000000", level=RegionLevel.DISTRICT)
    street_a = RegionFactory(
        name="Street A",
        code="330303001000",
        level=RegionLevel.STREET,
        parent=district,
        boundary=box(120.70, 27.85, 120.825, 28.05),
    )
    street_b = RegionFactory(
        name="Street B",
        code="330303002000",
        level=RegionLevel.STREET,
        parent=district,
        boundary=box(120.825, 27.85, 120.95, 28.05),
    )
    village_a1 = RegionFactory(
        name="Village A1",
        code="330303001001",
        level=RegionLevel.VILLAGE,
        parent=street_a,
        boundary=box(120.70, 27.85, 120.825, 27.95),
    )
    village_b1 = RegionFactory(
        name="Village B1",
        code="330303002001",
        level=RegionLevel.VILLAGE,
        parent=street_b,
        boundary=box(120.825, 27.85, 120.95, 27.95),
    )
    river = WaterBodyFactory(name="Shared River", code="T-RIVER", responsible_tier=Tier.DISTRICT)
    river_b_only = WaterBodyFactory(name="B Creek", code="T-BCREEK")
    segment_a1 = SegmentFactory(
        water_body=river,
        region=village_a1,
        code="T-RIVER-A1",
        name="A1 reach",
        geometry=LineString((120.72, 27.90), (120.78, 27.91), (120.80, 27.92), srid=4326),
    )
    segment_b1 = SegmentFactory(
        water_body=river,
        region=village_b1,
        code="T-RIVER-B1",
        name="B1 reach",
        geometry=LineString((120.85, 27.90), (120.90, 27.91), srid=4326),
    )
    segment_b_creek = SegmentFactory(
        water_body=river_b_only,
        region=street_b,
        code="T-BCREEK-1",
        name="B creek reach",
        geometry=LineString((120.86, 27.98), (120.88, 28.00), srid=4326),
    )
    env_unit = UnitFactory(name="Environment bureau", kind=UnitKind.DEPARTMENT)
    street_b_office = UnitFactory(name="Street B office", kind=UnitKind.STREET_OFFICE, region=street_b)
    users = SimpleNamespace(
        admin=UserFactory(
            username="admin", role=Role.DISTRICT_ADMIN, region=district, is_staff=True, is_superuser=True
        ),
        official=UserFactory(username="official", role=Role.DISTRICT_OFFICIAL, region=district),
        street_a=UserFactory(username="street_a", role=Role.STREET_OFFICIAL, region=street_a),
        street_b=UserFactory(username="street_b", role=Role.STREET_OFFICIAL, region=street_b),
        chief_a1=UserFactory(username="chief_a1", name="Chief A1", role=Role.CHIEF, region=village_a1),
        chief_district=UserFactory(username="chief_district", name="District Chief", role=Role.CHIEF, region=district),
        department=UserFactory(
            username="department", role=Role.DEPARTMENT, region=district, unit=env_unit, domain=Domain.WATER_QUALITY
        ),
    )
    appointments = SimpleNamespace(
        village_a1=AppointmentFactory(
            chief=users.chief_a1, segment=segment_a1, tier=Tier.VILLAGE, post="Village A1 secretary"
        ),
        district_a1=AppointmentFactory(
            chief=users.chief_district, segment=segment_a1, tier=Tier.DISTRICT, post="Deputy district head"
        ),
        district_b1=AppointmentFactory(
            chief=users.chief_district, segment=segment_b1, tier=Tier.DISTRICT, post="Deputy district head"
        ),
    )
    return SimpleNamespace(
        district=district,
        street_a=street_a,
        street_b=street_b,
        village_a1=village_a1,
        village_b1=village_b1,
        river=river,
        river_b_only=river_b_only,
        segment_a1=segment_a1,
        segment_b1=segment_b1,
        segment_b_creek=segment_b_creek,
        env_unit=env_unit,
        street_b_office=street_b_office,
        users=users,
        appointments=appointments,
    )
