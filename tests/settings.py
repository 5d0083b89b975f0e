"""Test settings: fast hashing, eager tasks, mail kept in memory.

Uploads go to a temporary folder of the run (``MEDIA_ROOT``, set by ``tests/conftest.py``).
"""

from wushui.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
# Throttle counts, figures and their versions per test, never shared through Redis between runs
# (tests/conftest.py clears them). The shared versions of the real settings: tests/wushui/test_figures.py.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versions"},
}
