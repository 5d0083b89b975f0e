"""Test settings: fast hashing, eager tasks, mail kept in memory.

Uploads go to a temporary folder of the run (``MEDIA_ROOT``, set by ``tests/conftest.py``).
"""

from wushui.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
