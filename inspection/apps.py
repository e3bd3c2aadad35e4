from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = "Inspection"
    default_auto_field = "django.db.models.BigAutoField"
