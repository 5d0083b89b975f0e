"""Chiefs work a problem through "my work" in a real browser: the district chief assigns it to the
village chief, who accepts it and completes it with a photo; the district chief verifies and archives
it. The forms are htmx forms (no inline script: the page fixture fails on any CSP refusal)."""

import pytest
from playwright.sync_api import expect

from inspections import problems
from inspections.choices import ProblemSource
from tests.browser.conftest import act, open_task, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_chief_works_a_problem_through_my_work(page, world, photo_file):
    users = world.users
    problem = problems.register_problem(
        source=ProblemSource.SUPERVISION,
        segment=world.segment_a1,
        category="dumping",
        description="建筑垃圾倾倒在河岸",
        location=world.segment_a1.geometry.interpolate_normalized(0.5),
    )

    sign_in(page, "chief_district")
    open_task(page, "assign", problem)
    expect(page.locator("#map")).to_be_visible()
    form = act(page, "assign")
    form.locator("select[name=assignee_chief]").select_option(str(users.chief_a1.pk))
    form.locator("textarea[name=note]").fill("本周内清理")
    form.locator("button[type=submit]").click()
    expect(page.locator("#problem-work [data-assignee]")).to_contain_text("Chief A1")
    expect(page.locator("ol.timeline li")).to_have_count(2)
    sign_out(page)

    sign_in(page, "chief_a1")
    open_task(page, "accept", problem)
    act(page, "accept").locator("button[type=submit]").click()
    expect(page.locator("form[data-transition='complete']")).to_have_count(1)
    form = act(page, "complete")
    # Sent without a photo first: refused in place, the field named, nothing stored.
    form.locator("textarea[name=note]").fill("已清运两车")
    form.locator("button[type=submit]").click()
    expect(page.locator("form[data-transition='complete'] em.error")).to_be_visible()
    form = act(page, "complete")
    form.locator("textarea[name=note]").fill("已清运两车")
    form.locator("input[name=photos]").set_input_files(photo_file)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-after-photos] img")).to_have_count(1)
    page.screenshot(path="test-results/problem-completed.png", full_page=True)
    sign_out(page)

    sign_in(page, "chief_district")
    open_task(page, "verify", problem)
    act(page, "verify").locator("button[type=submit]").click()
    expect(page.locator("form[data-transition='archive']")).to_have_count(1)
    open_task(page, "archive", problem)
    act(page, "archive").locator("button[type=submit]").click()
    expect(page.locator("ol.timeline li")).to_have_count(6)
    expect(page.locator("#actions form")).to_have_count(0)

    problem.refresh_from_db()
    assert problem.status == "archived"
    assert list(problem.events.values_list("transition", "actor__username")) == [
        ("register", None),
        ("assign", "chief_district"),
        ("accept", "chief_a1"),
        ("complete", "chief_a1"),
        ("verify", "chief_district"),
        ("archive", "chief_district"),
    ]
    assert problem.photos.filter(stage="after").count() == 1
