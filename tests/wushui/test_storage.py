"""Production's static files: hashed names, also in the imports of the portal's ES modules."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.modules import imported_modules, recorder_modules

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(tmp_path):
    """The static files as production's storage collects and names them."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "wushui.storage.PortalStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_hashed_modules_import_the_hashed_modules_the_page_preloads(client, world, production_static):
    entry, preloaded = recorder_modules(client, world.users.chief_a1)
    assert re.fullmatch(r"/static/js/patrol-record\.[0-9a-f]{12}\.js", entry)

    def source(url):
        return (production_static / url.removeprefix("/static/")).read_text(encoding="utf-8")

    assert imported_modules(entry, source) == preloaded
