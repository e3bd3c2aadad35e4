from django.apps import AppConfig


class ApdashConfig(AppConfig):
    name = "apdash"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Field, ForeignObject

        from . import (
            permissions,  # noqa: F401  (registers the object permissions)
            signals,
        )

        signals.connect()
        from .lookups import AnyOf

        # Relations keep their own lookups (Django looks no further up than ForeignObject).
        for field_class in (Field, ForeignObject):
            field_class.register_lookup(AnyOf)
