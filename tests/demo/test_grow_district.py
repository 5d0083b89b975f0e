"""``grow_district`` at a tiny scale: deterministic, proportional to the scale, and every row one the
product could have made (its rules, its measurements, a consistent region tree)."""

import collections
import hashlib
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from demo import scale
from inspections import tracks
from inspections.models import Finding, Patrol, PatrolRuleSet
from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment, WaterBody
from wushui.choices import RegionLevel, Tier
from wushui.geo import length_m, to_metric
from wushui.models import Region, Unit, User

TINY = 0.01
# Longwan holds streets 001–010; the grown ones follow.
GROWN_FROM = "330303011000"
TODAY = timezone.localdate()


def grow(scale_factor=TINY, seed=7):
    call_command(
        "grow_district", scale=scale_factor, seed=seed, today=TODAY, stdout=io.StringIO(), stderr=io.StringIO()
    )


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    """Longwan seeded and grown once for the module's checks, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        grow()
        yield
        transaction.set_rollback(True)


def grown_patrols():
    return Patrol.objects.filter(segment__in=scale.Growth.grown_segments())


def snapshot():
    """A fingerprint of every grown row, keys by natural key (codes, usernames, client UUIDs)."""
    segments = scale.Growth.grown_segments()
    rows = [
        *Region.objects.order_by("code").values_list("code", "name", "level", "parent__code", "boundary"),
        *Unit.objects.order_by("name").values_list("name", "kind", "region__code", "phone"),
        *WaterBody.objects.order_by("code").values_list(
            "code", "name", "kind", "responsible_tier", "target_class", "length_km", "area_km2", "geometry"
        ),
        *segments.order_by("code").values_list(
            "code", "name", "region__code", "water_body__code", "geometry", "length_m"
        ),
        *User.objects.order_by("username").values_list(
            "username", "name", "role", "region__code", "phone", "date_joined"
        ),
        *ChiefAppointment.objects.filter(segment__in=segments)
        .order_by("segment__code", "tier", "role", "start_date")
        .values_list(
            "segment__code", "tier", "role", "chief__username", "post", "public_phone", "start_date", "end_date"
        ),
        *grown_patrols()
        .order_by("client_uuid")
        .values_list(
            "client_uuid",
            "chief__username",
            "segment__code",
            "tier",
            "source",
            "started_at",
            "ended_at",
            "submitted_at",
            "track",
            "track_times",
            "distance_m",
            "max_speed_kmh",
            "coverage",
            "is_valid",
            "invalid_reasons",
            "rules",
        ),
        *Finding.objects.filter(patrol__in=grown_patrols())
        .order_by("patrol__client_uuid")
        .values_list("patrol__client_uuid", "category", "note", "location"),
    ]
    return hashlib.sha256(repr([tuple(str(value) for value in row) for row in rows]).encode()).hexdigest()


def counts():
    segments = scale.Growth.grown_segments()
    return {
        "villages": Region.objects.filter(level=RegionLevel.VILLAGE, code__gt=GROWN_FROM).count(),
        "segments": segments.count(),
        "appointments": ChiefAppointment.objects.filter(segment__in=segments).count(),
        "patrols": grown_patrols().count(),
    }


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    call_command("seed_demo", stdout=io.StringIO())
    fingerprints = []
    for seed in (7, 7, 8):
        savepoint = transaction.savepoint()
        grow(seed=seed)
        fingerprints.append(snapshot())
        transaction.savepoint_rollback(savepoint)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[2] != fingerprints[0]


@pytest.mark.django_db
def test_rows_grow_with_the_scale():
    call_command("seed_demo", stdout=io.StringIO())
    sizes = []
    for factor in (TINY, 3 * TINY):
        savepoint = transaction.savepoint()
        grow(factor)
        sizes.append(counts())
        transaction.savepoint_rollback(savepoint)
    small, large = sizes
    assert small["segments"] > 20
    assert small["patrols"] > 1000
    for name in small:
        assert 2.4 < large[name] / small[name] < 3.6, name
    # The patrols are the share of the target the scale asks for.
    assert abs(small["patrols"] - 4000) < 400


@pytest.mark.django_db
def test_growing_needs_the_seeded_demo():
    with pytest.raises(CommandError, match="seed_demo"):
        grow()


def test_a_grown_database_is_not_grown_again(grown, db):
    with pytest.raises(CommandError, match="already grown"):
        grow()


def test_the_region_tree_is_consistent(grown, db):
    district = Region.objects.get(level=RegionLevel.DISTRICT)
    streets = list(Region.objects.filter(level=RegionLevel.STREET))
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent"))
    assert len({region.code for region in [district, *streets, *villages]}) == 1 + len(streets) + len(villages)
    for street in streets:
        assert street.parent_id == district.pk
        assert street.code[:6] == district.code[:6]
        assert street.code.endswith("000")
        assert district.boundary.buffer(1e-9).covers(street.boundary)
    by_street = collections.defaultdict(list)
    for village in villages:
        assert village.code[:9] == village.parent.code[:9]
        assert village.code[9:] != "000"
        by_street[village.parent_id].append(village)
    grown_streets = [street for street in streets if street.code >= GROWN_FROM]
    assert grown_streets
    for street in grown_streets:
        # The villages partition their street: no overlaps, no gaps.
        parts = [village.boundary for village in by_street[street.pk]]
        assert len(parts) >= 20
        total = sum(part.area for part in parts)
        assert total == pytest.approx(street.boundary.area, rel=1e-9)
        union = parts[0]
        for part in parts[1:]:
            union = union.union(part)
        assert union.area == pytest.approx(total, rel=1e-9)
        # Longwan is left as it was: the new streets lie outside it.
        for other in streets:
            if other.code < GROWN_FROM:
                assert not other.boundary.intersection(street.boundary).area


def test_grown_rows_pass_the_model_rules(grown, db):
    for region in Region.objects.filter(code__gte=GROWN_FROM).select_related("parent"):
        region.full_clean()
    Region.objects.get(level=RegionLevel.DISTRICT).full_clean()
    segments = list(scale.Growth.grown_segments().select_related("region", "water_body"))
    for segment in segments:
        segment.full_clean()
        assert segment.length_m == round(length_m(segment.geometry), 1)
    for body in {segment.water_body for segment in segments}:
        body.full_clean()
    appointments = list(
        ChiefAppointment.objects.filter(segment__in=segments).select_related("chief", "segment__region")
    )
    for appointment in appointments:
        appointment.full_clean()
        appointment.chief.full_clean()
    assert any(not appointment.is_current for appointment in appointments)
    # Every segment has a current street-tier chief, and one in a village a village-tier one.
    current = {(a.segment_id, a.tier, a.role) for a in appointments if a.is_current}
    for segment in segments:
        assert (segment.pk, Tier.STREET, ChiefRole.CHIEF) in current
        if segment.region.level == RegionLevel.VILLAGE:
            assert (segment.pk, Tier.VILLAGE, ChiefRole.CHIEF) in current
    assert {tier for _segment, tier, _role in current} == set(Tier.values())


def test_patrols_are_the_ones_the_product_would_have_recorded(grown, db):
    patrols = list(grown_patrols().select_related("segment", "chief"))
    assert all(patrol.is_valid == (patrol.invalid_reasons == []) for patrol in patrols)
    reasons = collections.Counter(reason["code"] for patrol in patrols for reason in patrol.invalid_reasons)
    assert {"low_coverage", "too_fast"} <= set(reasons)
    assert 0.6 < sum(patrol.is_valid for patrol in patrols) / len(patrols) < 0.95
    # Spread over the last twelve months, each by a chief then in office on that segment at that tier.
    months = {timezone.localtime(patrol.started_at).strftime("%Y-%m") for patrol in patrols}
    assert len(months) >= 12
    appointments = collections.defaultdict(list)
    for appointment in ChiefAppointment.objects.filter(role=ChiefRole.CHIEF, segment__in=scale.Growth.grown_segments()):
        appointments[appointment.chief_id, appointment.segment_id, appointment.tier].append(appointment)
    rule_set = PatrolRuleSet.current()
    for patrol in patrols:
        day = timezone.localdate(patrol.started_at)
        assert TODAY - timezone.timedelta(days=366) <= day < TODAY
        held = appointments[patrol.chief_id, patrol.segment_id, patrol.tier]
        assert any(a.start_date <= day and (a.end_date is None or day <= a.end_date) for a in held)
        assert patrol.rules == rule_set.as_dict(segment_length_m=patrol.segment.length_m)
        assert patrol.submitted_at > patrol.ended_at
    # The figures are the product's: the stored track read back as a phone's submission and measured.
    partial = [patrol for patrol in patrols if patrol.coverage < 1]
    whole = [patrol for patrol in patrols if patrol.coverage == 1]
    rng = random.Random(1)
    sample = rng.sample(partial, min(60, len(partial))) + rng.sample(whole, 140)
    for patrol in sample:
        patrol.full_clean()
        track = tracks.track_from_geojson(
            {"type": "LineString", "coordinates": [list(point) for point in patrol.track.coords]}, patrol.track_times
        )
        tracks.check_period(track, patrol.started_at, patrol.ended_at)
        measured = tracks.measure(track, patrol.segment, patrol.started_at, patrol.ended_at, patrol.rules)
        assert measured.distance_from_segment_m <= patrol.rules["max_distance_from_segment_m"]
        stored = (patrol.distance_m, patrol.max_speed_kmh, patrol.coverage)
        assert stored == (measured.distance_m, measured.max_speed_kmh, measured.coverage), patrol.client_uuid
        assert patrol.invalid_reasons == tracks.invalid_reasons(measured, patrol.rules)
        # Tracks are modest: a fix every 50-100 m.
        spacing = to_metric(patrol.track).length / (len(patrol.track) - 1)
        assert 30 < spacing < 130
    findings = Finding.objects.filter(patrol__in=grown_patrols())
    assert 0.01 < findings.count() / len(patrols) < 0.06


def test_quality_rows_are_the_products(grown, db):
    from rivers import gb3838
    from rivers.demo import HOURLY_DAYS, MONTHS, STATION_CODE_PREFIX
    from rivers.models import Sample, Station, StationMonth

    stations = list(Station.objects.filter(code__startswith=STATION_CODE_PREFIX))
    assert len(stations) == 1  # 100 × 0.01
    station = stations[0]
    station.full_clean()
    samples = Sample.objects.filter(station=station)
    assert MONTHS - 1 <= samples.filter(source="lab").count() <= MONTHS + 1
    if station.is_automatic:
        assert samples.filter(interval="day").count() >= MONTHS * 28
        earliest_hour = samples.filter(interval="hour").order_by("sampled_at").first().sampled_at
        assert (TODAY - timezone.localdate(earliest_hour)).days <= HOURLY_DAYS
    for sample in random.Random(2).sample(list(samples), 50):
        expected = gb3838.classify(sample.classifiable_values(), lake=station.is_lake, target=station.target_class)
        assert (sample.water_class, sample.determining) == (expected.water_class, list(expected.determining))
        sample.full_clean()
    latest = samples.assessed().order_by("-sampled_at").first()
    assert (station.latest_class, station.latest_sampled_at) == (latest.water_class, latest.sampled_at)
    assert StationMonth.objects.filter(station=station).count() >= MONTHS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks foreign keys its own way")
def test_foreign_keys_are_checked_per_statement_while_growing_and_deferred_after(db):
    from wushui.bulk import insert_rows, new_keys

    columns = ["id", "code", "name", "level", "parent_id"]
    dangling = (new_keys(Region, 1)[0], "330303905000", "悬空街道", RegionLevel.STREET, 10**9)
    with scale.foreign_keys_checked_per_statement(), pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Region, columns, [dangling])
    # Deferred again, as the schema declares: a row may refer to one written later in the transaction.
    with transaction.atomic():
        insert_rows(Region, columns, [dangling])
        Region.objects.filter(pk=dangling[0]).delete()
