from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Patrols and problems")

    def ready(self):
        from django.urls import reverse

        from rivers.models import register_public_page

        # A signboard's QR code opens this app's public segment page (the registry names no app above it).
        register_public_page(lambda code: reverse("public:segment", args=[code]))
