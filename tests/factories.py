"""Factories for the registry; geometries are simple boxes and lines inside Longwan."""

import datetime
import uuid

import factory
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.utils import timezone

from inspections.models import Patrol, PatrolRuleSet
from rivers.choices import ChiefRole, ControlLevel, OutletCategory, OutletStatus, OutletSubtype, WaterBodyKind
from rivers.models import ChiefAppointment, Outlet, Segment, Station, WaterBody
from wushui.choices import RegionLevel, Role, Tier, UnitKind
from wushui.models import Region, Unit, User


def box(min_x, min_y, max_x, max_y):
    return MultiPolygon(Polygon.from_bbox((min_x, min_y, max_x, max_y)), srid=4326)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"3303039{n:05d}")
    level = RegionLevel.DISTRICT
    boundary = factory.LazyFunction(lambda: box(120.70, 27.85, 120.95, 28.05))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.CHIEF
    password = factory.django.Password("secret-password")


class WaterBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaterBody

    code = factory.Sequence(lambda n: f"T-R{n:03d}")
    name = factory.Sequence(lambda n: f"River {n}")
    kind = WaterBodyKind.RIVER
    responsible_tier = Tier.STREET
    target_class = 4
    length_km = 5


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    water_body = factory.SubFactory(WaterBodyFactory)
    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"T-S{n:04d}")
    name = factory.Sequence(lambda n: f"Segment {n}")
    geometry = factory.LazyFunction(lambda: LineString((120.75, 27.90), (120.76, 27.91), srid=4326))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChiefAppointment

    chief = factory.SubFactory(UserFactory)
    segment = factory.SubFactory(SegmentFactory)
    tier = Tier.STREET
    role = ChiefRole.CHIEF
    post = "Street party secretary"
    public_phone = "13800000000"
    start_date = datetime.date(2025, 1, 1)


class PatrolFactory(factory.django.DjangoModelFactory):
    """A patrol stored directly, with plausible figures: for lists, scoping and compliance.
    Submission, measuring and verdicts are tested through the service and the API."""

    class Meta:
        model = Patrol

    client_uuid = factory.LazyFunction(uuid.uuid4)
    chief = factory.SubFactory(UserFactory)
    segment = factory.SubFactory(SegmentFactory)
    tier = Tier.VILLAGE
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    ended_at = factory.LazyAttribute(lambda patrol: patrol.started_at + datetime.timedelta(minutes=30))
    track = factory.LazyAttribute(lambda patrol: patrol.segment.geometry)
    track_times = factory.LazyFunction(list)
    distance_m = 2000
    max_speed_kmh = 5
    coverage = 0.9
    is_valid = True
    rules = factory.LazyAttribute(lambda patrol: PatrolRuleSet().as_dict(segment_length_m=patrol.segment.length_m))


# --- Projects ---------------------------------------------------------------------------------------------


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Project"

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    category = "sewage"
    subtype = "sewer_connection"
    owner_unit = factory.SubFactory(UnitFactory, kind=UnitKind.OWNER)
    lead_department = factory.SubFactory(UnitFactory)
    total_investment = 1000
    start_year = 2022
    end_year = 2023


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.AnnualPlan"

    project = factory.SubFactory(ProjectFactory)
    year = 2022
    investment = 500


class StationFactory(factory.django.DjangoModelFactory):
    """A monitoring station on a segment, at the segment's first point; its target and water type
    follow the water body unless given."""

    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"T-ST{n:03d}")
    name = factory.Sequence(lambda n: f"Station {n}")
    control_level = ControlLevel.DISTRICT
    segment = factory.SubFactory(SegmentFactory)
    location = factory.LazyAttribute(lambda station: Point(*station.segment.geometry.coords[0], srid=4326))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    local_code = factory.Sequence(lambda n: f"LW-PK-{n:04d}")
    name = factory.Sequence(lambda n: f"Outlet {n}")
    category = OutletCategory.INDUSTRIAL
    subtype = OutletSubtype.ENTERPRISE
    segment = factory.SubFactory(SegmentFactory)
    location = factory.LazyAttribute(lambda outlet: Point(*outlet.segment.geometry.coords[0], srid=4326))
    responsible_entity = "Some Enterprise Ltd"
    status = OutletStatus.COMPLIANT
