from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: ``seed_demo`` assembles each app's own demo module; the scale command grows the district."""

    name = "demo"
    verbose_name = "Demo data"
