"""Read queries for the school census's AP placements and the return to the local authority
(domain.md "Placements")."""

from __future__ import annotations

from datetime import date

from placements.core import rules as core_rules

from . import rules
from .selectors import ap_placements

# --- School census (domain.md "Placements") ------------------------------------------------------


def _census_row(p) -> tuple[dict, str]:
    """One AP placement with the school census's fields (domain.md "Placements"), and the data
    error that stops it being returned ("" when none)."""
    slots = [s.as_rule_slot() for s in p.timetable.all()]
    school = p.pupil.school
    sessions = core_rules.weekly_sessions(
        slots, am_end=school.am_session_end, pm_start=school.pm_session_start
    )
    error = rules.census_data_error(
        name=p.provider.name,
        urn=p.provider.urn,
        ukprn=p.provider.ukprn,
        registered=p.provider.is_registered,
        provider_type=p.provider.provider_type,
    )
    row = {
        "upn": p.pupil.upn,
        "surname": p.pupil.last_name,
        "forename": p.pupil.first_name,
        "date_of_birth": p.pupil.date_of_birth.isoformat(),
        "school_urn": school.urn,
        "provider": p.provider.name,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat() if p.end_date else "",
        "provider_urn": p.provider.urn,
        "provider_ukprn": "" if p.provider.urn else p.provider.ukprn,
        "setting_type": ""
        if error
        else rules.census_setting_type(
            urn=p.provider.urn, ukprn=p.provider.ukprn, provider_type=p.provider.provider_type
        ),
        "association_type": rules.census_association(p.arranged_by),
        "primary_reason": p.census_reason,
        "attendance_pattern": rules.census_attendance_pattern(sessions),
        "sessions_per_week": sessions,
    }
    return row, error


def census_rows(placements, *, census_date: date) -> tuple[list[dict], list[str]]:
    """AP placements running on the census date, with the census fields; and the data errors that
    stop the return (a registered provider without a URN), each once."""
    rows, errors = [], []
    for p in ap_placements(placements, first=census_date, last=census_date):
        row, error = _census_row(p)
        if error and error not in errors:
            errors.append(error)
        rows.append(row)
    return rows, errors


def la_return_rows(placements, *, first: date, last: date) -> list[dict]:
    """The return to the local authority: one row per placement running on some day of
    [first, last], with the census fields, the provider's registration, and when and how the LA
    and (for an off-site direction) the parents were told."""
    rows = []
    for p in ap_placements(placements, first=first, last=last):
        rows.append(
            {
                **_census_row(p)[0],
                "school": p.pupil.school.name,
                "registration_status": p.provider.get_registration_status_display(),
                "off_site_direction": "Yes" if p.off_site_direction else "No",
                "parental_notice_sent_on": p.parental_notice_sent_on.isoformat()
                if p.parental_notice_sent_on
                else "",
                "la_notified_on": p.la_notified_on.isoformat() if p.la_notified_on else "",
                "la_notified_how": p.get_la_notified_how_display() if p.la_notified_how else "",
            }
        )
    return rows
