"""A village chief records a patrol on a phone: GPS positions along the segment, a finding with a
photo, then the server's verdict. Positions come from Chromium's geolocation override; the page's
clock is faked so a half-hour patrol takes seconds."""

import datetime
import io
import time

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from inspections import views
from inspections.models import Patrol, PatrolPhoto, Problem
from rivers.models import Segment
from tests.browser.conftest import sign_in
from tests.inspections.tracks import track_along

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Cycling pace, a position every 100 m (one every 30 s): valid under the default rules.
SPEED_KMH = 12
STEP_M = 100


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page that may read the (overridden) position."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, has_touch=True)
    context.grant_permissions(["geolocation"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def open_recorder(page, *, clock_at):
    # The page's clock is installed before it loads so that every Date.now() it reads is fake.
    page.clock.install(time=clock_at)
    sign_in(page, "chief_a1")
    page.goto("/patrols/record/")
    page.wait_for_selector("#map[data-feature-count='1']")


def start_patrol(page, segment, coordinates):
    page.check(f"input[name=segment][value='{segment.pk}']")
    move_to(page, coordinates[0])
    page.click("#start-patrol")
    expect(page.locator("#stat-points")).to_have_text("1")


def move_to(page, position, accuracy=8):
    longitude, latitude = position
    page.context.set_geolocation({"longitude": longitude, "latitude": latitude, "accuracy": accuracy})


def walk(page, coordinates, times, *, screenshot_at=None):
    """Moves the phone on from ``coordinates[0]`` (where it is), the page's clock keeping pace."""
    recorded = int(page.locator("#stat-points").text_content())
    for index in range(1, len(coordinates)):
        page.clock.fast_forward(round((times[index] - times[index - 1]).total_seconds() * 1000))
        move_to(page, coordinates[index])
        expect(page.locator("#stat-points")).to_have_text(str(recorded + index))
        if index == screenshot_at:
            page.screenshot(path="test-results/patrol-recording.png")


def add_finding(page, *, category, note, is_problem, photo=None):
    page.click("#add-finding")
    page.select_option("#finding-form select[name=category]", category)
    page.fill("#finding-form textarea[name=note]", note)
    if is_problem:
        page.check("#finding-form input[name=is_problem]")
    if photo:
        page.set_input_files("#finding-form input[name=photos]", photo)
        expect(page.locator("#finding-thumbs img")).to_have_count(1)
        page.screenshot(path="test-results/patrol-finding.png", full_page=True)
    page.click("#save-finding")
    expect(page.locator("#finding-list li")).to_have_count(1)


def finish(page):
    page.click("#finish-patrol")
    page.click("#confirm-finish")


def camera_photo():
    """A photo bigger than the page sends, so that it has to shrink it."""
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (40, 120, 160)).save(buffer, format="PNG")
    return {"name": "river.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_chief_records_a_valid_patrol_with_a_problem_and_a_photo(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=45)
    coordinates, times = track_along(
        world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.8, step_m=STEP_M
    )
    open_recorder(phone, clock_at=start)
    expect(phone.locator(".segment-choice small.rule")).to_contain_text("at least 10 min and 1000 m walked")
    start_patrol(phone, world.segment_a1, coordinates)
    expect(phone.locator("#goal-elapsed")).to_contain_text("at least 10 min")
    expect(phone.locator("#goal-distance")).to_contain_text("at least 1.00 km")
    expect(phone.locator(".live-stats .stat.met")).to_have_count(0)

    half = len(coordinates) // 2
    walk(phone, coordinates[: half + 1], times[: half + 1], screenshot_at=half // 2)
    add_finding(phone, category="bank", note="Rubbish dumped on the bank", is_problem=True, photo=camera_photo())
    expect(phone.locator("#finding-list li.problem")).to_have_count(1)
    walk(phone, coordinates[half:], times[half:])
    expect(phone.locator(".live-stats .stat.met")).to_have_count(2)
    phone.click("#finish-patrol")
    expect(phone.locator("#finish-short")).to_be_hidden()
    phone.click("#confirm-finish")

    verdict = phone.locator("#verdicts [data-verdict]")
    expect(verdict).to_have_attribute("data-valid", "true")
    expect(phone.locator("#outbox")).to_be_hidden()
    phone.screenshot(path="test-results/patrol-verdict.png", full_page=True)

    patrol = Patrol.objects.get()
    assert patrol.is_valid, patrol.invalid_reasons
    assert patrol.chief == world.users.chief_a1
    assert patrol.segment == world.segment_a1
    assert len(patrol.track_times) == len(coordinates)
    assert patrol.duration_s > 30 * 60
    assert verdict.get_attribute("data-patrol-id") == str(patrol.pk)
    assert verdict.locator("a").get_attribute("href") == f"/patrols/{patrol.pk}/"
    problem = Problem.objects.get()
    assert problem.reported_by == world.users.chief_a1
    assert problem.finding.patrol == patrol
    assert problem.location is not None
    photo = PatrolPhoto.objects.get()
    assert photo.finding == problem.finding
    assert max(photo.width, photo.height) == 1600
    # Nothing is left queued on the phone: a reload offers neither a resume nor a retry.
    phone.reload()
    expect(phone.locator("#setup")).to_be_visible()
    expect(phone.locator("#resume")).to_be_hidden()
    expect(phone.locator("#outbox")).to_be_hidden()


def test_patrol_finished_offline_waits_and_is_sent_once_when_back_online(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    coordinates, times = track_along(
        world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.15, step_m=STEP_M
    )
    open_recorder(phone, clock_at=start)
    start_patrol(phone, world.segment_a1, coordinates)
    walk(phone, coordinates, times)

    phone.context.set_offline(True)
    finish(phone)
    pending = phone.locator("#outbox li[data-state=pending]")
    expect(pending).to_have_count(1)
    phone.click("#retry-now")
    expect(pending).to_have_count(1)
    phone.screenshot(path="test-results/patrol-pending.png", full_page=True)
    assert Patrol.objects.count() == 0

    phone.context.set_offline(False)
    verdict = phone.locator("#verdicts [data-verdict]")
    expect(verdict).to_have_count(1)
    # Too short to count (about 6 minutes), but recorded: the chief sees why.
    expect(verdict).to_have_attribute("data-valid", "false")
    expect(verdict.locator("[data-field=reasons] li").first).to_be_visible()
    expect(phone.locator("#outbox")).to_be_hidden()
    assert Patrol.objects.count() == 1


def test_unfinished_patrol_resumes_after_a_reload(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    coordinates, times = track_along(
        world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.1, step_m=STEP_M
    )
    open_recorder(phone, clock_at=start)
    start_patrol(phone, world.segment_a1, coordinates)
    walk(phone, coordinates[:4], times[:4])

    phone.reload()
    expect(phone.locator("#resume")).to_be_visible()
    expect(phone.locator("#resume-text")).to_contain_text("(4 positions recorded)")
    phone.click("#resume-patrol")
    expect(phone.locator("#stat-points")).to_have_text("4")
    walk(phone, coordinates[3:], times[3:])
    finish(phone)

    expect(phone.locator("#verdicts [data-verdict]")).to_have_count(1)
    patrol = Patrol.objects.get()
    assert len(patrol.track_times) == len(coordinates)


def test_refused_patrol_stays_on_the_phone_with_the_servers_reasons(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    # Two kilometres north of the river: the server refuses a track that never comes near its segment.
    coordinates, times = track_along(
        world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.1, step_m=STEP_M, offset_m=2000
    )
    open_recorder(phone, clock_at=start)
    start_patrol(phone, world.segment_a1, coordinates)
    walk(phone, coordinates, times)
    finish(phone)

    refused = phone.locator("#outbox li[data-state=rejected]")
    expect(refused).to_contain_text("GPS track: The track never comes within 500 m of the segment")
    phone.screenshot(path="test-results/patrol-refused.png", full_page=True)
    # Kept on the phone: a reload sends it again and shows the same answer.
    phone.reload()
    expect(refused).to_contain_text("never comes within 500 m")
    assert Patrol.objects.count() == 0


def test_finishing_short_of_the_rules_warns_before_sending(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    # 600 m in three minutes: short of both the ten minutes and the kilometre.
    coordinates, times = track_along(world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, step_m=STEP_M)
    coordinates, times = coordinates[:7], times[:7]
    open_recorder(phone, clock_at=start)
    start_patrol(phone, world.segment_a1, coordinates)
    walk(phone, coordinates, times)

    phone.click("#finish-patrol")
    warning = phone.locator("#finish-short")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("3 of 10 min")
    expect(warning).to_contain_text(" of 1000 m")
    phone.screenshot(path="test-results/patrol-finish-short.png", full_page=True)
    # The chief keeps walking instead: nothing was sent.
    phone.click("#keep-recording")
    expect(phone.locator("#finish-confirm")).to_be_hidden()
    assert Patrol.objects.count() == 0
    # Sent anyway, it is stored as not valid, for the reasons the phone warned of.
    phone.click("#finish-patrol")
    phone.click("#confirm-finish")
    expect(phone.locator("#verdicts [data-verdict]")).to_have_attribute("data-valid", "false")
    patrol = Patrol.objects.get()
    assert {reason["code"] for reason in patrol.invalid_reasons} >= {"too_short_time", "too_short_distance"}


def test_user_without_an_appointment_is_told_so_and_offered_nothing_to_record(phone, world):
    sign_in(phone, "official")
    phone.goto("/patrols/record/")
    expect(phone.locator("#no-appointment")).to_be_visible()
    expect(phone.locator("#patrol-recorder")).to_have_count(0)
    expect(phone.locator("#map")).to_have_count(0)


def test_imprecise_and_repeated_positions_are_not_recorded(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    coordinates, _times = track_along(world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.05)
    open_recorder(phone, clock_at=start)
    start_patrol(phone, world.segment_a1, coordinates)
    points, status = phone.locator("#stat-points"), phone.locator("#gps-status")

    move_to(phone, coordinates[1], accuracy=250)
    expect(status).to_contain_text("250 m")
    expect(points).to_have_text("1")
    move_to(phone, coordinates[0], accuracy=9)
    expect(status).to_have_text("GPS accuracy 9 m")
    expect(points).to_have_text("1")
    move_to(phone, coordinates[1])
    expect(points).to_have_text("2")


def test_the_recorder_opens_and_records_without_network_once_visited(phone, world):
    start = timezone.now() - datetime.timedelta(minutes=45)
    coordinates, times = track_along(
        world.segment_a1.geometry, start=start, speed_kmh=SPEED_KMH, fraction=0.8, step_m=STEP_M
    )
    open_recorder(phone, clock_at=start)
    expect(phone.locator("#patrol-recorder")).to_have_attribute("data-offline-ready", "true")
    kept = phone.evaluate(
        "caches.open(document.getElementById('patrol-recorder').dataset.offlineCache)"
        ".then((cache) => cache.keys()).then((requests) => requests.map((request) => new URL(request.url).pathname))"
    )
    page_files = {"/patrols/record/", "/static/js/patrol-record.js", "/static/js/map.js", "/static/css/portal.css"}
    # The modules patrol-record.js imports are no <script> of the page, yet an offline opening needs them.
    modules = {f"/static/{module}" for module in views.RECORDER_MODULES}
    assert page_files | modules <= set(kept)

    # In a dead zone the browser discarded the tab; the chief opens the recorder again. The
    # browser's own HTTP cache is off, so that only the service worker's copy can answer; the
    # segment renamed since shows that the page is that copy, not the server's.
    phone.context.new_cdp_session(phone).send("Network.setCacheDisabled", {"cacheDisabled": True})
    Segment.objects.filter(pk=world.segment_a1.pk).update(name="Renamed reach")
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("#setup")).to_be_visible()
    expect(phone.locator(".segment-choice")).to_contain_text("A1 reach")
    phone.wait_for_selector("#map[data-feature-count='1']")
    start_patrol(phone, world.segment_a1, coordinates)
    walk(phone, coordinates, times)
    finish(phone)
    expect(phone.locator("#outbox li[data-state=pending]")).to_have_count(1)
    assert Patrol.objects.count() == 0

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#verdicts [data-verdict]")).to_have_attribute("data-valid", "true")
    assert Patrol.objects.get().is_valid


def test_a_new_version_of_the_offline_copy_is_whole_after_one_visit(phone, world, monkeypatch):
    """The page loads through the worker of the old version, which keeps its copies under the old
    name; the page stores the new copy itself."""
    monkeypatch.setattr(views, "OFFLINE_CACHE", f"{views.OFFLINE_CACHE_PREFIX}old")
    open_recorder(phone, clock_at=timezone.now())
    expect(phone.locator("#patrol-recorder")).to_have_attribute("data-offline-ready", "true")

    new = f"{views.OFFLINE_CACHE_PREFIX}new"
    monkeypatch.setattr(views, "OFFLINE_CACHE", new)
    phone.reload()
    expect(phone.locator("#patrol-recorder")).to_have_attribute("data-offline-ready", "true")
    # The new worker has taken over: it dropped the old copy.
    wait_until(phone, f"caches.keys().then((names) => names.join() === '{new}')")
    kept = phone.evaluate(
        f"caches.open('{new}').then((cache) => cache.keys())"
        ".then((requests) => requests.map((request) => new URL(request.url).pathname))"
    )
    modules = {f"/static/{module}" for module in views.RECORDER_MODULES}
    assert {"/patrols/record/", "/static/js/patrol-record.js"} | modules <= set(kept)

    phone.context.new_cdp_session(phone).send("Network.setCacheDisabled", {"cacheDisabled": True})
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("#setup")).to_be_visible()
    phone.wait_for_selector("#map[data-feature-count='1']")


def test_the_sign_in_page_drops_the_offline_copy_of_an_expired_session(phone, world):
    open_recorder(phone, clock_at=timezone.now())
    expect(phone.locator("#patrol-recorder")).to_have_attribute("data-offline-ready", "true")
    phone.context.clear_cookies()
    # The service worker forgets the page as soon as the server sends the browser to sign in ...
    assert phone.evaluate("fetch(location.pathname, {redirect: 'manual'}).then((r) => r.type)") == "opaqueredirect"
    kept = "caches.open(document.getElementById('patrol-recorder').dataset.offlineCache).then((c) => c.keys())"
    wait_until(phone, f"{kept}.then((keys) => keys.length > 0 && !keys.some((r) => r.url === location.href))")
    # ... and the sign-in page drops every copy.
    phone.goto("/patrols/record/")
    phone.wait_for_url("**/login/?next=/patrols/record/")
    wait_for_offline_copies(phone, 0)


def test_signing_out_drops_the_offline_copy(phone, world):
    open_recorder(phone, clock_at=timezone.now())
    expect(phone.locator("#patrol-recorder")).to_have_attribute("data-offline-ready", "true")
    wait_for_offline_copies(phone, 1)
    phone.click("header form[data-sign-out] button")
    phone.wait_for_url("**/login/")
    wait_for_offline_copies(phone, 0)


def wait_for_offline_copies(page, count):
    """Waits until the browser holds ``count`` caches; the scripts drop them asynchronously."""
    wait_until(page, f"caches.keys().then((names) => names.length === {count})")


def wait_until(page, expression, timeout_s=5):
    """Polls ``expression`` (it may be a promise, which ``page.wait_for_function`` would not await)
    until it is true."""
    deadline = time.monotonic() + timeout_s
    while page.evaluate(expression) is not True:
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        page.wait_for_timeout(100)
