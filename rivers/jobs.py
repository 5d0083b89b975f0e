"""The registry's background jobs, registered with the core's job runner."""

from django.utils.translation import gettext_lazy as _

from rivers.services import export_registry
from wushui.jobs import register_kind

REGISTRY_EXPORT = register_kind("registry_export", _("River registry export (Excel)"), export_registry)
