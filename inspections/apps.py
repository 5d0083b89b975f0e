from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Patrols and problems")

    def ready(self):
        from django.conf import settings
        from django.urls import reverse

        from rivers.models import register_public_page
        from wushui.celery import every

        # Water-quality alerts become problems within minutes (inspections.alerts).
        every(settings.ALERT_SWEEP_SECONDS, "inspections.take_up_alerts")

        # A signboard's QR code opens this app's public segment page (the registry names no app above it).
        register_public_page(lambda code: reverse("public:segment", args=[code]))
