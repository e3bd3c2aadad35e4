from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apdash.navigation import register_navigation

        from . import navigation, permissions, selectors

        register_navigation(30, navigation.provider_pages)
        permissions.register_permissions()
        selectors.register_provider_page_section(selectors.quality_section)
