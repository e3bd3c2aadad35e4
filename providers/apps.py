from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from apdash.checks import register_periodic_task
        from apdash.navigation import register_navigation

        from . import navigation, permissions, selectors, tasks

        register_navigation(30, navigation.provider_pages)
        permissions.register_permissions()
        selectors.register_provider_page_section(selectors.quality_section)
        if settings.APDASH_GIAS_URL:
            # Before the nightly checks (01:30), so registration flags follow the new extract.
            register_periodic_task(
                "Nightly GIAS extract",
                tasks.fetch_gias.name,
                crontab={"minute": "0", "hour": "1", "day_of_week": "*"},
            )
