"""Core: people, organisations, roles, the school calendar and the audit trail."""

import datetime
import hashlib
import json

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apdash.rules import HalfTermDates


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log in to the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    local_authority = models.CharField(max_length=200, blank=True)
    dsl_name = models.CharField("partnership DSL name", max_length=150, blank=True)
    dsl_email = models.EmailField("partnership DSL email", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=6, unique=True, help_text="Ofsted unique reference number")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    la_code = models.CharField("LA code", max_length=3, blank=True)
    address = models.TextField(blank=True)
    dsl_name = models.CharField("DSL name", max_length=150, blank=True)
    dsl_email = models.EmailField("DSL email", blank=True)
    dsl_phone = models.CharField("DSL phone", max_length=40, blank=True)
    # The school's own session times: when its morning and afternoon sessions end (and the
    # afternoon starts), for the census's sessions a week and for which sessions have ended.
    am_session_start = models.TimeField("morning session starts", default=datetime.time(8, 45))
    am_session_end = models.TimeField("morning session ends", default=datetime.time(12, 0))
    pm_session_start = models.TimeField("afternoon session starts", default=datetime.time(13, 0))
    pm_session_end = models.TimeField("afternoon session ends", default=datetime.time(15, 15))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="school_sessions_in_order",
                condition=Q(am_session_end__gt=models.F("am_session_start"))
                & Q(pm_session_start__gte=models.F("am_session_end"))
                & Q(pm_session_end__gt=models.F("pm_session_start")),
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    SCHOOL_COORDINATOR = "school_coordinator", "School AP coordinator"
    PARTNERSHIP_COORDINATOR = "partnership_coordinator", "Partnership co-ordinator"
    DSL = "dsl", "Designated safeguarding lead"
    HEAD = "head", "Headteacher"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    SUPERUSER = "superuser", "Superuser"


class Membership(models.Model):
    """A user's role at one school, partnership or provider."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    provider = models.ForeignKey(
        "providers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_one_organisation",
                condition=(
                    Q(role="superuser", school__isnull=True, partnership__isnull=True, provider__isnull=True)
                    | Q(school__isnull=False, partnership__isnull=True, provider__isnull=True)
                    | Q(school__isnull=True, partnership__isnull=False, provider__isnull=True)
                    | Q(school__isnull=True, partnership__isnull=True, provider__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="membership_provider_staff_at_provider",
                condition=Q(role="provider_staff", provider__isnull=False)
                | (~Q(role="provider_staff") & Q(provider__isnull=True)),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school", "partnership", "provider"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        where = self.school or self.partnership or self.provider or "everywhere"
        return f"{self.user} — {self.get_role_display()} at {where}"


class AcademicYearQuerySet(models.QuerySet):
    def overlapping(self, start, end):
        """Academic years with at least one day in [start, end]."""
        return self.filter(start_date__lte=end).exclude(end_date__lt=start)


class AcademicYear(models.Model):
    label = models.CharField(max_length=7, unique=True, help_text="For example 2026/27")
    start_date = models.DateField()
    end_date = models.DateField()

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="academic_year_end_after_start", condition=Q(end_date__gt=models.F("start_date"))
            )
        ]

    def __str__(self):
        return self.label


class HalfTerm(models.Model):
    """A half term. Rows with no partnership are England's usual pattern; a partnership's own
    rows (its LA's term dates) replace them for that academic year."""

    class Name(models.TextChoices):
        AUTUMN_1 = "Autumn 1"
        AUTUMN_2 = "Autumn 2"
        SPRING_1 = "Spring 1"
        SPRING_2 = "Spring 2"
        SUMMER_1 = "Summer 1"
        SUMMER_2 = "Summer 2"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="half_terms")
    name = models.CharField(max_length=10, choices=Name.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="half_terms"
    )

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                name="half_term_end_not_before_start", condition=Q(start_date__lte=models.F("end_date"))
            ),
            models.UniqueConstraint(
                fields=["academic_year", "name", "partnership"], name="half_term_unique", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.academic_year}"

    @property
    def dates(self) -> HalfTermDates:
        return HalfTermDates(self.id, self.start_date, self.end_date)


class Closure(models.Model):
    """A day a school (or every school of a partnership) is closed: INSET, bank holiday."""

    date = models.DateField()
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                name="closure_school_or_partnership",
                condition=Q(school__isnull=True) | Q(partnership__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.reason}"

    def clean(self):
        # The page, the API and the admin all save through full_clean: one wording of the rule.
        if self.school_id and self.partnership_id:
            raise ValidationError(
                {"partnership": "A closure is for one school or a whole partnership, not both."}
            )
        if not self.school_id and not self.partnership_id:
            raise ValidationError({"school": "Choose the school or the partnership that is closed."})


class AuditEvent(models.Model):
    """Append-only, hash-chained record of who read or wrote what. The database refuses
    UPDATE and DELETE (see migration), and each row carries the previous row's hash."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def compute_hash(self):
        payload = json.dumps(
            {
                "actor": self.actor_id,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": str(self.object_id),
                "details": self.details,
                "ip_address": self.ip_address,
                "created_at": self.created_at.isoformat(),
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class AuditAnchor(models.Model):
    """The running length and head of the audit chain, moved on by every append: a chain found
    shorter than this (its tail cut off) is reported by `verify_audit` (issue 13)."""

    length = models.PositiveBigIntegerField(default=0)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Audit chain anchored at {self.length} events (last #{self.last_event_id})"


class TokenSecondFactor(models.Model):
    """Marks an API token as issued with a valid one-time code. A DSL's or head's token is honoured
    only with one; every token of a user goes when their roles change (`apdash.signals`)."""

    token = models.OneToOneField(
        Token, primary_key=True, on_delete=models.CASCADE, related_name="second_factor"
    )
    verified_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Token of {self.token.user} issued with a one-time code at {self.verified_at:%d/%m/%Y %H:%M}"
