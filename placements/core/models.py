"""Pupils, their placements at providers and each placement's weekly timetable."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from placements.core import rules


def validate_upn(value):
    problem = rules.upn_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_upn")


class Pupil(models.Model):
    class SenStatus(models.TextChoices):
        NONE = "none", "No SEN"
        SEN_SUPPORT = "sen_support", "SEN support (K)"
        EHCP = "ehcp", "EHC plan"

    upn = models.CharField("UPN", max_length=13, unique=True, validators=[validate_upn])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    year_group = models.PositiveSmallIntegerField(help_text="National curriculum year, 7 to 13")
    school = models.ForeignKey("apdash.School", on_delete=models.PROTECT, related_name="pupils")
    sen_status = models.CharField(
        "SEN status", max_length=16, choices=SenStatus.choices, default=SenStatus.NONE
    )
    looked_after = models.BooleanField(default=False)
    pupil_premium = models.BooleanField(default=False)
    needs_summary = models.TextField(blank=True)
    # When the pupil left the school's roll, and for where: their safeguarding file follows them.
    left_on = models.DateField("left the school on", null=True, blank=True)
    moved_to = models.CharField("moved to (school or setting)", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="pupil_year_group_7_to_13", condition=Q(year_group__gte=7, year_group__lte=13)
            ),
        ]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.upn = rules.normalise_upn(self.upn)
        super().save(*args, **kwargs)

    def clean(self):
        if self.date_of_birth:
            problem = rules.date_of_birth_problem(self.date_of_birth, timezone.localdate())
            if problem:
                raise ValidationError({"date_of_birth": problem})

    @property
    def full_name(self):
        return rules.pupil_name(self.first_name, self.last_name)

    @property
    def told_apart(self):
        """What tells two pupils of the same name apart wherever names are listed: the year group
        and the last digits of the UPN (issue 17)."""
        return f"Year {self.year_group}, UPN ending {self.upn[-4:]}"

    @property
    def listed_name(self):
        """The name as a choice in a list: "Kacey Fairweather (Year 10, UPN ending 5001)"."""
        return f"{self.full_name} ({self.told_apart})"


def active_between_q(first: date, last: date, *, through: str = "") -> Q:
    """Placements (reached through `through`, e.g. "placements__") active on at least one day of
    [first, last]: started by `last` and not ended before `first`. The database twin of
    `rules.is_active_on`; the one place this condition is spelled out."""
    return Q(**{f"{through}start_date__lte": last}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": first})
    )


def active_on_q(day: date, *, through: str = "") -> Q:
    return active_between_q(day, day, through=through)


class PlacementQuerySet(models.QuerySet):
    def active_on(self, day: date):
        """Placements the pupil attends on `day` (its first and last days included)."""
        return self.filter(active_on_q(day))

    def active_between(self, first: date, last: date):
        """Placements active on at least one day of [first, last]."""
        return self.filter(active_between_q(first, last))

    def at_a_setting_on(self, day: date):
        """Placements that take their pupil to the setting on `day`: active then and timetabled on
        that weekday, or with no timetable at all (nobody can say the pupil is not there: the
        `timetable_missing` flag asks for one). What the today board shows as away, and every
        "placed today" counts."""
        return (
            self.active_on(day)
            .filter(Q(timetable__weekday=day.weekday()) | Q(timetable__isnull=True))
            .distinct()
        )

    def running_on_or_after(self, day: date):
        """Placements active on `day` or later: running now, or yet to start."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class Placement(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Goal(models.TextChoices):
        REINTEGRATION = "reintegration", "Reintegration to mainstream"
        POST_16 = "post_16", "Post-16 transition"
        SPECIALIST = "specialist", "Move to a specialist setting"

    class Commissioner(models.TextChoices):
        SCHOOL = "school", "School"
        PARTNERSHIP = "partnership", "Partnership"

    class ArrangedBy(models.TextChoices):
        # Who arranged the AP decides its attendance code: B for school or partnership, K for LA.
        SCHOOL = "school", "School"
        PARTNERSHIP = "partnership", "Partnership"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    class CensusReason(models.TextChoices):
        # School census AP "primary reason for placement"; permanent exclusion takes precedence.
        PERMANENT_EXCLUSION = "PEX", "Permanent exclusion"
        SUSPENSION = "SUS", "Suspension"
        MEDICAL = "MED", "Health needs"
        SEMH = "SEM", "Social, emotional and mental health"
        BEHAVIOUR = "BEH", "Behaviour (preventative)"
        ATTENDANCE = "ATT", "Attendance"
        SEND = "SEN", "Awaiting or in place of specialist provision"
        CURRICULUM = "CUR", "Curriculum (vocational offer)"
        OTHER = "OTH", "Other"

    class HowSent(models.TextChoices):
        EMAIL = "email", "By email"
        POST = "post", "By post"
        HAND = "hand", "By hand"
        PORTAL = "portal", "Through the local authority's portal"
        PHONE = "phone", "By phone, confirmed in writing"
        OTHER = "other", "Another way"

    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Programme completed"
        REINTEGRATED = "reintegrated", "Reintegrated to mainstream"
        SPECIALIST = "specialist", "Moved to a specialist setting"
        BREAKDOWN = "breakdown", "Placement broke down"
        MOVED_SCHOOL = "moved_school", "Pupil moved school"
        OTHER = "other", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    reason = models.TextField(help_text="Why this placement")
    census_reason = models.CharField(max_length=3, choices=CensusReason.choices, blank=True)
    rationale = models.TextField(blank=True, help_text="Why this is the best option for the pupil (para 402)")
    goal = models.CharField(max_length=16, choices=Goal.choices, blank=True)
    qualifications = models.TextField(blank=True, help_text="Qualifications the pupil works towards here")
    commissioned_by = models.CharField(
        max_length=16, choices=Commissioner.choices, default=Commissioner.SCHOOL
    )
    arranged_by = models.CharField(
        max_length=16,
        choices=ArrangedBy.choices,
        default=ArrangedBy.SCHOOL,
        help_text="Who arranged it: attending is coded B, or K where the local authority arranged it",
    )
    provider_has_main_responsibility = models.BooleanField(default=False)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(blank=True)
    # DfE "Arranging alternative provision": an off-site direction needs written notice to the parents
    # (and the LA for a pupil with an EHC plan) at least 2 school days before the start.
    off_site_direction = models.BooleanField(
        "made under an off-site direction",
        default=False,
        help_text="The pupil is directed to attend off-site provision: the parents must be told in writing "
        "at least 2 school days before it starts.",
    )
    reports_to = models.CharField(
        "who the pupil reports to",
        max_length=150,
        blank=True,
        help_text="The person at the setting, on arrival",
    )
    objectives = models.TextField(blank=True, help_text="What the placement is to achieve")
    parental_notice_sent_on = models.DateField("notice to parents sent on", null=True, blank=True)
    parental_notice_how = models.CharField(
        "how the notice was sent", max_length=16, choices=HowSent.choices, blank=True
    )
    # DfE: the school tells the LA about each placement; required at an unregistered provider.
    la_notified_on = models.DateField("local authority told on", null=True, blank=True)
    la_notified_how = models.CharField(
        "how the local authority was told", max_length=16, choices=HowSent.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="placement_end_not_before_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "start_date", "end_date"]),
            models.Index(fields=["pupil", "start_date"]),
        ]

    def __str__(self):
        return f"{self.pupil} at {self.provider} from {self.start_date:%d %B %Y}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})
        today = timezone.localdate()
        problems = {
            name: rules.placement_date_problem(getattr(self, name), today, label=label)
            for name, label in (("start_date", "Start date"), ("end_date", "End date"))
            if getattr(self, name)
        }
        problems = {name: problem for name, problem in problems.items() if problem}
        if problems:
            raise ValidationError(problems)

    @property
    def la_arranged(self) -> bool:
        return self.arranged_by == self.ArrangedBy.LOCAL_AUTHORITY

    def is_active_on(self, day: date) -> bool:
        return rules.is_active_on(self.start_date, self.end_date, day)

    def is_active_between(self, first: date, last: date | None) -> bool:
        """Active on some day of [first, last]; `last` None: on `first` or later."""
        return rules.is_active_between(self.start_date, self.end_date, first, last)


class TimetableSlot(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="timetable")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(name="slot_end_after_start", condition=Q(end__gt=F("start"))),
            models.CheckConstraint(
                name="slot_weekday_mon_to_fri", condition=Q(weekday__gte=0, weekday__lte=4)
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def as_rule_slot(self):
        return rules.Slot(self.weekday, self.start, self.end)

    @property
    def hours(self):
        return rules.slot_hours(self.start, self.end)

    @property
    def sessions(self):
        return rules.slot_sessions(self.start, self.end)
