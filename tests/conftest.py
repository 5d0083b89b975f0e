"""Shared fixtures: a small district with two streets, and the personas who use it."""

import datetime
import os
import socket
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import LineString
from django.core.cache import cache, caches
from django.test import override_settings
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


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Uploads and exports of the run go to pytest's temporary folder, which pytest prunes."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts, kept figures and their data versions never pass from one test to the next."""
    for kept in (cache, caches["versions"]):
        kept.clear()
    yield
    for kept in (cache, caches["versions"]):
        kept.clear()


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


@pytest.fixture
def projects_world(world):
    """``world`` with the five-waters work: an owner unit and its reporter (``owner``), the 水利局's
    projects user (``projects_dept``), and a project in street A owned by the owner unit
    (``project_a``) and one in street B owned by the street B office (``project_b``), each with a
    2022 plan of 500 万元; a responsibility letter of street B's office with one task; an enterprise
    in each street."""
    from projects.models import AnnualPlan, Enterprise, Project, ResponsibilityLetter, ResponsibilityTask

    owner_unit = UnitFactory(name="East flood works HQ", kind=UnitKind.OWNER)
    water_bureau = UnitFactory(name="Water bureau", kind=UnitKind.DEPARTMENT)
    users = SimpleNamespace(
        owner=UserFactory(
            username="owner", role=Role.DEPARTMENT, region=world.district, unit=owner_unit, domain=Domain.PROJECTS
        ),
        projects_dept=UserFactory(
            username="projects_dept",
            role=Role.DEPARTMENT,
            region=world.district,
            unit=water_bureau,
            domain=Domain.PROJECTS,
        ),
    )
    world.users.street_b.unit = world.street_b_office
    world.users.street_b.save()
    project_a = Project.objects.create(
        code="P-A",
        name="Seawall A",
        category="flood",
        subtype="seawall",
        owner_unit=owner_unit,
        lead_department=water_bureau,
        total_investment=1000,
        start_year=2022,
        end_year=2023,
    )
    project_a.streets.set([world.street_a])
    project_b = Project.objects.create(
        code="P-B",
        name="Sewers B",
        category="sewage",
        subtype="sewer_connection",
        owner_unit=world.street_b_office,
        lead_department=water_bureau,
        total_investment=800,
        start_year=2022,
        end_year=2022,
    )
    project_b.streets.set([world.street_b])
    plan_a = AnnualPlan.objects.create(project=project_a, year=2022, investment=500)
    plan_b = AnnualPlan.objects.create(project=project_b, year=2022, investment=500)
    letter_b = ResponsibilityLetter.objects.create(
        year=2022, unit=world.street_b_office, signed_on=datetime.date(2022, 2, 20)
    )
    task_b = ResponsibilityTask.objects.create(
        letter=letter_b,
        description="Dredge 13万方 around the 劣V sections",
        target_quantity=13,
        target_unit="wan_m3",
        deadline=datetime.date(2022, 6, 15),
        responsible_unit=world.street_b_office,
        region=world.street_b,
    )
    enterprise_a = Enterprise.objects.create(
        name="Plating works A",
        industry="metal_surface",
        street=world.street_a,
        plan="in_place",
        deadline=datetime.date(2022, 6, 30),
    )
    enterprise_b = Enterprise.objects.create(
        name="Workshop B", industry="four_no", street=world.street_b, plan="close", deadline=datetime.date(2022, 12, 31)
    )
    return SimpleNamespace(
        world=world,
        owner_unit=owner_unit,
        water_bureau=water_bureau,
        users=users,
        project_a=project_a,
        project_b=project_b,
        plan_a=plan_a,
        plan_b=plan_b,
        letter_b=letter_b,
        task_b=task_b,
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
    )
