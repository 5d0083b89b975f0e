from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiversConfig(AppConfig):
    name = "rivers"
    verbose_name = _("River registry")

    def ready(self):
        from rivers import jobs  # noqa: F401 - registers the registry's job kinds
