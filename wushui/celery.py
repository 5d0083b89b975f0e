"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wushui.settings")

app = Celery("wushui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# kombu's filesystem transport reads and writes these folders but makes none of them (the control
# folder only when its parent exists).
FILESYSTEM_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "control_folder")


@app.on_after_configure.connect
def make_filesystem_broker_folders(sender, source, **kwargs):
    """Make the filesystem broker's folders in whichever process first uses the app (the web process
    sending a task, the worker, beat), so that importing the settings makes nothing."""
    if not (source.broker_url or "").startswith("filesystem:"):
        return
    options = source.broker_transport_options
    for name in FILESYSTEM_BROKER_FOLDERS:
        if name in options:
            Path(options[name]).mkdir(parents=True, exist_ok=True)


def every(seconds, task_name):
    """Run the task ``task_name`` every ``seconds`` under beat. An app registers its periodic tasks from its
    ``AppConfig.ready()`` (beat sets Django up before it reads the schedule), so the core lists none. The
    entry goes into the settings' schedule, which the app reads when beat asks for it: registering does
    not configure the app (which would make the broker's folders on every start of Django)."""
    from django.conf import settings

    settings.CELERY_BEAT_SCHEDULE[task_name] = {"task": task_name, "schedule": seconds}
