"""The one table of flag kinds: what each is called, how serious it is by default, who may see
it, what to do next and which page fixes it. Pages, the pack, the digest and the API read it from
here. Safeguarding's kinds are listed too (a flag row names its kind); the page that fixes one of
them is registered by the app that owns it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

AMBER = "amber"
RED = "red"


@dataclass(frozen=True)
class FlagKind:
    code: str
    label: str
    severity: str
    next_step: str
    # A concern's existence is for the DSL's dashboards only (design.md: safeguarding).
    dsl_only: bool = False


KINDS: tuple[FlagKind, ...] = (
    FlagKind(
        "visit_due",
        "Visit due",
        AMBER,
        "Visit the setting, see the pupil and record the visit before the half term ends.",
    ),
    FlagKind(
        "visit_overdue",
        "Visit overdue",
        RED,
        "Record the visit if one took place in that half term; otherwise visit now and say why.",
    ),
    FlagKind(
        "hours_breach_pupil",
        "Unregistered provider: pupil over the limits",
        RED,
        "Cut the hours or days below the limits, or move the pupil to a registered provider.",
    ),
    FlagKind(
        "hours_near_limit",
        "Unregistered provider: pupil near the hours limit",
        AMBER,
        "Keep the timetable below the limits when it changes, and review it at the next review.",
    ),
    FlagKind(
        "hours_breach_provider",
        "Unregistered provider may need to register",
        RED,
        "Raise it with the partnership and review the placements there: it may need to register.",
    ),
    FlagKind(
        "attendance_missing",
        "Attendance not received",
        AMBER,
        "Get the register from the provider today and record the mark.",
    ),
    FlagKind(
        "absence_unexplained",
        "Absence not followed up",
        RED,
        "Contact home the same day and record the follow-up.",
    ),
    FlagKind(
        "audit_expired",
        "Provider audit or insurance out of date",
        RED,
        "Ask the directory for a current annual audit and insurance certificate.",
    ),
    FlagKind(
        "audit_unsatisfactory",
        "Provider audit not satisfactory",
        RED,
        "Agree the actions with the provider, or place no more pupils there until an audit is satisfactory.",
    ),
    FlagKind(
        "concern_unacknowledged",
        "Concern not acknowledged by the DSL",
        RED,
        "The DSL acknowledges the concern today.",
        dsl_only=True,
    ),
    FlagKind(
        "review_overdue",
        "Placement review overdue",
        RED,
        "Hold the review and record it; say why the half term was missed.",
    ),
    FlagKind(
        "risk_assessment_missing",
        "Risk assessment missing",
        RED,
        "Complete and approve the risk assessment for the journey and the setting.",
    ),
    FlagKind(
        "induction_missing", "Induction not recorded", AMBER, "Record the pupil's induction at the setting."
    ),
    FlagKind(
        "timetable_missing",
        "Placement has no timetable",
        AMBER,
        "Add the days and session times the pupil attends.",
    ),
    FlagKind(
        "n_code_unresolved",
        "N code not replaced",
        AMBER,
        "Find out why the pupil was absent and record the right code.",
    ),
    FlagKind(
        "safeguarding_transfer_due",
        "Safeguarding file not sent to the new school",
        RED,
        "Send the pupil's safeguarding file to the new school and record that it was sent.",
        # It says that a pupil has concerns on record: for the DSL only.
        dsl_only=True,
    ),
    FlagKind(
        "registration_lapsed",
        "Provider's registration has lapsed",
        RED,
        "Check the provider's status on Get Information about Schools and move the pupils if it has closed.",
    ),
    FlagKind(
        "registration_unverified",
        "Provider's registration not found",
        AMBER,
        "Check the provider's URN on Get Information about Schools and correct it.",
    ),
    FlagKind(
        "parental_notice_missing",
        "Notice to parents not recorded",
        RED,
        "Send the written notice to the parents (and the LA for a pupil with an EHC plan) and record it.",
    ),
    FlagKind(
        "la_notification_missing",
        "Local authority not told",
        AMBER,
        "Tell the local authority about the placement and record when and how.",
    ),
    FlagKind(
        "time_limit_full_time",
        "Full-time placement at an unregistered provider too long",
        RED,
        "End or change the placement before it passes the time limit.",
    ),
    FlagKind(
        "time_limit_part_time",
        "Part-time pattern at an unregistered provider over the limit",
        RED,
        "Reduce the days or sessions a week to within the limit.",
    ),
)

BY_CODE: dict[str, FlagKind] = {kind.code: kind for kind in KINDS}
DSL_ONLY_CODES: tuple[str, ...] = tuple(kind.code for kind in KINDS if kind.dsl_only)


@dataclass(frozen=True)
class FixPage:
    label: str  # the link's words: "Record the visit"
    url: Callable  # flag -> the page's address, or None when the flag lacks what it needs


# Each app registers the pages that fix its kinds in its AppConfig.ready().
_FIX_PAGES: dict[str, FixPage] = {}


def register_fix_page(code: str, label: str, url: Callable) -> None:
    _FIX_PAGES[code] = FixPage(label, url)


def fix_for(flag) -> tuple[str, str] | None:
    """(link words, address) of the page where the person fixes what the flag says, if any."""
    page = _FIX_PAGES.get(flag.kind)
    url = page.url(flag) if page else None
    return (page.label, url) if url else None


def next_step(code: str) -> str:
    return BY_CODE[code].next_step if code in BY_CODE else ""
