"""Python run in a fresh process, for what happens at import and start-up."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables that configure the portal: each test states the ones it means.
PORTAL_VARIABLES = (
    "DATABASE_RANDOM_PAGE_COST",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "WUSHUI_PRODUCTION",
    "WUSHUI_VAR_DIR",
)


def run_python(code, *, cwd, **variables):
    """Run ``code`` in a new interpreter with the project importable, in ``cwd``, with the portal's
    variables reset to ``variables`` (``DJANGO_SETTINGS_MODULE`` defaults to the real settings)."""
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="wushui.settings", PYTHONPATH=str(BASE_DIR), **variables)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
