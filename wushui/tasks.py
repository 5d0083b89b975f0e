from celery import shared_task

from wushui import jobs


# Acknowledged late (CELERY_TASK_ACKS_LATE): a worker lost mid-job gets the message delivered again.
@shared_task(name="wushui.run_job")
def run_job(job_id: int):
    return jobs.run_job(job_id)
