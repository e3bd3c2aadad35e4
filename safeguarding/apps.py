from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apdash.access import allow_provider_staff
        from apdash.navigation import register_navigation
        from apdash.views import register_home_section
        from placements.core.links import register_placement_links

        from . import checks, navigation, views

        checks.register_checks()
        checks.register_fix_pages()
        register_navigation(90, navigation.safeguarding_pages)
        # Provider staff raise a concern, read back what they raised, and record the induction.
        allow_provider_staff(
            "safeguarding:index",
            "safeguarding:concern_start",
            "safeguarding:concern_raise",
            "safeguarding:concern_detail",
            "safeguarding:induction_create",
            "concern-list",
            "concern-detail",
            "concern-entries",
        )
        register_placement_links(navigation.placement_links)
        register_home_section(views.home_sections, first=True)
