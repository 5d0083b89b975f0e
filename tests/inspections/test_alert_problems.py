"""Water-quality alerts become system problems (inspections.alerts): one per station while it is open."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from inspections import alerts, workflow
from inspections.choices import ProblemCategory, ProblemSource, ProblemStatus, ProblemUrgency
from inspections.models import Problem, ProblemAlert
from rivers.choices import SampleSource
from rivers.models import Alert
from rivers.samples import new_sample, store_samples
from tests.factories import StationFactory
from wushui.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(world):
    return StationFactory(
        code="T-ST-A1", name="A1 bridge", segment=world.segment_a1, responsible_chief=world.users.chief_a1
    )


def sample(station, days_ago, **values):
    when = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    when = min(when, timezone.now() - datetime.timedelta(minutes=5))
    store_samples([new_sample(station, when, SampleSource.LAB, values=values)])


def test_a_bad_sample_becomes_one_urgent_system_problem_at_the_station(station, world):
    sample(station, 3, nh3n=2.6, do=6)  # 劣V by ammonia
    [alert] = Alert.objects.all()
    assert alerts.take_up_alerts() == (1, 0)
    problem = Problem.objects.get()
    assert (problem.source, problem.category, problem.urgency, problem.status) == (
        ProblemSource.SYSTEM,
        ProblemCategory.WATER_BODY,
        ProblemUrgency.URGENT,
        ProblemStatus.REGISTERED,
    )
    assert (problem.segment, problem.street, problem.location) == (world.segment_a1, world.street_a, station.location)
    assert "T-ST-A1" in problem.description
    assert "2.6" in problem.description
    assert problem.response_due is not None
    assert problem.completion_due > problem.created_at
    alert.refresh_from_db()
    assert alert.taken_at is not None
    assert ProblemAlert.objects.get().problem == problem
    # Swept again: nothing new.
    assert alerts.take_up_alerts() == (0, 0)
    assert Problem.objects.count() == 1


def test_later_alerts_join_the_open_problem_and_a_new_one_opens_after_it_ends(station):
    sample(station, 4, nh3n=2.6)
    alerts.take_up_alerts()
    problem = Problem.objects.get()
    sample(station, 3, nh3n=2.4)
    sample(station, 2, nh3n=2.2)
    assert alerts.take_up_alerts() == (0, 2)
    assert Problem.objects.count() == 1
    # Both joined; the timeline says so once that day.
    (joined,) = problem.events.filter(transition=workflow.ALERT)
    assert joined.from_status == joined.to_status == problem.status
    assert joined.details["kind"] == "worse_than_v"
    # A day later the station is still bad: a new entry.
    problem.events.filter(pk=joined.pk).update(at=joined.at - datetime.timedelta(days=1))
    sample(station, 1, nh3n=2.1)
    assert alerts.take_up_alerts() == (0, 1)
    assert problem.events.filter(transition=workflow.ALERT).count() == 2
    assert workflow.label(workflow.ALERT) == "Alert again"
    assert problem.alerts.count() == 4
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED)
    sample(station, 0, nh3n=2.0)
    assert alerts.take_up_alerts() == (1, 0)
    assert Problem.objects.count() == 2


def test_worse_than_target_only_is_a_normal_problem(station):
    station.target_class = 2
    station.save()
    sample(station, 1, nh3n=0.8)  # class III, target II
    assert Alert.objects.get().kind == "worse_than_target"
    alerts.take_up_alerts()
    assert Problem.objects.get().urgency == ProblemUrgency.NORMAL


def test_the_sweep_reads_in_batches(station, world):
    other = StationFactory(code="T-ST-A2", segment=world.segment_a1)
    for days in (4, 3, 2):
        sample(station, days, nh3n=2.6)
        sample(other, days, nh3n=2.6)
    assert alerts.take_up_alerts(batch=2) == (2, 4)
    assert not Alert.objects.untaken().exists()


def test_a_clean_sample_raises_nothing(station):
    sample(station, 1, nh3n=0.1, do=8)
    assert alerts.take_up_alerts() == (0, 0)
    assert not Problem.objects.exists()


def test_beat_runs_the_sweep_as_a_task_the_worker_finds(station):
    entry = celery_app.conf.beat_schedule["inspections.take_up_alerts"]
    assert entry == {"task": "inspections.take_up_alerts", "schedule": settings.ALERT_SWEEP_SECONDS}
    celery_app.loader.import_default_modules()  # what a worker does at start: the apps' tasks are found
    sample(station, 1, nh3n=2.6)
    assert celery_app.tasks["inspections.take_up_alerts"].apply().get() == {"opened": 1, "joined": 0}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_make_one_problem(station):
    from django.db import connections

    sample(station, 2, nh3n=2.6)
    sample(station, 1, nh3n=2.6)
    barrier = threading.Barrier(2)
    outcomes = []

    def sweep():
        barrier.wait()
        try:
            outcomes.append(alerts.take_up_alerts())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Problem.objects.count() == 1
    assert ProblemAlert.objects.count() == 2
    assert not Alert.objects.untaken().exists()
    assert sum(opened for opened, _joined in outcomes) == 1


def test_the_problem_page_names_the_station_and_its_alerts(client, station, world):
    sample(station, 2, nh3n=2.6)
    sample(station, 1, nh3n=2.4)
    alerts.take_up_alerts()
    problem = Problem.objects.get()
    client.force_login(world.users.street_a)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "T-ST-A1 A1 bridge" in page
    assert "2 alerts" in page
    assert "Alert again" in page
    client.force_login(world.users.street_b)
    assert client.get(problem.get_absolute_url()).status_code == 404
