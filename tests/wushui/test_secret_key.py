"""The public development key serves only with DEBUG on; everything else still runs on it."""

import pytest

from tests.processes import run_python

START_THE_SERVERS_APPLICATION = "import wushui.wsgi"
RUN_A_MANAGEMENT_COMMAND = """
import django
django.setup()
from django.core.management import call_command
call_command("check")
"""


def test_a_server_without_debug_refuses_the_development_key(tmp_path):
    result = run_python(START_THE_SERVERS_APPLICATION, cwd=tmp_path, WUSHUI_VAR_DIR=str(tmp_path), DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to serve with the public development SECRET_KEY" in result.stderr
    assert "Set SECRET_KEY (or SECRET_KEY_FILE)" in result.stderr
    assert "set DEBUG=1" in result.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {"DEBUG": "1"},
        {"DEBUG": "0", "SECRET_KEY": "a-deployments-own-key-of-32-characters-or-more"},
    ],
    ids=["development", "own key"],
)
def test_a_server_starts_with_debug_or_its_own_key(tmp_path, variables):
    result = run_python(START_THE_SERVERS_APPLICATION, cwd=tmp_path, WUSHUI_VAR_DIR=str(tmp_path), **variables)
    assert result.returncode == 0, result.stderr


def test_management_commands_run_on_the_development_key_without_debug(tmp_path):
    result = run_python(RUN_A_MANAGEMENT_COMMAND, cwd=tmp_path, WUSHUI_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
