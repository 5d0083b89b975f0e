from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WushuiConfig(AppConfig):
    name = "wushui"
    verbose_name = _("Portal core")

    def ready(self):
        from wushui.api import schema  # noqa: F401 - registers the OpenAPI extension
