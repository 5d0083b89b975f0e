from celery import shared_task

from wushui import jobs


@shared_task(name="wushui.run_job", acks_late=True)
def run_job(job_id: int):
    return jobs.run_job(job_id)
