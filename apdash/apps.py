from django.apps import AppConfig


class ApdashConfig(AppConfig):
    name = "apdash"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import ForeignObject, IntegerField

        from . import (
            permissions,  # noqa: F401  (registers the object permissions)
            signals,
        )

        signals.connect()
        from .lookups import AnyOf

        # Integer keys (ids are BigAutoFields) and relations, which keep their own lookups
        # (Django looks no further up than ForeignObject for them).
        for field_class in (IntegerField, ForeignObject):
            field_class.register_lookup(AnyOf)
