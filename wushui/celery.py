"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wushui.settings")

app = Celery("wushui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folder():
    from django.conf import settings

    if settings.CELERY_BROKER_URL == "filesystem://":
        (settings.CELERY_BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)


_ensure_filesystem_broker_folder()
