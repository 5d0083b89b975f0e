from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WushuiConfig(AppConfig):
    name = "wushui"
    verbose_name = _("Portal core")
