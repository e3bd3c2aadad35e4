from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = "Inspection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import rules

        from apdash import checks
        from apdash.navigation import register_navigation
        from apdash.permissions import is_partnership_coordinator, is_superuser
        from apdash.views import register_home_section

        from . import navigation, tasks, views

        # The LA return covers the partnership's placements: its co-ordinators send it.
        rules.set_perm("inspection.download_la_return", is_superuser | is_partnership_coordinator)
        register_home_section(views.home_sections)
        register_navigation(70, navigation.inspection_pages)
        # Packs asked for while the broker was down would otherwise wait for ever.
        checks.register_periodic_task(
            "Re-send evidence packs still waiting",
            tasks.evidence_packs_requeue.name,
            crontab={"minute": "*/5", "hour": "*", "day_of_week": "*"},
        )
