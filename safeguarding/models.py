"""Safeguarding: concerns, chronology, risk assessments and inductions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def concern_categories():
    # KCSIE categories of abuse plus the concerns AP settings meet most; a settings list, so a
    # partnership can adjust it without a migration.
    return list(settings.APDASH_CONCERN_CATEGORIES.items())


class Concern(models.Model):
    class Urgency(models.TextChoices):
        URGENT = "urgent", "Urgent: the child may be at risk of harm now"
        ROUTINE = "routine", "Not urgent"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the DSL"
        CLOSED = "closed", "Closed"

    pupil = models.ForeignKey("placements.Pupil", on_delete=models.PROTECT, related_name="concerns")
    placement = models.ForeignKey(
        "placements.Placement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
        help_text="The setting where it happened, if it was at a provider",
    )
    category = models.CharField(max_length=32, choices=concern_categories)
    description = models.TextField(help_text="What was seen or heard, in the words used")
    occurred_at = models.DateTimeField("when it happened")
    location = models.CharField("where it happened", max_length=200, blank=True)
    immediate_action = models.TextField("immediate action taken", blank=True)
    urgency = models.CharField(max_length=8, choices=Urgency.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                name="concern_acknowledged_has_time",
                condition=Q(status="new") | Q(acknowledged_at__isnull=False),
            ),
            models.CheckConstraint(
                name="concern_closed_has_time_and_outcome",
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
            ),
        ]
        indexes = [models.Index(fields=["status", "raised_at"]), models.Index(fields=["pupil", "raised_at"])]

    def __str__(self):
        return f"Concern #{self.pk} about {self.pupil} raised {self.raised_at:%d %B %Y}"


class ConcernEntry(models.Model):
    """One line of the chronology. Never altered: the database refuses UPDATE and DELETE (see the
    migration); a mistake is put right by a correction entry that points at it."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        ACTION = "action", "Action taken"
        REFERRAL = "referral", "Referral"
        DECISION = "decision", "Decision"
        CORRECTION = "correction", "Correction"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledged"
        CLOSURE = "closure", "Closed"

    class ReferralTo(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early help"

    class Decision(models.TextChoices):
        REFER = "refer", "Decision to refer"
        NOT_TO_REFER = "not_to_refer", "Decision not to refer"
        OTHER = "other", "Other decision"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    referral_to = models.CharField(max_length=16, choices=ReferralTo.choices, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "concern entries"
        constraints = [
            models.CheckConstraint(
                name="entry_referral_names_agency",
                condition=~Q(kind="referral") | ~Q(referral_to=""),
            ),
            models.CheckConstraint(
                name="entry_decision_is_named", condition=~Q(kind="decision") | ~Q(decision="")
            ),
            models.CheckConstraint(
                name="entry_correction_points_at_entry",
                condition=Q(kind="correction", corrects__isnull=False)
                | (~Q(kind="correction") & Q(corrects__isnull=True)),
            ),
            models.CheckConstraint(name="entry_has_text", condition=~Q(text="")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on concern #{self.concern_id} at {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def heading(self):
        if self.kind == self.Kind.REFERRAL:
            return f"Referral to {self.get_referral_to_display().lower()}"
        if self.kind == self.Kind.DECISION:
            return self.get_decision_display()
        return self.get_kind_display()


class RiskAssessment(models.Model):
    """G §4: a risk assessment for the journey to and from the setting and at the setting."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    journey = models.TextField("journey to and from the setting")
    at_setting = models.TextField("at the setting")
    hazards = models.TextField()
    controls = models.TextField("controls in place")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="risk_assessment_approval_has_approver",
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["placement", "review_date"])]

    def __str__(self):
        return f"Risk assessment for {self.placement}"

    @property
    def is_approved(self):
        return self.approved_at is not None


class Induction(models.Model):
    """G §3e: the pupil is inducted at the start: who the DSL is, what to do if they feel unsafe."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.PROTECT, related_name="inductions")
    date = models.DateField()
    told_who_dsl_is = models.BooleanField("told who the DSL is")
    told_what_to_do_if_unsafe = models.BooleanField("told what to do if they feel unsafe")
    provider_dsl_name = models.CharField("provider's DSL", max_length=150)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                name="induction_covers_dsl_and_feeling_unsafe",
                condition=Q(told_who_dsl_is=True, told_what_to_do_if_unsafe=True),
            )
        ]

    def __str__(self):
        return f"Induction of {self.placement.pupil} on {self.date:%d %B %Y}"


class SafeguardingTransfer(models.Model):
    """A pupil's safeguarding file sent to their new school (KCSIE: within 5 school days of the
    move, separately from the main pupil file, with confirmation of receipt)."""

    pupil = models.ForeignKey(
        "placements.Pupil", on_delete=models.PROTECT, related_name="safeguarding_transfers"
    )
    sent_on = models.DateField()
    sent_to = models.CharField("sent to (school and DSL)", max_length=200)
    method = models.CharField("how it was sent", max_length=200, help_text="For example, secure email")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self):
        return f"Safeguarding file of {self.pupil} sent to {self.sent_to} on {self.sent_on:%d %B %Y}"
