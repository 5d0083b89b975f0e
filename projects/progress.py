"""The derived figures of progress, as pure functions: the selectors' SQL is held to these by tests.

- completion rate = cumulative completed / annual plan (none without a plan);
- time rate = the elapsed share of the year (``wushui.periods.elapsed_share``);
- lagging = the completion rate more than the margin behind the time rate, or a milestone past due.
"""

import datetime
from decimal import Decimal

from wushui import periods


def completion_rate(done, planned):
    """``done / planned`` as a Decimal, ``None`` when nothing is planned."""
    if not planned:
        return None
    return Decimal(done or 0) / Decimal(planned)


def year_period(year):
    return periods.period_containing(periods.YEAR, datetime.date(year, 1, 1))


def time_rate(year, day):
    """The share of ``year`` elapsed by the end of ``day``: 0 before it, 1 after it."""
    return periods.elapsed_share(year_period(year), day)


def lagging_threshold(time, margin):
    """The completion rate below which a plan is lagging; ``None`` when nobody can be (early in the year)."""
    threshold = Decimal(time) - Decimal(margin)
    return threshold if threshold > 0 else None


def is_lagging(completion, time, margin, milestone_past_due=False):
    """More than ``margin`` behind the time rate, or a milestone past due."""
    if milestone_past_due:
        return True
    threshold = lagging_threshold(time, margin)
    return completion is not None and threshold is not None and completion < threshold


def percent(rate, places=1):
    """A rate as a percentage rounded for display (``None`` stays ``None``)."""
    if rate is None:
        return None
    return (Decimal(rate) * 100).quantize(Decimal(1).scaleb(-places))
