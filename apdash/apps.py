from django.apps import AppConfig


class ApdashConfig(AppConfig):
    name = "apdash"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            permissions,  # noqa: F401  (registers the object permissions)
            signals,
        )

        signals.connect()
