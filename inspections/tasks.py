from celery import shared_task

from inspections import alerts


@shared_task(name="inspections.take_up_alerts")
def take_up_alerts():
    """Beat runs it every few minutes (``ALERT_SWEEP_SECONDS``): water-quality alerts become problems."""
    opened, joined = alerts.take_up_alerts()
    return {"opened": opened, "joined": joined}
