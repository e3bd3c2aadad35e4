"""Providers (settings), their annual audits and quality-assurance visits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Provider(models.Model):
    class ProviderType(models.TextChoices):
        AP_ACADEMY = "ap_academy", "AP academy or free school"
        PRU = "pru", "Pupil referral unit"
        INDEPENDENT_SCHOOL = "independent_school", "Registered independent school"
        FE_COLLEGE = "fe_college", "Further education college"
        VOCATIONAL = "vocational", "Vocational centre"
        MENTORING = "mentoring", "Mentoring project"
        TUITION = "tuition", "One-to-one tuition"
        WORK_BASED = "work_based", "Work-based placement"
        OTHER = "other", "Other"

    class RegistrationStatus(models.TextChoices):
        REGISTERED = "registered", "Registered"
        UNREGISTERED = "unregistered", "Unregistered"
        # An FE college or other body that need not register as a school (domain.md "Providers").
        EXEMPT = "exempt", "Exempt from registration"

    class OfstedGrade(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    name = models.CharField(max_length=200)
    provider_type = models.CharField(max_length=32, choices=ProviderType.choices, default=ProviderType.OTHER)
    registration_status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    registration_checked_on = models.DateField(null=True, blank=True)
    registration_check_notes = models.TextField(
        blank=True,
        help_text="What was checked and how it informed the decision to use this provider (para 402).",
    )
    exempt_reason = models.TextField(
        blank=True, help_text="Why the provider need not register as a school (for example, an FE college)"
    )
    urn = models.CharField("URN", max_length=8, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    dsl_name = models.CharField("DSL name", max_length=150, blank=True)
    dsl_email = models.EmailField("DSL email", blank=True)
    dsl_phone = models.CharField("DSL phone", max_length=40, blank=True)
    ofsted_grade = models.CharField(max_length=24, choices=OfstedGrade.choices, blank=True)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    directory_registered = models.BooleanField(
        default=False, help_text="Registered with the county AP directory, which audits it annually (G §3a)."
    )
    # The partnership whose member added the provider to the register: with the schools using it,
    # the only ones (besides a superuser) who may change its registration (issue 13).
    added_by_partnership = models.ForeignKey(
        "apdash.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # DfE's facts about the URN, written by the GIAS import (para 399: registration status of every provider).
    gias_type = models.CharField("GIAS establishment type", max_length=100, blank=True)
    gias_status = models.CharField("GIAS status", max_length=60, blank=True)
    gias_checked_on = models.DateField("checked against GIAS on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["registration_status"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.registration_status == self.RegistrationStatus.EXEMPT and not self.exempt_reason.strip():
            raise ValidationError(
                {"exempt_reason": "Say why the provider need not register as a school, such as an FE college"}
            )

    @property
    def is_registered(self):
        return self.registration_status == self.RegistrationStatus.REGISTERED

    @property
    def is_exempt(self):
        return self.registration_status == self.RegistrationStatus.EXEMPT

    @property
    def limits_apply(self):
        """The hours and days limits bind only an unregistered provider: never a registered or an
        exempt one (domain.md "Providers: registered or not")."""
        return self.registration_status == self.RegistrationStatus.UNREGISTERED


class ProviderAudit(models.Model):
    """The annual directory audit of a provider (G §3b–c)."""

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", "Satisfactory"
        ACTIONS_REQUIRED = "actions_required", "Satisfactory with actions"
        UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="audits")
    audited_on = models.DateField()
    auditor = models.CharField(max_length=150, blank=True)
    single_central_record_checked = models.BooleanField(default=False)
    dsl_confirmed = models.BooleanField("DSL confirmed", default=False)
    insurance_expires_on = models.DateField(null=True, blank=True)
    health_and_safety_checked = models.BooleanField(default=False)
    registration_law_understood = models.BooleanField(default=False)
    safeguarding_checks_confirmed_in_writing = models.BooleanField(default=False)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, default=Outcome.SATISFACTORY)
    next_due_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-audited_on"]
        indexes = [models.Index(fields=["provider", "-audited_on"])]

    def __str__(self):
        return f"{self.provider} audit {self.audited_on:%d %B %Y}"


class QAVisit(models.Model):
    """A quality-assurance visit against the partnership's framework (G §3e, §1f)."""

    class Judgement(models.TextChoices):
        STRONG = "strong", "Strong"
        SECURE = "secure", "Secure"
        DEVELOPING = "developing", "Developing"
        WEAK = "weak", "Weak"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="qa_visits")
    partnership = models.ForeignKey(
        "apdash.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_visits"
    )
    school = models.ForeignKey(
        "apdash.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_visits"
    )
    visited_on = models.DateField()
    visitor = models.CharField(max_length=150)
    safeguarding_score = models.PositiveSmallIntegerField(null=True, blank=True)
    curriculum_score = models.PositiveSmallIntegerField(null=True, blank=True)
    teaching_score = models.PositiveSmallIntegerField(null=True, blank=True)
    attendance_behaviour_score = models.PositiveSmallIntegerField(null=True, blank=True)
    personal_development_score = models.PositiveSmallIntegerField(null=True, blank=True)
    leadership_score = models.PositiveSmallIntegerField(null=True, blank=True)
    strengths = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    judgement = models.CharField(max_length=16, choices=Judgement.choices)
    report = models.FileField(upload_to="qa-reports/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on"]
        constraints = [
            models.CheckConstraint(
                name="qa_scores_1_to_4",
                condition=Q(safeguarding_score__isnull=True)
                | Q(safeguarding_score__gte=1, safeguarding_score__lte=4),
            )
        ]

    def __str__(self):
        return f"QA visit to {self.provider} on {self.visited_on:%d %B %Y}"


class GiasImport(models.Model):
    """One import of DfE's "all establishment data" extract (Get Information about Schools). The
    latest (by extract date) is the one providers' URNs are checked against."""

    extract_date = models.DateField(help_text="The date of the extract: the day registration was checked.")
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-extract_date", "-id"]
        get_latest_by = ["extract_date", "id"]

    def __str__(self):
        return f"GIAS extract of {self.extract_date:%d %B %Y}"


class Establishment(models.Model):
    """An establishment on DfE's register, as the latest import that listed it described it."""

    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=255)
    type_name = models.CharField(max_length=100, blank=True)
    type_group = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=60, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    ofsted_rating = models.CharField(max_length=60, blank=True)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    last_import = models.ForeignKey(GiasImport, on_delete=models.PROTECT, related_name="establishments")

    class Meta:
        ordering = ["urn"]
        indexes = [models.Index(fields=["last_import", "status"])]

    def __str__(self):
        return f"{self.name} ({self.urn})"
