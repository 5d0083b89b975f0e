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


def test_postgis_connections_price_random_reads_for_ssds_and_refuse_a_bad_price(tmp_path):
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    url = "postgis://postgres@127.0.0.1:5432/wushui"
    default = run_python(show, cwd=tmp_path, DATABASE_URL=url, WUSHUI_VAR_DIR=str(tmp_path / "var"))
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "-c random_page_cost=1.1"
    chosen = run_python(
        show, cwd=tmp_path, DATABASE_URL=url, DATABASE_RANDOM_PAGE_COST="2", WUSHUI_VAR_DIR=str(tmp_path / "var")
    )
    assert chosen.stdout.strip() == "-c random_page_cost=2"
    refused = run_python(
        show, cwd=tmp_path, DATABASE_URL=url, DATABASE_RANDOM_PAGE_COST="fast", WUSHUI_VAR_DIR=str(tmp_path / "var")
    )
    assert refused.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number above 0" in refused.stderr
