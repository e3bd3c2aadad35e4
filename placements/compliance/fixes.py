"""The pages that fix the placements app's flags (registered in PlacementsConfig.ready())."""

from django.urls import reverse

from placements.compliance.kinds import register_fix_page


def _placement_page(name):
    return lambda flag: reverse(name, args=[flag.placement_id]) if flag.placement_id else None


def _follow_up(flag):
    session = flag.details.get("session")
    if not (flag.placement_id and flag.subject_date and session):
        return None
    return reverse(
        "placements:follow_up_create", args=[flag.placement_id, flag.subject_date.isoformat(), session]
    )


def _register(flag):
    return f"{reverse('placements:register_grid')}?school={flag.school_id}" if flag.school_id else None


def _provider(flag):
    return reverse("providers:provider_detail", args=[flag.provider_id]) if flag.provider_id else None


def _review(flag):
    return reverse("placements:review_create", args=[flag.pupil_id]) if flag.pupil_id else None


def register_fix_pages() -> None:
    for code in ("visit_due", "visit_overdue"):
        register_fix_page(code, "Record a visit", _placement_page("placements:visit_create"))
    for code in ("hours_breach_pupil", "hours_near_limit", "time_limit_full_time", "time_limit_part_time"):
        register_fix_page(code, "Change the timetable", _placement_page("placements:placement_edit"))
    register_fix_page("timetable_missing", "Add the timetable", _placement_page("placements:placement_edit"))
    for code in ("attendance_missing", "absence_unexplained"):
        register_fix_page(code, "Record the mark or follow-up", _follow_up)
    register_fix_page("n_code_unresolved", "Correct the code on the register", _register)
    register_fix_page("review_overdue", "Record a review", _review)
    register_fix_page(
        "parental_notice_missing",
        "Send and record the notice",
        _placement_page("placements:placement_notices"),
    )
    register_fix_page(
        "la_notification_missing", "Record telling the LA", _placement_page("placements:placement_notices")
    )
    for code in (
        "hours_breach_provider",
        "audit_expired",
        "audit_unsatisfactory",
        "registration_lapsed",
        "registration_unverified",
    ):
        register_fix_page(code, "Open the provider", _provider)
