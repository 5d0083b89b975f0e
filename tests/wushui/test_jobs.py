"""Registry export jobs: recorded rows, claimed once, scoped to their requester."""

import datetime
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rivers.jobs import REGISTRY_EXPORT
from wushui import jobs
from wushui.choices import JobStatus
from wushui.models import Job


def workbook_rows(job, sheet_index):
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    return list(workbook.worksheets[sheet_index].iter_rows(values_only=True))


def test_street_official_exports_their_scope_to_excel(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users.street_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry_export"))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.COMPLETED, 100)
    segments = workbook_rows(job, 1)
    assert [row[0] for row in segments[1:]] == ["T-RIVER-A1"]
    assert "Chief A1 13800000000" in segments[1]
    assert [row[0] for row in workbook_rows(job, 0)[1:]] == ["T-RIVER"]
    page = client.get(job.get_absolute_url())
    assert 'data-status="completed"' in page.content.decode()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_a_job_runs_once_even_if_delivered_twice(world):
    job = Job.objects.create(kind=REGISTRY_EXPORT, requested_by=world.users.official)
    assert jobs.run_job(job.pk) is True
    assert jobs.run_job(job.pk) is False
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED


def test_a_job_whose_worker_died_is_run_again_when_redelivered(world):
    lost = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1)
    job = Job.objects.create(
        kind=REGISTRY_EXPORT, requested_by=world.users.official, status=JobStatus.RUNNING, started_at=lost
    )
    busy = Job.objects.create(
        kind=REGISTRY_EXPORT,
        requested_by=world.users.official,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
    )
    assert jobs.run_job(job.pk) is True
    assert jobs.run_job(busy.pk) is False
    job.refresh_from_db()
    busy.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.COMPLETED, 100)
    assert busy.status == JobStatus.RUNNING


def test_a_failing_job_records_its_error(world, monkeypatch):
    def broken(job):
        raise ValueError("disk full")

    monkeypatch.setitem(jobs.KINDS, "broken_export", jobs.JobKind("broken_export", "Broken export", broken))
    job = Job.objects.create(kind="broken_export", requested_by=world.users.official)
    assert jobs.run_job(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "disk full")


def test_other_peoples_jobs_are_404(client, world):
    job = Job.objects.create(kind=REGISTRY_EXPORT, requested_by=world.users.street_a)
    client.force_login(world.users.street_b)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    client.force_login(world.users.street_a)
    assert client.get(job.get_absolute_url()).status_code == 200
    # Not finished yet: nothing to download.
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_export_is_post_only(client, world):
    client.force_login(world.users.street_a)
    assert client.get(reverse("registry_export")).status_code == 405
    assert not Job.objects.exists()


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL); CI runs it")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_export_through_redis(world, settings):
    from celery.contrib.testing.worker import start_worker

    from wushui.celery import app
    from wushui.tasks import run_job

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            job = Job.objects.create(kind=REGISTRY_EXPORT, requested_by=world.users.official)
            result = run_job.delay(job.pk)
            assert result.get(timeout=30) is True
    finally:
        app.conf.task_always_eager = True
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert len(workbook_rows(job, 1)) == 1 + 3


def test_a_job_of_an_unregistered_kind_fails_with_a_clear_error(world):
    job = Job.objects.create(kind="no_such_kind", requested_by=world.users.official)
    assert jobs.run_job(job.pk) is False
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "no_such_kind" in job.error


def test_an_app_registers_its_own_job_kinds():
    assert jobs.KINDS[REGISTRY_EXPORT].label
    with pytest.raises(ValueError, match="registered twice"):
        jobs.register_kind(REGISTRY_EXPORT, "Another", lambda job: ("x", b""))
