"""Test settings: fast hashing, eager tasks, mail kept in memory.

Uploads go to a temporary folder of the run (``MEDIA_ROOT``, set by ``tests/conftest.py``).
"""

from wushui.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
# Throttle counts per test, never shared through Redis between runs (tests/conftest.py clears it).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
