"""The registry's background jobs, registered with the core's job runner."""

from django.utils.translation import gettext_lazy as _

from rivers.sample_import import run_import_job
from rivers.services import export_registry
from wushui.jobs import register_kind

REGISTRY_EXPORT = register_kind("registry_export", _("River registry export (Excel)"), export_registry)

SAMPLE_IMPORT = register_kind("sample_import", _("Sample file import"), run_import_job)
