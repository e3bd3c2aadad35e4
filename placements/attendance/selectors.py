"""Read queries for registers, the week's register grid, attendance figures and register links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core import signing
from django.db.models import Prefetch
from django.utils import timezone

from apdash import thresholds
from apdash.models import School
from apdash.selectors import academic_year_for, half_terms_for, school_days_by_school, user_scope
from placements.attendance import rules
from placements.attendance.models import REGISTER_LINK_SALT, AttendanceMark, FollowUp, RegisterLink
from placements.core import rules as core_rules
from placements.core.models import Placement, TimetableSlot
from placements.core.selectors import visible_placements


@dataclass
class RegisterRow:
    """One pupil on a provider's register for one day: the sessions they are timetabled for and
    any marks already sent."""

    placement: Placement
    sessions: tuple[str, ...]
    marks: dict[str, AttendanceMark] = field(default_factory=dict)


def _sessions_on(placement, weekday: int) -> tuple[str, ...]:
    sessions = core_rules.timetabled_sessions(placement.timetable.all())
    return tuple(s for s in core_rules.SESSIONS if (weekday, s) in sessions)


def register_rows(*, provider_id: int, day: date, school_ids=None) -> list[RegisterRow]:
    """Exactly the pupils scheduled at a provider on a day: placements active that day with a
    timetable slot on that weekday, whose school has that date as a school day (and, for a
    register link, is one of the schools it covers: `school_ids`). Four queries."""
    placements = Placement.objects.active_on(day)
    if school_ids is not None:
        placements = placements.filter(pupil__school_id__in=school_ids)
    placements = list(
        placements.filter(provider_id=provider_id, timetable__weekday=day.weekday())
        .distinct()
        .select_related("pupil", "pupil__school", "provider")
        .prefetch_related(Prefetch("timetable", queryset=TimetableSlot.objects.filter(weekday=day.weekday())))
        .order_by("pupil__last_name", "pupil__first_name", "pk")
    )
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    open_days = school_days_by_school(schools.values(), day, day) if schools else {}
    rows = [
        RegisterRow(placement=p, sessions=_sessions_on(p, day.weekday()))
        for p in placements
        if day in open_days.get(p.pupil.school_id, ())
    ]
    by_id = {row.placement.pk: row for row in rows}
    for mark in AttendanceMark.objects.filter(placement_id__any=by_id, date=day):
        by_id[mark.placement_id].marks[mark.session] = mark
    return [row for row in rows if row.sessions]


@dataclass
class GridCell:
    day: date
    session: str
    scheduled: bool
    mark: AttendanceMark | None = None
    missing: bool = False
    # The cell's form field, "code-<placement>-<date>-<session>", as grid_entries reads it back.
    name: str = ""

    @property
    def day_name(self):
        """ "Monday 23 November", as the grid's labels name the cell."""
        return f"{self.day:%A} {self.day.day} {self.day:%B}"

    # Cached: a week's grid asks each of these of every cell more than once while it renders.
    @cached_property
    def follow_up(self):
        """The latest follow-up (they are prefetched in contact order)."""
        follow_ups = list(self.mark.follow_ups.all()) if self.mark else []
        return follow_ups[-1] if follow_ups else None

    @cached_property
    def followed_up(self):
        return self.mark is not None and rules.is_followed_up(f.outcome for f in self.mark.follow_ups.all())

    @cached_property
    def needs_follow_up(self):
        code = self.mark.code if self.mark else None
        return self.scheduled and (self.mark is not None or self.missing) and rules.needs_follow_up(code)

    @cached_property
    def elapsed(self):
        """From when the absence was first recorded to the first follow-up that reached someone."""
        reached = (
            [f for f in self.mark.follow_ups.all() if rules.is_followed_up([f.outcome])] if self.mark else []
        )
        if not reached:
            return None
        return rules.describe_elapsed(
            rules.follow_up_seconds(self.mark.first_recorded_at, reached[0].contacted_at)
        )


@dataclass
class GridRow:
    placement: Placement
    cells: list[GridCell]


def week_days(week_start: date) -> list[date]:
    monday = week_start - timedelta(days=week_start.weekday())
    return [monday + timedelta(days=i) for i in range(5)]


def grid_placements(user, *, school, week_start: date):
    """The placements on one school's register grid for a week, in the grid's order."""
    days = week_days(week_start)
    return (
        visible_placements(user, today=days[0])
        .active_between(days[0], days[-1])
        .filter(pupil__school=school)
        .select_related("pupil__school", "provider")
        .prefetch_related("timetable")
        .order_by("pupil__last_name", "pupil__first_name", "provider__name", "pk")
    )


def register_grid(user, *, school, week_start: date, now: datetime, placements=None) -> list[GridRow]:
    """Pupils × days × sessions for one school's week, with marks and their first follow-up: of
    `placements` (a page of `grid_placements`), else of them all. A fixed handful of queries
    whatever the number of pupils."""
    days = week_days(week_start)
    if placements is None:
        placements = grid_placements(user, school=school, week_start=week_start)
    placements = list(placements)
    open_days = set(school_days_by_school([school], days[0], days[-1])[school.id])
    marks = {
        (m.placement_id, m.date, m.session): m
        for m in AttendanceMark.objects.filter(
            placement_id__any=[p.pk for p in placements], date__gte=days[0], date__lte=days[-1]
        ).prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.order_by("contacted_at")))
    }
    cutoffs = thresholds.attendance_cutoffs()
    local_now = timezone.localtime(now).replace(tzinfo=None)
    rows = []
    for placement in placements:
        cells = []
        for day in days:
            sessions = _sessions_on(placement, day.weekday())
            for session in core_rules.SESSIONS:
                scheduled = session in sessions and day in open_days and placement.is_active_on(day)
                mark = marks.get((placement.pk, day, session))
                missing = (
                    scheduled
                    and mark is None
                    and rules.session_cutoff_passed(session, day, local_now, **cutoffs)
                )
                cells.append(
                    GridCell(
                        day=day,
                        session=session,
                        scheduled=scheduled,
                        mark=mark,
                        missing=missing,
                        name=f"code-{placement.pk}-{day.isoformat()}-{session}",
                    )
                )
        rows.append(GridRow(placement=placement, cells=cells))
    return rows


@dataclass
class PupilFigures:
    pupil: object
    percentage: float | None
    by_term: list[float | None]
    trend: list[float | None]
    placements: list[tuple[Placement, float | None]]
    persistent_absence: bool
    without_register: str = ""  # "5 sessions without a register": left out of the percentage

    def trend_points(self, width=120, height=30):
        return rules.trend_polyline(self.trend, width=width, height=height)


def attendance_figures(user, *, school, today: date, weeks: int = 8):
    """Attendance % per pupil (overall, per half term, weekly trend), per placement and per provider
    for one school's academic year so far. Three queries plus the calendar."""
    year = academic_year_for(today)
    if year is None:
        return {"terms": [], "pupils": [], "providers": []}
    terms = [
        t
        for t in half_terms_for(partnership_id=school.partnership_id, start=year.start_date, end=today)
        if t.start_date <= today
    ]
    placements = {
        p.pk: p
        for p in visible_placements(user, today=today)
        .active_between(year.start_date, today)
        .filter(pupil__school=school)
        .prefetch_related("timetable")
    }
    missing = sessions_without_register(
        placements.values(), since=year.start_date, today=today, now=timezone.now()
    )
    marks = list(
        AttendanceMark.objects.filter(
            placement_id__any=placements, date__gte=year.start_date, date__lte=today
        ).values_list("placement_id", "date", "code")
    )
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    by_pupil = defaultdict(list)
    by_placement = defaultdict(list)
    by_provider = defaultdict(list)
    by_pupil_term = defaultdict(list)
    by_pupil_week = defaultdict(list)
    for placement_id, day, code in marks:
        placement = placements[placement_id]
        by_pupil[placement.pupil_id].append(code)
        by_placement[placement_id].append(code)
        by_provider[placement.provider_id].append(code)
        for i, term in enumerate(terms):
            if term.start_date <= day <= term.end_date:
                by_pupil_term[(placement.pupil_id, i)].append(code)
        if day >= first_week:
            by_pupil_week[(placement.pupil_id, (day - first_week).days // 7)].append(code)
    threshold = thresholds.persistent_absence_below()
    pupils = {}
    for placement in sorted(placements.values(), key=lambda p: (p.pupil.last_name, p.pupil.first_name, p.pk)):
        pupil = placement.pupil
        if pupil.pk not in pupils:
            percentage = rules.attendance_percentage(by_pupil[pupil.pk])
            pupils[pupil.pk] = PupilFigures(
                pupil=pupil,
                percentage=percentage,
                by_term=[
                    rules.attendance_percentage(by_pupil_term[(pupil.pk, i)]) for i in range(len(terms))
                ],
                trend=[rules.attendance_percentage(by_pupil_week[(pupil.pk, w)]) for w in range(weeks)],
                placements=[],
                persistent_absence=rules.is_persistent_absence(
                    rules.attendance_percentage(by_pupil[pupil.pk], places=None), threshold=threshold
                ),
            )
        pupils[pupil.pk].placements.append(
            (placement, rules.attendance_percentage(by_placement[placement.pk]))
        )
    for figures in pupils.values():
        figures.without_register = rules.without_register_phrase(
            sum(missing.get(p.pk, 0) for p, _ in figures.placements)
        )
    # Once per provider, not per placement: a provider's marks are many placements' marks.
    providers = {placement.provider_id: placement.provider for placement in placements.values()}
    providers = {
        provider_id: (provider, rules.attendance_percentage(by_provider[provider_id]))
        for provider_id, provider in providers.items()
    }
    return {
        "terms": terms,
        "pupils": list(pupils.values()),
        "providers": sorted(providers.values(), key=lambda item: item[0].name),
    }


def register_links(user, *, today: date):
    """Register links from yesterday on whose rows are all pupils of schools the user may see: the
    links they may list and revoke."""
    scope = user_scope(user)
    links = RegisterLink.objects.filter(date__gte=today - timedelta(days=1))
    if not scope.everything:
        links = links.filter(covers__in=scope.school_ids).exclude(
            covers__in=School.objects.exclude(id__in=scope.school_ids)
        )
    return links.distinct().select_related("provider", "created_by").order_by("-date", "provider__name")


def providers_with_register(*, day: date) -> list[tuple[object, int]]:
    """Providers with at least one pupil timetabled that day (a school day for the pupil's school),
    with how many pupils. Three queries."""
    placements = list(
        Placement.objects.active_on(day)
        .filter(timetable__weekday=day.weekday())
        .select_related("provider", "pupil__school")
        .distinct()
    )
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    open_days = school_days_by_school(schools.values(), day, day) if schools else {}
    counts = defaultdict(int)
    providers = {}
    for placement in placements:
        if day in open_days.get(placement.pupil.school_id, ()):
            providers[placement.provider_id] = placement.provider
            counts[placement.provider_id] += 1
    return [(providers[pid], counts[pid]) for pid in sorted(providers, key=lambda pid: providers[pid].name)]


def sessions_without_register(placements, *, since: date, today: date, now: datetime) -> dict[int, int]:
    """For each placement (with its `timetable` and `pupil__school` loaded), how many of its
    timetabled sessions on school days from `since` to `today` have passed their cut-off (at
    `now`) with no mark: the
    registers an attendance figure is missing (G §1c). The same rule as the attendance_missing
    check, over a longer window. Two queries for the calendar and one for the marks."""
    placements = list(placements)
    if not placements:
        return {}
    local = timezone.localtime(now) if timezone.is_aware(now) else now
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    days = school_days_by_school(schools.values(), since, today)
    marks = defaultdict(dict)
    for placement_id, day, session, code in AttendanceMark.objects.filter(
        placement_id__any=[p.pk for p in placements], date__gte=since, date__lte=today
    ).values_list("placement_id", "date", "session", "code"):
        marks[placement_id][(day, session)] = (code, True)
    cutoffs = thresholds.attendance_cutoffs()
    counts = {}
    for placement in placements:
        gaps = rules.attendance_gaps(
            slots=[slot.as_rule_slot() for slot in placement.timetable.all()],
            start=placement.start_date,
            end=placement.end_date,
            days=days.get(placement.pupil.school_id, []),
            marks=marks[placement.pk],
            now=local.replace(tzinfo=None),
            **cutoffs,
        )
        counts[placement.pk] = sum(1 for gap in gaps if gap.kind == rules.MISSING_MARK)
    return counts


def register_link_school_to_ask(token: str) -> str | None:
    """For a refused link: the school to ask for a new one, when the token (however old) names a
    provider that only one school places pupils with, or a link a school coordinator made.
    None when it names nothing we can trust."""
    try:
        payload = signing.loads(token, salt=REGISTER_LINK_SALT)
    except signing.BadSignature:
        return None
    link = RegisterLink.objects.filter(nonce=payload.get("n"), provider_id=payload.get("p")).first()
    creator = link.created_by if link else None
    if creator is not None:
        school = creator.memberships.filter(school__isnull=False).select_related("school").first()
        if school is not None:
            return school.school.name
    schools = set(
        Placement.objects.filter(provider_id=payload.get("p"))
        .running_on_or_after(timezone.localdate() - timedelta(days=31))
        .values_list("pupil__school__name", flat=True)
    )
    return schools.pop() if len(schools) == 1 else None


def scheduled_sessions(placements, *, today: date):
    """`scheduled(placement, day, session)` for a register file: whether the placement's timetable
    covers that session on that day, a school day of its pupil's school. The school days of every
    day the placements can run (to a year ahead for open-ended ones) are read once, not per row."""
    if not placements:
        return lambda placement, day, session: False
    first = min(p.start_date for p in placements)
    last = max(p.end_date or today + timedelta(days=366) for p in placements)
    schools = {p.pupil.school_id: p.pupil.school for p in placements}
    days = {
        school_id: set(found)
        for school_id, found in school_days_by_school(schools.values(), first, last).items()
    }
    sessions = {p.pk: core_rules.timetabled_sessions(p.timetable.all()) for p in placements}

    def scheduled(placement, day, session):
        return (
            day in days.get(placement.pupil.school_id, ())
            and (day.weekday(), session) in sessions[placement.pk]
        )

    return scheduled
