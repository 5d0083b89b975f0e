"""An owner unit files a monthly report in a real browser, and corrects one; the project's chart and
the district's investment summary show it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_unit_files_a_report_and_the_summary_changes(page, projects_world):
    summary_url = reverse("projects:investment_summary") + "?year=2022"
    sign_in(page, "owner")
    page.goto(summary_url)
    assert page.locator("#summary-total [data-figure=completed]").inner_text() == "0.00"

    page.goto(reverse("projects:project_detail", args=[projects_world.project_a.pk]) + "?year=2022")
    page.wait_for_selector("#progress-chart[data-drawn=true]")
    page.click("a[href$='/report/']")
    page.fill("input[name=month]", "2022-04")
    page.fill("input[name=investment]", "150")
    page.fill("textarea[name=notes]", "Piles driven on the first kilometre")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("h1 >> text=Seawall A")
    assert page.locator("#progress [data-figure=completed]").inner_text() == "150.00"
    page.wait_for_selector("#progress-chart[data-drawn=true] canvas")

    # The same month again is refused on the form, naming the month.
    page.click("a[href$='/report/']")
    page.fill("input[name=month]", "2022-04")
    page.fill("input[name=investment]", "10")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("em.error >> text=/already reported|已填报/")

    page.goto(summary_url)
    assert page.locator("#summary-total [data-figure=completed]").inner_text() == "150.00"
    assert page.locator("#summary-total [data-figure=rate]").inner_text() == "15.0%"
    page.screenshot(path="test-results/investment-summary.png", full_page=True)


def test_an_owner_unit_corrects_a_report_and_the_figures_change(page, projects_world):
    pw = projects_world
    services.file_report(
        pw.users.owner, pw.project_a, services.ReportInput(month=datetime.date(2022, 4, 1), investment=Decimal(150))
    )
    summary_url = reverse("projects:investment_summary") + "?year=2022"
    sign_in(page, "owner")
    page.goto(reverse("projects:project_detail", args=[pw.project_a.pk]) + "?year=2022")
    assert page.locator("#progress [data-figure=completed]").inner_text() == "150.00"
    page.click("#report-2022-04 a[data-action=correct]")

    # Lower than reported: refused on the form, naming the investment, and nothing changes.
    page.fill("input[name=investment]", "120")
    page.click("#correction-form button[type=submit]")
    page.wait_for_selector("p.has-error em.error >> text=/would go down|减少|下降/")

    page.fill("input[name=investment]", "180")
    page.fill("textarea[name=notes]", "Re-measured after the audit")
    page.click("#correction-form button[type=submit]")
    page.wait_for_selector("h1 >> text=Seawall A")
    assert page.locator("#progress [data-figure=completed]").inner_text() == "180.00"
    assert "Re-measured after the audit" in page.locator("#report-2022-04").inner_text()

    page.goto(summary_url)
    assert page.locator("#summary-total [data-figure=completed]").inner_text() == "180.00"
    assert page.locator("#summary-total [data-figure=rate]").inner_text() == "18.0%"
