"""The application every server loads: gunicorn, any other WSGI server, and ``runserver``.

Serving is where the secret key protects something (sessions, CSRF tokens), so the public
development key is refused here unless DEBUG is on; management commands, the Celery worker and
the tests keep running on it.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wushui.settings")

if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY and not settings.DEBUG:
    raise ImproperlyConfigured(
        "Refusing to serve with the public development SECRET_KEY while DEBUG is off: anyone could forge "
        "sessions. Set SECRET_KEY (or SECRET_KEY_FILE) to 32+ random characters, with WUSHUI_PRODUCTION=1 "
        "for a deployment; or set DEBUG=1 on a development machine (make run does)."
    )

application = get_wsgi_application()

from wushui.process import settle  # noqa: E402 - after the settings are configured

settle()
