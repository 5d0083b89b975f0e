"""Water-quality fixtures on the ``world``: stations on segment A1 (river, target IV) and on the B creek,
an outlet department user."""

import datetime

import pytest
from django.utils import timezone

from rivers.choices import ControlLevel, SampleSource
from rivers.samples import new_sample, store_samples
from tests.factories import StationFactory, UserFactory
from wushui.choices import Domain, Role

# A fixed "now" for the quality tests: 2026-03-05 12:00 in Wenzhou.
NOW = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def stations(world):
    a1 = StationFactory(
        code="T-ST-A1",
        name="A1 station",
        segment=world.segment_a1,
        control_level=ControlLevel.CITY,
        responsible_chief=world.users.chief_a1,
    )
    b_creek = StationFactory(code="T-ST-B", name="B creek station", segment=world.segment_b_creek)
    return a1, b_creek


@pytest.fixture
def outlet_department(world):
    return UserFactory(
        username="dept_outlets", role=Role.DEPARTMENT, region=world.district, unit=world.env_unit, domain=Domain.OUTLETS
    )


def add_sample(station, when, source=SampleSource.LAB, **values):
    sample = new_sample(station, when, source, values=values)
    store_samples([sample])
    return sample


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))
