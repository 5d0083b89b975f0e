from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The composition on top: the home page and the district dashboard read every domain through its selectors."""

    name = "dashboard"
    verbose_name = _("Dashboard")
