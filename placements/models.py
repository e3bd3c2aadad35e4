"""Pupils, their placements at providers, timetables, visits, attendance and flags."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from . import rules


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
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.upn = (self.upn or "").strip().upper()
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


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
    provider_has_main_responsibility = models.BooleanField(default=False)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    def is_active_on(self, day):
        return rules.is_active_on(self.start_date, self.end_date, day)


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


class Visit(models.Model):
    """A visit by school staff to see the pupil at the setting (G §1e) — a check on the child."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits_made"
    )
    visitor_name = models.CharField(max_length=150, blank=True)
    pupil_seen = models.BooleanField(default=True)
    wellbeing = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    pupil_view = models.TextField("pupil's view", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["placement", "date"])]

    def __str__(self):
        return f"Visit to {self.placement.pupil} on {self.date:%d %B %Y}"


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


AttendanceCode = models.TextChoices(
    "AttendanceCode",
    [(code, (code, f"{code} — {meaning}")) for code, (meaning, _) in rules.ATTENDANCE_CODES.items()],
)


class AttendanceMark(models.Model):
    class Source(models.TextChoices):
        PROVIDER_LINK = "provider_link", "Provider (register link)"
        PROVIDER_STAFF = "provider_staff", "Provider staff"
        COORDINATOR = "coordinator", "School coordinator"
        IMPORT = "import", "Imported register"
        API = "api", "API"

    class AbsenceReason(models.TextChoices):
        ILL = "ill", "Ill"
        MEDICAL = "medical", "Medical appointment"
        NO_CONTACT = "no_contact", "No contact"
        REFUSED = "refused", "Refused to attend"
        OTHER = "other", "Other"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="attendance")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, choices=AttendanceCode.choices)
    minutes_late = models.PositiveSmallIntegerField(default=0)
    absence_reason = models.CharField(max_length=16, choices=AbsenceReason.choices, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.COORDINATOR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "session"], name="one_mark_per_session"),
        ]
        indexes = [models.Index(fields=["date", "code"])]

    def __str__(self):
        return f"{self.placement.pupil} {self.date:%d/%m/%Y} {self.session}: {self.code}"


class FollowUp(models.Model):
    """What the school did about an absence or a missing mark (G §1c: dealt with swiftly)."""

    class Outcome(models.TextChoices):
        SAFE_AND_WELL = "safe_and_well", "Safe and well"
        NOT_CONTACTED = "not_contacted", "Not yet contacted"
        ESCALATED = "escalated", "Escalated to the DSL"
        OTHER = "other", "Other"

    attendance = models.ForeignKey(AttendanceMark, on_delete=models.PROTECT, related_name="follow_ups")
    contacted = models.CharField(max_length=200, help_text="Who was contacted")
    contacted_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_at"]

    def __str__(self):
        return f"Follow-up on {self.attendance}: {self.get_outcome_display()}"


class Flag(models.Model):
    """Something a compliance check noticed. `key` is deterministic per condition, and a partial
    unique constraint on open flags makes re-runs and concurrent runs idempotent."""

    class Kind(models.TextChoices):
        VISIT_DUE = "visit_due", "Visit due"
        VISIT_OVERDUE = "visit_overdue", "Visit overdue"
        HOURS_BREACH_PUPIL = "hours_breach_pupil", "Unregistered provider: pupil over the limits"
        HOURS_NEAR_LIMIT = "hours_near_limit", "Unregistered provider: pupil near the hours limit"
        HOURS_BREACH_PROVIDER = "hours_breach_provider", "Unregistered provider may need to register"
        ATTENDANCE_MISSING = "attendance_missing", "Attendance not received"
        ABSENCE_UNEXPLAINED = "absence_unexplained", "Absence not followed up"
        AUDIT_EXPIRED = "audit_expired", "Provider audit or insurance out of date"
        CONCERN_UNACKNOWLEDGED = "concern_unacknowledged", "Concern not acknowledged by the DSL"
        REVIEW_OVERDUE = "review_overdue", "Placement review overdue"
        RISK_ASSESSMENT_MISSING = "risk_assessment_missing", "Risk assessment missing"
        INDUCTION_MISSING = "induction_missing", "Induction not recorded"

    class Severity(models.TextChoices):
        AMBER = "amber", "Amber"
        RED = "red", "Red"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    school = models.ForeignKey(
        "apdash.School", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    provider = models.ForeignKey(
        "providers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    subject_date = models.DateField(null=True, blank=True)
    message = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="one_open_flag_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "resolved_at"]),
            models.Index(fields=["school", "resolved_at"]),
            models.Index(fields=["key"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"

    @property
    def is_open(self):
        return self.resolved_at is None


class RegisterLink(models.Model):
    """A provider's no-account link to one day's register. The URL carries a signed token naming
    the provider, the date and this row's nonce; revoking the row kills the link."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="register_links"
    )
    date = models.DateField()
    nonce = models.CharField(max_length=32, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["provider", "date"])]

    def __str__(self):
        return f"Register link for {self.provider} on {self.date:%d %B %Y}"


# --- Plans, reviews, qualifications and outcomes (G §1b, §4e–g; DfE Feb 2025) ---------------------


class LearningPlan(models.Model):
    """The pupil's learning/SEND plan: needs, why AP is the right way forward, and the agreed goal
    with milestones towards it (G §1b, §4f)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="learning_plan")
    needs_summary = models.TextField()
    rationale = models.TextField("why this is the right way forward")
    goal = models.CharField(max_length=16, choices=Placement.Goal.choices)
    goal_target_date = models.DateField("target date for the goal")
    document = models.FileField(upload_to="learning-plans/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Learning plan for {self.pupil}"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    MET = "met", "Met"
    MISSED = "missed", "Missed"


class Milestone(models.Model):
    Status = MilestoneStatus

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="milestones")
    description = models.CharField(max_length=300)
    measure = models.CharField(max_length=300, help_text="How we will know it is met")
    target_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    met_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self):
        return self.description


class Review(models.Model):
    """A plan–do–review meeting (G §4g; DfE: at least half-termly)."""

    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    attended_school = models.BooleanField("school", default=False)
    attended_provider = models.BooleanField("provider", default=False)
    attended_parent = models.BooleanField("parent or carer", default=False)
    attended_pupil = models.BooleanField("pupil", default=False)
    attended_partnership = models.BooleanField("partnership", default=False)
    attendance_summary = models.TextField(blank=True)
    behaviour_summary = models.TextField(blank=True)
    pupil_view = models.TextField("pupil's view", blank=True)
    decisions = models.TextField()
    next_review_on = models.DateField("next review date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    ATTENDEE_FIELDS = (
        "attended_school",
        "attended_provider",
        "attended_parent",
        "attended_pupil",
        "attended_partnership",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["plan", "date"])]
        constraints = [
            models.CheckConstraint(
                name="review_next_after_date",
                condition=Q(next_review_on__gt=F("date")),
                violation_error_message="The next review must be after this one.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.plan.pupil} on {self.date:%d %B %Y}"

    @property
    def attendees(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.ATTENDEE_FIELDS
            if getattr(self, name)
        ]


class MilestoneProgress(models.Model):
    """Progress against one milestone as agreed at a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=16, choices=MilestoneStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["milestone__target_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "milestone"], name="one_progress_per_milestone_per_review"
            ),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_status_display()}"


class Qualification(models.Model):
    """What a pupil works towards, where, and the entry and result (L0–L2: English and maths)."""

    class Area(models.TextChoices):
        ENGLISH = "english", "English"
        MATHS = "maths", "Maths"
        OTHER = "other", "Other subject"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="qualifications")
    area = models.CharField(max_length=8, choices=Area.choices)
    subject = models.CharField(max_length=150)
    level = models.CharField(max_length=60)
    awarding_body = models.CharField(max_length=100, blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qualifications",
        help_text="Leave empty when the pupil studies it at school",
    )
    entered = models.BooleanField("entered for the exam or assessment", default=False)
    result = models.CharField(max_length=60, blank=True)
    result_on = models.DateField("result date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "subject", "pk"]

    def __str__(self):
        return f"{self.subject} ({self.level})"


class Outcome(models.Model):
    """Where the pupil went: back to mainstream, or a post-16 destination, and whether it lasted."""

    class Destination(models.TextChoices):
        SCHOOL_SIXTH_FORM = "sixth_form", "School sixth form"
        FURTHER_EDUCATION = "fe", "Further education"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship"
        EMPLOYMENT_WITH_TRAINING = "employment_training", "Employment with training"
        EMPLOYMENT_WITHOUT_TRAINING = "employment", "Employment without training"
        NEET = "neet", "Not in education, employment or training (NEET)"
        UNKNOWN = "unknown", "Not known"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="outcomes")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    recorded_on = models.DateField()
    reintegrated_on = models.DateField("date back in mainstream school", null=True, blank=True)
    destination = models.CharField(
        "post-16 destination", max_length=24, choices=Destination.choices, blank=True
    )
    destination_name = models.CharField("where", max_length=200, blank=True)
    sustained = models.BooleanField(null=True, blank=True, help_text="Still there when last checked")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="outcome_reintegration_or_destination",
                condition=Q(reintegrated_on__isnull=False) | ~Q(destination=""),
                violation_error_message=(
                    "Enter the date the pupil returned to mainstream school, or their post-16 destination."
                ),
            ),
        ]

    def __str__(self):
        return f"Outcome for {self.pupil}"
