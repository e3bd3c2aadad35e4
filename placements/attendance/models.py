"""Attendance marks per session, follow-ups of absences, and providers' register links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from placements.attendance import rules
from placements.core.models import Placement


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


AttendanceCode = models.TextChoices(
    "AttendanceCode",
    [(code, (code, f"{code} — {meaning}")) for code, (meaning, _) in rules.ATTENDANCE_CODES.items()],
)


class AttendanceMarkQuerySet(models.QuerySet):
    def with_followed_up(self):
        """Each mark with `followed_up`: the database twin of `rules.is_followed_up`."""
        return self.annotate(
            followed_up=models.Exists(FollowUp.objects.followed_up().filter(attendance=models.OuterRef("pk")))
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
    # When the session was first marked: amending the code later does not move it, so the time
    # to follow an absence up is measured from when the school first knew (G §1c).
    first_recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "session"], name="one_mark_per_session"),
        ]
        indexes = [models.Index(fields=["date", "code"])]

    def __str__(self):
        return f"{self.placement.pupil} {self.date:%d/%m/%Y} {self.session}: {self.code}"


class FollowUpQuerySet(models.QuerySet):
    def followed_up(self):
        """Follow-ups that reached someone (the database twin of `rules.is_followed_up`)."""
        return self.exclude(outcome=rules.STILL_TO_CONTACT)


class FollowUp(models.Model):
    """What the school did about an absence or a missing mark (G §1c: dealt with swiftly)."""

    class Outcome(models.TextChoices):
        SAFE_AND_WELL = "safe_and_well", "Safe and well"
        NOT_CONTACTED = rules.STILL_TO_CONTACT, "Not yet contacted"
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

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["contacted_at"]

    def __str__(self):
        return f"Follow-up on {self.attendance}: {self.get_outcome_display()}"


# The signing salt of a register link's token: made by the services, read back by the selectors.
REGISTER_LINK_SALT = "placements.register-link"


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
    # The schools whose pupils the link's register lists: those its creator may see that use the
    # provider (a partnership co-ordinator's: every school of the partnership there).
    covers = models.ManyToManyField("apdash.School", related_name="+", blank=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["provider", "date"])]

    def __str__(self):
        return f"Register link for {self.provider} on {self.date:%d %B %Y}"
