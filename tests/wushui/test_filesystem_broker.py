"""kombu's filesystem broker (no REDIS_URL) keeps all its state under WUSHUI_VAR_DIR."""

from tests.processes import run_python

SEND_A_TASK = """
import django
django.setup()
from wushui.celery import app
app.send_task("wushui.no_such_task")
"""


def test_a_message_and_its_exchange_table_stay_in_the_var_folder(tmp_path):
    working_directory = tmp_path / "cwd"
    working_directory.mkdir()
    var = tmp_path / "var"  # not there yet: the app makes what the broker needs

    result = run_python(SEND_A_TASK, cwd=working_directory, WUSHUI_VAR_DIR=str(var))

    assert result.returncode == 0, result.stderr
    broker = var / "celery-broker"
    assert len(list(broker.glob("*.celery.msg"))) == 1
    assert (broker / "control" / "celery.exchange").is_file()
    assert list(working_directory.iterdir()) == []
