from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """五水共治 projects, investment plans and progress, responsibility tasks (责任书), enterprise remediation."""

    name = "projects"
    verbose_name = _("Projects")
