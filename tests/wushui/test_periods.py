"""Periods are local (Asia/Shanghai) calendar ranges, half-open."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from wushui import periods

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("week", "2026-11-29", "2026-11-23", "2026-11-30", "2026-W48"),
        ("xun", "2026-02-10", "2026-02-01", "2026-02-11", "2026-02 days 1–10"),
        ("xun", "2026-02-11", "2026-02-11", "2026-02-21", "2026-02 days 11–20"),
        ("xun", "2026-02-28", "2026-02-21", "2026-03-01", "2026-02 days 21–end"),
        ("xun", "2026-12-31", "2026-12-21", "2027-01-01", "2026-12 days 21–end"),
        ("month", "2026-12-15", "2026-12-01", "2027-01-01", "2026-12"),
        ("quarter", "2026-11-29", "2026-10-01", "2027-01-01", "2026-Q4"),
        ("quarter", "2026-05-01", "2026-04-01", "2026-07-01", "2026-Q2"),
        ("year", "2026-06-15", "2026-01-01", "2027-01-01", "2026"),
    ],
)
def test_period_bounds(kind, day, start, end, label):
    period = periods.period_containing(kind, datetime.date.fromisoformat(day))
    assert period.start_date == datetime.date.fromisoformat(start)
    assert period.end_date == datetime.date.fromisoformat(end)
    assert period.label == label


def test_periods_follow_local_time_not_utc():
    # 23:30 in Shanghai on 30 November is 15:30 UTC: still November locally.
    late = datetime.datetime(2026, 11, 30, 15, 30, tzinfo=datetime.UTC)
    month = periods.period_containing("month", late)
    assert month.label == "2026-11"
    assert late in month
    assert datetime.datetime(2026, 11, 30, 16, 0, tzinfo=datetime.UTC) not in month
    assert month.start == datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)


def test_next_and_previous_chain_without_gaps():
    period = periods.period_containing("xun", datetime.date(2026, 1, 25))
    assert period.next().start_date == period.end_date
    assert period.next().previous() == period


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        periods.period_containing("fortnight", datetime.date(2026, 1, 1))


def test_ten_day_periods_read_as_xun_in_chinese():
    from django.utils import translation

    period = periods.period_containing("xun", datetime.date(2026, 2, 25))
    with translation.override("zh-hans"):
        assert period.label == "2026-02 下旬"
