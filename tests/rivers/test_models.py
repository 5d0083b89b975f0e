"""Rules that live on the registry models and in the database itself."""

import math

import pytest
from django.contrib.gis.geos import LineString
from django.db import IntegrityError, transaction

from rivers.models import ChiefAppointment
from tests.factories import AppointmentFactory, UserFactory
from wushui.choices import Tier
from wushui.geo import length_m


def test_length_is_measured_in_metres_in_the_metric_crs():
    # One minute of latitude is about 1,843 m at 28 N (meridian arc, GRS80 ellipsoid).
    north_south = LineString((120.8, 27.95), (120.8, 27.95 + 1 / 60), srid=4326)
    assert length_m(north_south) == pytest.approx(1843, abs=5)
    # Along a parallel, a degree shrinks with cos(latitude).
    east_west = LineString((120.80, 27.95), (120.81, 27.95), srid=4326)
    expected = 0.01 * 111_320 * math.cos(math.radians(27.95))
    assert length_m(east_west) == pytest.approx(expected, rel=0.005)


def test_segment_length_is_recomputed_when_the_geometry_changes(world):
    segment = world.segment_b1
    before = segment.length_m
    segment.geometry = LineString((120.85, 27.90), (120.85, 27.92), srid=4326)
    segment.save(update_fields=["geometry"])
    segment.refresh_from_db()
    assert segment.length_m != before
    assert segment.length_m == pytest.approx(2 * 1106, rel=0.01)


def test_database_allows_only_one_current_chief_per_segment_tier_and_role(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChiefAppointment.objects.create(
            chief=UserFactory(), segment=world.segment_a1, tier=Tier.VILLAGE, post="x", public_phone="12345678"
        )


def test_database_allows_history_beside_the_current_chief(world):
    AppointmentFactory(segment=world.segment_a1, tier=Tier.VILLAGE, start_date="2019-01-01", end_date="2020-01-01")
    AppointmentFactory(segment=world.segment_a1, tier=Tier.VILLAGE, start_date="2020-01-02", end_date="2024-12-31")
    assert ChiefAppointment.objects.filter(segment=world.segment_a1, tier=Tier.VILLAGE).count() == 3


def test_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(segment=world.segment_b1, tier=Tier.STREET, start_date="2025-01-01", end_date="2024-01-01")
