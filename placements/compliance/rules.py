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
