from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = "Inspection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import views  # noqa: F401  (adds the head's readiness summary to the home page)
