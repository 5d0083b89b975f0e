"""System problems from water-quality alerts (系统预警): the sweep that takes up what the water-quality side
raises (``rivers.samples.untaken_alerts``).

- A station's first alert opens a problem of the source "system alert" on the station's segment, at the
  station, in the water-body category; 劣V is urgent, worse than target normal. Its deadlines come from the
  deadline rules like any other problem's.
- A later alert of the same station joins the problem while it is open (a timeline entry says so, once a
  day): a station that stays 劣V for a month is one problem to solve, not thirty. Once that problem has
  ended, the next alert opens a new one.
- Each alert is taken up once: it belongs to one problem (a unique link), so two sweeps running at once
  cannot both take it; the one that loses leaves nothing behind. A station's row is locked while its alert
  is taken up, so two of its alerts taken up at once still make one problem.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import workflow
from inspections.choices import ProblemCategory, ProblemSource, ProblemStatus, ProblemUrgency
from inspections.models import ProblemAlert, ProblemDeadlineRule, ProblemEvent
from inspections.problems import register_problem
from rivers import gb3838
from rivers.choices import AlertKind, WaterClass
from rivers.models import Station
from rivers.samples import mark_alerts_taken, untaken_alerts
from wushui import periods

logger = logging.getLogger(__name__)

BATCH = 500


def describe(alert):
    """What the problem says: the station, the day, the class against the target, and what set it."""
    station = alert.station
    indicators = ", ".join(
        f"{gb3838.INDICATORS[code].label} {alert.sample.values.get(code)}"
        for code in alert.determining
        if code in gb3838.INDICATORS
    )
    text = _("%(kind)s at station %(code)s %(name)s on %(day)s: class %(class)s against target %(target)s.") % {
        "kind": AlertKind.label(alert.kind),
        "code": station.code,
        "name": station.name,
        "day": alert.day.isoformat(),
        "class": WaterClass.label(alert.water_class),
        "target": WaterClass.label(alert.target_class),
    }
    return f"{text} {_('Set by: %(indicators)s.') % {'indicators': indicators}}" if indicators else text


def open_problem_of(station_id):
    """The open system problem that the station's alerts join, if any."""
    link = (
        ProblemAlert.objects.filter(alert__station_id=station_id, problem__status__in=ProblemStatus.OPEN)
        .select_related("problem")
        .order_by("-problem_id")
        .first()
    )
    return link.problem if link else None


def _open(alert, rules):
    station = alert.station
    fields = {
        "source": ProblemSource.SYSTEM,
        "segment": station.segment,
        "category": ProblemCategory.WATER_BODY,
        "description": describe(alert),
        "urgency": ProblemUrgency.URGENT if alert.kind == AlertKind.WORSE_THAN_V else ProblemUrgency.NORMAL,
        "rules": rules,
    }
    try:
        return register_problem(**fields, location=station.location)
    except ValidationError as error:
        if "location" not in error.message_dict:
            raise
        # A station placed more than a kilometre from its segment: the problem is the segment's all the same.
        return register_problem(**fields)


def _join(problem, alert, now):
    """Link the alert to the open problem; the timeline says so once a day (a backlog of a station's
    alerts taken up at once is one entry; the page counts them all)."""
    start, _end = periods.day_bounds(periods.local_date(now))
    if problem.events.filter(transition=workflow.ALERT, at__gte=start).exists():
        return
    ProblemEvent.objects.create(
        problem=problem,
        transition=workflow.ALERT,
        at=now,
        from_status=problem.status,
        to_status=problem.status,
        note=describe(alert),
        details={"alert": alert.pk, "kind": alert.kind, "day": alert.day.isoformat()},
    )


def take_up_alerts(batch=BATCH):
    """Turn every untaken alert into a problem or a timeline entry of one; returns (opened, joined)."""
    rules = ProblemDeadlineRule.rules()
    opened = joined = 0
    after = 0
    while True:
        alerts = list(untaken_alerts(after_id=after, limit=batch))
        if not alerts:
            return opened, joined
        taken = []
        for alert in alerts:
            after = alert.pk
            try:
                with transaction.atomic():
                    # One sweep at a time per station: two alerts of one station taken up at once join one problem.
                    list(Station.objects.select_for_update().filter(pk=alert.station_id).values_list("pk"))
                    problem = open_problem_of(alert.station_id)
                    is_new = problem is None
                    if is_new:
                        problem = _open(alert, rules)
                    else:
                        _join(problem, alert, timezone.now())
                    ProblemAlert.objects.create(alert=alert, problem=problem)
                opened, joined = opened + is_new, joined + (not is_new)
            except IntegrityError:
                # Another sweep took this alert meanwhile: its problem stands, this one is rolled back.
                logger.info("alert %s was taken up by another sweep", alert.pk)
            except ValidationError as error:
                logger.error("alert %s cannot become a problem: %s", alert.pk, error)
                continue
            taken.append(alert.pk)
        mark_alerts_taken(taken)
