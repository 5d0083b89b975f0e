"""Recorded jobs: kinds registered by the apps that run them, each job claimed once, run once, the
outcome kept on the row.

An app registers its kinds when it is ready (``register_kind`` in its ``jobs`` module, imported by its
``AppConfig.ready``); the core never names them, and a new kind needs no core migration.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wushui.choices import JobStatus
from wushui.models import Job

logger = logging.getLogger(__name__)

# Exports take seconds; a job "running" this long lost its worker.
STALE_AFTER = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class JobKind:
    """What a kind of job is called and what runs it: ``runner(job)`` returns ``(filename, bytes)``."""

    code: str
    label: str
    runner: Callable


KINDS: dict[str, JobKind] = {}


def register_kind(code, label, runner):
    if code in KINDS and KINDS[code].runner is not runner:
        raise ValueError(f"Job kind {code!r} is registered twice")
    KINDS[code] = JobKind(code, label, runner)
    return code


def kind_label(code):
    kind = KINDS.get(code)
    return kind.label if kind else code


def start_job(user, kind):
    """Record a job and hand it to a worker once the row is committed."""
    from wushui.tasks import run_job

    job = Job.objects.create(kind=kind, requested_by=user)
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def run_job(job_id):
    """Run a pending job. A second delivery of the same message finds it claimed and does nothing,
    unless the worker that claimed it died: tasks are acknowledged late, so the broker delivers the
    message again, and a job running for longer than ``STALE_AFTER`` is claimed anew."""
    # A sort of optimistic lock: only the worker whose UPDATE changes the row runs the job.
    now = timezone.now()
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = Job.objects.filter(claimable, pk=job_id).update(status=JobStatus.RUNNING, started_at=now)
    if claimed != 1:
        return False
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        if job.kind not in KINDS:
            raise LookupError(f"No runner is registered for jobs of kind {job.kind!r}")
        filename, content = KINDS[job.kind].runner(job)
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(exc), finished_at=timezone.now())
        return False
    job.file.save(filename, ContentFile(content), save=False)
    job.download_name = filename
    job.status = JobStatus.COMPLETED
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "download_name", "status", "progress", "finished_at"])
    return True


def set_progress(job, percent):
    Job.objects.filter(pk=job.pk).update(progress=percent)
