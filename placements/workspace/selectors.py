"""Read-side composition for the coordinator's workspace: the today board, the pupil page, the
provider page's pupils section and the home-page summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apdash import thresholds
from apdash.models import Partnership
from apdash.selectors import academic_year_for, half_terms_for, school_days_by_school, visible_schools
from placements.attendance import rules as attendance_rules
from placements.attendance import selectors as attendance_selectors
from placements.attendance.models import AttendanceMark
from placements.compliance.models import Flag
from placements.compliance.selectors import visible_flags
from placements.core import rules as core_rules
from placements.core import selectors as core_selectors
from placements.core.models import Placement, Pupil, TimetableSlot
from placements.core.selectors import (
    placements_manageable_by,
    pupils_manageable_by,
    visible_pupils,
)
from placements.visits.models import Visit
from providers.models import Provider


@dataclass
class BoardEntry:
    placement: Placement
    slots: list[TimetableSlot]
    # An active placement with no timetable at all: the pupil may be there, nobody has said when.
    no_timetable: bool = False

    @property
    def sessions(self) -> tuple[str, ...]:
        found = {session for _, session in core_rules.timetabled_sessions(self.slots)}
        return tuple(s for s in core_rules.SESSIONS if s in found)


@dataclass
class BoardRow:
    pupil: object
    entries: list[BoardEntry]
    school_day: bool

    @property
    def in_school(self) -> bool:
        return self.school_day and not self.entries


@dataclass
class Board:
    """One page of the today board, with counts over every pupil the filters match."""

    page: Page
    rows: list[BoardRow]
    pupil_count: int
    away_count: int
    # Whether the matching pupils come from more than one school (then each row names its school).
    schools_shown: bool


BOARD_PAGE_SIZE = 50


def _has_one_of(placements) -> Exists:
    """For a pupils queryset: the pupil has one of `placements`. Asked of each pupil's own
    placements (EXISTS), not of every placement in the country listed first."""
    return Exists(placements.filter(pupil_id=OuterRef("pk")))


def today_board(
    user,
    *,
    day: date,
    provider_id: int | None = None,
    year_group: int | None = None,
    school_id: int | None = None,
    partnership_id: int | None = None,
    page: int | str | None = 1,
    per_page: int = BOARD_PAGE_SIZE,
) -> Board:
    """Where the user's pupils are on `day` (G §1a), a page at a time in name order: the settings
    each is timetabled at that weekday, or in school. The counts are asked of the database, and
    only the page's pupils are loaded: a fixed handful of queries whatever the number of pupils."""
    weekday = day.weekday()
    pupils = pupils_manageable_by(user)
    if school_id:
        pupils = pupils.filter(school_id=school_id)
    if partnership_id:
        pupils = pupils.filter(school__partnership_id=partnership_id)
    if year_group:
        pupils = pupils.filter(year_group=year_group)
    at_a_setting = Placement.objects.at_a_setting_on(day)
    if provider_id:
        at_a_setting = at_a_setting.filter(provider_id=provider_id)
    away = _has_one_of(at_a_setting)
    if provider_id:
        pupils = pupils.filter(away)
    counts = pupils.order_by().aggregate(
        pupils=Count("pk"),
        away=Count("pk", filter=away),
        schools=Count("school_id", distinct=True),
    )
    active = (
        Placement.objects.active_on(day)
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "timetable", queryset=TimetableSlot.objects.order_by("weekday", "start"), to_attr="all_slots"
            )
        )
        .order_by("provider__name")
    )
    paginator = Paginator(
        pupils.order_by("last_name", "first_name", "pk").prefetch_related(
            Prefetch("placements", queryset=active, to_attr="active_placements")
        ),
        per_page,
    )
    paginator.count = counts["pupils"]  # counted above with the rest; not asked twice
    shown = paginator.get_page(page)
    page_pupils = list(shown.object_list)
    schools = {p.school_id: p.school for p in page_pupils}
    open_days = school_days_by_school(schools.values(), day, day) if schools else {}
    rows = []
    for pupil in page_pupils:
        # Every place the pupil is on the day: each placement timetabled that weekday (two
        # placements, two rows, in time order), and any running placement with no timetable.
        entries = []
        for p in pupil.active_placements:
            if provider_id and p.provider_id != provider_id:
                continue
            today_slots = [slot for slot in p.all_slots if slot.weekday == weekday]
            if today_slots or not p.all_slots:
                entries.append(BoardEntry(placement=p, slots=today_slots, no_timetable=not p.all_slots))
        entries.sort(
            key=lambda e: (e.no_timetable, e.slots[0].start if e.slots else None, e.placement.provider.name)
        )
        rows.append(BoardRow(pupil=pupil, entries=entries, school_day=bool(open_days.get(pupil.school_id))))
    return Board(
        page=shown,
        rows=rows,
        pupil_count=counts["pupils"],
        away_count=counts["away"],
        schools_shown=counts["schools"] > 1,
    )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass
class TimetableCell:
    label: str
    colour: int


@dataclass
class PupilPage:
    pupil: object
    current: list[Placement]
    past: list[Placement]
    week: list[tuple[str, list[TimetableCell]]]
    settings_key: list[tuple[str, int]]
    half_terms: list
    visit_rows: list[tuple[Placement, list[str]]]
    attendance_rows: list[tuple[Placement, int, float | None, str]]
    attendance_overall: float | None
    open_flags: list
    visits: list
    # "5 sessions without a register": timetabled sessions past their cut-off with no mark.
    without_register: str = ""


def pupil_page(user, *, pupil_id: int, today: date) -> PupilPage:
    """Everything the pupil page shows, in a fixed number of queries. Raises Pupil.DoesNotExist
    for a pupil the user may not see."""
    placements = (
        Placement.objects.select_related("provider")
        .prefetch_related(
            "timetable",
            Prefetch("visits", queryset=Visit.objects.select_related("visitor").order_by("date", "pk")),
            Prefetch("attendance", queryset=AttendanceMark.objects.only("id", "placement_id", "code")),
        )
        .order_by("-start_date", "-pk")
    )
    flags = Flag.objects.filter(resolved_at__isnull=True).select_related("provider").order_by("-opened_at")
    pupil = (
        visible_pupils(user)
        .filter(school__in=visible_schools(user))
        .select_related("school")
        .prefetch_related(
            Prefetch("placements", queryset=placements),
            Prefetch("flags", queryset=flags, to_attr="open_flags"),
        )
        .get(pk=pupil_id)
    )
    all_placements = list(pupil.placements.all())
    # Current: running today or yet to start; past: ended before today.
    current = [p for p in all_placements if p.is_active_on(today) or p.start_date > today]
    for p in all_placements:
        # The pupil page marks a placement that has not started: "starts on …".
        p.not_started = p.start_date > today
    past = [p for p in all_placements if p not in current]

    colours = {}
    for placement in current:
        colours.setdefault(placement.provider_id, (placement.provider.name, len(colours) % 6))
    slots = sorted(
        ((slot, placement) for placement in current for slot in placement.timetable.all()),
        key=lambda item: (item[0].weekday, item[0].start),
    )
    # The week, one line a weekday: where the pupil is at each session, in time order.
    week = []
    if slots:
        for weekday, day_name in enumerate(WEEKDAYS):
            cells = [
                TimetableCell(
                    label=f"{colours[p.provider_id][0]} {slot.start:%H:%M}–{slot.end:%H:%M}",
                    colour=colours[p.provider_id][1],
                )
                for slot, p in slots
                if slot.weekday == weekday
            ]
            week.append((day_name, cells))

    year = academic_year_for(today)
    terms = []
    if year is not None:
        terms = [
            t
            for t in half_terms_for(
                partnership_id=pupil.school.partnership_id, start=year.start_date, end=year.end_date
            )
            if t.start_date <= today
        ]
    # A visit at a provider counts for every placement the pupil has there (G §1e: per setting).
    seen_at = defaultdict(list)
    for placement in all_placements:
        seen_at[placement.provider_id] += [v.date for v in placement.visits.all()]
    visit_rows = []
    for placement in all_placements:
        cells = []
        for term in terms:
            if not placement.is_active_between(term.start_date, term.end_date):
                cells.append("")
                continue
            seen = sorted(d for d in seen_at[placement.provider_id] if term.start_date <= d <= term.end_date)
            if seen:
                cells.append(f"Seen {seen[-1]:%-d %b}")
            else:
                cells.append("Not seen" if term.end_date < today else "Not yet seen")
        if any(cells):
            visit_rows.append((placement, cells))

    missing = attendance_selectors.sessions_without_register(
        all_placements,
        since=year.start_date if year else today - timedelta(days=365),
        today=today,
        now=timezone.now(),
    )
    attendance_rows = []
    codes = []
    for placement in all_placements:
        marks = [m.code for m in placement.attendance.all()]
        codes += marks
        if marks or missing.get(placement.pk):
            attendance_rows.append(
                (
                    placement,
                    len(marks),
                    attendance_rules.attendance_percentage(marks),
                    attendance_rules.without_register_phrase(missing.get(placement.pk, 0)),
                )
            )
    visits = sorted(
        (v for placement in all_placements for v in placement.visits.all()),
        key=lambda v: (v.date, v.pk),
        reverse=True,
    )
    return PupilPage(
        pupil=pupil,
        current=current,
        past=past,
        week=week,
        settings_key=sorted(colours.values(), key=lambda item: item[1]),
        half_terms=terms,
        visit_rows=visit_rows,
        attendance_rows=attendance_rows,
        attendance_overall=attendance_rules.attendance_percentage(codes),
        open_flags=pupil.open_flags,
        visits=visits,
        without_register=attendance_rules.without_register_phrase(sum(missing.values())),
    )


def provider_pupils_section(user, provider, today: date) -> dict:
    """For a provider's page: the user's own pupils placed there now or starting later, each with
    their week there against the unregistered-provider limits (now, or the breach to come), and
    the provider's open flags."""
    placements = (
        placements_manageable_by(user)
        .running_on_or_after(today)
        .filter(provider=provider)
        .prefetch_related("timetable")
        .order_by("pupil__last_name", "pupil__first_name", "start_date", "pk")
    )
    by_pupil = {}
    for placement in placements:
        by_pupil.setdefault(placement.pupil_id, []).append(placement)
    rows = []
    for pupil_placements in by_pupil.values():
        verdict = core_selectors.hours_verdict(
            [core_selectors.arrangement_of(p) for p in pupil_placements],
            limits_apply=provider.limits_apply,
            today=today,
        )
        rows.append(
            {
                "pupil": pupil_placements[0].pupil,
                "placements": pupil_placements,
                "assessment": verdict.now,
                "breach": verdict.message() if verdict.breach else "",
                "near_limit": bool(verdict.near_limit),
            }
        )
    registration = None if provider.is_registered else registration_test_standing(provider, today=today)
    counted = registration["counted"] if registration else {}
    for row in rows:
        row["counts"] = counted.get(row["pupil"].pk)
    return {
        "template": "placements/placement_provider_section.html",
        "registration": registration,
        "rows": rows,
        "limits": thresholds.hours_limits(),
        "registered": not provider.limits_apply,
        "exempt": provider.is_exempt,
        "today": today,
        "open_flags": list(visible_flags(user).filter(provider=provider, resolved_at__isnull=True)),
    }


def ap_pupil_ids(today: date):
    """Pupils in alternative provision: a placement running today or yet to start. A pupil on the
    roll with no placement is not an AP pupil."""
    return Placement.objects.running_on_or_after(today).values("pupil_id")


def registration_test_standing(provider, *, today: date) -> dict:
    """The registration test (s.463) at one unregistered provider as it stands, across every
    school's pupils there: the same rows and rule the hours check flags a breach with. `counted`
    maps each pupil who counts to "full-time" or "full-time, looked after or with an EHC plan"."""
    test = thresholds.registration_test()
    limits = thresholds.hours_limits()
    placements = (
        Placement.objects.running_on_or_after(today)
        .filter(provider=provider)
        .select_related("pupil")
        .prefetch_related("timetable")
        .order_by("start_date", "id")
    )
    rows = core_selectors.registration_test_rows(placements, today=today)
    breach, full_time, with_needs = core_rules.provider_registration_breach(
        [row.standing for row in rows],
        full_time_hours=limits.full_time_hours,
        pupil_count=test.pupil_count,
        needs=test.needs,
    )
    counted = {}
    for row in rows:
        is_full_time, has_needs = core_rules.registration_count(
            row.standing, full_time_hours=limits.full_time_hours, needs=test.needs
        )
        if is_full_time:
            counted[row.pupil.pk] = (
                f"Full-time, {core_rules.describe_needs(test.needs)}" if has_needs else "Full-time"
            )
    return {
        "breach": breach,
        "standing": core_rules.registration_standing(
            full_time=full_time, with_needs=with_needs, pupil_count=test.pupil_count, needs=test.needs
        ),
        "pupils": len(rows),
        "full_time_hours": limits.full_time_hours,
        "counted": counted,
    }


def _overview_counts(today: date) -> dict:
    """What the home tables count, per school or per partnership: AP pupils, the pupils at a
    setting today (the today board's count, from the same queryset) and open flags."""
    return {
        "pupil_count": Pupil.objects.filter(id__in=ap_pupil_ids(today)),
        "placed_count": Pupil.objects.filter(_has_one_of(Placement.objects.at_a_setting_on(today))),
        "open_flag_count": Flag.objects.filter(resolved_at__isnull=True),
    }


def school_overview(user, *, today: date):
    """The user's schools, each with `_overview_counts`: counted per listed school, where
    joining pupils to placements and flags multiplies the rows."""
    return visible_schools(user).annotate(
        **{
            name: _count_per(counted.filter(school_id=OuterRef("pk")), "school_id")
            for name, counted in _overview_counts(today).items()
        }
    )


@dataclass
class PartnershipRow:
    pk: int | None  # None: the schools in no partnership
    name: str
    school_count: int
    pupil_count: int
    placed_count: int
    open_flag_count: int


def partnership_overview(user, *, today: date) -> list[PartnershipRow]:
    """Service staff's home, a row per partnership (then the schools in none) with its schools
    and `_overview_counts`: a table of England's schools would run to thousands of rows."""
    schools = visible_schools(user).order_by()
    counts = {
        name: dict(
            counted.filter(school__in=schools)
            .order_by()
            .values_list("school__partnership_id")
            .annotate(n=Count("pk"))
        )
        for name, counted in _overview_counts(today).items()
    }
    partnerships = dict(
        schools.values_list("partnership_id").annotate(n=Count("pk")).values_list("partnership_id", "n")
    )
    names = dict(Partnership.objects.filter(pk__in=[p for p in partnerships if p]).values_list("pk", "name"))
    rows = [
        PartnershipRow(
            pk=partnership_id,
            name=names.get(partnership_id, "Schools in no partnership"),
            school_count=school_count,
            **{name: counted.get(partnership_id, 0) for name, counted in counts.items()},
        )
        for partnership_id, school_count in partnerships.items()
    ]
    return sorted(rows, key=lambda row: (row.pk is None, row.name))


def at_a_glance(user, *, today: date) -> dict:
    """A head's summary: pupils at a setting today (as the today board counts them), the providers
    used and the open flags."""
    # The providers and flags alone: not each placement, nor each flag's pupil, school and provider.
    providers = list(
        Provider.objects.filter(id__in=placements_manageable_by(user).active_on(today).values("provider_id"))
    )
    flags = list(visible_flags(user).filter(resolved_at__isnull=True).select_related(None))
    placed = placements_manageable_by(user).at_a_setting_on(today).values("pupil_id").distinct()
    return {
        "pupils_placed": placed.count(),
        "registered": sorted((p for p in providers if p.is_registered), key=lambda p: p.name),
        "unregistered": sorted((p for p in providers if p.limits_apply), key=lambda p: p.name),
        "red_flags": [f for f in flags if f.severity == Flag.Severity.RED],
        "amber_count": sum(1 for f in flags if f.severity == Flag.Severity.AMBER),
    }


def _count_per(queryset, field: str):
    """A correlated count for each listed row: only the rows shown are counted, where a join
    and GROUP BY over the whole placements and flags tables grows with the country."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _count_per_pupil(queryset):
    return _count_per(queryset, "pupil_id")


def pupil_list(user, *, today: date | None = None):
    today = today or timezone.localdate()
    active = Placement.objects.active_on(today).filter(pupil_id=OuterRef("pk"))
    open_flags = Flag.objects.filter(pupil_id=OuterRef("pk"), resolved_at__isnull=True)
    return visible_pupils(user, today=today).annotate(
        active_placements=_count_per_pupil(active), open_flags=_count_per_pupil(open_flags)
    )
