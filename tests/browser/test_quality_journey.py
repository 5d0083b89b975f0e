"""The water-quality department imports a lab file; the station turns 劣V in the list, on the map and
in the tracker; its page draws the trend charts (ECharts served by the portal, no CSP refusal)."""

import pytest
from django.utils import timezone

from rivers.choices import WaterClass
from rivers.models import Station
from tests.browser.conftest import sign_in
from tests.rivers.conftest import add_sample
from tests.rivers.conftest import stations as stations  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAP = ".map-wrap .leaflet-container-default"
RED = "#cf222e"  # static/js/map.js: the colour of class 劣V


def test_an_imported_file_turns_a_station_worse_than_v(page, world, stations, tmp_path):
    a1, _b = stations
    # Within the month's chart whatever today's date, and before the file's day.
    earlier = timezone.localdate() - timezone.timedelta(days=10)
    add_sample(a1, timezone.make_aware(timezone.datetime(earlier.year, earlier.month, earlier.day, 9)), nh3n=0.8)
    a1.refresh_from_db()
    assert a1.latest_class == WaterClass.III
    sample_file = tmp_path / "lab-results.csv"
    day = timezone.localdate() - timezone.timedelta(days=2)
    sample_file.write_text(
        "station_code,sampled_at,source,do,nh3n,tp,ph\n"
        f"T-ST-A1,{day:%Y-%m-%d} 10:00,lab,3.1,2.65,0.31,7.2\n"
        f"T-ST-B,{day:%Y-%m-%d} 11:00,lab,7.8,0.12,0.02,7.5\n",
        encoding="utf-8",
    )
    sign_in(page, "department")
    page.goto("/rivers/samples/import/")
    page.set_input_files("input[name=file]", str(sample_file))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#import-report[data-status=imported]")
    assert page.locator("#import-report .created").inner_text().strip() == "2"
    a1.refresh_from_db()
    assert a1.latest_class == WaterClass.WORSE_THAN_V

    # The list: the badge says 劣V; the map draws the station's dot in red.
    page.goto("/rivers/stations/")
    badge = page.locator("tr[data-station=T-ST-A1] .latest-class .badge")
    assert "red" in badge.get_attribute("class")
    page.wait_for_selector(f"{MAP}[data-feature-count='2']")
    assert page.locator(f"{MAP} path[fill='{RED}']").count() == 1

    # The tracker lists it with the deadline of a city-controlled station.
    page.click("nav.mainnav >> text=/劣V/")
    row = page.locator("#tracker-stations tr[data-station=T-ST-A1]")
    row.wait_for()
    assert f"{timezone.localdate().year}-08-31" in row.inner_text()
    assert page.locator("#tracker-stations tr[data-station=T-ST-B]").count() == 0

    # Its page draws one chart per indicator, NH3-N with both samples of the last month.
    page.click("#tracker-stations tr[data-station=T-ST-A1] a")
    page.wait_for_selector("#trend-charts[data-drawn]")
    page.goto(page.url + "?period=month")
    page.wait_for_selector("#trend-charts [data-indicator=nh3n][data-points='2'] canvas")
    page.screenshot(path="test-results/station-trend.png", full_page=True)
    assert Station.objects.get(code="T-ST-A1").bad_since is not None
