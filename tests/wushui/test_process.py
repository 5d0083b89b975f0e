"""A serving process settles once loaded: every view imported, what lives on frozen out of the collector's way."""

import gc
import sys

from tests.processes import run_python
from wushui.process import settle


def test_settle_imports_the_views_and_freezes_what_is_loaded():
    gc.unfreeze()
    try:
        settle()
        assert gc.get_freeze_count() > 10_000
        assert "inspections.problem_views" in sys.modules
    finally:
        gc.unfreeze()


def test_the_servers_application_is_settled(tmp_path):
    code = "import gc, wushui.wsgi; print(gc.get_freeze_count())"
    result = run_python(code, cwd=tmp_path, WUSHUI_VAR_DIR=str(tmp_path), DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) > 10_000
