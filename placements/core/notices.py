"""The written notice to parents of an off-site direction (DfE "Arranging alternative provision":
the setting's address, who the pupil reports to, the days and session times, the reasons and
objectives, and the date), as a PDF letter. Sent to the LA too for a pupil with an EHC plan."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from placements.core import rules
from placements.core.models import Placement, Pupil


def parental_notice_context(placement: Placement, *, today: date) -> dict:
    slots = sorted(placement.timetable.all(), key=lambda s: (s.weekday, s.start))
    sessions = [{"day": rules.WEEKDAY_NAMES[s.weekday], "start": s.start, "end": s.end} for s in slots]
    pupil, provider = placement.pupil, placement.provider
    return {
        "placement": placement,
        "pupil": pupil,
        "school": pupil.school,
        "provider": provider,
        "sessions": sessions,
        "days_per_week": rules.days_per_week(s.as_rule_slot() for s in slots),
        "reasons": placement.reason,
        "census_reason": placement.get_census_reason_display() if placement.census_reason else "",
        "objectives": placement.objectives,
        "goal": placement.get_goal_display() if placement.goal else "",
        "ehcp": pupil.sen_status == Pupil.SenStatus.EHCP,
        "today": today,
    }


def parental_notice_pdf(placement: Placement, *, today: date) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "placements/notices/parental_notice.html", parental_notice_context(placement, today=today)
    )
    return HTML(string=html, base_url=".").write_pdf()
