"""Pure rules the compliance checks apply that belong to no other part."""

from __future__ import annotations

from datetime import date


def audit_problems(
    *, audited_on: date | None, insurance_expires_on: date | None, today: date, max_age_days: int
) -> list[tuple[str, str]]:
    """Why a provider's annual directory audit is not current (G §3a–c), as (code, words):
    no audit, the latest older than `max_age_days`, or its insurance lapsed or not recorded."""
    if audited_on is None:
        return [("audit_missing", "No annual audit is recorded.")]
    problems = []
    if (today - audited_on).days > max_age_days:
        when = f"{audited_on.day} {audited_on:%B %Y}"
        problems.append(("audit_expired", f"The latest audit, on {when}, is over a year old."))
    if insurance_expires_on is None:
        problems.append(("insurance_unknown", "The latest audit records no insurance expiry date."))
    elif insurance_expires_on < today:
        problems.append(
            (
                "insurance_expired",
                f"Insurance expired on {insurance_expires_on.day} {insurance_expires_on:%B %Y}.",
            )
        )
    return problems


def parental_notice_due(
    *, start: date, today: date, school_days_to_start: int, notice_school_days: int
) -> bool:
    """DfE "Arranging alternative provision": written notice of an off-site direction at least
    `notice_school_days` school days before the start. Due once the start is that near (school days
    after today up to and including the start), and after it has started."""
    return start <= today or school_days_to_start <= notice_school_days


def la_notification_severity(*, start: date, today: date) -> str:
    """Telling the LA about a placement at an unregistered provider: amber before it starts, red
    from its first day."""
    return "red" if start <= today else "amber"
