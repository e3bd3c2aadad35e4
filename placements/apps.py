from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apdash import checks
        from apdash.access import allow_provider_staff
        from apdash.navigation import register_navigation
        from apdash.views import register_home_section
        from providers.selectors import register_provider_page_section, register_pupils_placed

        from . import navigation, permissions
        from .attendance import tasks as attendance_tasks
        from .compliance import tasks as compliance_tasks
        from .compliance.checks import register_checks
        from .compliance.fixes import register_fix_pages
        from .core.selectors import pupils_placed_count
        from .workspace import selectors as workspace_selectors
        from .workspace import views as workspace_views

        register_checks()
        # Provider staff keep their provider's register, on the page and through the API.
        allow_provider_staff("placements:provider_register", "placements:register_by_link", "api-register")
        permissions.register_permissions()
        register_fix_pages()
        register_home_section(workspace_views.home_sections)
        register_provider_page_section(workspace_selectors.provider_pupils_section)
        register_pupils_placed(pupils_placed_count)
        register_navigation(10, navigation.pupil_pages)
        register_navigation(40, navigation.follow_up_pages)
        register_navigation(15, navigation.provider_registers)
        weekdays = "1-5"
        checks.register_periodic_task(
            "Morning digest of new red flags",
            compliance_tasks.email_red_flag_digest.name,
            crontab={"minute": "0", "hour": "7", "day_of_week": weekdays},
        )
        checks.register_periodic_task(
            "Morning register links to providers",
            attendance_tasks.email_register_links.name,
            crontab={"minute": "30", "hour": "7", "day_of_week": weekdays},
        )
