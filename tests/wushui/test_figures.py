"""District-wide figures are kept until the data under them changes, and never read stale."""

import datetime

from django.urls import reverse
from django.utils import timezone

from inspections.compliance import ComplianceReport
from rivers.selectors import registry_figures, subdivision_figures
from tests.factories import AppointmentFactory, PatrolFactory, SegmentFactory, UserFactory
from wushui import figures


def test_a_figure_is_computed_once_until_its_data_changes(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert figures.remembered_figure(("x",), compute, depends_on=(figures.PATROLS,)) == 1
    assert figures.remembered_figure(("x",), compute, depends_on=(figures.PATROLS,)) == 1
    figures.changed(figures.REGISTRY)
    assert figures.remembered_figure(("x",), compute, depends_on=(figures.PATROLS,)) == 1, "other data changed"
    figures.changed(figures.PATROLS)
    assert figures.remembered_figure(("x",), compute, depends_on=(figures.PATROLS,)) == 2
    assert figures.remembered_figure(("y",), compute, depends_on=(figures.PATROLS,)) == 3, "other parts, other figure"


def test_the_compliance_summary_follows_a_new_patrol(world, django_assert_num_queries):
    official = world.users.official
    before = ComplianceReport(official, region=world.district).summary()[1]
    with django_assert_num_queries(1):  # the frequencies; the summary is kept
        ComplianceReport(official, region=world.district).summary()
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, tier="village")
    after = ComplianceReport(official, region=world.district).summary()[1]
    assert after.done == before.done + 1


def test_the_compliance_chief_order_is_kept_and_follows_a_new_patrol(world, django_assert_num_queries):
    street = world.street_a

    def order():
        return ComplianceReport(world.users.official, region=street).chief_order()

    before = order()
    assert (world.users.chief_a1.pk, "village") in before
    with django_assert_num_queries(1):  # the frequencies; the order is kept
        assert order() == before
    # The chiefs furthest behind come first: chief_a1's first patrol moves them behind the others.
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, tier="village")
    after = order()
    assert sorted(after) == sorted(before)
    assert after.index((world.users.chief_a1.pk, "village")) > before.index((world.users.chief_a1.pk, "village"))


def test_the_compliance_page_rows_are_kept_and_follow_a_new_patrol(client, world):
    client.force_login(world.users.street_a)
    url = reverse("inspections:compliance")

    def done_by_chief_a1():
        rows = client.get(url).context["rows"]
        return {row.chief.username: row.done for row in rows}["chief_a1"]

    before = done_by_chief_a1()
    assert done_by_chief_a1() == before
    PatrolFactory(chief=world.users.chief_a1, segment=world.segment_a1, tier="village")
    assert done_by_chief_a1() == before + 1


def test_the_directory_figures_follow_a_new_appointment_and_stay_per_scope(world):
    first = {row.region.pk: row for row in subdivision_figures(world.users.official, world.district)}
    segment = SegmentFactory(region=world.village_b1, water_body=world.river, code="T-RIVER-B2")
    AppointmentFactory(chief=UserFactory(), segment=segment, tier="village")
    second = {row.region.pk: row for row in subdivision_figures(world.users.official, world.district)}
    assert second[world.street_b.pk].segments == first[world.street_b.pk].segments + 1
    street_a = subdivision_figures(world.users.street_a, world.street_a)
    assert all(row.region.pk != world.street_b.pk for row in street_a)


def test_home_figures_follow_the_registry(world):
    before = registry_figures(world.users.official)
    SegmentFactory(region=world.village_a1, water_body=world.river, code="T-RIVER-A2")
    assert registry_figures(world.users.official).segments == before.segments + 1


def test_a_bulk_write_announces_itself(world):
    before = registry_figures(world.users.official)
    # Bulk writes bypass save(): their command calls changed() (grow_district, seed_demo).
    world.river.__class__.objects.filter(pk=world.river.pk).update(name="Renamed")
    SegmentFactory.build(
        region=world.village_a1, water_body=world.river, code="T-RIVER-A3"
    ).__class__.objects.bulk_create(
        [SegmentFactory.build(region=world.village_a1, water_body=world.river, code="T-RIVER-A3")]
    )
    assert registry_figures(world.users.official).segments == before.segments
    figures.changed(figures.REGISTRY)
    assert registry_figures(world.users.official).segments == before.segments + 1


def test_a_sign_in_or_a_new_password_moves_no_version_and_a_rename_does(world):
    chief = world.users.chief_a1
    before = figures.version(figures.REGISTRY)
    chief.last_login = timezone.now()
    chief.save(update_fields=["last_login"])
    chief.set_password("another-password-1")
    chief.save(update_fields=["password"])
    assert figures.version(figures.REGISTRY) == before
    chief.name = "Renamed Chief"
    chief.save(update_fields=["name"])
    assert figures.version(figures.REGISTRY) != before


def test_the_kept_chief_directory_follows_a_rename_an_ended_post_and_the_language(client, world):
    client.force_login(world.users.official)
    url = reverse("rivers:chief_directory")
    assert "District Chief" in client.get(url).content.decode()
    chief = world.users.chief_district
    chief.name = "Renamed District Chief"
    chief.save()
    assert "Renamed District Chief" in client.get(url).content.decode()
    chief.appointments.update(end_date=datetime.date(2026, 1, 31))  # a bulk write: announced by hand
    assert "Renamed District Chief" in client.get(url).content.decode(), "kept until the version moves"
    figures.changed(figures.REGISTRY)
    assert "Renamed District Chief" not in client.get(url).content.decode()
    AppointmentFactory(chief=chief, segment=world.segment_a1, tier="district")  # save(): moves it by itself
    assert "Renamed District Chief" in client.get(url).content.decode()
    english = client.get(url).content.decode()
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "1 chief" in english
    assert "1 chief" not in chinese


def test_a_kept_api_list_follows_its_data_and_differs_per_scope_and_query(client, world):
    client.force_login(world.users.official)

    def names(url="/api/v1/water-bodies/"):
        response = client.get(url)
        assert response.status_code == 200
        return sorted(feature["properties"]["name"] for feature in response.json()["features"])

    before = names()
    assert world.river.name in before
    world.river.name = "Renamed River"
    world.river.save()  # save(): the registry's version moves
    assert "Renamed River" in names()
    type(world.river).objects.filter(pk=world.river.pk).update(name="Bulk Renamed")
    assert "Bulk Renamed" not in names(), "a bulk write is seen once its command announces it"
    figures.changed(figures.REGISTRY)
    assert "Bulk Renamed" in names()
    assert names("/api/v1/water-bodies/?q=no-such-river") == [], "another query, another page"
    client.force_login(world.users.street_a)
    street = client.get("/api/v1/chiefs/").json()
    client.force_login(world.users.official)
    district = client.get("/api/v1/chiefs/").json()
    assert len(street["features"] if "features" in street else street["results"]) < len(
        district["features"] if "features" in district else district["results"]
    )


def test_a_version_moved_in_another_process_is_seen_here_in_the_embedded_default(tmp_path):
    # The embedded default (no REDIS_URL) keeps figures per process but shares their data versions in
    # files under var/: a sample stored by the HJ 212 listener or the worker is seen by the web process.
    from django.core.cache.backends.filebased import FileBasedCache

    from tests.processes import BASE_DIR, run_python

    def other_process(code):
        done = run_python(
            "import django; django.setup()\nfrom wushui import figures\n" + code,
            cwd=BASE_DIR,
            WUSHUI_VAR_DIR=str(tmp_path),
            SECRET_KEY="test-secret-key-for-a-child-process-only",
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    first = other_process("print(figures.version('samples:7'))")
    shared = FileBasedCache(str(tmp_path / "data-versions"), {})
    assert shared.get("data-version:samples:7") == first
    other_process("figures.changed('samples:7')")
    moved = shared.get("data-version:samples:7")
    assert moved != first
    assert other_process("print(figures.version('samples:7'))") == moved
