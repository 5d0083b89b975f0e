"""A passer-by scans a signboard's QR code with a phone: sees the river and its chiefs, marks the place,
is shown the open problem already reported there, reports theirs with a photo, and follows it to its
rating; staff see the report arrive and work it through the problem's pages, from assignment to archive.
And a report made without signal goes when the signal returns, once."""

import io

import pytest
from django.contrib.gis.geos import Point
from PIL import Image
from playwright.sync_api import expect

from inspections import public
from inspections.models import Problem, PublicReport
from rivers.models import Signboard
from tests.browser.conftest import act, open_task, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ON_A1 = (120.78, 27.9105)


@pytest.fixture
def phone(browser, live_server):
    """A phone that shares its (overridden) position, failing on any Content-Security-Policy refusal."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, has_touch=True)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": ON_A1[0], "latitude": ON_A1[1], "accuracy": 8})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert not refused, refused


@pytest.fixture
def board(world):
    return Signboard.objects.create(
        segment=world.segment_a1, supervision_hotline="0577-12345", duties="Patrol weekly", goals="Class III"
    )


def phone_photo():
    """A camera photo with its position in the EXIF."""
    image = Image.new("RGB", (2400, 1800), (70, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMakerCo"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (27.0, 54.0, 38.0), "E", (120.0, 46.0, 48.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return {"name": "river.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def open_board(page, board):
    page.goto(f"/s/{board.public_code}/")
    page.wait_for_selector("#public-report[data-ready=true]")
    page.wait_for_selector("#map[data-feature-count='1']")


def fill_report(page, description):
    page.select_option("#report-form select[name=category]", "bank")
    page.fill("#report-form textarea[name=description]", description)
    page.click("#locate")
    expect(page.locator("#pin-text")).to_contain_text("Marked at your position")


def test_a_passer_by_reports_a_problem_and_follows_it_to_its_rating(
    phone, browser, live_server, world, board, photo_file
):
    earlier = public.submit_public_report(
        segment=world.segment_a1, category="bank", description="Old heap", location=Point(120.7802, 27.9106, srid=4326)
    )[0]
    open_board(phone, board)
    expect(phone.locator("h1")).to_contain_text("Shared River · A1 reach")
    expect(phone.locator(".public-chiefs")).to_contain_text("Village A1 secretary")
    fill_report(phone, "Construction waste dumped on the east bank")
    phone.fill("#report-form input[name=contact_phone]", "13700001111")
    phone.set_input_files("#report-form input[name=photos]", phone_photo())
    expect(phone.locator("#thumbs img")).to_have_count(1)
    phone.screenshot(path="test-results/public-report-form.png", full_page=True)
    phone.click("#check-report")

    nearby = phone.locator("#nearby")
    expect(nearby).to_be_visible()
    expect(phone.locator("#nearby-list li")).to_have_count(1)
    expect(phone.locator("#nearby-list a")).to_have_attribute("href", f"/s/problems/{earlier.problem_id}/")
    phone.screenshot(path="test-results/public-report-nearby.png")
    phone.click("#send-anyway")

    expect(phone.locator("#sent")).to_be_visible()
    code = phone.locator("#sent [data-field=code]").text_content()
    report = PublicReport.objects.get(tracking_code=code)
    expect(phone.locator("#outbox")).to_be_hidden()
    expect(phone.locator("#receipt-list li")).to_have_count(1)
    assert report.problem.description == "Construction waste dumped on the east bank"
    assert report.contact_phone == "13700001111"
    stored = report.photos.get().image.read()
    assert b"PhoneMakerCo" not in stored
    assert b"Exif" not in stored
    assert max(Image.open(io.BytesIO(stored)).size) == 1600, "shrunk by the phone, re-encoded by the server"

    # The problem appears for staff, the contact with it for the handlers.
    staff = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    sign_in(staff, "admin")
    staff.goto("/patrols/public-reports/")
    expect(staff.locator("tbody tr")).to_have_count(2)
    expect(staff.locator("tbody")).to_contain_text("13700001111")
    staff.goto(report.get_absolute_url())
    expect(staff.locator("#report-description")).to_contain_text("Construction waste")
    expect(staff.locator(".photos img")).to_have_count(1)
    sign_out(staff)

    # The reporter follows it while the chiefs work it through the problem's pages.
    phone.click("#sent [data-field=link]")
    expect(phone.locator("#report-status")).to_have_text("Received")
    expect(phone.locator(".photos img")).to_have_count(1)
    problem = report.problem
    sign_in(staff, "chief_district")
    open_task(staff, "assign", problem)
    form = act(staff, "assign")
    form.locator("select[name=assignee_chief]").select_option(str(world.users.chief_a1.pk))
    form.locator("button[type=submit]").click()
    expect(staff.locator("#problem-work [data-assignee]")).to_contain_text("Chief A1")
    sign_out(staff)
    sign_in(staff, "chief_a1")
    open_task(staff, "accept", problem)
    act(staff, "accept").locator("button[type=submit]").click()
    expect(staff.locator("form[data-transition='complete']")).to_have_count(1)
    phone.reload()
    expect(phone.locator("#report-status")).to_have_text("Being handled")
    form = act(staff, "complete")
    form.locator("textarea[name=note]").fill("Two loads taken away")
    form.locator("input[name=photos]").set_input_files(photo_file)
    form.locator("button[type=submit]").click()
    expect(staff.locator("[data-after-photos] img")).to_have_count(1)
    sign_out(staff)
    sign_in(staff, "chief_district")
    open_task(staff, "verify", problem)
    act(staff, "verify").locator("button[type=submit]").click()
    expect(staff.locator("form[data-transition='archive']")).to_have_count(1)
    act(staff, "archive").locator("button[type=submit]").click()
    expect(staff.locator("#actions form")).to_have_count(0)
    staff.context.close()
    problem.refresh_from_db()
    assert problem.status == "archived"

    # Closed, the reporter rates it.
    phone.reload()
    expect(phone.locator("#report-status")).to_have_text("Closed")
    phone.click("#rating-form label[for=id_rating_1]")
    phone.fill("#rating-form textarea[name=comment]", "Cleared quickly")
    phone.click("#rating-form button[type=submit]")
    expect(phone.locator("#rating-given")).to_contain_text("4 / 5")
    phone.screenshot(path="test-results/public-report-rated.png", full_page=True)
    report.refresh_from_db()
    assert (report.rating, report.rating_comment) == (4, "Cleared quickly")


def test_a_report_made_without_signal_is_sent_once_when_it_returns(phone, world, board):
    open_board(phone, board)
    fill_report(phone, "Oil film on the water near the pump house")
    phone.context.set_offline(True)
    phone.click("#check-report")
    outbox = phone.locator("#outbox-list li")
    expect(outbox).to_have_count(1)
    expect(outbox).to_have_attribute("data-state", "pending")
    assert not PublicReport.objects.exists()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#sent")).to_be_visible()
    expect(phone.locator("#outbox")).to_be_hidden()
    # A reload sends nothing again: the outbox is empty and the report stored once.
    phone.reload()
    phone.wait_for_selector("#public-report[data-ready=true]")
    expect(phone.locator("#receipt-list li")).to_have_count(1)
    assert PublicReport.objects.count() == Problem.objects.count() == 1
