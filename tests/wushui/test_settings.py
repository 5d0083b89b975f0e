"""Settings read the environment and nothing more; the tests' uploads stay in pytest's temporary folder."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.processes import run_python

SET_DJANGO_UP = "import django; django.setup()"


def test_setting_django_up_makes_no_folder(tmp_path):
    var = tmp_path / "var"
    result = run_python(SET_DJANGO_UP, cwd=tmp_path, WUSHUI_VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_uploads_in_tests_go_to_pytests_temporary_folder(settings, tmp_path_factory):
    name = default_storage.save("probe.txt", ContentFile(b"probe"))
    stored = Path(default_storage.path(name))
    assert stored.is_file()
    assert stored.is_relative_to(tmp_path_factory.getbasetemp())
    assert stored.is_relative_to(settings.MEDIA_ROOT)
