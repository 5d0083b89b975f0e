"""One scoping mechanism: each persona sees exactly their part of the district."""

import pytest
from django.contrib.auth.models import AnonymousUser

from inspections.models import Patrol
from rivers.models import ChiefAppointment, Segment, WaterBody
from tests.factories import AppointmentFactory
from wushui.choices import Domain
from wushui.models import Region, Unit
from wushui.scoping import CHANGE


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_district_roles_see_the_whole_district(world):
    for user in (world.users.admin, world.users.official, world.users.department, world.users.chief_district):
        assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1", "T-RIVER-B1", "T-BCREEK-1"}
        assert Region.objects.restrict(user).count() == 5


def test_street_official_sees_their_street_subtree_only(world):
    user = world.users.street_a
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1"}
    assert codes(WaterBody.objects.restrict(user)) == {"T-RIVER"}
    assert codes(Region.objects.restrict(user)) == {"330303001000", "330303001001"}
    assert set(ChiefAppointment.objects.restrict(user)) == {
        world.appointments.village_a1,
        world.appointments.district_a1,
    }


def test_other_street_sees_its_own_rivers_and_not_ours(world):
    user = world.users.street_b
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-B1", "T-BCREEK-1"}
    assert codes(WaterBody.objects.restrict(user)) == {"T-RIVER", "T-BCREEK"}


def test_village_chief_sees_their_village_and_appointed_segments(world, django_user_model):
    user = world.users.chief_a1
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1"}
    # An appointment outside the chief's village extends their scope to that segment.
    from tests.factories import AppointmentFactory

    AppointmentFactory(chief=user, segment=world.segment_b_creek, tier="street")
    user = django_user_model.objects.get(pk=user.pk)
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1", "T-BCREEK-1"}


def test_ended_appointment_no_longer_widens_scope(world, django_user_model):
    from tests.factories import AppointmentFactory

    appointment = AppointmentFactory(chief=world.users.chief_a1, segment=world.segment_b_creek, tier="street")
    appointment.end_date = appointment.start_date
    appointment.save()
    assert codes(Segment.objects.restrict(world.users.chief_a1)) == {"T-RIVER-A1"}


def test_district_units_are_shared_street_units_stay_in_their_street(world):
    assert set(Unit.objects.restrict(world.users.street_a)) == {world.env_unit}
    assert set(Unit.objects.restrict(world.users.street_b)) == {world.env_unit, world.street_b_office}


@pytest.mark.parametrize("model", [Region, Unit, WaterBody, Segment, ChiefAppointment])
def test_anonymous_and_inactive_users_see_nothing(world, model):
    assert not model.objects.restrict(AnonymousUser()).exists()
    inactive = world.users.official
    inactive.is_active = False
    assert not model.objects.restrict(inactive).exists()
    assert not model.objects.restrict(None).exists()


def test_scope_ids_are_read_once_per_user_object(world, django_assert_num_queries):
    user = world.users.street_a
    with django_assert_num_queries(4):  # the region's level, its subtree, the segments in it, the patrols
        list(Patrol.objects.restrict(user))
    with django_assert_num_queries(2):  # appointments and patrols again, the ids kept
        list(ChiefAppointment.objects.restrict(user))
        list(Patrol.objects.restrict(user))


def test_a_new_user_object_reads_a_changed_scope(world, django_user_model):
    user = world.users.chief_a1
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1"}
    AppointmentFactory(chief=user, segment=world.segment_b_creek, tier="street")
    assert codes(Segment.objects.restrict(user)) == {"T-RIVER-A1"}, "kept for this request"
    fresh = django_user_model.objects.get(pk=user.pk)
    assert codes(Segment.objects.restrict(fresh)) == {"T-RIVER-A1", "T-BCREEK-1"}


def test_scope_ids_are_kept_across_requests_until_the_registry_changes(
    world, django_user_model, django_assert_num_queries
):
    user = world.users.street_a
    list(Patrol.objects.restrict(user))
    fresh = django_user_model.objects.get(pk=user.pk)  # the next request's user
    with django_assert_num_queries(1):  # the patrols only: the ids come from the cache
        list(Patrol.objects.restrict(fresh))
    # A segment written in the street widens the scope on the next request.
    segment = Segment.objects.create(
        water_body=world.segment_a1.water_body,
        region=world.segment_a1.region,
        code="T-RIVER-A9",
        name="New reach",
        geometry=world.segment_a1.geometry,
    )
    fresh = django_user_model.objects.get(pk=user.pk)
    assert segment.code in codes(Segment.objects.restrict(fresh))
    # A user moved to another street sees that street's rows at once.
    fresh.region = world.segment_b_creek.region
    fresh.save()
    fresh = django_user_model.objects.get(pk=user.pk)
    assert "T-RIVER-A1" not in codes(Segment.objects.restrict(fresh))


def test_a_department_users_domains_are_part_of_their_scope(world):
    assert world.users.department.domains == {Domain.WATER_QUALITY}
    assert world.users.street_a.domains == frozenset()


def test_only_registry_keepers_may_change_registry_rows(world):
    assert Segment.objects.may_change_any(world.users.admin)
    for persona in ("official", "department", "street_a", "chief_a1"):
        assert not Segment.objects.may_change_any(getattr(world.users, persona)), persona
        assert not Segment.objects.restrict(getattr(world.users, persona), CHANGE).exists(), persona
    assert Patrol.objects.may_change_any(world.users.chief_a1), "a chief adds to their own patrols"
